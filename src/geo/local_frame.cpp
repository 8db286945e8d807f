// Site-centred azimuthal equidistant frame: exact geodesic distance and azimuth from the centre.
#include "geo/local_frame.h"

#include <cmath>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "geo/geodesic.h"

namespace sitescreen {
namespace {
constexpr double kDeg = 3.14159265358979323846 / 180.0;

// Below this angle (radians, 2.9 degrees) the Taylor series up to x^9 / x^8
// give sine and cosine to within 3e-20, below double rounding, at a fraction
// of the cost of sincos (forward() runs on every vertex a buffer meets).
constexpr double kSmallAngle = 0.05;
// (Templates: forward_many runs the same series on two lanes at once.)
template <class T>
inline void small_sincos(T x, T& s, T& c) {
    const T x2 = x * x;
    s = x * (1 - x2 / 6 * (1 - x2 / 20 * (1 - x2 / 42 * (1 - x2 / 72))));
    c = 1 - x2 / 2 * (1 - x2 / 12 * (1 - x2 / 30 * (1 - x2 / 56)));
}
// asin for 0 <= x <= 0.016 (a chord of 200 km over twice the radius), series to x^9.
template <class T>
inline T small_asin(T x) {
    const T x2 = x * x;
    return x * (1 + x2 * (1.0 / 6 + x2 * (3.0 / 40 + x2 * (5.0 / 112 + x2 * (35.0 / 1152)))));
}
}  // namespace

constexpr double kA = geodesic::kWgs84A;
constexpr double kE2 = geodesic::kWgs84F * (2 - geodesic::kWgs84F);
constexpr double kEp2 = kE2 / (1 - kE2);

LocalFrame::LocalFrame(LonLat centre) : centre_(centre) {
    sin0_ = std::sin(centre.lat * kDeg);
    cos0_ = std::cos(centre.lat * kDeg);
    const double w = std::sqrt(1 - kE2 * sin0_ * sin0_);
    n0_ = kA / w;
    m0_ = kA * (1 - kE2) / (w * w * w);
    x0_ = n0_ * cos0_;
    z0_ = n0_ * (1 - kE2) * sin0_;
}

Point LocalFrame::forward(LonLat p) const {
    Point xy;
    if (fast_forward(p, kFastChordM, xy)) return xy;
    double s = 0, az = 0;
    geodesic::inverse(centre_, p, s, az);
    return Point(s * std::sin(az * kDeg), s * std::cos(az * kDeg));
}

bool LocalFrame::fast_forward(LonLat p, double max_chord, Point& xy) const {
    // Fast path: ECEF with longitudes taken from the centre's meridian.
    double dlon = p.lon - centre_.lon;
    if (dlon > 180) dlon -= 360;
    if (dlon < -180) dlon += 360;
    const double dl = dlon * kDeg, dp = (p.lat - centre_.lat) * kDeg;
    double sp, cp, sl, cl;
    if (std::fabs(dl) < kSmallAngle && std::fabs(dp) < kSmallAngle) {
        // Near the centre: the latitude's sine and cosine from the centre's by the sum formulas.
        double sd, cd;
        small_sincos(dl, sl, cl);
        small_sincos(dp, sd, cd);
        sp = sin0_ * cd + cos0_ * sd;
        cp = cos0_ * cd - sin0_ * sd;
    } else {
        sp = std::sin(p.lat * kDeg);
        cp = std::cos(p.lat * kDeg);
        sl = std::sin(dl);
        cl = std::cos(dl);
    }
    const double n = kA / std::sqrt(1 - kE2 * sp * sp);
    const double dx = n * cp * cl - x0_, dy = n * cp * sl, dz = n * (1 - kE2) * sp - z0_;
    const double east = dy;
    const double north = -sin0_ * dx + cos0_ * dz;
    const double up = cos0_ * dx + sin0_ * dz;
    const double h2 = east * east + north * north;
    const double chord = std::sqrt(h2 + up * up);
    if (chord >= max_chord) return false;
    if (h2 == 0) {
        xy = Point(0, 0);
        return true;
    }
    // Radius of curvature of the normal section in this azimuth (Euler),
    // and the arc of that circle under the chord.
    const double r = 1.0 / ((north * north / h2) / m0_ + (east * east / h2) / n0_);
    const double s = 2 * r * (chord < kFastChordM ? small_asin(chord / (2 * r)) : std::asin(chord / (2 * r)));
    const double k = s / std::sqrt(h2);
    // The geodesic leaves a third of the way from this normal section
    // towards the reciprocal one: its azimuth is smaller by
    // e'^2 s^2 cos^2(lat0) sin(2 az) / (12 N0^2).
    const double d = -kEp2 * s * s * cos0_ * cos0_ * (2 * east * north / h2) / (12 * n0_ * n0_);
    // |d| < 1e-6 rad within kFastChordM: two terms of each series are
    // exact in double precision, and cheaper than cos() and sin().
    const double cd = 1 - 0.5 * d * d, sd = d - d * d * d / 6;
    const double x = east * k, y = north * k;
    xy = Point(x * cd + y * sd, y * cd - x * sd);
    return true;
}

namespace {
inline LonLat lonlat_of(const LonLat& p) { return p; }
inline LonLat lonlat_of(const Point& p) { return LonLat{p.x(), p.y()}; }
}  // namespace

void LocalFrame::forward(const LonLat* lonlat, std::size_t n, Point* xy) const { forward_many(lonlat, n, xy); }
void LocalFrame::forward(const Point* lonlat, std::size_t n, Point* xy) const { forward_many(lonlat, n, xy); }

template <class P>
void LocalFrame::forward_many(const P* in, std::size_t n, Point* xy) const {
    std::size_t i = 0;
#if defined(__SSE2__)
    // fast_forward() of two points at once, the same operations in the same order on each lane
    // (IEEE division and square root give the same bits two at a time as one at a time; no
    // fused multiply-add is used by either). A pair that leaves the near-centre branch, lies a
    // chord of kFastChordM or more away, or at the centre, is done one point at a time.
    using V = double __attribute__((vector_size(16)));
    const auto all = [](auto mask) { return mask[0] && mask[1]; };
    for (; i + 2 <= n; i += 2) {
        V dlon = {lonlat_of(in[i]).lon - centre_.lon, lonlat_of(in[i + 1]).lon - centre_.lon};
        dlon = dlon > 180 ? dlon - 360 : dlon;
        dlon = dlon < -180 ? dlon + 360 : dlon;
        const V lat = {lonlat_of(in[i]).lat, lonlat_of(in[i + 1]).lat};
        const V dl = dlon * kDeg, dp = (lat - centre_.lat) * kDeg;
        const V adl = dl < 0 ? -dl : dl, adp = dp < 0 ? -dp : dp;
        if (!all(adl < kSmallAngle && adp < kSmallAngle)) {
            xy[i] = forward(lonlat_of(in[i]));
            xy[i + 1] = forward(lonlat_of(in[i + 1]));
            continue;
        }
        V sl, cl, sd, cd;
        small_sincos(dl, sl, cl);
        small_sincos(dp, sd, cd);
        const V sp = sin0_ * cd + cos0_ * sd;
        const V cp = cos0_ * cd - sin0_ * sd;
        const V nn = kA / V(_mm_sqrt_pd(1 - kE2 * sp * sp));
        const V dx = nn * cp * cl - x0_, dy = nn * cp * sl, dz = nn * (1 - kE2) * sp - z0_;
        const V east = dy;
        const V north = -sin0_ * dx + cos0_ * dz;
        const V up = cos0_ * dx + sin0_ * dz;
        const V h2 = east * east + north * north;
        const V chord = V(_mm_sqrt_pd(h2 + up * up));
        if (!all(chord < kFastChordM && h2 != 0)) {
            xy[i] = forward(lonlat_of(in[i]));
            xy[i + 1] = forward(lonlat_of(in[i + 1]));
            continue;
        }
        const V r = 1.0 / ((north * north / h2) / m0_ + (east * east / h2) / n0_);
        const V s = 2 * r * small_asin(V(chord / (2 * r)));
        const V k = s / V(_mm_sqrt_pd(h2));
        const V d = -kEp2 * s * s * cos0_ * cos0_ * (2 * east * north / h2) / (12 * n0_ * n0_);
        const V cdd = 1 - 0.5 * d * d, sdd = d - d * d * d / 6;
        const V ex = east * k, ny = north * k;
        const V ox = ex * cdd + ny * sdd, oy = ny * cdd - ex * sdd;
        xy[i] = Point(ox[0], oy[0]);
        xy[i + 1] = Point(ox[1], oy[1]);
    }
#endif
    for (; i < n; ++i) xy[i] = forward(lonlat_of(in[i]));
}

LonLat LocalFrame::direct(const Point& xy) const {
    // Metres within a few thousand kilometres: no overflow to guard against, so no hypot.
    const double s = std::sqrt(xy.x() * xy.x() + xy.y() * xy.y());
    if (s == 0) return centre_;
    if (s >= kFastChordM) return geodesic::direct(centre_, std::atan2(xy.x(), xy.y()) / kDeg, s);
    // Undo forward()'s azimuth turn (its size taken from the turned
    // direction: the difference is of second order, ~1e-12 rad).
    const double ux = xy.x() / s, uy = xy.y() / s;
    const double d = -kEp2 * s * s * cos0_ * cos0_ * (2 * ux * uy) / (12 * n0_ * n0_);
    const double cd = 1 - 0.5 * d * d, sd = d - d * d * d / 6;  // as in forward()
    const double ue = ux * cd - uy * sd, un = uy * cd + ux * sd;
    // Along the normal section's osculating circle (Euler radius), then to
    // ECEF. The half angle s / 2r is below 0.016 rad within kFastChordM,
    // where small_sincos is exact in double precision.
    const double r = 1.0 / (un * un / m0_ + ue * ue / n0_);
    double half_s, half_c;
    small_sincos(s / (2 * r), half_s, half_c);
    const double horizontal = 2 * r * half_s * half_c, up = -2 * r * half_s * half_s;
    const double east = ue * horizontal, north = un * horizontal;
    const double x = x0_ - sin0_ * north + cos0_ * up, y = east, z = z0_ + cos0_ * north + sin0_ * up;
    // Geodetic latitude of the foot on the ellipsoid (Bowring; the point is
    // within millimetres of the surface). The parametric latitude's sine
    // and cosine come from its tangent (z a) / (p b) without a trigonometric call.
    const double p = std::sqrt(x * x + y * y);
    const double b = kA * std::sqrt(1 - kE2);
    const double tu = p * b, tv = z * kA, inv = 1.0 / std::sqrt(tu * tu + tv * tv);
    const double ct = tu * inv, st = tv * inv;
    const double lat = std::atan2(z + kEp2 * b * st * st * st, p - kE2 * kA * ct * ct * ct);
    double lon = centre_.lon + std::atan2(y, x) / kDeg;
    if (lon > 180) lon -= 360;
    if (lon < -180) lon += 360;
    return LonLat{lon, lat / kDeg};
}

LonLat LocalFrame::inverse(const Point& xy) const {
    const double s = std::hypot(xy.x(), xy.y());
    if (s == 0) return centre_;
    LonLat p = direct(xy);
    // Make it the inverse of forward() exactly (the two fast paths differ by
    // millimetres at 200 km): Newton steps with the local scale.
    for (int i = 0; i < 3; ++i) {
        const Point f = forward(p);
        const double dx = xy.x() - f.x(), dy = xy.y() - f.y();
        if (dx == 0 && dy == 0) break;
        const double lat_r = p.lat * kDeg;
        const double w = std::sqrt(1 - kE2 * std::sin(lat_r) * std::sin(lat_r));
        const double m = kA * (1 - kE2) / (w * w * w), n = kA / w;
        p.lat += dy / m / kDeg;
        p.lon += dx / (n * std::cos(lat_r)) / kDeg;
    }
    return p;
}

Ring LocalFrame::forward(const Ring& ll) const {
    Ring out;
    out.resize(ll.size());
    forward(ll.data(), ll.size(), out.data());
    return out;
}

Polygon LocalFrame::forward(const Polygon& ll) const {
    Polygon out;
    out.outer() = forward(ll.outer());
    for (const auto& h : ll.inners()) out.inners().push_back(forward(h));
    return out;
}

namespace {
// Which sides of `keep` a point is beyond: west 1, east 2, south 4, north 8.
int beyond_sides(const Point& p, const Box& keep) {
    return (p.x() < keep.min_corner().x()   ? 1
            : p.x() > keep.max_corner().x() ? 2
                                            : 0) |
           (p.y() < keep.min_corner().y()   ? 4
            : p.y() > keep.max_corner().y() ? 8
                                            : 0);
}
}  // namespace

bool LocalFrame::tame(const Polygon& ll, const Box& keep) const {
    Box env;
    bg::envelope(ll, env);
    return keep.min_corner().x() >= -180 && keep.max_corner().x() <= 180 && keep.min_corner().y() > -80 &&
           keep.max_corner().y() < 80 && env.min_corner().y() > -80 && env.max_corner().y() < 80 &&
           env.min_corner().x() > centre_.lon - 90 && env.max_corner().x() < centre_.lon + 90;
}

Polygon LocalFrame::near_part(const Polygon& ll, const Box& keep) const {
    if (!tame(ll, keep)) return ll;
    // How long a kept edge may be. Projected, an edge straight in lon/lat bends by about L^2 k / 8
    // (k: the curvature of its image, below 1 / 1,120 km up to 80 degrees of latitude, where a
    // parallel's is largest), and the straight edge drawn between the projected ends is that far
    // from it. With L^2 = 50 km x w (w: half the box's height, 1.5 times the view's half-width in
    // a site map) that is below 0.6 % of w, against the 27 % of w between the view and the box's
    // sides; at least half the box (a bend below 1 % of w up to w = 90 km).
    const double half_lat = 0.5 * (keep.max_corner().y() - keep.min_corner().y());
    const double far_lat = std::max(std::fabs(keep.min_corner().y()), std::fabs(keep.max_corner().y()));
    const double step_lat = std::max(half_lat, std::sqrt(0.45 * half_lat));  // 50 km / 111.2 km per degree
    const double step_lon =
        std::max(0.5 * (keep.max_corner().x() - keep.min_corner().x()), step_lat / std::cos(far_lat * kDeg));
    // Vertex i is dropped when it, every vertex dropped since the last one kept (a), a and the next
    // vertex are beyond one side (`beyond`, the sides they all share), and the next is within a step
    // of a: the edge from a to whichever vertex is kept next is then short and beyond that side.
    auto ring = [&](const Ring& r, Ring& out) {
        const std::size_t n = r.size();
        out.clear();
        if (n < 4) {
            out = r;
            return;
        }
        out.push_back(r[0]);
        std::size_t a = 0;
        int beyond = beyond_sides(r[0], keep);
        for (std::size_t i = 1; i + 1 < n; ++i) {
            const int here = beyond_sides(r[i], keep);
            if ((beyond & here & beyond_sides(r[i + 1], keep)) != 0 && std::fabs(r[i + 1].x() - r[a].x()) <= step_lon &&
                std::fabs(r[i + 1].y() - r[a].y()) <= step_lat) {
                beyond &= here;
                continue;
            }
            out.push_back(r[i]);
            a = i;
            beyond = here;
        }
        out.push_back(r[n - 1]);
    };
    Polygon out;
    ring(ll.outer(), out.outer());
    if (out.outer().size() < 4) return Polygon();  // two runs beyond two sides: it cannot reach `keep`
    for (const Ring& h : ll.inners()) {
        Ring o;
        ring(h, o);
        if (o.size() >= 4) out.inners().push_back(std::move(o));
    }
    return out;
}

Polygon LocalFrame::forward_near(const Polygon& ll, const Box& keep) const {
    if (!tame(ll, keep)) return forward(ll);
    // A vertex beyond `keep` is projected by the fast path at any distance (not Karney's series
    // beyond kFastChordM): tens of metres off at 1,000 km, but continuous, and far from `keep`.
    auto ring = [&](const Ring& r, Ring& out) {
        out.reserve(r.size());
        for (const Point& p : r) {
            Point xy;
            if (beyond_sides(p, keep) != 0 && fast_forward(LonLat{p.x(), p.y()}, kMaxRoughChordM, xy))
                out.push_back(xy);
            else
                out.push_back(forward(p));
        }
    };
    Polygon out;
    ring(ll.outer(), out.outer());
    out.inners().resize(ll.inners().size());
    for (std::size_t k = 0; k < ll.inners().size(); ++k) ring(ll.inners()[k], out.inners()[k]);
    return out;
}

MultiPolygon LocalFrame::forward(const MultiPolygon& ll) const {
    MultiPolygon out;
    for (const auto& p : ll) out.push_back(forward(p));
    return out;
}

Polygon LocalFrame::inverse(const Polygon& xy) const {
    Polygon out;
    auto conv = [&](const Ring& r) {
        Ring o;
        o.reserve(r.size());
        for (const auto& p : r) {
            const LonLat q = inverse(p);
            o.push_back(Point(q.lon, q.lat));
        }
        return o;
    };
    out.outer() = conv(xy.outer());
    for (const auto& h : xy.inners()) out.inners().push_back(conv(h));
    return out;
}

MultiPolygon LocalFrame::inverse(const MultiPolygon& xy) const {
    MultiPolygon out;
    for (const auto& p : xy) out.push_back(inverse(p));
    return out;
}

}  // namespace sitescreen
