// Conservative simplicity test for a ring: star-shaped about the vertices'
// mean, else a sweep over the edges' boxes; both with filtered orientation
// predicates (Shewchuk's first-stage error bound).
#include "geo/simple_ring.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace sitescreen {
namespace {

// Half an ulp of 1, and the bound on the rounding error of orient() relative
// to |l| + |r| (Shewchuk, "Adaptive precision floating-point arithmetic",
// ccwerrboundA).
constexpr double kEps = std::numeric_limits<double>::epsilon() / 2;
constexpr double kOrientBound = (3.0 + 16.0 * kEps) * kEps;

struct Pt {
    double x, y;
};

// Sign of the orientation of (a, b, c): +1 counter-clockwise, -1 clockwise,
// 0 when rounding could have decided it (collinear or nearly so).
int orient(const Pt& a, const Pt& b, const Pt& c) {
    const double l = (a.x - c.x) * (b.y - c.y), r = (a.y - c.y) * (b.x - c.x);
    const double det = l - r;
    const double bound = kOrientBound * (std::fabs(l) + std::fabs(r));
    if (det > bound) return 1;
    if (-det > bound) return -1;
    return 0;
}

// Box comparisons the sweep may make: about 0.1 s for 20,000 edges, a third
// of what GEOS IsValid takes on 20,000-vertex stars, whose edges are long
// zig-zags through one another's boxes (the star-shaped proof takes them
// in a millisecond).
constexpr std::size_t kComparisonsPerEdge = 2000, kComparisonsBase = std::size_t{1} << 22;

// Passes over the edges that may move the star-shaped proof's centre.
constexpr int kKernelPasses = 4;

struct Edge {
    double minx, maxx, miny, maxy;
    std::size_t i;  // from vertex i to vertex (i + 1) % m
};

// The ring's distinct consecutive points, open (the closing point dropped);
// false when the ring is not closed, has a non-finite coordinate or fewer
// than three distinct points.
bool open_points(const double* x, const double* y, std::size_t n, std::vector<Pt>& p) {
    if (n < 4 || x[0] != x[n - 1] || y[0] != y[n - 1]) return false;
    p.clear();
    p.reserve(n);
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if (!std::isfinite(x[k]) || !std::isfinite(y[k])) return false;
        if (!p.empty() && p.back().x == x[k] && p.back().y == y[k]) continue;  // repeated point
        p.push_back({x[k], y[k]});
    }
    while (p.size() > 1 && p.back().x == p.front().x && p.back().y == p.front().y) p.pop_back();
    return p.size() >= 3;
}

// Star-shaped about a point c: every edge turns strictly the same way about
// c, and the ring winds about c exactly once. Then the triangles (c, p[i],
// p[i+1]) tile a neighbourhood of c in angle, each edge lies in its own
// sector, non-adjacent sectors share only c (which no edge touches), and
// adjacent edges meet only at their shared vertex: the ring is simple.
// Convex rings, and the blobs and stars many protected areas are drawn as,
// pass in linear time.
//
// c must lie in the ring's kernel (on the inner side of every edge's line),
// which for a many-pointed star is a small region near its centre that the
// vertices' mean often misses. So c starts at the mean and is moved, a few
// passes over the edges at most, onto the inner side of each edge it is not
// on yet (alternating projections onto the half-planes, which converge to a
// point of their intersection when there is one). The proof then checks c
// exactly and does not depend on how c was found.
//
// The winding number is counted exactly: with every edge counter-clockwise
// about c, it is the number of edges that cross the horizontal line through
// c upwards (Sunday's half-open rule); these all cross it right of c.
bool star_shaped(const std::vector<Pt>& p) {
    const std::size_t m = p.size();
    Pt c{0, 0};
    double twice_area = 0, lo_x = p[0].x, hi_x = p[0].x, lo_y = p[0].y, hi_y = p[0].y;
    for (std::size_t i = 0; i < m; ++i) {
        const Pt &a = p[i], &b = p[i + 1 == m ? 0 : i + 1];
        c.x += a.x;
        c.y += a.y;
        twice_area += (a.x - p[0].x) * (b.y - p[0].y) - (a.y - p[0].y) * (b.x - p[0].x);
        lo_x = std::min(lo_x, a.x), hi_x = std::max(hi_x, a.x);
        lo_y = std::min(lo_y, a.y), hi_y = std::max(hi_y, a.y);
    }
    if (twice_area == 0) return false;
    const int sign = twice_area > 0 ? 1 : -1;  // counter-clockwise: the inside is left of each edge
    c.x /= static_cast<double>(m);
    c.y /= static_cast<double>(m);
    // Aim a little inside each half-plane, far above orient()'s rounding bound.
    const double margin = 1e-9 * std::max(hi_x - lo_x, hi_y - lo_y);
    for (int pass = 0; pass < kKernelPasses; ++pass) {
        bool moved = false;
        for (std::size_t i = 0; i < m; ++i) {
            const Pt &a = p[i], &b = p[i + 1 == m ? 0 : i + 1];
            const double ex = b.x - a.x, ey = b.y - a.y;
            const double len = std::sqrt(ex * ex + ey * ey);
            // Distance of c from the edge's line, positive on the inner side.
            const double d = sign * (ex * (c.y - a.y) - ey * (c.x - a.x)) / len;
            if (d >= margin) continue;
            const double step = (margin - d) / len * sign;  // along the inner normal (-ey, ex)
            c.x -= ey * step;
            c.y += ex * step;
            moved = true;
        }
        if (!moved) break;
    }
    std::size_t crossings = 0;
    for (std::size_t i = 0; i < m; ++i) {
        const Pt &a = p[i], &b = p[i + 1 == m ? 0 : i + 1];
        if (orient(a, b, c) != sign) return false;
        const bool up = sign > 0 ? a.y <= c.y && c.y < b.y : b.y <= c.y && c.y < a.y;
        crossings += up;
    }
    return crossings == 1;
}

// The sweep over edge boxes (see ring_certainly_simple).
bool sweep_simple(const std::vector<Pt>& p) {
    const std::size_t m = p.size();
    // Adjacent edges meet only at their shared vertex unless they are collinear.
    for (std::size_t i = 0; i < m; ++i)
        if (orient(p[i], p[(i + 1) % m], p[(i + 2) % m]) == 0) return false;
    if (m == 3) return true;

    std::vector<Edge> edges(m);
    for (std::size_t i = 0; i < m; ++i) {
        const Pt &a = p[i], &b = p[(i + 1) % m];
        edges[i] = {std::min(a.x, b.x), std::max(a.x, b.x), std::min(a.y, b.y), std::max(a.y, b.y), i};
    }
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.minx < b.minx; });
    // A sweep in x compares each edge with the edges whose x range overlaps
    // it: a few for ordinary rings, all of them for a long ring laid along a
    // meridian. Past a budget of comparisons, give up: GEOS's monotone chains
    // are then the better tool.
    std::size_t budget = kComparisonsPerEdge * m + kComparisonsBase;
    for (std::size_t s = 0; s < m; ++s) {
        const Edge& e = edges[s];
        for (std::size_t t = s + 1; t < m && edges[t].minx <= e.maxx; ++t) {
            if (--budget == 0) return false;
            const Edge& f = edges[t];
            if (f.maxy < e.miny || f.miny > e.maxy) continue;
            const std::size_t d = e.i > f.i ? e.i - f.i : f.i - e.i;
            if (d == 1 || d == m - 1) continue;  // adjacent: checked above
            const Pt &a = p[e.i], &b = p[(e.i + 1) % m], &c = p[f.i], &g = p[(f.i + 1) % m];
            const int o1 = orient(a, b, c), o2 = orient(a, b, g);
            if (o1 == 0 || o2 == 0) return false;  // touching, or too close to tell
            if (o1 == o2) continue;                // c and g on one side of a-b
            const int o3 = orient(c, g, a), o4 = orient(c, g, b);
            if (o3 == 0 || o4 == 0) return false;
            if (o3 != o4) return false;  // the edges cross
        }
    }
    return true;
}

}  // namespace

bool ring_certainly_simple(const double* x, const double* y, std::size_t n) {
    std::vector<Pt> p;
    if (!open_points(x, y, n, p)) return false;
    return star_shaped(p) || sweep_simple(p);
}

namespace simple_ring_detail {

bool star_shaped_proof(const double* x, const double* y, std::size_t n) {
    std::vector<Pt> p;
    return open_points(x, y, n, p) && star_shaped(p);
}

bool sweep_proof(const double* x, const double* y, std::size_t n) {
    std::vector<Pt> p;
    return open_points(x, y, n, p) && sweep_simple(p);
}

}  // namespace simple_ring_detail

}  // namespace sitescreen
