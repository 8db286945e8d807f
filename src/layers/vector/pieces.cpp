// Piece-level geometry shared by loading, the dissolved tiles and measuring (pieces.h), and the
// layer's per-feature accessors built on it.
#include "layers/vector/pieces.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <queue>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_map>

#include "core/errors.h"
#include "geo/coverage_join.h"
#include "geo/disc_overlay.h"
#include "geo/geodesic.h"
#include "geo/geos_kit.h"
#include "geo/half_split.h"
#include "geo/local_frame.h"
#include "geo/simple_ring.h"
#include "geo/union_disc.h"
#include "io/gdal_handles.h"
#include "io/ogr_geometry.h"

namespace sitescreen {
namespace vector_kit {
namespace {

// Sutherland–Hodgman clip of a closed lon/lat ring to a box, one pass per
// side. The output may contain zero-width spikes along the box; they add
// nothing to areas, parity or distances below the box's inner radius.
// Returns the clipped ring, closed, in `out`, or `in` itself when no vertex
// lies beyond the box (most pieces near a site: copying them was a tenth of
// a vector run). A side no vertex lies beyond is not passed: its pass would
// copy the ring unchanged.
const Ring& clip_ring(const Ring& in, const Box& box, Ring& out, Ring& tmp) {
    const double xmin = box.min_corner().x(), xmax = box.max_corner().x();
    const double ymin = box.min_corner().y(), ymax = box.max_corner().y();
    if (in.size() < 2) {
        out.clear();
        return out;
    }
    const std::size_t open_n = in.size() - 1;  // the open ring: without the closing point
    double lo_x = std::numeric_limits<double>::infinity(), hi_x = -lo_x, lo_y = lo_x, hi_y = -lo_x;
    for (std::size_t i = 0; i < open_n; ++i) {
        lo_x = std::min(lo_x, in[i].x());
        hi_x = std::max(hi_x, in[i].x());
        lo_y = std::min(lo_y, in[i].y());
        hi_y = std::max(hi_y, in[i].y());
    }
    const bool cut_x0 = lo_x<xmin, cut_x1 = hi_x> xmax, cut_y0 = lo_y<ymin, cut_y1 = hi_y> ymax;
    const bool closed = bg::equals(in.front(), in.back());
    if (closed && !(cut_x0 || cut_x1 || cut_y0 || cut_y1)) return in;
    // Passes read from `in` (its open part) until one has written `out`.
    const Ring* src = &in;
    std::size_t n = open_n;
    // One side: keep what lies at or beyond `bound` (keep_above) or at or
    // below it, along y when on_y is std::true_type, else along x.
    auto pass = [&](auto on_y, double bound, bool keep_above) {
        constexpr bool kY = decltype(on_y)::value;
        auto coord = [](const Point& p) { return kY ? p.y() : p.x(); };
        auto inside = [&](const Point& p) { return keep_above ? coord(p) >= bound : coord(p) <= bound; };
        auto cut = [&](const Point& a, const Point& b) {
            if constexpr (kY) {
                const double t = (bound - a.y()) / (b.y() - a.y());
                return Point(a.x() + t * (b.x() - a.x()), bound);
            } else {
                const double t = (bound - a.x()) / (b.x() - a.x());
                return Point(bound, a.y() + t * (b.y() - a.y()));
            }
        };
        tmp.clear();
        const Ring& from = *src;
        for (std::size_t i = 0; i < n; ++i) {
            const Point& cur = from[i];
            const Point& prev = from[(i + n - 1) % n];
            const bool ci = inside(cur), pi = inside(prev);
            if (ci) {
                if (!pi) tmp.push_back(cut(prev, cur));
                tmp.push_back(cur);
            } else if (pi) {
                tmp.push_back(cut(prev, cur));
            }
        }
        out.swap(tmp);
        src = &out;
        n = out.size();
    };
    // Which sides to pass is decided from the input's vertices. A cut point
    // lies on an edge between two of them, so within their box; rounding
    // may put it an ulp beyond a side that a vertex lies exactly on, which
    // then is not passed: an ulp, where the full clip would have moved it
    // back onto the side.
    if (cut_x0) pass(std::false_type{}, xmin, true);
    if (n > 0 && cut_x1) pass(std::false_type{}, xmax, false);
    if (n > 0 && cut_y0) pass(std::true_type{}, ymin, true);
    if (n > 0 && cut_y1) pass(std::true_type{}, ymax, false);
    if (n == 0) return out;
    if (src == &in) out.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(open_n));
    out.push_back(out.front());
    return out;
}

// How far the middle of the lon/lat edge a-b lies, in the frame, off the
// chord between its projected ends pa and pb.
double edge_bulge(const Point& a, const Point& b, const Point& pa, const Point& pb, const LocalFrame& frame) {
    const Point pm = frame.forward(LonLat{(a.x() + b.x()) / 2, (a.y() + b.y()) / 2});
    return std::hypot(pm.x() - (pa.x() + pb.x()) / 2, pm.y() - (pa.y() + pb.y()) / 2);
}

// The clip-box side a lon/lat edge lies on (clipping puts such edges' ends
// exactly on the side), kCut for an edge along a line the feature was split
// on, or kNoSide.
ClipSide side_of_edge(const Point& a, const Point& b, const Box& box, const Piece& piece) {
    if (a.y() == box.min_corner().y() && b.y() == box.min_corner().y()) return kBottom;
    if (a.x() == box.max_corner().x() && b.x() == box.max_corner().x()) return kRight;
    if (a.y() == box.max_corner().y() && b.y() == box.max_corner().y()) return kTop;
    if (a.x() == box.min_corner().x() && b.x() == box.min_corner().x()) return kLeft;
    if (a.x() == b.x() && std::find(piece.cuts_x.begin(), piece.cuts_x.end(), a.x()) != piece.cuts_x.end()) return kCut;
    if (a.y() == b.y() && std::find(piece.cuts_y.begin(), piece.cuts_y.end(), a.y()) != piece.cuts_y.end()) return kCut;
    return kNoSide;
}

// How many segments a lon/lat edge a-b (pa, pb: its ends in the frame) is
// split into when projected: one per kClipDensifyDeg of its longer side, or
// one when it stays farther than `far_m` from the origin (no `side`).
//
// An edge that stays farther than `far_m` from the origin is not densified:
// outside every disc of interest its share of a disc's area depends on its
// ends alone, and the distances that matter are nearer. "Stays farther" is
// judged from the chord, less twice the bulge of the edge's projected middle
// off it (lon/lat lines curve gently in the frame) and a metre.
//
// Beyond the reach an edge may stay a chord: it adds nothing to the discs either way. Not a
// clip-box side or a cut of a piece kept for a union, though (`side` other than kNoSide): the
// union's box sides are integrated densified (union_disc.cpp) and its inside tests near a side
// or cut take the chords for the true lines to within millimetres; a chord there is off by up
// to hundreds of metres, and a stretch of boundary on the wrong side of it was dropped.
// `bulge`, when given, receives the edge's bulge if this measured it, else -1.
int edge_steps(const Point& a, const Point& b, const Point& pa, const Point& pb, const LocalFrame& frame, double far_m,
               ClipSide side, double* bulge = nullptr) {
    const double len = std::max(std::fabs(b.x() - a.x()), std::fabs(b.y() - a.y()));
    int steps = static_cast<int>(std::ceil(len / kClipDensifyDeg));
    if (bulge) *bulge = -1;
    if (steps > 1 && std::isfinite(far_m) && side == kNoSide) {
        const double chord = segment_distance_to_origin(pa, pb);
        if (chord > far_m) {
            const double b_m = edge_bulge(a, b, pa, pb, frame);
            if (bulge) *bulge = b_m;
            if (chord - 2 * b_m - 1.0 > far_m) steps = 1;
        }
    }
    return steps;
}

// The points 1 .. steps - 1 an edge a-b is split into, in the frame, appended to `xy`.
void append_edge_points(const Point& a, const Point& b, int steps, const LocalFrame& frame, std::vector<Point>& xy) {
    if (steps < 2) return;
    thread_local std::vector<LonLat> ll;
    ll.clear();
    for (int k = 1; k < steps; ++k) {
        const double t = static_cast<double>(k) / steps;
        ll.push_back(LonLat{a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y())});
    }
    const std::size_t at = xy.size();
    xy.resize(at + ll.size());
    frame.forward(ll.data(), ll.size(), xy.data() + at);
}

// A closed lon/lat ring's vertices in the frame, the last the first's (so that the ring closes
// exactly in the frame).
void project_vertices(const Ring& ll, const LocalFrame& frame, std::vector<Point>& v) {
    v.resize(ll.size());
    if (ll.empty()) return;
    frame.forward(ll.data(), ll.size() - 1, v.data());
    if (ll.size() == 1) v[0] = frame.forward(ll[0]);
    v.back() = v[0];
}

// Densifies a lon/lat ring and projects it into the local frame (edge_steps
// says how finely). With `sides`, also records which projected segments lie
// along the clip box and, in `runs`, those stretches in lon/lat (for unions,
// union_disc.h).
void project_ring(const Ring& ll, const LocalFrame& frame, Ring& xy,
                  double far_m = std::numeric_limits<double>::infinity(), const Box* clip = nullptr,
                  const Piece* piece = nullptr, std::vector<std::int8_t>* sides = nullptr,
                  std::vector<BoxRun>* runs = nullptr) {
    xy.clear();
    if (sides) sides->clear();
    if (ll.empty()) return;
    thread_local std::vector<Point> v;
    project_vertices(ll, frame, v);
    for (std::size_t i = 0; i + 1 < ll.size(); ++i) {
        const Point& a = ll[i];
        const Point& b = ll[i + 1];
        const Point &pa = v[i], &pb = v[i + 1];
        xy.push_back(pa);
        const ClipSide side = sides ? side_of_edge(a, b, *clip, *piece) : kNoSide;
        const int steps = edge_steps(a, b, pa, pb, frame, far_m, side);
        append_edge_points(a, b, steps, frame, xy);
        if (sides) {
            sides->insert(sides->end(), static_cast<std::size_t>(std::max(steps, 1)), side);
            if (side != kNoSide && side != kCut && runs) {
                const bool along_x = side == kBottom || side == kTop;
                runs->push_back({0, side, along_x ? a.x() : a.y(), along_x ? b.x() : b.y()});
            }
        }
    }
    xy.push_back(xy.front());
}

// ring_distance_to_origin() of project_ring(ll) without `sides`, to the last
// bit, or `best` if that is nearer: the ring's vertices are projected, its
// undivided edges measured, and a divided edge's points projected only while
// the edge's chord, less twice the bulge of its middle and a metre (which
// bounds how far its points lie off the chord), is nearer than the nearest
// point found so far.
double pruned_ring_distance(const Ring& ll, const LocalFrame& frame, double far_m, double best, DistanceScratch& s) {
    if (ll.size() < 2) return best;
    std::vector<Point>& v = s.vertices;
    project_vertices(ll, frame, v);
    s.divided.clear();
    for (std::size_t i = 0; i + 1 < ll.size(); ++i) {
        double bulge = -1;
        const int steps = edge_steps(ll[i], ll[i + 1], v[i], v[i + 1], frame, far_m, kNoSide, &bulge);
        const double chord = segment_distance_to_origin(v[i], v[i + 1]);
        if (steps <= 1)
            best = std::min(best, chord);
        else {
            if (bulge < 0) bulge = edge_bulge(ll[i], ll[i + 1], v[i], v[i + 1], frame);  // not measured there
            s.divided.emplace_back(chord - 2 * bulge - 1.0, i, steps);
        }
    }
    std::sort(s.divided.begin(), s.divided.end());
    for (const auto& [bound, i, steps] : s.divided) {
        if (bound >= best) break;
        std::vector<Point>& q = s.points;
        q.assign(1, v[i]);
        append_edge_points(ll[i], ll[i + 1], steps, frame, q);
        q.push_back(v[i + 1]);
        for (std::size_t k = 0; k + 1 < q.size(); ++k)
            best = std::min(best, segment_distance_to_origin(q[k], q[k + 1]));
    }
    return best;
}

}  // namespace

// Clips a lon/lat polygon (outer ring and holes) to the box and projects it
// into the frame (project_ring). With `sides`, records per ring which
// segments lie along the box (and the box runs). False, with `xy` left
// unspecified, when the outer ring is clipped away.
bool clip_and_project(const Polygon& ll, const Box& box, const LocalFrame& frame, double far_m, Polygon& xy,
                      Ring& clipped, Ring& tmp, const Piece* piece, std::vector<std::vector<std::int8_t>>* sides,
                      std::vector<BoxRun>* runs) {
    const Ring& outer = clip_ring(ll.outer(), box, clipped, tmp);
    if (outer.size() < 4) return false;
    if (sides) sides->emplace_back();
    project_ring(outer, frame, xy.outer(), far_m, &box, piece, sides ? &sides->back() : nullptr, runs);
    xy.inners().clear();
    for (const auto& h : ll.inners()) {
        const Ring& hole = clip_ring(h, box, clipped, tmp);
        if (hole.size() < 4) continue;
        xy.inners().emplace_back();
        if (sides) sides->emplace_back();
        project_ring(hole, frame, xy.inners().back(), far_m, &box, piece, sides ? &sides->back() : nullptr, runs);
    }
    return true;
}

void clip_for_overlay(const Polygon& ll, const Box& box, const LocalFrame& frame, std::vector<geos::GeomPtr>& out) {
    const geos::GeomPtr g = geos::from_polygon(ll);
    const geos::GeomPtr within = g ? geos::clip_by_rect(g.get(), box.min_corner().x(), box.min_corner().y(),
                                                        box.max_corner().x(), box.max_corner().y())
                                   : nullptr;
    if (!within) return;
    MultiPolygon parts;
    geos::to_multipolygon(within.get(), parts);
    Polygon xy;
    for (const Polygon& p : parts) {
        project_ring(p.outer(), frame, xy.outer());
        xy.inners().resize(p.inners().size());
        for (std::size_t h = 0; h < p.inners().size(); ++h) project_ring(p.inners()[h], frame, xy.inners()[h]);
        out.push_back(geos::from_polygon(xy));
    }
}

double clipped_distance_to_origin(const Polygon& ll, const Box& box, const LocalFrame& frame, double far_m,
                                  Ring& clipped, Ring& tmp, DistanceScratch& scratch) {
    const Ring& outer = clip_ring(ll.outer(), box, clipped, tmp);
    if (outer.size() < 4) return std::numeric_limits<double>::infinity();
    double d = pruned_ring_distance(outer, frame, far_m, std::numeric_limits<double>::infinity(), scratch);
    for (const auto& h : ll.inners()) {
        const Ring& hole = clip_ring(h, box, clipped, tmp);
        if (hole.size() >= 4) d = pruned_ring_distance(hole, frame, far_m, d, scratch);
    }
    return d;
}

// The piece moved by `shift` degrees of longitude (a whole turn, +-360):
// pieces found beyond the antimeridian from a site's box are measured in the
// box's own longitudes, so that clipping keeps what lies within reach.
const Piece& shifted_piece(const Piece& p, double shift, Piece& out) {
    if (shift == 0) return p;
    out = p;
    auto move = [shift](Point& q) { q.x(q.x() + shift); };
    for (Point& q : out.polygon.outer()) move(q);
    for (Ring& h : out.polygon.inners())
        for (Point& q : h) move(q);
    move(out.point);
    for (Point& q : out.line) move(q);
    for (double& c : out.cuts_x) c += shift;
    return out;
}

// The R-tree queries that find every piece within a lon/lat box that may run
// past +-180 (geodesic::bounding_box leaves its longitudes unwrapped): the
// box itself, and the part beyond each antimeridian turned back by a whole
// turn, with the shift (degrees) that brings what it finds into the box's
// longitudes. A box never spans more than a turn, so the parts are disjoint.
std::vector<std::pair<Box, double>> wrapped_queries(const Box& box) {
    std::vector<std::pair<Box, double>> q{{box, 0.0}};
    const double w = box.min_corner().x(), e = box.max_corner().x();
    const double s = box.min_corner().y(), n = box.max_corner().y();
    if (w < -180) q.push_back({Box(Point(w + 360, s), Point(180, n)), -360.0});
    if (e > 180) q.push_back({Box(Point(-180, s), Point(e - 360, n)), 360.0});
    return q;
}

Box shifted_box(const Box& b, double shift) {
    return Box(Point(b.min_corner().x() + shift, b.min_corner().y()),
               Point(b.max_corner().x() + shift, b.max_corner().y()));
}

std::pair<double, double> box_distance_range(const Box& b, const LocalFrame& frame) {
    const double x0 = b.min_corner().x(), y0 = b.min_corner().y(), x1 = b.max_corner().x(), y1 = b.max_corner().y();
    const LonLat ll[4] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};  // counter-clockwise
    Point c[4];
    for (int i = 0; i < 4; ++i) c[i] = frame.forward(ll[i]);
    double lo = std::numeric_limits<double>::infinity(), hi = 0;
    bool origin_inside = true;
    for (int i = 0; i < 4; ++i) {
        const Point& a = c[i];
        const Point& e = c[(i + 1) % 4];
        const double slack =
            2 * edge_bulge(Point(ll[i].lon, ll[i].lat), Point(ll[(i + 1) % 4].lon, ll[(i + 1) % 4].lat), a, e, frame) +
            1.0;
        hi = std::max(hi, std::max(std::hypot(a.x(), a.y()), std::hypot(e.x(), e.y())) + slack);
        lo = std::min(lo, segment_distance_to_origin(a, e) - slack);
        if ((e.x() - a.x()) * (-a.y()) - (e.y() - a.y()) * (-a.x()) < 0) origin_inside = false;
    }
    return {origin_inside ? 0.0 : std::max(0.0, lo), hi};
}

}  // namespace vector_kit

using namespace vector_kit;

MultiPolygon VectorLayer::feature_polygons(std::uint32_t feature) const {
    MultiPolygon mp;
    if (feature >= feature_pieces_.size()) return mp;
    for (std::uint32_t p : feature_pieces_[feature])
        if (pieces_[p].kind == PieceKind::Polygon) mp.push_back(pieces_[p].polygon);
    return mp;
}

namespace {

std::atomic<std::uint64_t> g_region_overlays{0};
std::atomic<std::uint64_t> g_join_declines{0};

// The vertices lying on each cut line, (line, position along it), sorted: x = line for the
// vertical cuts (`cuts_x`, position y), y = line for the horizontal ones.
struct CutVertices {
    std::vector<std::pair<double, double>> on_x, on_y;
    void add(const Ring& r, const Piece& p) {
        for (const Point& q : r) {
            for (double c : p.cuts_x)
                if (q.x() == c) on_x.emplace_back(c, q.y());
            for (double c : p.cuts_y)
                if (q.y() == c) on_y.emplace_back(c, q.x());
        }
    }
    void add(const Piece& p) {  // every ring of the piece
        add(p.polygon.outer(), p);
        for (const Ring& h : p.polygon.inners()) add(h, p);
    }
    void sort() {
        for (auto* v : {&on_x, &on_y}) {
            std::sort(v->begin(), v->end());
            v->erase(std::unique(v->begin(), v->end()), v->end());
        }
    }
};

// Appends to `out` the vertices of `on` on line `line` strictly between positions a and b, in
// order from a to b.
template <class Make>
void between(const std::vector<std::pair<double, double>>& on, double line, double a, double b, Ring& out, Make make) {
    const auto lo = std::lower_bound(on.begin(), on.end(), std::make_pair(line, std::min(a, b)));
    const auto hi = std::lower_bound(on.begin(), on.end(), std::make_pair(line, std::max(a, b)));
    if (lo == hi) return;
    auto first = lo;
    if (first->second == std::min(a, b)) ++first;
    if (first >= hi) return;
    if (a < b)
        for (auto it = first; it != hi; ++it) out.push_back(make(it->second));
    else
        for (auto it = hi; it != first;) out.push_back(make((--it)->second));
}

// The ring with every vertex another piece has on a cut line that one of its edges runs along
// inserted into that edge: then two pieces' edges along the cut they share match vertex for
// vertex, which a coverage union needs (subdivision cuts a piece's halves again at different
// places, so one side of a cut may have vertices the other lacks).
void node_cuts(const Ring& in, const Piece& p, const CutVertices& cv, Ring& out) {
    out.clear();
    for (std::size_t i = 0; i + 1 < in.size(); ++i) {
        const Point& a = in[i];
        const Point& b = in[i + 1];
        out.push_back(a);
        if (a.x() == b.x() && a.y() != b.y() && std::find(p.cuts_x.begin(), p.cuts_x.end(), a.x()) != p.cuts_x.end())
            between(cv.on_x, a.x(), a.y(), b.y(), out, [&](double y) { return Point(a.x(), y); });
        else if (a.y() == b.y() && a.x() != b.x() &&
                 std::find(p.cuts_y.begin(), p.cuts_y.end(), a.y()) != p.cuts_y.end())
            between(cv.on_y, a.y(), a.x(), b.x(), out, [&](double x) { return Point(x, a.y()); });
    }
    if (!in.empty()) out.push_back(in.back());
}

void project_polygon(const Polygon& ll, const LocalFrame& frame, Polygon& xy) {
    project_ring(ll.outer(), frame, xy.outer());
    xy.inners().resize(ll.inners().size());
    for (std::size_t h = 0; h < ll.inners().size(); ++h) project_ring(ll.inners()[h], frame, xy.inners()[h]);
}

// The union of whole pieces of one feature (their cut vertices gathered in `cv`): joined along
// the cut lines they share (join_coverage), once every piece has the vertices its neighbours have
// on a cut (node_cuts); by GEOS's coverage union where join_coverage declines (counted in
// g_join_declines), and GEOS's overlay union of the same pieces where the pieces do not meet
// edge to edge (counted in g_region_overlays). Null when the overlay fails.
geos::GeomPtr join_pieces(const std::vector<const Piece*>& near, CutVertices& cv) {
    auto ctx = geos::context();
    geos::GeomPtr joined;
    if (near.size() == 1) {
        joined = geos::from_polygon(near.front()->polygon);
    } else {
        cv.sort();
        std::vector<Polygon> noded(near.size());
        for (std::size_t i = 0; i < near.size(); ++i) {
            const Piece& p = *near[i];
            node_cuts(p.polygon.outer(), p, cv, noded[i].outer());
            noded[i].inners().resize(p.polygon.inners().size());
            for (std::size_t h = 0; h < p.polygon.inners().size(); ++h)
                node_cuts(p.polygon.inners()[h], p, cv, noded[i].inners()[h]);
        }
        std::vector<const Polygon*> parts;
        for (const Polygon& p : noded) parts.push_back(&p);
        MultiPolygon stitched;
        if (join_coverage(parts, stitched)) return geos::from_multipolygon(stitched);
        g_join_declines.fetch_add(1, std::memory_order_relaxed);
        std::vector<GEOSGeometry*> raw;
        raw.reserve(noded.size());
        for (const Polygon& p : noded) raw.push_back(geos::from_polygon(p).release());
        const geos::GeomPtr all(
            GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, raw.data(), static_cast<unsigned>(raw.size())));
        // GEOS declines (null) when the pieces do not meet edge to edge.
        joined.reset(GEOSCoverageUnion_r(ctx, all.get()));
    }
    if (!joined) {
        // The overlay union of the same whole pieces (repaired where needed): slower, the same
        // feature.
        g_region_overlays.fetch_add(1, std::memory_order_relaxed);
        std::vector<geos::GeomPtr> parts;
        for (const Piece* p : near) parts.push_back(geos::from_polygon(p->polygon));
        joined = geos::union_all(std::move(parts));
    }
    return joined;
}

// Calls fn(piece, its box) for each polygon piece among `ids` whose box meets `query`: the pieces
// of one feature that a join takes.
template <class Fn>
void for_pieces_meeting(const std::vector<Piece>& pieces, const std::vector<std::uint32_t>& ids, const Box& query,
                        Fn&& fn) {
    for (std::uint32_t pi : ids) {
        const Piece& p = pieces[pi];
        if (p.kind != PieceKind::Polygon) continue;
        Box b;
        bg::envelope(p.polygon.outer(), b);
        if (bg::intersects(b, query)) fn(p, b);
    }
}

}  // namespace

std::uint64_t vector_kit::feature_region_overlays() { return g_region_overlays.load(); }
std::uint64_t vector_kit::feature_join_declines() { return g_join_declines.load(); }

MultiPolygon VectorLayer::feature_region(std::uint32_t feature, const LocalFrame& frame, double reach_m,
                                         double keep_m) const {
    MultiPolygon out;
    if (feature >= feature_pieces_.size()) return out;
    const Box box = geodesic::bounding_box(frame.centre(), reach_m);
    // The pieces that meet the box, moved into the box's longitudes, whole: clipping each to the
    // box first would leave zero-width spikes along its sides (clip_ring), which a coverage union
    // cannot take. Their union is clipped to the box once, below.
    std::vector<Piece> near;
    CutVertices cv;
    Piece shifted;
    for (const auto& wrapped : wrapped_queries(box)) {
        const auto shift = wrapped.second;  // a structured binding cannot be captured in C++17
        for_pieces_meeting(pieces_, feature_pieces_[feature], wrapped.first, [&](const Piece& raw, const Box& b) {
            if (std::isfinite(keep_m) && box_distance_range(shifted_box(b, shift), frame).first > keep_m) return;
            near.push_back(shifted_piece(raw, shift, shifted));
            cv.add(near.back());
        });
    }
    if (near.empty()) return out;
    std::vector<const Piece*> whole;
    for (const Piece& p : near) whole.push_back(&p);
    const geos::GeomPtr joined = join_pieces(whole, cv);
    if (!joined) return out;
    const geos::GeomPtr within = geos::clip_by_rect(joined.get(), box.min_corner().x(), box.min_corner().y(),
                                                    box.max_corner().x(), box.max_corner().y());
    if (!within) return out;
    MultiPolygon ll;
    geos::to_multipolygon(within.get(), ll);
    out.resize(ll.size());
    for (std::size_t i = 0; i < ll.size(); ++i) project_polygon(ll[i], frame, out[i]);
    return out;
}

geos::GeomPtr VectorLayer::feature_joined(std::uint32_t feature, const Box& box) const {
    if (feature >= feature_pieces_.size()) return nullptr;
    std::vector<const Piece*> near;
    CutVertices cv;
    for_pieces_meeting(pieces_, feature_pieces_[feature], box, [&](const Piece& p, const Box&) {
        near.push_back(&p);
        cv.add(p);
    });
    if (near.empty()) return nullptr;
    return join_pieces(near, cv);
}

std::vector<Point> VectorLayer::feature_points(std::uint32_t feature) const {
    std::vector<Point> pts;
    if (feature >= feature_pieces_.size()) return pts;
    for (std::uint32_t p : feature_pieces_[feature]) {
        if (pieces_[p].kind == PieceKind::Point) pts.push_back(pieces_[p].point);
        if (pieces_[p].kind == PieceKind::Line)
            for (const auto& q : pieces_[p].line) pts.push_back(q);
    }
    return pts;
}

}  // namespace sitescreen
