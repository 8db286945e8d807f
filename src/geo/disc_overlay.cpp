// Polygon ∩ disc areas by Green's theorem, edge by edge (see docs/method.md).
#include "geo/disc_overlay.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sitescreen {
namespace {

inline double cross(double ax, double ay, double bx, double by) { return ax * by - ay * bx; }
inline double angle_between(double ax, double ay, double bx, double by) {
    return std::atan2(cross(ax, ay, bx, by), ax * bx + ay * by);
}

}  // namespace

double triangle_disc_area(const Point& a, const Point& b, double r) {
    const double ax = a.x(), ay = a.y(), bx = b.x(), by = b.y();
    const double r2 = r * r;
    const double a2 = ax * ax + ay * ay, b2 = bx * bx + by * by;
    if (a2 <= r2 && b2 <= r2) return 0.5 * cross(ax, ay, bx, by);
    const double dx = bx - ax, dy = by - ay;
    const double qa = dx * dx + dy * dy;
    if (qa == 0) return 0;
    const double qb = ax * dx + ay * dy;
    const double qc = a2 - r2;
    const double disc = qb * qb - qa * qc;
    const double sector = 0.5 * r2;
    if (disc <= 0) return sector * angle_between(ax, ay, bx, by);
    const double s = std::sqrt(disc);
    const double t1 = (-qb - s) / qa, t2 = (-qb + s) / qa;
    if (a2 <= r2) {  // a inside, b outside: leave the disc at t2
        const double px = ax + t2 * dx, py = ay + t2 * dy;
        return 0.5 * cross(ax, ay, px, py) + sector * angle_between(px, py, bx, by);
    }
    if (b2 <= r2) {  // a outside, b inside: enter at t1
        const double px = ax + t1 * dx, py = ay + t1 * dy;
        return sector * angle_between(ax, ay, px, py) + 0.5 * cross(px, py, bx, by);
    }
    if (t1 >= 0 && t2 <= 1) {  // both outside, the chord crosses the disc
        const double p1x = ax + t1 * dx, p1y = ay + t1 * dy;
        const double p2x = ax + t2 * dx, p2y = ay + t2 * dy;
        return sector * angle_between(ax, ay, p1x, p1y) + 0.5 * cross(p1x, p1y, p2x, p2y) +
               sector * angle_between(p2x, p2y, bx, by);
    }
    return sector * angle_between(ax, ay, bx, by);
}

void ring_disc_areas(const Ring& ring, const std::vector<double>& radii, std::vector<double>& areas) {
    areas.assign(radii.size(), 0.0);
    const std::size_t n = ring.size();
    if (n < 4) return;
    // A disc no wider than the distance to the ring's box lies outside the
    // ring: its area is 0 (the edge terms would cancel, at the cost of an
    // atan2 each). Most rings near a wide buffer miss its smaller discs.
    double x0 = ring[0].x(), x1 = x0, y0 = ring[0].y(), y1 = y0;
    for (std::size_t i = 1; i < n; ++i) {
        x0 = std::min(x0, ring[i].x());
        x1 = std::max(x1, ring[i].x());
        y0 = std::min(y0, ring[i].y());
        y1 = std::max(y1, ring[i].y());
    }
    const double dx = std::max({0.0, x0, -x1}), dy = std::max({0.0, y0, -y1});
    const double gap2 = dx * dx + dy * dy;
    for (std::size_t k = 0; k < radii.size(); ++k) {
        if (radii[k] * radii[k] <= gap2) continue;
        double a = 0;
        for (std::size_t i = 0; i + 1 < n; ++i) a += triangle_disc_area(ring[i], ring[i + 1], radii[k]);
        areas[k] = a;
    }
}

void add_polygon_disc_areas(const Polygon& polygon, const std::vector<double>& radii, std::vector<double>& totals) {
    thread_local std::vector<double> areas;
    ring_disc_areas(polygon.outer(), radii, areas);
    for (std::size_t k = 0; k < radii.size(); ++k) totals[k] += areas[k];
    for (const auto& h : polygon.inners()) {
        ring_disc_areas(h, radii, areas);
        for (std::size_t k = 0; k < radii.size(); ++k) totals[k] += areas[k];
    }
}

bool rings_contain_origin(const std::vector<const Ring*>& rings) {
    bool inside = false;
    for (const Ring* ring : rings) {
        const std::size_t n = ring->size();
        for (std::size_t i = 0; i + 1 < n; ++i) {
            const Point& a = (*ring)[i];
            const Point& b = (*ring)[i + 1];
            if ((a.y() > 0) != (b.y() > 0)) {
                const double x = a.x() + (0 - a.y()) * (b.x() - a.x()) / (b.y() - a.y());
                if (x > 0) inside = !inside;
            }
        }
    }
    return inside;
}

double segment_distance_to_origin(const Point& a, const Point& b) {
    const double dx = b.x() - a.x(), dy = b.y() - a.y();
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? -(a.x() * dx + a.y() * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(a.x() + t * dx, a.y() + t * dy);
}

double ring_distance_to_origin(const Ring& ring) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i + 1 < ring.size(); ++i)
        best = std::min(best, segment_distance_to_origin(ring[i], ring[i + 1]));
    return best;
}

}  // namespace sitescreen
