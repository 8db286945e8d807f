// Geodesic computations on WGS 84 via PROJ's implementation of Karney's algorithms.
#include "geo/geodesic.h"

#include <geodesic.h>

#include <algorithm>
#include <cmath>

namespace sitescreen::geodesic {
namespace {

const geod_geodesic& wgs84() {
    static const geod_geodesic g = [] {
        geod_geodesic x;
        geod_init(&x, kWgs84A, kWgs84F);
        return x;
    }();
    return g;
}

constexpr double kPi = 3.14159265358979323846;
constexpr double kDeg = kPi / 180.0;

// Integral used for zone areas on the ellipsoid: area between the equator and
// latitude phi per radian of longitude is a^2 * q(phi) / 2 (Snyder 1987, eq. 3-12).
double q_of(double phi) {
    const double e2 = kWgs84F * (2 - kWgs84F);
    const double e = std::sqrt(e2);
    const double s = std::sin(phi);
    return (1 - e2) * (s / (1 - e2 * s * s) - (1 / (2 * e)) * std::log((1 - e * s) / (1 + e * s)));
}

// q(90 deg) - q(phi), without the cancellation of the difference as it
// stands (near the pole both are near 2 and agree to eight digits at 1 km):
// (1 - s)(1 + e^2 s) / (1 - e^2 s^2) + (1 - e^2) atanh(e (1 - s) / (1 - e^2 s)) / e,
// 1 - s = 2 sin^2((90 deg - phi) / 2).
double q_from_north_pole(double phi) {
    const double e2 = kWgs84F * (2 - kWgs84F);
    const double e = std::sqrt(e2);
    const double s = std::sin(phi), h = std::sin(0.5 * (0.5 * kPi - phi));
    const double one_minus_s = 2 * h * h;
    return one_minus_s * (1 + e2 * s) / (1 - e2 * s * s) + (1 - e2) * std::atanh(e * one_minus_s / (1 - e2 * s)) / e;
}

// Zone integrals for areas poleward of 60 degrees are taken from the pole
// (q_from_north_pole; q is odd), where they are small and exact; elsewhere
// q itself (unchanged figures at lower latitudes).
constexpr double kPolarZoneDeg = 60.0;

template <typename RingT>
double ring_area(const RingT& ring) {
    geod_polygon poly;
    geod_polygon_init(&poly, 0);
    const std::size_t n = ring.size();
    if (n < 4) return 0;
    for (std::size_t i = 0; i + 1 < n; ++i) geod_polygon_addpoint(&wgs84(), &poly, ring[i].y(), ring[i].x());
    double area = 0, perimeter = 0;
    geod_polygon_compute(&wgs84(), &poly, 0, 1, &area, &perimeter);
    return std::fabs(area);
}

}  // namespace

double distance_m(LonLat a, LonLat b) {
    double s = 0, az1 = 0, az2 = 0;
    geod_inverse(&wgs84(), a.lat, a.lon, b.lat, b.lon, &s, &az1, &az2);
    return s;
}

void inverse(LonLat a, LonLat b, double& distance, double& azimuth_deg) {
    double az2 = 0;
    geod_inverse(&wgs84(), a.lat, a.lon, b.lat, b.lon, &distance, &azimuth_deg, &az2);
}

LonLat direct(LonLat from, double azimuth_deg, double distance) {
    double lat = 0, lon = 0, az2 = 0;
    geod_direct(&wgs84(), from.lat, from.lon, azimuth_deg, distance, &lat, &lon, &az2);
    return {lon, lat};
}

double polygon_area_m2(const Polygon& p) {
    double a = ring_area(p.outer());
    for (const auto& h : p.inners()) a -= ring_area(h);
    return std::max(0.0, a);
}

double polygon_area_m2(const MultiPolygon& mp) {
    double a = 0;
    for (const auto& p : mp) a += polygon_area_m2(p);
    return a;
}

double disc_area_m2(LonLat centre, double radius_m) {
    if (radius_m <= 0) return 0;
    // A geodesic polygon inscribed in the circle, refined by Richardson
    // extrapolation in the vertex count: the inscribed-polygon error falls as
    // 1/n^2, so (4 A(2n) - A(n)) / 3 cancels the leading term.
    auto polygon_area = [&](int n) {
        geod_polygon poly;
        geod_polygon_init(&poly, 0);
        for (int i = 0; i < n; ++i) {
            const LonLat p = direct(centre, 360.0 * i / n, radius_m);
            geod_polygon_addpoint(&wgs84(), &poly, p.lat, p.lon);
        }
        double area = 0, perimeter = 0;
        geod_polygon_compute(&wgs84(), &poly, 0, 1, &area, &perimeter);
        return std::fabs(area);
    };
    const double a1 = polygon_area(1024), a2 = polygon_area(2048);
    return (4 * a2 - a1) / 3;
}

double lonlat_cell_area_m2(double lat_south_deg, double lat_north_deg, double dlon_deg) {
    double dq = q_of(lat_north_deg * kDeg) - q_of(lat_south_deg * kDeg);
    if (std::min(lat_south_deg, lat_north_deg) >= kPolarZoneDeg)
        dq = q_from_north_pole(lat_south_deg * kDeg) - q_from_north_pole(lat_north_deg * kDeg);
    else if (std::max(lat_south_deg, lat_north_deg) <= -kPolarZoneDeg)
        dq = q_from_north_pole(-lat_north_deg * kDeg) - q_from_north_pole(-lat_south_deg * kDeg);
    const double zone = 0.5 * kWgs84A * kWgs84A * std::fabs(dq);
    return zone * std::fabs(dlon_deg) * kDeg;
}

namespace {
// -integral of G(lat) dlon along the ring, G = a^2 q / 2 the zone area per radian
// (a constant added to q changes nothing round a closed ring: a ring poleward
// of 60 degrees takes q - q(+-90 deg), exact there).
double lonlat_ring_area(const Ring& ring) {
    constexpr double kNode = 0.77459666924148337704;  // sqrt(3/5)
    double lo = 90, hi = -90;
    for (const auto& p : ring) lo = std::min(lo, p.y()), hi = std::max(hi, p.y());
    const int polar = lo >= kPolarZoneDeg ? 1 : hi <= -kPolarZoneDeg ? -1 : 0;
    auto q = [polar](double phi) {
        if (polar > 0) return -q_from_north_pole(phi);
        if (polar < 0) return q_from_north_pole(-phi);
        return q_of(phi);
    };
    double sum = 0;
    for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
        const double l1 = ring[i].x(), l2 = ring[i + 1].x();
        if (l1 == l2) continue;
        const double p1 = ring[i].y() * kDeg, p2 = ring[i + 1].y() * kDeg;
        const double mid = (p1 + p2) / 2, half = (p2 - p1) / 2;
        const double mean = (5 * q(mid - kNode * half) + 8 * q(mid) + 5 * q(mid + kNode * half)) / 18;
        sum -= (l2 - l1) * kDeg * mean;
    }
    return 0.5 * kWgs84A * kWgs84A * sum;
}
}  // namespace

double lonlat_polygon_area_m2(const Polygon& p) {
    double a = std::fabs(lonlat_ring_area(p.outer()));
    for (const auto& h : p.inners()) a -= std::fabs(lonlat_ring_area(h));
    return std::max(0.0, a);
}

double meridional_radius_m(double lat_deg) {
    const double e2 = kWgs84F * (2 - kWgs84F);
    const double s = std::sin(lat_deg * kDeg);
    return kWgs84A * (1 - e2) / std::pow(1 - e2 * s * s, 1.5);
}

double prime_vertical_radius_m(double lat_deg) {
    const double e2 = kWgs84F * (2 - kWgs84F);
    const double s = std::sin(lat_deg * kDeg);
    return kWgs84A / std::sqrt(1 - e2 * s * s);
}

Box bounding_box(LonLat c, double radius_m) {
    const double margin = 1.01;  // 1% safety for the ellipsoid's variation across the box
    const double dlat = radius_m * margin / meridional_radius_m(c.lat) / kDeg;
    const double south = std::max(-90.0, c.lat - dlat);
    const double north = std::min(90.0, c.lat + dlat);
    // The widest longitude extent is reached at the latitude farthest from the equator.
    const double far_lat = std::max(std::fabs(south), std::fabs(north));
    if (far_lat >= 89.0) return Box(Point(-180, south), Point(180, north));
    const double ratio =
        std::min(1.0, std::sin(radius_m * margin / prime_vertical_radius_m(far_lat)) / std::cos(far_lat * kDeg));
    const double dlon = std::asin(ratio) / kDeg;
    if (ratio >= 1.0 || dlon >= 180.0) return Box(Point(-180, south), Point(180, north));
    return Box(Point(c.lon - dlon, south), Point(c.lon + dlon, north));
}

namespace {
// The central angle (radians) on a unit sphere from (lat_deg, lon) to the
// nearest point of a lat/lon box (west <= east, both within [-180, 180]),
// across the antimeridian and the poles; 0 inside.
double sphere_box_angle(double lat_deg, double lon, double west, double south, double east, double north) {
    // The longitude offset of the point from the box's range, in [0, 180].
    const double mid = 0.5 * (west + east), half = 0.5 * (east - west);
    const double off = std::fabs(std::remainder(lon - mid, 360.0));
    const double phi = lat_deg * kDeg;
    if (off <= half) {
        // Along the point's meridian, which crosses the box.
        return lat_deg < south ? (south - lat_deg) * kDeg : lat_deg > north ? (lat_deg - north) * kDeg : 0.0;
    }
    // To the nearer meridian side (a parallel's nearest point to c lies at
    // the end nearer in longitude, so the box's nearest point is on a
    // meridian side). Along a meridian at longitude offset dl, the cosine
    // of the angle is cos(lat - alpha) * k: largest at lat = alpha, and
    // over [south, north] at alpha clamped into it.
    const double dl = (off - half) * kDeg;
    const double sp = std::sin(phi), cp = std::cos(phi) * std::cos(dl);
    const double alpha = std::atan2(sp, cp) / kDeg;  // in (-180, 180]
    double best_cos = -1;
    for (const double lat : {std::clamp(alpha, south, north), south, north}) {
        const double l = lat * kDeg;
        best_cos = std::max(best_cos, sp * std::sin(l) + cp * std::cos(l));
    }
    return std::acos(std::clamp(best_cos, -1.0, 1.0));
}

// Reduced (parametric) latitude, degrees: tan(beta) = (1 - f) tan(phi).
double reduced_lat_deg(double lat_deg) {
    if (std::fabs(lat_deg) >= 90) return lat_deg;
    return std::atan((1 - kWgs84F) * std::tan(lat_deg * kDeg)) / kDeg;
}
}  // namespace

double box_distance_lower_bound_m(LonLat c, const Box& b) {
    const double angle =
        sphere_box_angle(c.lat, c.lon, b.min_corner().x(), b.min_corner().y(), b.max_corner().x(), b.max_corner().y());
    const double b_axis = kWgs84A * (1 - kWgs84F);
    return std::max(0.0, 0.995 * b_axis * angle);
}

double reduced_box_distance_lower_bound_m(LonLat c, const Box& b) {
    const double angle =
        sphere_box_angle(reduced_lat_deg(c.lat), c.lon, b.min_corner().x(), reduced_lat_deg(b.min_corner().y()),
                         b.max_corner().x(), reduced_lat_deg(b.max_corner().y()));
    // 1e-9 of the distance and a millimetre for rounding (acos near 1).
    const double b_axis = kWgs84A * (1 - kWgs84F);
    return std::max(0.0, b_axis * angle * (1 - 1e-9) - 1e-3);
}

double segment_distance_m(LonLat c, const Point& a, const Point& b, double best_m) {
    const double dlon = b.x() - a.x(), dlat = b.y() - a.y();
    const int steps =
        std::max(1, static_cast<int>(std::ceil(std::max(std::fabs(dlon), std::fabs(dlat)) / kSegmentStepDeg)));
    auto at = [&](double t) { return LonLat{a.x() + t * dlon, a.y() + t * dlat}; };
    // Length bound of one stretch: ds^2 = M^2 dphi^2 + N^2 cos^2(phi) dlon^2,
    // with M, N <= a^2 / b (the radius of curvature at the poles) and
    // cos(phi) at most its value at the lowest |lat| of the segment.
    const double r_max = kWgs84A / (1 - kWgs84F);
    const double min_abs_lat = (a.y() <= 0) != (b.y() <= 0) ? 0.0 : std::min(std::fabs(a.y()), std::fabs(b.y()));
    const double step_len = r_max * std::hypot(dlat / steps * kDeg, dlon / steps * kDeg * std::cos(min_abs_lat * kDeg));
    double d0 = distance_m(c, at(0));
    best_m = std::min(best_m, d0);
    for (int i = 1; i <= steps; ++i) {
        const double t0 = static_cast<double>(i - 1) / steps, t1 = static_cast<double>(i) / steps;
        const double d1 = distance_m(c, at(t1));
        best_m = std::min(best_m, d1);
        // Any point of the stretch is within its length of both ends.
        if (0.5 * (d0 + d1 - step_len) < best_m) {
            double lo = t0, hi = t1, f_lo = d0, f_hi = d1;
            constexpr double kGold = 0.61803398874989485;
            double x1 = hi - kGold * (hi - lo), x2 = lo + kGold * (hi - lo);
            double f1 = distance_m(c, at(x1)), f2 = distance_m(c, at(x2));
            best_m = std::min({best_m, f1, f2});
            // The interval shrinks by 0.618 a step: 40 steps take a 1 km
            // stretch to below a micrometre. The bracket holds the stretch's
            // nearest point; once nothing in it can be nearer than the best
            // so far (its ends' distances less its length, as above), the
            // stretch is done: far from a feature the distance along its
            // near side is nearly flat, and most stretches within their
            // length of the best end here after a few steps, not forty.
            for (int k = 0; k < 40 && (hi - lo) * step_len / (t1 - t0) > 1e-6; ++k) {
                if (f1 < f2) {
                    hi = x2;
                    f_hi = f2;
                    x2 = x1;
                    f2 = f1;
                    x1 = hi - kGold * (hi - lo);
                    f1 = distance_m(c, at(x1));
                } else {
                    lo = x1;
                    f_lo = f1;
                    x1 = x2;
                    f1 = f2;
                    x2 = lo + kGold * (hi - lo);
                    f2 = distance_m(c, at(x2));
                }
                best_m = std::min({best_m, f1, f2});
                if (0.5 * (f_lo + f_hi - (hi - lo) * step_len / (t1 - t0)) >= best_m) break;
            }
        }
        d0 = d1;
    }
    return best_m;
}

}  // namespace sitescreen::geodesic
