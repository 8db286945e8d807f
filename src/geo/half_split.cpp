// Splitting a polygon along an axis-parallel line (method in half_split.h).
#include "geo/half_split.h"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace sitescreen {
namespace {

// Twice the signed area of an open ring (counter-clockwise positive).
double twice_area(const std::vector<Point>& pts) {
    double a = 0;
    for (std::size_t i = 0, n = pts.size(); i < n; ++i) {
        const Point& p = pts[i];
        const Point& q = pts[(i + 1) % n];
        a += p.x() * q.y() - q.x() * p.y();
    }
    return a;
}

struct Crossing {
    double v = 0;             // place along the line
    std::size_t ring = 0;     // 0: the exterior, 1..: holes
    std::size_t edge = 0;     // from vertex `edge` to the next
    bool into_below = false;  // the ring goes from above to below here
    std::size_t partner = 0;  // the crossing at the other end of its stretch of line
};

class Splitter {
public:
    Splitter(bool vertical, double c) : vertical_(vertical), c_(c) {}

    bool run(const Polygon& poly, MultiPolygon& below, MultiPolygon& above) {
        if (!read(poly)) return false;
        if (!pair_crossings()) return false;
        return side(true, below) && side(false, above);
    }

private:
    double u(const Point& p) const { return vertical_ ? p.x() : p.y(); }
    double v(const Point& p) const { return vertical_ ? p.y() : p.x(); }
    Point on_line(double along) const { return vertical_ ? Point(c_, along) : Point(along, c_); }

    // Rings as open vertex lists, each vertex's side, and the crossings.
    bool read(const Polygon& poly) {
        auto add = [&](const Ring& ring, bool hole) {
            std::vector<Point> pts(ring.begin(), ring.end());
            if (pts.size() >= 2 && pts.front().x() == pts.back().x() && pts.front().y() == pts.back().y())
                pts.pop_back();
            if (pts.size() < 3) return false;
            const double a = twice_area(pts);
            if (hole ? !(a < 0) : !(a > 0)) return false;  // the usual turning only
            std::vector<char> low(pts.size());
            for (std::size_t i = 0; i < pts.size(); ++i) {
                const double w = u(pts[i]);
                if (w == c_ || !(w == w)) return false;  // a vertex on the line (or NaN)
                low[i] = w < c_;
            }
            const std::size_t r = rings_.size();
            for (std::size_t i = 0, n = pts.size(); i < n; ++i) {
                const std::size_t j = (i + 1) % n;
                if (low[i] == low[j]) continue;
                const Point &a0 = pts[i], &b0 = pts[j];
                const double t = (c_ - u(a0)) / (u(b0) - u(a0));
                Crossing x;
                x.v = v(a0) + t * (v(b0) - v(a0));
                x.ring = r;
                x.edge = i;
                x.into_below = low[j] != 0;
                crossings_.push_back(x);
            }
            rings_.push_back(std::move(pts));
            below_side_.push_back(std::move(low));
            return true;
        };
        if (!add(poly.outer(), false)) return false;
        for (const Ring& inner : poly.inners())
            if (!add(inner, true)) return false;
        return true;
    }

    // Along the line the polygon's inside is between crossings 0 and 1, 2 and
    // 3, ... in order; each such stretch must join a crossing into a side
    // with one out of it.
    bool pair_crossings() {
        const std::size_t m = crossings_.size();
        if (m % 2 != 0) return false;
        std::vector<std::size_t> order(m);
        for (std::size_t k = 0; k < m; ++k) order[k] = k;
        std::sort(order.begin(), order.end(),
                  [&](std::size_t a, std::size_t b) { return crossings_[a].v < crossings_[b].v; });
        for (std::size_t k = 0; k + 1 < m; k += 2) {
            const std::size_t a = order[k], b = order[k + 1];
            if (!(crossings_[a].v < crossings_[b].v)) return false;
            if (k + 2 < m && !(crossings_[b].v < crossings_[order[k + 2]].v)) return false;
            if (crossings_[a].into_below == crossings_[b].into_below) return false;
            crossings_[a].partner = b;
            crossings_[b].partner = a;
        }
        // Each crossing, by ring and edge, for walking the rings.
        at_.assign(rings_.size(), {});
        for (std::size_t r = 0; r < rings_.size(); ++r) at_[r].assign(rings_[r].size(), kNone);
        for (std::size_t k = 0; k < m; ++k) at_[crossings_[k].ring][crossings_[k].edge] = k;
        return true;
    }

    // The parts on one side: rings on it whole, and loops made of the rings'
    // runs on it joined by stretches of the line.
    bool side(bool below, MultiPolygon& out) {
        out.clear();
        std::vector<std::vector<Point>> outers, holes;
        for (std::size_t r = 0; r < rings_.size(); ++r) {
            const auto& low = below_side_[r];
            const bool whole = std::all_of(low.begin(), low.end(), [&](char l) { return (l != 0) == below; });
            if (whole) (r == 0 ? outers : holes).push_back(rings_[r]);
        }
        std::vector<char> used(crossings_.size(), 0);
        std::size_t vertices = 0;  // a loop longer than all rings together has gone wrong
        for (const auto& r : rings_) vertices += r.size();
        for (std::size_t start = 0; start < crossings_.size(); ++start) {
            // Loops start where a ring comes into this side.
            if (used[start] || crossings_[start].into_below != below) continue;
            std::vector<Point> loop;
            std::size_t in = start;
            for (;;) {
                used[in] = 1;
                const Crossing& x = crossings_[in];
                const auto& pts = rings_[x.ring];
                const std::size_t n = pts.size();
                loop.push_back(on_line(x.v));
                // Along the ring, on this side, to the crossing that leaves it.
                std::size_t i = (x.edge + 1) % n, steps = 0;
                while (at_[x.ring][i] == kNone) {
                    loop.push_back(pts[i]);
                    i = (i + 1) % n;
                    if (++steps > n) return false;
                }
                loop.push_back(pts[i]);
                const std::size_t leave = at_[x.ring][i];
                if (crossings_[leave].into_below == below || used[leave]) return false;
                used[leave] = 1;
                loop.push_back(on_line(crossings_[leave].v));
                in = crossings_[leave].partner;
                if (crossings_[in].into_below != below) return false;
                if (in == start) break;
                if (used[in]) return false;
                if (loop.size() > 4 * vertices + 4) return false;
            }
            if (!(twice_area(loop) > 0)) return false;
            outers.push_back(std::move(loop));
        }
        if (std::find(used.begin(), used.end(), 0) != used.end()) return false;  // every crossing in a loop
        for (auto& o : outers) {
            Polygon p;
            p.outer().assign(o.begin(), o.end());
            p.outer().push_back(o.front());
            out.push_back(std::move(p));
        }
        // Holes on this side go into the one outer ring that holds them.
        for (auto& h : holes) {
            std::size_t owner = out.size();
            if (out.size() == 1) {
                owner = 0;
            } else {
                for (std::size_t k = 0; k < out.size(); ++k) {
                    if (!bg::within(h.front(), out[k].outer())) continue;
                    if (owner != out.size()) return false;  // in two: not the plain case
                    owner = k;
                }
            }
            if (owner == out.size()) return false;
            Ring ring(h.begin(), h.end());
            ring.push_back(h.front());
            out[owner].inners().push_back(std::move(ring));
        }
        return true;
    }

    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    bool vertical_;
    double c_;
    std::vector<std::vector<Point>> rings_;
    std::vector<std::vector<char>> below_side_;
    std::vector<Crossing> crossings_;
    std::vector<std::vector<std::size_t>> at_;  // [ring][edge]: crossing on that edge, or kNone
};

}  // namespace

bool split_polygon(const Polygon& poly, bool vertical, double c, MultiPolygon& below, MultiPolygon& above) {
    below.clear();
    above.clear();
    Splitter s(vertical, c);
    if (s.run(poly, below, above)) return true;
    below.clear();
    above.clear();
    return false;
}

}  // namespace sitescreen
