#include "geo/coverage_join.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <unordered_map>

namespace sitescreen {
namespace {

constexpr double kTwoPi = 6.28318530717958647692;
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

struct Edge {
    Point a, b;
};

std::uint64_t bits(double v) {
    v += 0.0;  // -0 and +0 alike
    std::uint64_t u = 0;
    std::memcpy(&u, &v, sizeof u);
    return u;
}

struct Key {
    std::uint64_t ax, ay, bx, by;
    bool operator==(const Key& o) const { return ax == o.ax && ay == o.ay && bx == o.bx && by == o.by; }
};

struct KeyHash {
    std::size_t operator()(const Key& k) const {
        std::uint64_t h = k.ax * 0x9E3779B97F4A7C15ull;
        for (std::uint64_t v : {k.ay, k.bx, k.by}) h = (h ^ (h >> 29) ^ v) * 0xBF58476D1CE4E5B9ull;
        return static_cast<std::size_t>(h ^ (h >> 32));
    }
};

Key key(const Point& a, const Point& b) { return {bits(a.x()), bits(a.y()), bits(b.x()), bits(b.y())}; }

bool same(const Point& p, const Point& q) { return p.x() == q.x() && p.y() == q.y(); }
bool before(const Point& p, const Point& q) { return p.x() < q.x() || (p.x() == q.x() && p.y() < q.y()); }

// Twice the signed area of a closed ring (positive counter-clockwise), about its first vertex.
double twice_area(const Ring& r) {
    if (r.size() < 4) return 0;
    double s = 0;
    const double x0 = r.front().x(), y0 = r.front().y();
    for (std::size_t i = 1; i + 1 < r.size(); ++i)
        s += (r[i].x() - x0) * (r[i + 1].y() - y0) - (r[i + 1].x() - x0) * (r[i].y() - y0);
    return s;
}

// Whether p lies inside the closed ring (crossings of a ray to +x; p off the ring).
bool inside(const Ring& r, const Point& p) {
    bool in = false;
    for (std::size_t i = 0; i + 1 < r.size(); ++i) {
        const Point &a = r[i], &b = r[i + 1];
        if ((a.y() > p.y()) != (b.y() > p.y()) && p.x() < a.x() + (p.y() - a.y()) / (b.y() - a.y()) * (b.x() - a.x()))
            in = !in;
    }
    return in;
}

// Splits a closed ring that passes a vertex more than once into rings that pass each vertex once
// (a shell and the hole that touches it at a point come round as one ring).
void split_ring(const Ring& r, std::vector<Ring>& out) {
    struct PointHash {
        std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& p) const {
            return KeyHash()(Key{p.first, p.second, 0, 0});
        }
    };
    std::unordered_map<std::pair<std::uint64_t, std::uint64_t>, std::size_t, PointHash> at;  // in `stack`
    std::vector<Point> stack;
    for (std::size_t i = 0; i + 1 < r.size(); ++i) {
        const Point& p = r[i];
        const auto k = std::make_pair(bits(p.x()), bits(p.y()));
        const auto seen = at.find(k);
        if (seen != at.end()) {
            const std::size_t from = seen->second;
            Ring loop(stack.begin() + static_cast<std::ptrdiff_t>(from), stack.end());
            loop.push_back(p);
            for (std::size_t j = from + 1; j < stack.size(); ++j)
                at.erase(std::make_pair(bits(stack[j].x()), bits(stack[j].y())));
            out.push_back(std::move(loop));
            stack.resize(from + 1);  // p stays, where it was
            continue;
        }
        at.emplace(k, stack.size());
        stack.push_back(p);
    }
    stack.push_back(stack.front());
    out.push_back(Ring(stack.begin(), stack.end()));
}

}  // namespace

bool join_coverage(const std::vector<const Polygon*>& parts, MultiPolygon& out) {
    out.clear();
    std::vector<Edge> edges;
    auto add = [&](const Ring& r) {
        for (std::size_t i = 0; i + 1 < r.size(); ++i)
            if (!same(r[i], r[i + 1])) edges.push_back({r[i], r[i + 1]});
    };
    double area_in = 0;  // twice the parts' area, less their holes'
    for (const Polygon* p : parts) {
        add(p->outer());
        area_in += twice_area(p->outer());
        for (const Ring& h : p->inners()) {
            add(h);
            area_in += twice_area(h);
        }
    }
    if (edges.size() >= kNone) return false;

    // An edge met once each way lies between two parts: both go.
    std::vector<char> gone(edges.size(), 0);
    {
        std::unordered_map<Key, std::uint32_t, KeyHash> open;
        open.reserve(edges.size());
        for (std::uint32_t i = 0; i < edges.size(); ++i) {
            const auto twin = open.find(key(edges[i].b, edges[i].a));
            if (twin != open.end()) {
                gone[i] = gone[twin->second] = 1;
                open.erase(twin);
            } else if (!open.emplace(key(edges[i].a, edges[i].b), i).second) {
                return false;  // the same edge twice the same way: parts overlap
            }
        }
    }
    std::vector<std::uint32_t> kept;
    for (std::uint32_t i = 0; i < edges.size(); ++i)
        if (!gone[i]) kept.push_back(i);
    if (kept.empty()) return false;

    // Each edge's successor: the edge leaving its end that is first clockwise from the way back
    // (the sharpest left turn), where several leave it.
    std::vector<std::uint32_t> by_start = kept;
    std::sort(by_start.begin(), by_start.end(), [&](std::uint32_t i, std::uint32_t j) {
        return before(edges[i].a, edges[j].a) || (same(edges[i].a, edges[j].a) && i < j);
    });
    std::vector<std::uint32_t> next(edges.size(), kNone);
    std::vector<char> taken(edges.size(), 0);
    bool pinched = false;
    for (std::uint32_t e : kept) {
        const Point& v = edges[e].b;
        const auto lo = std::partition_point(by_start.begin(), by_start.end(),
                                             [&](std::uint32_t i) { return before(edges[i].a, v); });
        auto hi = lo;
        while (hi != by_start.end() && same(edges[*hi].a, v)) ++hi;
        if (lo == hi) return false;  // the boundary stops here
        std::uint32_t n = *lo;
        if (hi - lo > 1) {
            pinched = true;
            const double back = std::atan2(edges[e].a.y() - v.y(), edges[e].a.x() - v.x());
            double best = std::numeric_limits<double>::infinity();
            for (auto it = lo; it != hi; ++it) {
                double turn = back - std::atan2(edges[*it].b.y() - v.y(), edges[*it].b.x() - v.x());
                while (turn <= 0) turn += kTwoPi;
                while (turn > kTwoPi) turn -= kTwoPi;
                if (turn < best) best = turn, n = *it;
            }
        }
        if (taken[n]) return false;  // two edges would go on along one
        taken[n] = 1;
        next[e] = n;
    }

    // The rings: the cycles of `next`, each split where it passes a vertex twice.
    std::vector<char> used(edges.size(), 0);
    std::vector<Ring> rings;
    for (std::uint32_t e : kept) {
        if (used[e]) continue;
        Ring r;
        std::uint32_t cur = e;
        do {
            used[cur] = 1;
            r.push_back(edges[cur].a);
            cur = next[cur];
        } while (cur != e && cur != kNone && !used[cur]);
        if (cur != e) return false;
        r.push_back(r.front());
        if (pinched)
            split_ring(r, rings);
        else
            rings.push_back(std::move(r));
    }
    std::vector<Ring> holes;
    std::vector<double> shell_area;
    double area_out = 0;
    for (Ring& r : rings) {
        if (r.size() < 4) continue;
        const double a = twice_area(r);
        area_out += a;
        if (a > 0) {
            out.emplace_back();
            out.back().outer() = std::move(r);
            shell_area.push_back(a);
        } else if (a < 0) {
            holes.push_back(std::move(r));
        }
    }
    // The union of a tiling has the parts' area: a guard against edges that cancelled where they
    // should not have. Parts that cross without sharing vertices are not caught (nor are they by
    // GEOS's coverage union); a layer's pieces, cut from one valid polygon, never do.
    if (out.empty() || !(std::fabs(area_out - area_in) <= 1e-9 * std::fabs(area_in))) return false;
    for (Ring& h : holes) {
        const Point mid((h[0].x() + h[1].x()) / 2, (h[0].y() + h[1].y()) / 2);
        std::size_t in = out.size();
        for (std::size_t s = 0; s < out.size(); ++s)
            if ((in == out.size() || shell_area[s] < shell_area[in]) && inside(out[s].outer(), mid)) in = s;
        if (in == out.size()) return false;  // a hole in no shell
        out[in].inners().push_back(std::move(h));
    }
    return true;
}

}  // namespace sitescreen
