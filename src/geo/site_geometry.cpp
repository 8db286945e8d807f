// Builds a site's geodesic buffers once, for vector overlay, raster statistics and maps.
#include "geo/site_geometry.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "core/errors.h"
#include "geo/geodesic.h"
#include "geo/local_frame.h"

namespace sitescreen {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Splits lon/lat edges longer than `max_deg` so that straight lon/lat edges
// keep their shape once projected into the local frame.
Ring densify_ll(const Ring& ring, double max_deg) {
    Ring out;
    if (ring.empty()) return out;
    out.reserve(ring.size());
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const Point& a = ring[i];
        const Point& b = ring[i + 1];
        out.push_back(a);
        const double len = std::max(std::fabs(b.x() - a.x()), std::fabs(b.y() - a.y()));
        const int steps = static_cast<int>(std::ceil(len / max_deg));
        for (int k = 1; k < steps; ++k) {
            const double t = static_cast<double>(k) / steps;
            out.push_back(Point(a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y())));
        }
    }
    out.push_back(ring.back());
    return out;
}

MultiPolygon densify_ll(const MultiPolygon& mp, double max_deg) {
    MultiPolygon out;
    for (const auto& p : mp) {
        Polygon q;
        q.outer() = densify_ll(p.outer(), max_deg);
        for (const auto& h : p.inners()) q.inners().push_back(densify_ll(h, max_deg));
        out.push_back(std::move(q));
    }
    return out;
}

// Area of a geodesic disc: pi r^2 (1 - K r^2 / 12) with K the Gaussian curvature
// at the centre; the neglected terms are below 1e-9 relative for r < 200 km.
double disc_area_fast(LonLat c, double r) {
    if (r > 200e3) return geodesic::disc_area_m2(c, r);
    const double k = 1.0 / (geodesic::meridional_radius_m(c.lat) * geodesic::prime_vertical_radius_m(c.lat));
    return kPi * r * r * (1 - k * r * r / 12.0);
}

}  // namespace

Ring polar_cap_ll(const Ring& ring) {
    if (ring.size() < 4) return ring;
    // Longitudes unwrapped along the ring: a ring around a pole turns once.
    Ring out;
    out.reserve(ring.size() + 40);
    double lon = ring.front().x();
    out.push_back(ring.front());
    for (std::size_t i = 1; i < ring.size(); ++i) {
        lon += std::remainder(ring[i].x() - ring[i - 1].x(), 360.0);
        out.push_back(Point(lon, ring[i].y()));
    }
    const double turn = out.back().x() - out.front().x();
    if (std::fabs(turn) < 180) return ring;  // around no pole
    double lat_sum = 0;
    for (const auto& p : ring) lat_sum += p.y();
    const double pole = lat_sum > 0 ? 90.0 : -90.0;
    // Back along the pole's line (a point on the ellipsoid, a side of the
    // lon/lat polygon), in steps of 10 degrees.
    const double from = out.back().x(), to = out.front().x();
    const int steps = static_cast<int>(std::ceil(std::fabs(to - from) / 10.0));
    for (int k = 0; k <= steps; ++k) out.push_back(Point(from + (to - from) * k / steps, pole));
    out.push_back(out.front());
    // Counter-clockwise in lon/lat, as every ring here.
    double twice_area = 0;
    for (std::size_t i = 0; i + 1 < out.size(); ++i)
        twice_area += out[i].x() * out[i + 1].y() - out[i + 1].x() * out[i].y();
    if (twice_area < 0) std::reverse(out.begin(), out.end());
    return out;
}

Ring geodesic_circle_ll(LonLat centre, double radius_m, int n, bool inflated) {
    // A regular n-gon inscribed in a circle of radius R has area
    // n/2 R^2 sin(2 pi / n); inflate R so that it equals pi r^2.
    const double inflate = inflated ? std::sqrt(2 * kPi / (n * std::sin(2 * kPi / n))) : 1.0;
    Ring ring;
    ring.resize(n);
    // Azimuths clockwise from north; walk them backwards for a CCW ring:
    // vertex i at azimuth 2 pi (n - i) / n. A geodesic circle is symmetric
    // about its centre's meridian, so vertices i and n - i are mirror images:
    // the western half (i <= n / 2) is solved, the eastern half mirrored (half
    // the direct problems; the difference is a rounding of the longitude).
    // The azimuths' sines and cosines, the same for every circle of n vertices.
    thread_local int table_n = 0;
    thread_local std::vector<std::pair<double, double>> table;
    if (table_n != n) {
        table.clear();
        for (int i = 0; 2 * i <= n; ++i) {
            const double az = 2 * kPi * (n - i) / n;
            table.emplace_back(std::sin(az), std::cos(az));
        }
        table_n = n;
    }
    const LocalFrame frame(centre);
    const double s = radius_m * inflate;
    for (int i = 0; 2 * i <= n; ++i) {
        const LonLat p = frame.direct(Point(s * table[i].first, s * table[i].second));
        ring[i] = Point(p.lon, p.lat);
        if (i == 0 || 2 * i == n) continue;
        double west = p.lon - centre.lon;  // exact (Sterbenz) away from the antimeridian
        if (west > 180) west -= 360;
        if (west < -180) west += 360;
        double lon = centre.lon - west;
        if (lon > 180) lon -= 360;
        if (lon < -180) lon += 360;
        ring[n - i] = Point(lon, p.lat);
    }
    ring.push_back(ring.front());
    return ring;
}

const std::vector<MultiPolygon>& SiteGeometry::buffers_ll() const {
    std::call_once(buffers_->built_ll, [this] {
        for (double r : radii_m) {
            Polygon ll;
            ll.outer() = geodesic_circle_ll(centre, r, circle_segments);
            // Around a pole the lon/lat edges between the vertices follow
            // the circle (parallels, nearly), not its chords: no inflation.
            const Ring cap = polar_cap_ll(ll.outer());
            if (cap.size() != ll.outer().size())
                ll.outer() = polar_cap_ll(geodesic_circle_ll(centre, r, circle_segments, false));
            buffers_->ll.push_back(MultiPolygon{ll});
        }
    });
    return buffers_->ll;
}

const std::vector<MultiPolygon>& SiteGeometry::buffers_xy() const {
    std::call_once(buffers_->built_xy, [this] {
        const int n = circle_segments;
        const double inflate = std::sqrt(2 * kPi / (n * std::sin(2 * kPi / n)));
        for (double r : radii_m) {
            Polygon xy;
            for (int i = 0; i <= n; ++i) {
                const double a = 2 * kPi * (i % n) / n;
                xy.outer().push_back(Point(r * inflate * std::cos(a), r * inflate * std::sin(a)));
            }
            buffers_->xy.push_back(MultiPolygon{xy});
        }
    });
    return buffers_->xy;
}

SiteGeometry make_site_geometry(LonLat centre, const MultiPolygon* footprint_ll, const std::vector<double>& radii_m,
                                int circle_segments) {
    SiteGeometry g;
    g.radii_m = radii_m;
    std::sort(g.radii_m.begin(), g.radii_m.end());
    g.radii_m.erase(std::unique(g.radii_m.begin(), g.radii_m.end()), g.radii_m.end());
    if (!g.radii_m.empty() && g.radii_m.front() <= 0) throw SiteError("buffer distances must be positive");
    g.circle_segments = circle_segments;

    if (footprint_ll == nullptr || footprint_ll->empty()) {
        g.is_point = true;
        g.centre = centre;
        for (double r : g.radii_m) g.buffer_area_m2.push_back(disc_area_fast(centre, r));
        return g;  // the circles themselves on first use (buffers_ll(), buffers_xy())
    }

    g.is_point = false;
    g.footprint_ll = *footprint_ll;
    g.centre = centre;
    const LocalFrame frame(centre);
    // 0.005 degree (about 500 m) edges: projected chords then stay within
    // centimetres of the lon/lat edges.
    g.footprint_xy = frame.forward(densify_ll(g.footprint_ll, 0.005));
    std::call_once(g.buffers_->built_xy, [] {});  // both made here, below
    std::call_once(g.buffers_->built_ll, [&] {
        for (double r : g.radii_m) {
            namespace strat = bg::strategy::buffer;
            MultiPolygon out;
            bg::buffer(g.footprint_xy, out, strat::distance_symmetric<double>(r), strat::side_straight(),
                       strat::join_round(circle_segments), strat::end_flat(), strat::point_circle(circle_segments));
            if (out.empty()) throw SiteError("could not build the " + std::to_string(r) + " m buffer of the footprint");
            MultiPolygon ll = frame.inverse(out);
            g.buffer_area_m2.push_back(geodesic::polygon_area_m2(ll));  // Karney's area holds around a pole
            for (Polygon& p : ll) p.outer() = polar_cap_ll(p.outer());
            g.buffers_->xy.push_back(std::move(out));
            g.buffers_->ll.push_back(std::move(ll));
        }
    });
    return g;
}

}  // namespace sitescreen
