// Conservative simplicity test for a ring: a sweep over the edges' boxes with
// filtered orientation predicates (Shewchuk's first-stage error bound).
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
// of what GEOS IsValid takes on the benchmark's 20,000-vertex stars, whose
// edges are long zig-zags through one another's boxes.
constexpr std::size_t kComparisonsPerEdge = 2000, kComparisonsBase = std::size_t{1} << 22;

struct Edge {
    double minx, maxx, miny, maxy;
    std::size_t i;  // from vertex i to vertex (i + 1) % m
};

}  // namespace

bool ring_certainly_simple(const double* x, const double* y, std::size_t n) {
    if (n < 4 || x[0] != x[n - 1] || y[0] != y[n - 1]) return false;
    std::vector<Pt> p;
    p.reserve(n);
    for (std::size_t k = 0; k + 1 < n; ++k) {
        if (!std::isfinite(x[k]) || !std::isfinite(y[k])) return false;
        if (!p.empty() && p.back().x == x[k] && p.back().y == y[k]) continue;  // repeated point
        p.push_back({x[k], y[k]});
    }
    while (p.size() > 1 && p.back().x == p.front().x && p.back().y == p.front().y) p.pop_back();
    const std::size_t m = p.size();
    if (m < 3) return false;

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

}  // namespace sitescreen
