// Union area within discs from the union's boundary (see union_disc.h).
//
// The boundary of the union U of the features, clipped to the box B, is
// (1) the parts of each feature's edges inside B that lie outside every other
// feature, and (2) the parts of B's sides where some feature reaches the side
// from inside. Green's theorem turns area(U ∩ B ∩ disc) into a sum over those
// boundary parts (triangle_disc_area), and B contains the disc.
//
// (1) Each edge is split where it crosses edges of other features; whether a
// stretch lies inside another feature flips at each crossing, so one
// point-in-feature test per stretch of ring between the box sides is enough.
// (2) Along a side, a feature's stretches, counted +1 counter-clockwise and -1
// back, sum to 1 exactly where the feature reaches the side (the zero-width
// spikes that clipping leaves on the box cancel out).
#include "geo/union_disc.h"

#include <boost/geometry/index/rtree.hpp>

#include <algorithm>
#include <iterator>
#include <cmath>
#include <limits>
#include <map>

#include "geo/disc_overlay.h"

namespace sitescreen {
namespace {

namespace bgi = boost::geometry::index;

constexpr double kTouch = 1e-6;  // metres: closer than this counts as touching

inline double cross(double ax, double ay, double bx, double by) { return ax * by - ay * bx; }

struct SegRef {
    std::uint32_t piece;
    std::uint32_t ring;
    std::uint32_t seg;
};

struct Crossing {
    SegRef at;
    double t;               // along the segment, 0..1
    std::uint32_t feature;  // the other feature whose edge is crossed
};

const Ring& ring_of(const UnionPiece& p, std::uint32_t r) { return r == 0 ? p.xy->outer() : p.xy->inners()[r - 1]; }
std::int8_t side_of(const UnionPiece& p, std::uint32_t r, std::size_t seg) {
    const auto& s = (*p.sides)[r];
    return seg < s.size() ? s[seg] : static_cast<std::int8_t>(kNoSide);
}

enum class Hit { None, Cross, Degenerate };

// Proper crossing of segments ab and pq (t along ab, u along pq), or a
// degenerate contact (touching, collinear overlap) within kTouch.
double segment_distance(const Point& m, const Point& a, const Point& b) {
    const double dx = b.x() - a.x(), dy = b.y() - a.y();
    const double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((m.x() - a.x()) * dx + (m.y() - a.y()) * dy) / len2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(a.x() + t * dx - m.x(), a.y() + t * dy - m.y());
}

Hit intersect(const Point& a, const Point& b, const Point& p, const Point& q, double& t, double& u) {
    const double d1x = b.x() - a.x(), d1y = b.y() - a.y();
    const double d2x = q.x() - p.x(), d2y = q.y() - p.y();
    // Lengths for the kTouch thresholds only (metres in a local frame: no
    // overflow to guard against, so no hypot).
    const double l1 = std::sqrt(d1x * d1x + d1y * d1y), l2 = std::sqrt(d2x * d2x + d2y * d2y);
    if (l1 == 0 || l2 == 0) return Hit::None;
    const double ex = p.x() - a.x(), ey = p.y() - a.y();
    const double den = cross(d1x, d1y, d2x, d2y);
    if (std::fabs(den) <= 1e-12 * l1 * l2) {  // parallel
        if (std::fabs(cross(d1x, d1y, ex, ey)) / l1 > kTouch) return Hit::None;
        const double s0 = (ex * d1x + ey * d1y) / l1;
        const double s1 = ((q.x() - a.x()) * d1x + (q.y() - a.y()) * d1y) / l1;
        if (std::max(s0, s1) < -kTouch || std::min(s0, s1) > l1 + kTouch) return Hit::None;
        return Hit::Degenerate;
    }
    t = cross(ex, ey, d2x, d2y) / den;
    u = cross(ex, ey, d1x, d1y) / den;
    if (t * l1 < -kTouch || (t - 1) * l1 > kTouch || u * l2 < -kTouch || (u - 1) * l2 > kTouch) return Hit::None;
    if (t * l1 < kTouch || (1 - t) * l1 < kTouch || u * l2 < kTouch || (1 - u) * l2 < kTouch) return Hit::Degenerate;
    return Hit::Cross;
}

// Calls f(ring, segment, a, b) for every segment of a piece's rings, until f returns true.
template <class F>
bool for_each_segment(const UnionPiece& p, F&& f) {
    const std::size_t nr = 1 + p.xy->inners().size();
    for (std::uint32_t r = 0; r < nr; ++r) {
        const Ring& ring = ring_of(p, r);
        for (std::size_t i = 0; i + 1 < ring.size(); ++i)
            if (f(r, i, ring[i], ring[i + 1])) return true;
    }
    return false;
}

// Whether segment ab crosses the ray from m towards +x (half-open at vertices).
bool crosses_ray(const Point& m, const Point& a, const Point& b) {
    if ((a.y() > m.y()) == (b.y() > m.y())) return false;
    return a.x() + (m.y() - a.y()) * (b.x() - a.x()) / (b.y() - a.y()) > m.x();
}

// Whether point m lies inside a feature (its pieces' rings), by parity of
// crossings: a ray from m through the pieces whose box holds m. Near a
// piece's clip-box side or split line the projected chords and the true
// lines differ by millimetres, so within a metre of one the test runs along
// the segment from the origin to m instead (the origin's status is computed
// once, far from the box sides), against the feature's edges off the box only.
class InsideTest {
public:
    explicit InsideTest(const std::vector<const UnionPiece*>& pieces) : pieces_(pieces) {
        box_ = pieces.front()->box;
        for (const UnionPiece* p : pieces) bg::expand(box_, p->box);
        const Point origin(0, 0);
        for (const UnionPiece* p : pieces)
            for_each_segment(*p, [&](std::uint32_t, std::size_t, const Point& a, const Point& b) {
                if (crosses_ray(origin, a, b)) origin_inside_ = !origin_inside_;
                return false;
            });
    }

    const Box& box() const { return box_; }
    // False at once outside the feature's box.
    bool inside(const Point& m) const {
        if (!bg::covered_by(m, box_)) return false;
        bool in = false;
        for (const UnionPiece* p : pieces_) {
            if (!bg::covered_by(m, p->box)) continue;
            const bool near_line =
                for_each_segment(*p, [&](std::uint32_t r, std::size_t i, const Point& a, const Point& b) {
                    if (side_of(*p, r, i) != kNoSide && segment_distance(m, a, b) < 1.0) return true;
                    if (crosses_ray(m, a, b)) in = !in;
                    return false;
                });
            if (near_line) return inside_from_origin(m);
        }
        return in;
    }

    bool inside_from_origin(const Point& m) const {
        bool in = origin_inside_;
        const Box seg_box(Point(std::min(0.0, m.x()), std::min(0.0, m.y())),
                          Point(std::max(0.0, m.x()), std::max(0.0, m.y())));
        const double mm = m.x() * m.x() + m.y() * m.y();
        if (mm == 0) return in;
        for (const UnionPiece* p : pieces_) {
            if (!bg::intersects(p->box, seg_box)) continue;
            for_each_segment(*p, [&](std::uint32_t r, std::size_t i, const Point& a, const Point& b) {
                if (side_of(*p, r, i) != kNoSide) return false;
                const double sa = cross(m.x(), m.y(), a.x(), a.y()), sb = cross(m.x(), m.y(), b.x(), b.y());
                if ((sa > 0) == (sb > 0)) return false;
                const double w = sa / (sa - sb);
                const double px = a.x() + w * (b.x() - a.x()), py = a.y() + w * (b.y() - a.y());
                const double lambda = (px * m.x() + py * m.y()) / mm;
                if (lambda > 0 && lambda < 1) in = !in;
                return false;
            });
        }
        return in;
    }

private:
    const std::vector<const UnionPiece*>& pieces_;
    Box box_;
    bool origin_inside_ = false;
};

}  // namespace

Point clip_side_point(const Box& clip_ll, ClipSide side, double v) {
    switch (side) {
        case kBottom:
            return Point(v, clip_ll.min_corner().y());
        case kRight:
            return Point(clip_ll.max_corner().x(), v);
        case kTop:
            return Point(v, clip_ll.max_corner().y());
        default:
            return Point(clip_ll.min_corner().x(), v);
    }
}

bool add_union_disc_areas(const std::vector<UnionPiece>& pieces, const std::vector<BoxRun>& runs, const Box& clip_ll,
                          const LocalFrame& frame, const std::vector<double>& radii, std::vector<double>& total) {
    const std::size_t nk = radii.size();
    std::vector<double> sum(nk, 0.0);

    // Pieces per feature, for the point-in-feature tests.
    std::map<std::uint32_t, std::vector<const UnionPiece*>> by_feature;
    for (const auto& p : pieces) by_feature[p.feature].push_back(&p);
    std::map<std::uint32_t, InsideTest> tests;
    for (const auto& [f, fp] : by_feature) tests.emplace(f, InsideTest(fp));
    // The features' boxes: a point is tested only against the features whose box holds it (a 50 km
    // group has hundreds of features, and every stretch of boundary is tested).
    using FeatureBox = std::pair<Box, const std::pair<const std::uint32_t, InsideTest>*>;
    std::vector<FeatureBox> feature_boxes;
    feature_boxes.reserve(tests.size());
    for (const auto& ft : tests) feature_boxes.emplace_back(ft.second.box(), &ft);
    const bgi::rtree<FeatureBox, bgi::quadratic<16>> feature_index(feature_boxes.begin(), feature_boxes.end());
    std::vector<FeatureBox> holding;
    std::vector<std::uint32_t> candidates;

    // 1. Crossings between edges (off the box) of pieces of different features.
    std::vector<Crossing> crossings;
    struct Seg {
        SegRef ref;
        Box box;
    };
    std::vector<Seg> near_i, near_j;
    // Each piece's segments off the box with their boxes, in two orders: by their low end along x
    // and along y (ties by position in the piece). Made once, when the piece first meets a piece
    // of another feature; a pair's lists are filtered from them, already in sweep order.
    struct PieceSegs {
        bool made = false;
        std::vector<Seg> by_x, by_y;
        double span_x = 0, span_y = 0;  // the widest segment box along x and along y
    };
    std::vector<PieceSegs> piece_segs(pieces.size());
    auto segs_of = [&](std::uint32_t pi) -> const PieceSegs& {
        PieceSegs& ps = piece_segs[pi];
        if (ps.made) return ps;
        ps.made = true;
        const UnionPiece& p = pieces[pi];
        for_each_segment(p, [&](std::uint32_t r, std::size_t s, const Point& a, const Point& b) {
            if (side_of(p, r, s) != kNoSide) return false;
            ps.by_x.push_back({{pi, r, static_cast<std::uint32_t>(s)},
                               Box(Point(std::min(a.x(), b.x()), std::min(a.y(), b.y())),
                                   Point(std::max(a.x(), b.x()), std::max(a.y(), b.y())))});
            return false;
        });
        for (const Seg& sg : ps.by_x) {
            ps.span_x = std::max(ps.span_x, sg.box.max_corner().x() - sg.box.min_corner().x());
            ps.span_y = std::max(ps.span_y, sg.box.max_corner().y() - sg.box.min_corner().y());
        }
        ps.by_y = ps.by_x;
        auto order = [](bool on_x) {
            return [on_x](const Seg& a, const Seg& b) {
                const double la = on_x ? a.box.min_corner().x() : a.box.min_corner().y();
                const double lb = on_x ? b.box.min_corner().x() : b.box.min_corner().y();
                if (la != lb) return la < lb;
                return std::tie(a.ref.ring, a.ref.seg) < std::tie(b.ref.ring, b.ref.seg);
            };
        };
        std::sort(ps.by_x.begin(), ps.by_x.end(), order(true));
        std::sort(ps.by_y.begin(), ps.by_y.end(), order(false));
        return ps;
    };
    // The segments of a piece whose boxes meet `other`, in the order of its list along x (on_x) or
    // y: only those whose low end lies within `other` widened by the piece's widest segment.
    auto segs_near = [](const PieceSegs& ps, bool on_x, const Box& other, std::vector<Seg>& out) {
        out.clear();
        const std::vector<Seg>& from = on_x ? ps.by_x : ps.by_y;
        const double lo = on_x ? other.min_corner().x() - ps.span_x : other.min_corner().y() - ps.span_y;
        const double hi = on_x ? other.max_corner().x() : other.max_corner().y();
        auto low_end = [on_x](const Seg& sg) { return on_x ? sg.box.min_corner().x() : sg.box.min_corner().y(); };
        auto it = std::partition_point(from.begin(), from.end(), [&](const Seg& sg) { return low_end(sg) < lo; });
        for (; it != from.end() && low_end(*it) <= hi; ++it)
            if (bg::intersects(it->box, other)) out.push_back(*it);
    };
    for (std::uint32_t i = 0; i < pieces.size(); ++i) {
        for (std::uint32_t j = i + 1; j < pieces.size(); ++j) {
            if (pieces[i].feature == pieces[j].feature || !bg::intersects(pieces[i].box, pieces[j].box)) continue;
            const PieceSegs& si_all = segs_of(i);
            segs_near(si_all, true, pieces[j].box, near_i);
            if (near_i.empty()) continue;
            const PieceSegs& sj_all = segs_of(j);
            segs_near(sj_all, true, pieces[i].box, near_j);
            // Segment pairs whose boxes meet: a sweep over both lists sorted
            // along the axis where the boxes are narrower (long near-parallel
            // edges overlap along the other).
            double ext[2] = {0, 0};
            for (const auto* list : {&near_i, &near_j})
                for (const Seg& sg : *list) {
                    ext[0] += sg.box.max_corner().x() - sg.box.min_corner().x();
                    ext[1] += sg.box.max_corner().y() - sg.box.min_corner().y();
                }
            const bool on_x = ext[0] <= ext[1];
            if (!on_x) {
                segs_near(si_all, false, pieces[j].box, near_i);
                segs_near(sj_all, false, pieces[i].box, near_j);
            }
            auto lo = [on_x](const Seg& sg) { return on_x ? sg.box.min_corner().x() : sg.box.min_corner().y(); };
            auto hi = [on_x](const Seg& sg) { return on_x ? sg.box.max_corner().x() : sg.box.max_corner().y(); };
            auto olo = [on_x](const Seg& sg) { return on_x ? sg.box.min_corner().y() : sg.box.min_corner().x(); };
            auto ohi = [on_x](const Seg& sg) { return on_x ? sg.box.max_corner().y() : sg.box.max_corner().x(); };
            auto by_lo = [&](const Seg& a, const Seg& b) { return lo(a) < lo(b); };
            bool degenerate = false;
            auto test = [&](const Seg& si, const Seg& sj) {
                if (ohi(si) < olo(sj) || ohi(sj) < olo(si)) return;
                const Ring& ri = ring_of(pieces[i], si.ref.ring);
                const Ring& rj = ring_of(pieces[j], sj.ref.ring);
                double t = 0, u = 0;
                const Hit h = intersect(ri[si.ref.seg], ri[si.ref.seg + 1], rj[sj.ref.seg], rj[sj.ref.seg + 1], t, u);
                if (h == Hit::Degenerate) degenerate = true;
                if (h == Hit::Cross) {
                    crossings.push_back({si.ref, t, pieces[j].feature});
                    crossings.push_back({sj.ref, u, pieces[i].feature});
                }
            };
            for (std::size_t a = 0, b = 0; a < near_i.size() && b < near_j.size();) {
                if (by_lo(near_j[b], near_i[a])) {
                    for (std::size_t k = a; k < near_i.size() && lo(near_i[k]) <= hi(near_j[b]); ++k)
                        test(near_i[k], near_j[b]);
                    ++b;
                } else {
                    for (std::size_t k = b; k < near_j.size() && lo(near_j[k]) <= hi(near_i[a]); ++k)
                        test(near_i[a], near_j[k]);
                    ++a;
                }
            }
            if (degenerate) return false;
        }
    }
    // In walking order: by piece (a counting sort), then within each piece by
    // ring, segment, position along it and feature. Sorting the whole list
    // at once was a twentieth of a vector run at 10 km.
    {
        std::vector<std::size_t> start(pieces.size() + 1, 0);
        for (const Crossing& c : crossings) ++start[c.at.piece + 1];
        for (std::size_t p = 0; p < pieces.size(); ++p) start[p + 1] += start[p];
        std::vector<Crossing> grouped(crossings.size());
        std::vector<std::size_t> next(start.begin(), start.end() - 1);
        for (const Crossing& c : crossings) grouped[next[c.at.piece]++] = c;
        for (std::size_t p = 0; p < pieces.size(); ++p)
            std::sort(grouped.begin() + static_cast<std::ptrdiff_t>(start[p]),
                      grouped.begin() + static_cast<std::ptrdiff_t>(start[p + 1]),
                      [](const Crossing& a, const Crossing& b) {
                          if (a.at.ring != b.at.ring) return a.at.ring < b.at.ring;
                          if (a.at.seg != b.at.seg) return a.at.seg < b.at.seg;
                          if (a.t != b.t) return a.t < b.t;
                          return a.feature < b.feature;
                      });
        crossings.swap(grouped);
    }

    // 2. Walk each ring's stretches between box sides, keeping what lies outside every other feature.
    struct Sub {
        Point a, b;
        std::size_t toggles_before;  // crossings earlier in the stretch
    };
    std::vector<Sub> subs;
    std::vector<const Crossing*> stretch_crossings;
    std::size_t c0 = 0;  // first crossing of the current piece/ring
    for (std::uint32_t pi = 0; pi < pieces.size(); ++pi) {
        const UnionPiece& p = pieces[pi];
        const std::size_t nr = 1 + p.xy->inners().size();
        for (std::uint32_t r = 0; r < nr; ++r) {
            const Ring& ring = ring_of(p, r);
            const std::size_t n = ring.size() < 2 ? 0 : ring.size() - 1;  // segments
            if (n == 0) continue;
            std::size_t c1 = c0;
            while (c1 < crossings.size() && crossings[c1].at.piece == pi && crossings[c1].at.ring == r) ++c1;
            // Crossings of this ring by segment: [first[s], first[s+1]).
            std::vector<std::size_t> first(n + 1, c1);
            for (std::size_t c = c1; c-- > c0;) first[crossings[c].at.seg] = c;
            for (std::size_t s = n; s-- > 0;) first[s] = std::min(first[s], first[s + 1]);
            // Stretches start after a box-side segment (or at 0 when the ring never touches the box).
            std::size_t start = 0;
            bool any_side = false;
            for (std::size_t s = 0; s < n; ++s)
                if (side_of(p, r, s) != kNoSide) {
                    any_side = true;
                    start = s;
                }
            if (any_side) start = (start + 1) % n;
            std::size_t s = start;
            std::size_t done = 0;
            while (done < n) {
                if (side_of(p, r, s) != kNoSide) {
                    s = (s + 1) % n;
                    ++done;
                    continue;
                }
                // One stretch: consecutive segments off the box.
                subs.clear();
                stretch_crossings.clear();
                while (done < n && side_of(p, r, s) == kNoSide) {
                    const Point& a = ring[s];
                    const Point& b = ring[s + 1];
                    double t_prev = 0;
                    Point prev = a;
                    for (std::size_t c = first[s]; c < first[s + 1]; ++c) {
                        const double t = crossings[c].t;
                        const Point at(a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y()));
                        if (t > t_prev) subs.push_back({prev, at, stretch_crossings.size()});
                        stretch_crossings.push_back(&crossings[c]);
                        prev = at;
                        t_prev = t;
                    }
                    subs.push_back({prev, b, stretch_crossings.size()});
                    s = (s + 1) % n;
                    ++done;
                }
                if (subs.empty()) continue;
                // Which other features hold the stretch: test the midpoint of its
                // longest part, then undo the flips before it to get the start.
                std::size_t longest = 0;
                double best = -1;
                for (std::size_t k = 0; k < subs.size(); ++k) {
                    const double dx = subs[k].b.x() - subs[k].a.x(), dy = subs[k].b.y() - subs[k].a.y();
                    const double len = dx * dx + dy * dy;  // squared: only compared
                    if (len > best) best = len, longest = k;
                }
                const Point m((subs[longest].a.x() + subs[longest].b.x()) / 2,
                              (subs[longest].a.y() + subs[longest].b.y()) / 2);
                std::map<std::uint32_t, bool> in;  // other feature -> stretch start inside it
                int inside_count = 0;
                // Only a feature whose box holds m, or one crossed before m, can hold the start.
                holding.clear();
                feature_index.query(bgi::intersects(m), std::back_inserter(holding));
                candidates.clear();
                for (const FeatureBox& fb : holding) candidates.push_back(fb.second->first);
                for (std::size_t c = 0; c < subs[longest].toggles_before; ++c)
                    candidates.push_back(stretch_crossings[c]->feature);
                std::sort(candidates.begin(), candidates.end());
                candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
                for (const std::uint32_t f : candidates) {
                    if (f == p.feature) continue;
                    bool v = tests.at(f).inside(m);
                    for (std::size_t c = 0; c < subs[longest].toggles_before; ++c)
                        if (stretch_crossings[c]->feature == f) v = !v;
                    if (v) {
                        in[f] = true;
                        ++inside_count;
                    }
                }
                std::size_t next_toggle = 0;
                for (const Sub& sub : subs) {
                    for (; next_toggle < sub.toggles_before; ++next_toggle) {
                        bool& v = in[stretch_crossings[next_toggle]->feature];
                        v = !v;
                        inside_count += v ? 1 : -1;
                    }
                    if (inside_count == 0)
                        for (std::size_t k = 0; k < nk; ++k) sum[k] += triangle_disc_area(sub.a, sub.b, radii[k]);
                }
            }
            c0 = c1;
        }
    }

    // 3. The box sides: where any feature reaches the side from inside.
    for (int side = kBottom; side <= kLeft; ++side) {
        const double dir = (side == kBottom || side == kRight) ? 1.0 : -1.0;  // counter-clockwise along the side
        std::map<std::uint32_t, std::vector<std::pair<double, int>>> events;  // feature -> (position, +-1)
        for (const BoxRun& run : runs) {
            if (run.side != side || run.from == run.to) continue;
            const double a = dir * run.from, b = dir * run.to;
            const int w = b > a ? 1 : -1;
            events[run.feature].push_back({std::min(a, b), w});
            events[run.feature].push_back({std::max(a, b), -w});
        }
        if (events.empty()) continue;
        // Covered intervals of each feature, then their union.
        std::vector<std::pair<double, double>> covered;
        for (auto& [f, ev] : events) {
            std::sort(ev.begin(), ev.end());
            int level = 0;
            double open = 0;
            for (std::size_t i = 0; i < ev.size();) {
                const double pos = ev[i].first;
                const int before = level;
                for (; i < ev.size() && ev[i].first == pos; ++i) level += ev[i].second;
                if (before <= 0 && level > 0) open = pos;
                if (before > 0 && level <= 0 && pos > open) covered.push_back({open, pos});
            }
        }
        std::sort(covered.begin(), covered.end());
        std::vector<std::pair<double, double>> merged;
        for (const auto& iv : covered) {
            if (!merged.empty() && iv.first <= merged.back().second)
                merged.back().second = std::max(merged.back().second, iv.second);
            else
                merged.push_back(iv);
        }
        for (const auto& [u0, u1] : merged) {
            // Densified like the rings, projected, integrated counter-clockwise.
            const int steps = std::max(1, static_cast<int>(std::ceil((u1 - u0) / kClipDensifyDeg)));
            Point prev = frame.forward(clip_side_point(clip_ll, static_cast<ClipSide>(side), dir * u0));
            for (int k = 1; k <= steps; ++k) {
                const double u = k == steps ? u1 : u0 + (u1 - u0) * k / steps;
                const Point cur = frame.forward(clip_side_point(clip_ll, static_cast<ClipSide>(side), dir * u));
                for (std::size_t q = 0; q < nk; ++q) sum[q] += triangle_disc_area(prev, cur, radii[q]);
                prev = cur;
            }
        }
    }
    for (std::size_t k = 0; k < nk; ++k) total[k] += sum[k];
    return true;
}

}  // namespace sitescreen
