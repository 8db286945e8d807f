// Vector layers: load (repair, reproject, subdivide, index) and measure a site against them.
#include "layers/vector_layer.h"

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
#include "geo/disc_overlay.h"
#include "geo/geodesic.h"
#include "geo/geos_kit.h"
#include "geo/half_split.h"
#include "geo/local_frame.h"
#include "geo/simple_ring.h"
#include "geo/union_disc.h"
#include "io/gdal_handles.h"
#include "io/ogr_geometry.h"

namespace fs = std::filesystem;
namespace bgi = boost::geometry::index;

namespace sitescreen {
namespace {

constexpr std::size_t kMaxPieceVertices = 256;  // pieces small enough that boxes reject most work

std::string field_list(const std::vector<std::string>& fields) {
    std::string s;
    for (const auto& f : fields) s += (s.empty() ? "" : ", ") + ("'" + f + "'");
    return s.empty() ? "none" : s;
}

// Disjoint sets (union-find with path halving) over 0..n-1: groups of
// features or parts whose boxes meet.
class DisjointSets {
public:
    explicit DisjointSets(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
    std::size_t root(std::size_t i) {
        while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
        return i;
    }
    // Joins the sets of i and j; returns the root of the joined set.
    std::size_t join(std::size_t i, std::size_t j) {
        const std::size_t ri = root(i), rj = root(j);
        if (ri != rj) parent_[ri] = rj;
        return rj;
    }
    // The sets of two or more members and the singletons, each in member
    // order, ordered by their smallest member.
    std::vector<std::vector<std::size_t>> groups() {
        std::map<std::size_t, std::vector<std::size_t>> by_root;
        for (std::size_t i = 0; i < parent_.size(); ++i) by_root[root(i)].push_back(i);
        std::vector<std::vector<std::size_t>> out;
        for (auto& [r, members] : by_root) out.push_back(std::move(members));
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
        return out;
    }

private:
    std::vector<std::size_t> parent_;
};

std::size_t vertex_count(const Polygon& p) {
    std::size_t n = p.outer().size();
    for (const auto& h : p.inners()) n += h.size();
    return n;
}

struct Part {
    Polygon polygon;
    std::vector<double> cuts_x, cuts_y;  // the split lines it borders on (its vertices there lie exactly on them)
};

// Splits a polygon into pieces of at most kMaxPieceVertices vertices by
// cutting it across the middle of its bounding box's longer side,
// recursively (split_polygon, or GEOS ClipByRect where that declines).
void subdivide(const Polygon& poly, std::vector<Part>& out, std::vector<double> cuts_x = {},
               std::vector<double> cuts_y = {}, int depth = 0) {
    if (vertex_count(poly) <= kMaxPieceVertices || depth > 24) {
        out.push_back({poly, std::move(cuts_x), std::move(cuts_y)});
        return;
    }
    Box b;
    bg::envelope(poly, b);
    const double w = b.max_corner().x() - b.min_corner().x();
    const double h = b.max_corner().y() - b.min_corner().y();
    const bool vertical = w >= h;
    const double mid = vertical ? b.min_corner().x() + w / 2 : b.min_corner().y() + h / 2;
    // Split by sorting the crossings where it can (half_split.h). Data on a
    // grid (coordinates rounded to 1e-4 degree, say) often has a vertex just
    // on the middle, which that declines: a line a millionth of the extent
    // further is as good a cut, and misses the grid.
    {
        const double nudge = (vertical ? w : h) * 0.6180339887e-6;
        for (const double c : {mid, mid + nudge}) {
            MultiPolygon sides[2];
            if (!split_polygon(poly, vertical, c, sides[0], sides[1])) continue;
            (vertical ? cuts_x : cuts_y).push_back(c);
            for (const MultiPolygon& parts : sides)
                for (const auto& part : parts) subdivide(part, out, cuts_x, cuts_y, depth + 1);
            return;
        }
    }
    // Else GEOS, at the middle.
    Box halves[2] = {b, b};
    if (vertical) {
        halves[0].max_corner().x(mid);
        halves[1].min_corner().x(mid);
        cuts_x.push_back(mid);
    } else {
        halves[0].max_corner().y(mid);
        halves[1].min_corner().y(mid);
        cuts_y.push_back(mid);
    }
    auto ctx = geos::context();
    geos::GeomPtr g = geos::from_polygon(poly);
    for (const Box& half : halves) {
        geos::GeomPtr clipped(GEOSClipByRect_r(ctx, g.get(), half.min_corner().x(), half.min_corner().y(),
                                               half.max_corner().x(), half.max_corner().y()));
        MultiPolygon parts;
        geos::to_multipolygon(clipped.get(), parts);
        for (const auto& part : parts) subdivide(part, out, cuts_x, cuts_y, depth + 1);
    }
}

std::string feature_text(OGRFeatureH f, int field) {
    if (field < 0 || !OGR_F_IsFieldSetAndNotNull(f, field)) return "";
    return OGR_F_GetFieldAsString(f, field);
}

Json field_json(OGRFeatureH f, OGRFeatureDefnH defn, int i) {
    if (!OGR_F_IsFieldSetAndNotNull(f, i)) return nullptr;
    switch (OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i))) {
        case OFTInteger: return OGR_F_GetFieldAsInteger(f, i);
        case OFTInteger64: return static_cast<long long>(OGR_F_GetFieldAsInteger64(f, i));
        case OFTReal: {
            const double v = OGR_F_GetFieldAsDouble(f, i);
            return std::isfinite(v) ? Json(v) : Json(nullptr);
        }
        default: return OGR_F_GetFieldAsString(f, i);
    }
}

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
    const bool cut_x0 = lo_x < xmin, cut_x1 = hi_x > xmax, cut_y0 = lo_y < ymin, cut_y1 = hi_y > ymax;
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

// Densifies a lon/lat ring and projects it into the local frame. With
// `sides`, also records which projected segments lie along the clip box and,
// in `runs`, those stretches in lon/lat (for unions, union_disc.h).
//
// An edge that stays farther than `far_m` from the origin is not densified:
// outside every disc of interest its share of a disc's area depends on its
// ends alone, and the distances that matter are nearer. "Stays farther" is
// judged from the chord, less twice the bulge of the edge's projected middle
// off it (lon/lat lines curve gently in the frame) and a metre.
void project_ring(const Ring& ll, const LocalFrame& frame, Ring& xy, double far_m = std::numeric_limits<double>::infinity(),
                  const Box* clip = nullptr, const Piece* piece = nullptr, std::vector<std::int8_t>* sides = nullptr,
                  std::vector<BoxRun>* runs = nullptr) {
    xy.clear();
    if (sides) sides->clear();
    if (ll.empty()) return;
    Point pa = frame.forward(ll[0]);
    for (std::size_t i = 0; i + 1 < ll.size(); ++i) {
        const Point& a = ll[i];
        const Point& b = ll[i + 1];
        const Point pb = i + 2 == ll.size() ? xy.empty() ? pa : xy.front() : frame.forward(b);
        xy.push_back(pa);
        const double len = std::max(std::fabs(b.x() - a.x()), std::fabs(b.y() - a.y()));
        int steps = static_cast<int>(std::ceil(len / kClipDensifyDeg));
        const ClipSide side = sides ? side_of_edge(a, b, *clip, *piece) : kNoSide;
        // Beyond the reach an edge may stay a chord: it adds nothing to the discs either way. Not
        // a clip-box side or a cut of a piece kept for a union, though: the union's box sides are
        // integrated densified (union_disc.cpp) and its inside tests near a side or cut take the
        // chords for the true lines to within millimetres; a chord there is off by up to
        // hundreds of metres, and a stretch of boundary on the wrong side of it was dropped.
        if (steps > 1 && std::isfinite(far_m) && side == kNoSide) {
            const double chord = segment_distance_to_origin(pa, pb);
            if (chord > far_m) {
                const Point pm = frame.forward(LonLat{(a.x() + b.x()) / 2, (a.y() + b.y()) / 2});
                const double bulge = std::hypot(pm.x() - (pa.x() + pb.x()) / 2, pm.y() - (pa.y() + pb.y()) / 2);
                if (chord - 2 * bulge - 1.0 > far_m) steps = 1;
            }
        }
        for (int k = 1; k < steps; ++k) {
            const double t = static_cast<double>(k) / steps;
            xy.push_back(frame.forward(LonLat{a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y())}));
        }
        if (sides) {
            sides->insert(sides->end(), static_cast<std::size_t>(std::max(steps, 1)), side);
            if (side != kNoSide && side != kCut && runs) {
                const bool along_x = side == kBottom || side == kTop;
                runs->push_back({0, side, along_x ? a.x() : a.y(), along_x ? b.x() : b.y()});
            }
        }
        pa = pb;
    }
    xy.push_back(xy.front());
}

// Clips a lon/lat polygon (outer ring and holes) to the box and projects it
// into the frame (project_ring). With `sides`, records per ring which
// segments lie along the box (and the box runs). False, with `xy` left
// unspecified, when the outer ring is clipped away.
bool clip_and_project(const Polygon& ll, const Box& box, const LocalFrame& frame, double far_m, Polygon& xy, Ring& clipped,
                      Ring& tmp, const Piece* piece = nullptr, std::vector<std::vector<std::int8_t>>* sides = nullptr,
                      std::vector<BoxRun>* runs = nullptr) {
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

// A lower bound (m) of the geodesic distance from c to a lon/lat box, for
// boxes within a few hundred kilometres: the larger of the north-south
// separation (at the shortest meridian degree, 110,574 m) and the east-west
// one (at the equatorial radius times the cosine of the highest latitude
// involved), less 1% for the poleward bulge of geodesics. 0 when unsure.
double box_distance_lower_bound(LonLat c, const Box& b) {
    const double south = b.min_corner().y(), north = b.max_corner().y();
    const double west = b.min_corner().x(), east = b.max_corner().x();
    const double phi = std::max({std::fabs(c.lat), std::fabs(south), std::fabs(north)});
    if (phi > 85) return 0;
    const double dlat = std::max({0.0, south - c.lat, c.lat - north});
    double dlon = c.lon < west ? west - c.lon : c.lon > east ? c.lon - east : 0.0;
    if (dlon > 90) dlon = 0;  // across the antimeridian, or far: no bound
    const double ns = dlat * 110574.0;
    const double ew = dlon * (3.14159265358979323846 / 180) * geodesic::kWgs84A * std::cos(phi * 3.14159265358979323846 / 180);
    return 0.99 * std::max(ns, ew);
}

// A candidate polygon piece, clipped to the query box and projected.
struct ProjectedPiece {
    std::uint32_t piece = 0;
    Polygon xy;
    Box box;                                   // of xy
    std::vector<std::vector<std::int8_t>> sides;  // per ring, per segment: clip-box side or kNoSide
    std::vector<BoxRun> runs;                  // the rings' stretches along the clip box (lon/lat)
};

// A lower bound (m) of the geodesic distance between two points from
// Lambert's formula (1942: the spherical distance between the reduced
// latitudes, corrected to first order in the flattening), at a tenth of the
// cost of Karney's inverse. Lambert's error is of order f^2 (~1e-5 of the
// distance, about 10 m over thousands of kilometres); the bound subtracts
// ten times that, 1e-4 of the distance, and 100 m. Near-coincident or
// near-antipodal points (where the formula degenerates) get the spherical
// bound of geodesic::box_distance_lower_bound_m instead. Used only to skip
// edges in far_nearest; every distance it reports is Karney's.
double lambert_lower_bound_m(LonLat p, LonLat q) {
    constexpr double kDegR = 3.14159265358979323846 / 180;
    constexpr double f = geodesic::kWgs84F;
    const double b1 = std::atan((1 - f) * std::tan(p.lat * kDegR)), b2 = std::atan((1 - f) * std::tan(q.lat * kDegR));
    const double dl = std::remainder(q.lon - p.lon, 360.0) * kDegR;
    const double h = std::sin(0.5 * (b2 - b1)) * std::sin(0.5 * (b2 - b1)) +
                     std::cos(b1) * std::cos(b2) * std::sin(0.5 * dl) * std::sin(0.5 * dl);
    const double sigma = 2 * std::asin(std::sqrt(std::clamp(h, 0.0, 1.0)));
    if (sigma < 1e-3 || sigma > 3.05)
        return geodesic::box_distance_lower_bound_m(p, Box(Point(q.lon, q.lat), Point(q.lon, q.lat)));
    const double P = 0.5 * (b1 + b2), Q = 0.5 * (b2 - b1);
    const double sp = std::sin(P), cp = std::cos(P), sq = std::sin(Q), cq = std::cos(Q);
    const double c2 = std::cos(0.5 * sigma), s2 = std::sin(0.5 * sigma);
    const double X = (sigma - std::sin(sigma)) * sp * sp * cq * cq / (c2 * c2);
    const double Y = (sigma + std::sin(sigma)) * cp * cp * sq * sq / (s2 * s2);
    const double s = geodesic::kWgs84A * (sigma - 0.5 * f * (X + Y));
    return std::max(0.0, s * (1 - 1e-4) - 100.0);
}

// Whether a ring or line has an edge that jumps more than 180 degrees of
// longitude, other than a whole turn from -180 to 180 (a band's or polar
// cap's side along a parallel) or along a pole's line: the mark of data
// drawn across the antimeridian without being split there.
template <typename Points>
bool edge_jumps(const Points& pts) {
    for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
        const Point& a = pts[i];
        const Point& b = pts[i + 1];
        if (std::fabs(b.x() - a.x()) <= 180) continue;
        if (std::fabs(a.x()) == 180 && std::fabs(b.x()) == 180) continue;
        if (std::fabs(a.y()) == 90 && std::fabs(b.y()) == 90) continue;
        return true;
    }
    return false;
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
    return Box(Point(b.min_corner().x() + shift, b.min_corner().y()), Point(b.max_corner().x() + shift, b.max_corner().y()));
}

}  // namespace

struct VectorLayerBuilder {
    static std::shared_ptr<const VectorLayer> load(const LayerSpec& spec, unsigned threads);
};

std::shared_ptr<const VectorLayer> VectorLayer::load(const LayerSpec& spec, unsigned threads) {
    return VectorLayerBuilder::load(spec, std::max(1u, threads));
}

namespace {

// Points of a geometry's parts (rings, members), for ordering the load work by size.
int geometry_point_count(OGRGeometryH g) {
    int n = 0;
    for (int k = 0; k < OGR_G_GetGeometryCount(g); ++k) {
        OGRGeometryH part = OGR_G_GetGeometryRef(g, k);
        n += OGR_G_GetPointCount(part) + geometry_point_count(part);
    }
    return n;
}

// A polygon of one ring that is certainly simple is valid: proven here in a
// few microseconds, where GEOS's IsValid (a noding of the ring, after a copy
// into GEOS) took most of the loading time. Anything else is left to GEOS.
bool certainly_valid(OGRGeometryH g) {
    OGRwkbGeometryType type = OGR_G_GetGeometryType(g);
    if (type == wkbMultiPolygon || type == wkbMultiPolygon25D) {
        if (OGR_G_GetGeometryCount(g) != 1) return false;
        g = OGR_G_GetGeometryRef(g, 0);
        type = OGR_G_GetGeometryType(g);
    }
    if ((type != wkbPolygon && type != wkbPolygon25D) || OGR_G_GetGeometryCount(g) != 1) return false;
    OGRGeometryH ring = OGR_G_GetGeometryRef(g, 0);
    const int n = OGR_G_GetPointCount(ring);
    if (n < 4) return false;
    thread_local std::vector<double> xs, ys;
    xs.resize(static_cast<std::size_t>(n));
    ys.resize(static_cast<std::size_t>(n));
    OGR_G_GetPoints(ring, xs.data(), sizeof(double), ys.data(), sizeof(double), nullptr, 0);
    return ring_certainly_simple(xs.data(), ys.data(), xs.size());
}

// The first exception thrown on any of a load's threads, kept to be
// rethrown on the loading thread once the others are joined.
class FirstError {
public:
    void capture() noexcept {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
    }
    void rethrow() const {
        if (error_) std::rethrow_exception(error_);
    }

private:
    std::mutex mutex_;
    std::exception_ptr error_;
};

// Features at least this many points long are held back while the layer is
// read, then handed out largest first (LoadQueue).
constexpr int kLargeFeaturePoints = 4 * static_cast<int>(kMaxPieceVertices);

// The load's work list. The reading thread adds features as it reads them;
// worker threads take small ones in the order they were read, so the
// geometry work overlaps the read. Large ones wait for the end of the read
// and then go first, largest first, each to the next free thread: the few
// huge polygons (most of the work) start at once on different threads and
// the small ones fill in. A worker with nothing else to do takes a large one
// early rather than wait.
template <typename Item>
class LoadQueue {
public:
    void add(Item* item, int points) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (points >= kLargeFeaturePoints) large_.emplace_back(points, item);
            else small_.push_back(item);
        }
        wake_.notify_one();
    }
    // The read has ended (or failed: then `abandon`, and no item is handed out).
    void close(bool abandon = false) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            closed_ = true;
            if (abandon) {
                next_small_ = small_.size();
                next_large_ = large_.size();
            }
            // Largest first; equal sizes in reading order.
            std::stable_sort(large_.begin() + static_cast<std::ptrdiff_t>(next_large_), large_.end(),
                             [](const auto& a, const auto& b) { return a.first > b.first; });
        }
        wake_.notify_all();
    }
    // The next item, or null once the read has ended and every item is taken.
    Item* next() {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            if (closed_ && next_large_ < large_.size()) return large_[next_large_++].second;
            if (next_small_ < small_.size()) return small_[next_small_++];
            if (next_large_ < large_.size()) return large_[next_large_++].second;
            if (closed_) return nullptr;
            wake_.wait(lock);
        }
    }

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Item*> small_;
    std::vector<std::pair<int, Item*>> large_;
    std::size_t next_small_ = 0, next_large_ = 0;
    bool closed_ = false;
};

}  // namespace

std::shared_ptr<const VectorLayer> VectorLayerBuilder::load(const LayerSpec& spec, unsigned threads) {
    const auto t0 = std::chrono::steady_clock::now();
    gdal_init();
    const std::string where = "layer '" + spec.id + "' (" + spec.path_as_written + ")";
    auto layer = std::make_shared<VectorLayer>();
    layer->spec_ = spec;
    VectorLayerInfo& info = layer->info_;

    CPLErrorReset();
    DatasetPtr ds(GDALOpenEx(spec.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!ds) {
        std::error_code ec;
        if (spec.path.rfind("/vsi", 0) != 0 && spec.path.rfind("PG:", 0) != 0 && !fs::exists(spec.path, ec))
            throw InputError(spec.catalog_file + ": " + where + ": file not found: " + spec.path);
        throw InputError(spec.catalog_file + ": " + where + ": cannot be opened as a vector dataset (" +
                         gdal_last_error("unknown format or corrupt file") + ")");
    }
    OGRLayerH ogr = nullptr;
    if (!spec.ogr_layer.empty()) {
        ogr = GDALDatasetGetLayerByName(ds.get(), spec.ogr_layer.c_str());
        if (!ogr) throw InputError(spec.catalog_file + ": " + where + ": has no OGR layer named '" + spec.ogr_layer + "'");
    } else {
        if (GDALDatasetGetLayerCount(ds.get()) < 1) throw InputError(spec.catalog_file + ": " + where + ": holds no layer");
        ogr = GDALDatasetGetLayer(ds.get(), 0);
    }
    if (!spec.filter.empty()) {
        if (OGR_L_SetAttributeFilter(ogr, spec.filter.c_str()) != OGRERR_NONE)
            throw InputError(spec.catalog_file + ": " + where + ": filter '" + spec.filter +
                             "' is not a valid OGR attribute filter (" + gdal_last_error() + ")");
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(ogr);
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i) info.fields.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
    info.geometry_type = OGRGeometryTypeToName(OGR_FD_GetGeomType(defn));
    auto field_index = [&](const std::string& name, const std::string& key) -> int {
        if (name.empty()) return -1;
        const int i = OGR_FD_GetFieldIndex(defn, name.c_str());
        if (i < 0)
            throw InputError(spec.catalog_file + ": " + where + ": " + key + " '" + name +
                             "' is not a field of the data (fields found: " + field_list(info.fields) + ")");
        return i;
    };
    const int id_idx = field_index(spec.id_field, "id_field");
    const int name_idx = field_index(spec.name_field, "name_field");
    const int cat_idx = field_index(spec.category_field, "category_field");
    std::vector<int> report_idx;
    for (const auto& f : spec.report_fields) report_idx.push_back(field_index(f, "report_fields entry"));
    for (const auto& f : spec.required_fields)
        field_index(f, "field required by preset '" + spec.preset + "'");

    // CRS: the catalog's crs: overrides (or supplies) the dataset's.
    SrsPtr src;
    if (spec.crs) {
        src = srs_from_user(*spec.crs, spec.catalog_file + ": " + where + ": crs");
    } else if (OGRSpatialReferenceH s = OGR_L_GetSpatialRef(ogr)) {
        src.reset(OSRClone(s));
        OSRSetAxisMappingStrategy(src.get(), OAMS_TRADITIONAL_GIS_ORDER);
    } else {
        throw InputError(spec.catalog_file + ": " + where + ": the data has no CRS; set crs: in the catalog (e.g. crs: EPSG:4326)");
    }
    {
        const char* name = OSRGetName(src.get());
        info.crs_name = name ? name : "unnamed";
        const char* auth = OSRGetAuthorityName(src.get(), nullptr);
        const char* code = OSRGetAuthorityCode(src.get(), nullptr);
        if (auth && code) info.crs_name += std::string(" (") + auth + ":" + code + ")";
    }
    SrsPtr dst = wgs84_srs();
    TransformPtr transform;
    const bool projected = OSRIsProjected(src.get());
    if (!OSRIsSame(src.get(), dst.get())) {
        transform.reset(OCTNewCoordinateTransformation(src.get(), dst.get()));
        if (!transform) throw InputError(spec.catalog_file + ": " + where + ": cannot transform its CRS to WGS 84");
    }

    // 1-2. Read on this thread (OGR and the CRS transformation are not
    //    thread-safe): attributes and geometries in WGS 84. Meanwhile the
    //    geometry work, feature by feature on the other threads, and on this
    //    one once the read ends: validity (GEOS IsValid dominates loading),
    //    repair, subdivision. Results go to each feature's own `made`: the
    //    order of the work does not change them.
    struct Made {
        std::vector<Piece> pieces;
        OGREnvelope env;
        bool repaired = false, unrepairable = false;
        bool jumps = false;  // an edge jumps more than 180 degrees of longitude (edge_jumps)
        std::string error;
    };
    struct Item {
        VectorFeature feat;
        GeometryPtr geom;  // null: no geometry
        Made made;
    };
    std::vector<std::unique_ptr<Item>> items;  // in reading order; workers see only the Items
    LoadQueue<Item> queue;
    auto work = [&](Item& item) {
        Made& m = item.made;
        OGRGeometryH g = item.geom.get();
        if (!g) return;
        GeometryPtr owner;
        const OGRwkbGeometryType flat = wkbFlatten(OGR_G_GetGeometryType(g));
        const bool areal = flat == wkbPolygon || flat == wkbMultiPolygon || flat == wkbCurvePolygon ||
                           flat == wkbMultiSurface || flat == wkbGeometryCollection;
        if (areal && !certainly_valid(g) && !OGR_G_IsValid(g)) {
            OGRGeometryH fixed = OGR_G_MakeValid(g);
            if (!fixed) {
                m.unrepairable = true;
                return;
            }
            owner.reset(fixed);
            g = fixed;
            m.repaired = true;
        }
        OGR_G_GetEnvelope(g, &m.env);
        if (m.env.MinX < -180.0001 || m.env.MaxX > 180.0001 || m.env.MinY < -90.0001 || m.env.MaxY > 90.0001) {
            m.error = spec.catalog_file + ": " + where + ": feature " + std::to_string(item.feat.fid) +
                      " lies outside lon/lat bounds after transformation (features in another CRS than " +
                      (spec.crs ? "the catalog's crs: " + *spec.crs : "the file declares") + "?)";
            return;
        }
        auto add_piece = [&](Piece&& p) { m.pieces.push_back(std::move(p)); };
        MultiPolygon polys;
        if (append_polygons(g, polys) > 0) {
            for (const auto& poly : polys) {
                m.jumps = m.jumps || edge_jumps(poly.outer());
                for (const auto& h : poly.inners()) m.jumps = m.jumps || edge_jumps(h);
                std::vector<Part> parts;
                subdivide(poly, parts);
                for (auto& part : parts) {
                    Piece p;
                    p.kind = PieceKind::Polygon;
                    p.polygon = std::move(part.polygon);
                    p.cuts_x = std::move(part.cuts_x);
                    p.cuts_y = std::move(part.cuts_y);
                    if (p.polygon.outer().size() >= VectorLayer::kClassifyMinVertices)
                        p.area_m2 = geodesic::lonlat_polygon_area_m2(p.polygon);
                    add_piece(std::move(p));
                }
            }
            return;
        }
        // Points and lines (e.g. World Heritage points, boundary lines).
        std::vector<OGRGeometryH> stack{g};
        while (!stack.empty()) {
            OGRGeometryH h = stack.back();
            stack.pop_back();
            const OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(h));
            if (t == wkbPoint) {
                Piece p;
                p.kind = PieceKind::Point;
                p.point = Point(OGR_G_GetX(h, 0), OGR_G_GetY(h, 0));
                add_piece(std::move(p));
            } else if (t == wkbLineString || t == wkbLinearRing) {
                const int n = OGR_G_GetPointCount(h);
                // Lines are split into runs of at most kMaxPieceVertices points.
                for (int start = 0; start < n - 1; start += static_cast<int>(kMaxPieceVertices) - 1) {
                    Piece p;
                    p.kind = PieceKind::Line;
                    const int end = std::min(n, start + static_cast<int>(kMaxPieceVertices));
                    for (int k = start; k < end; ++k) p.line.push_back(Point(OGR_G_GetX(h, k), OGR_G_GetY(h, k)));
                    m.jumps = m.jumps || edge_jumps(p.line);
                    add_piece(std::move(p));
                }
            } else if (t == wkbMultiPoint || t == wkbMultiLineString || t == wkbGeometryCollection) {
                for (int k = 0; k < OGR_G_GetGeometryCount(h); ++k) stack.push_back(OGR_G_GetGeometryRef(h, k));
            } else if (t == wkbCircularString || t == wkbCompoundCurve || t == wkbMultiCurve) {
                // Curves: their linear approximation.
                OGRGeometryH lin = OGR_G_GetLinearGeometry(h, 0, nullptr);
                if (lin) {
                    GeometryPtr keep(lin);
                    const int n = OGR_G_GetPointCount(lin);
                    Piece p;
                    p.kind = PieceKind::Line;
                    for (int k = 0; k < n; ++k) p.line.push_back(Point(OGR_G_GetX(lin, k), OGR_G_GetY(lin, k)));
                    if (p.line.size() >= 2) add_piece(std::move(p));
                }
            }
        }
    };
    // What a worker throws (out of memory, say) ends the load: the first such
    // error is thrown here once the threads are joined.
    FirstError worker_error;
    auto run = [&] {
        try {
            while (Item* item = queue.next()) work(*item);
        } catch (...) {
            worker_error.capture();
            queue.close(true);
        }
    };
    {
        std::vector<std::thread> pool;
        // However this block is left, the workers are joined first (a read
        // error abandons what is queued).
        struct Joiner {
            LoadQueue<Item>& queue;
            std::vector<std::thread>& pool;
            ~Joiner() {
                queue.close(true);
                for (auto& th : pool) th.join();
            }
        } joiner{queue, pool};
        for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run);
        OGR_L_ResetReading(ogr);
        for (;;) {
            CPLErrorReset();
            FeaturePtr f(OGR_L_GetNextFeature(ogr));
            if (!f) {
                if (CPLGetLastErrorType() >= CE_Failure)
                    throw InputError(spec.catalog_file + ": " + where + ": reading failed after " +
                                     std::to_string(info.feature_count) + " features (" + gdal_last_error() + ")");
                break;
            }
            ++info.feature_count;
            auto item = std::make_unique<Item>();
            Item& raw = *item;
            raw.feat.fid = OGR_F_GetFID(f.get());
            raw.feat.id = id_idx >= 0 ? feature_text(f.get(), id_idx) : std::to_string(raw.feat.fid);
            raw.feat.name = feature_text(f.get(), name_idx);
            // A demonstration feature may carry a real place's name: never without the marker.
            if (spec.provenance.demo && !raw.feat.name.empty()) raw.feat.name += " [DEMO]";
            raw.feat.category = feature_text(f.get(), cat_idx);
            for (std::size_t k = 0; k < report_idx.size(); ++k)
                raw.feat.attributes[spec.report_fields[k]] = field_json(f.get(), defn, report_idx[k]);
            OGRGeometryH g0 = OGR_F_GetGeometryRef(f.get());
            if (g0 && !OGR_G_IsEmpty(g0)) {
                raw.geom.reset(OGR_G_Clone(g0));
                // Lines of a projected layer are split to 1 km so they keep their shape in lon/lat.
                if (projected && transform) OGR_G_Segmentize(raw.geom.get(), 1000.0);
                if (transform && OGR_G_Transform(raw.geom.get(), transform.get()) != OGRERR_NONE)
                    throw InputError(spec.catalog_file + ": " + where + ": feature " + std::to_string(raw.feat.fid) +
                                     " cannot be transformed to WGS 84 (is the declared CRS right?)");
            }
            const int points = raw.geom ? OGR_G_GetPointCount(raw.geom.get()) + geometry_point_count(raw.geom.get()) : 0;
            items.push_back(std::move(item));
            queue.add(items.back().get(), points);
        }
        queue.close();
        run();
    }
    worker_error.rethrow();

    // 3. Merge in feature order (the first error in that order wins).
    double west = 180, south = 90, east = -180, north = -90;
    std::uint32_t feature_index = 0;
    std::size_t total_pieces = 0;
    for (const auto& item : items) total_pieces += item->made.pieces.size();
    layer->pieces_.reserve(total_pieces);
    layer->features_.reserve(items.size());
    layer->feature_pieces_.reserve(items.size());
    for (auto& item : items) {
        Made& m = item->made;
        if (!m.error.empty()) throw InputError(m.error);
        if (m.unrepairable) {
            ++info.unrepairable;
            continue;
        }
        if (m.repaired) ++info.invalid_repaired;
        if (m.pieces.empty()) {
            ++info.without_geometry;
            continue;
        }
        std::vector<std::uint32_t> my_pieces;
        for (Piece& p : m.pieces) {
            p.feature = feature_index;
            info.vertex_count += p.kind == PieceKind::Polygon ? vertex_count(p.polygon)
                                 : p.kind == PieceKind::Point ? 1
                                                              : p.line.size();
            my_pieces.push_back(static_cast<std::uint32_t>(layer->pieces_.size()));
            layer->pieces_.push_back(std::move(p));
        }
        west = std::min(west, m.env.MinX);
        east = std::max(east, m.env.MaxX);
        south = std::min(south, m.env.MinY);
        north = std::max(north, m.env.MaxY);
        layer->features_.push_back(std::move(item->feat));
        layer->feature_pieces_.push_back(std::move(my_pieces));
        layer->jumps_.push_back(m.jumps);
        ++feature_index;
        item.reset();  // its geometry and emptied pieces, freed as the merge goes
    }
    if (!layer->features_.empty()) {
        info.west = west;
        info.south = south;
        info.east = east;
        info.north = north;
    }
    info.piece_count = layer->pieces_.size();

    // Packed R-tree (bulk loading) over the pieces' boxes.
    std::vector<VectorLayer::IndexValue> values;
    values.reserve(layer->pieces_.size());
    for (std::uint32_t i = 0; i < layer->pieces_.size(); ++i) {
        const Piece& p = layer->pieces_[i];
        Box b;
        if (p.kind == PieceKind::Polygon) bg::envelope(p.polygon, b);
        else if (p.kind == PieceKind::Point) b = Box(p.point, p.point);
        else bg::envelope(p.line, b);
        values.emplace_back(b, i);
    }
    layer->index_ = VectorLayer::RTree(values.begin(), values.end());
    // Cells for the search of far features (far_nearest): the pieces by the
    // whole degree their box's middle lies in, each cell with its box.
    {
        std::map<std::pair<int, int>, std::size_t> cell_of;
        for (const auto& [box, piece] : values) {
            const int cx = static_cast<int>(std::floor(0.5 * (box.min_corner().x() + box.max_corner().x()) / VectorLayer::kFarCellDeg));
            const int cy = static_cast<int>(std::floor(0.5 * (box.min_corner().y() + box.max_corner().y()) / VectorLayer::kFarCellDeg));
            auto [it, added] = cell_of.emplace(std::make_pair(cx, cy), layer->cells_.size());
            if (added) layer->cells_.push_back({box, {}, {}});
            VectorLayer::Cell& cell = layer->cells_[it->second];
            bg::expand(cell.box, box);
            cell.pieces.push_back(piece);
            cell.boxes.push_back(box);
        }
        std::map<std::pair<int, int>, std::size_t> block_of;
        for (std::uint32_t ci = 0; ci < layer->cells_.size(); ++ci) {
            const Box& box = layer->cells_[ci].box;
            const int bx = static_cast<int>(std::floor(0.5 * (box.min_corner().x() + box.max_corner().x()) / VectorLayer::kFarBlockDeg));
            const int by = static_cast<int>(std::floor(0.5 * (box.min_corner().y() + box.max_corner().y()) / VectorLayer::kFarBlockDeg));
            auto [it, added] = block_of.emplace(std::make_pair(bx, by), layer->blocks_.size());
            if (added) layer->blocks_.push_back({box, {}});
            VectorLayer::CellBlock& block = layer->blocks_[it->second];
            bg::expand(block.box, box);
            block.cells.push_back(ci);
        }
    }

    // Features whose boxes meet another feature's: only these can overlap, so
    // only these need a union when a buffer meets several of them.
    // The pieces are shared out among the threads, each marking features in
    // flags of its own, merged after (the marks do not depend on the order).
    {
        const std::size_t nt = std::max<std::size_t>(1, std::min<std::size_t>(threads, values.size() / 4096 + 1));
        std::vector<std::vector<unsigned char>> marks(nt, std::vector<unsigned char>(layer->features_.size(), 0));
        auto mark_pieces = [&](std::size_t t) {
            std::vector<unsigned char>& may = marks[t];
            for (std::size_t k = t; k < values.size(); k += nt) {
                const auto& [box, piece] = values[k];
                const std::uint32_t feat = layer->pieces_[piece].feature;
                if (may[feat] || layer->pieces_[piece].kind != PieceKind::Polygon) continue;
                for (auto it = layer->index_.qbegin(bgi::intersects(box)); it != layer->index_.qend(); ++it) {
                    const Piece& other = layer->pieces_[it->second];
                    if (other.feature != feat && other.kind == PieceKind::Polygon) {
                        may[feat] = 1;
                        may[other.feature] = 1;
                        break;
                    }
                }
            }
        };
        FirstError mark_error;
        auto mark = [&](std::size_t t) noexcept {
            try {
                mark_pieces(t);
            } catch (...) {
                mark_error.capture();
            }
        };
        std::vector<std::thread> pool;
        for (std::size_t t = 1; t < nt; ++t) pool.emplace_back(mark, t);
        mark(0);
        for (auto& th : pool) th.join();
        mark_error.rethrow();
        layer->may_overlap_.assign(layer->features_.size(), false);
        for (const auto& may : marks)
            for (std::size_t f = 0; f < may.size(); ++f)
                if (may[f]) layer->may_overlap_[f] = true;
    }
    info.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return layer;
}

MultiPolygon VectorLayer::feature_polygons(std::uint32_t feature) const {
    MultiPolygon mp;
    if (feature >= feature_pieces_.size()) return mp;
    for (std::uint32_t p : feature_pieces_[feature])
        if (pieces_[p].kind == PieceKind::Polygon) mp.push_back(pieces_[p].polygon);
    return mp;
}

std::vector<Polygon> VectorLayer::feature_near(std::uint32_t feature, const LocalFrame& frame, double reach_m) const {
    std::vector<Polygon> out;
    if (feature >= feature_pieces_.size()) return out;
    const Box box = geodesic::bounding_box(frame.centre(), reach_m);
    Ring clipped, tmp;
    Piece shifted;
    for (const auto& [query, shift] : wrapped_queries(box))
        for (std::uint32_t pi : feature_pieces_[feature]) {
            const Piece& raw = pieces_[pi];
            if (raw.kind != PieceKind::Polygon) continue;
            Box b;
            bg::envelope(raw.polygon.outer(), b);
            if (!bg::intersects(b, query)) continue;
            const Piece& piece = shifted_piece(raw, shift, shifted);
            Polygon xy;
            if (clip_and_project(piece.polygon, box, frame, std::numeric_limits<double>::infinity(), xy, clipped, tmp))
                out.push_back(std::move(xy));
        }
    return out;
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

// ------------------------------------------------------- dissolved tiles

std::shared_ptr<const VectorLayer::UnionTile> VectorLayer::union_tile(std::int64_t ix, std::int64_t iy) const {
    const std::uint64_t key = (static_cast<std::uint64_t>(ix) << 32) | static_cast<std::uint32_t>(iy);
    {
        std::shared_lock lock(tiles_mutex_);
        auto it = tiles_.find(key);
        if (it != tiles_.end()) return it->second;
    }
    // Built outside the lock: two threads may build the same tile, with the same result.
    const double w = -180.0 + ix * kUnionTileDeg, e = -180.0 + (ix + 1) * kUnionTileDeg;
    const double s = -90.0 + iy * kUnionTileDeg, n = -90.0 + (iy + 1) * kUnionTileDeg;
    const Box tile_box(Point(w, s), Point(e, n));
    std::vector<std::uint32_t> found;
    for (auto it = index_.qbegin(bgi::intersects(tile_box)); it != index_.qend(); ++it)
        if (pieces_[it->second].kind == PieceKind::Polygon) found.push_back(it->second);
    std::sort(found.begin(), found.end());  // the same union whatever the R-tree's order
    auto tile = std::make_shared<UnionTile>();
    if (!found.empty()) {
        auto ctx = geos::context();
        struct Part {
            geos::GeomPtr g;
            std::uint32_t feature, piece;
            Box box;
        };
        std::vector<Part> parts;
        for (std::uint32_t pi : found) {
            geos::GeomPtr g = geos::from_polygon(pieces_[pi].polygon);
            geos::GeomPtr clipped(GEOSClipByRect_r(ctx, g.get(), w, s, e, n));
            if (!clipped || GEOSisEmpty_r(ctx, clipped.get())) continue;
            double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
            GEOSGeom_getXMin_r(ctx, clipped.get(), &x0);
            GEOSGeom_getYMin_r(ctx, clipped.get(), &y0);
            GEOSGeom_getXMax_r(ctx, clipped.get(), &x1);
            GEOSGeom_getYMax_r(ctx, clipped.get(), &y1);
            parts.push_back({std::move(clipped), pieces_[pi].feature, pi, Box(Point(x0, y0), Point(x1, y1))});
        }
        // Only parts of different features whose boxes meet can overlap (the
        // pieces of one feature never do): union those groups, keep the rest.
        DisjointSets sets(parts.size());
        std::vector<bool> mixed(parts.size(), false);  // a part meeting another feature's
        for (std::size_t i = 0; i < parts.size(); ++i)
            for (std::size_t j = i + 1; j < parts.size(); ++j)
                if (parts[i].feature != parts[j].feature && bg::intersects(parts[i].box, parts[j].box)) {
                    sets.join(i, j);
                    mixed[i] = mixed[j] = true;
                }
        for (const auto& members : sets.groups()) {
            bool needs_union = false;
            for (std::size_t i : members) needs_union = needs_union || mixed[i];
            if (!needs_union) {
                for (std::size_t i : members) geos::to_multipolygon(parts[i].g.get(), tile->polygons);
                continue;
            }
            // The parts are valid (clipped from repaired pieces): union them
            // directly, and through the repairing union only if that fails.
            std::vector<GEOSGeometry*> raw;
            for (std::size_t i : members) raw.push_back(parts[i].g.release());
            geos::GeomPtr coll(GEOSGeom_createCollection_r(ctx, GEOS_GEOMETRYCOLLECTION, raw.data(),
                                                           static_cast<unsigned>(raw.size())));
            geos::GeomPtr u(GEOSUnaryUnion_r(ctx, coll.get()));
            if (!u) {
                std::vector<geos::GeomPtr> again;
                for (std::size_t i : members) again.push_back(geos::from_polygon(pieces_[parts[i].piece].polygon));
                u = geos::union_all(std::move(again));
                u.reset(GEOSClipByRect_r(ctx, u.get(), w, s, e, n));
            }
            geos::to_multipolygon(u.get(), tile->polygons);
        }
        for (const Polygon& p : tile->polygons) {
            Box b;
            bg::envelope(p, b);
            if (tile->boxes.empty()) tile->bounds = b;
            else bg::expand(tile->bounds, b);
            tile->boxes.push_back(b);
            tile->areas_m2.push_back(geodesic::lonlat_polygon_area_m2(p));
            tile->area_m2 += tile->areas_m2.back();
        }
    }
    std::unique_lock lock(tiles_mutex_);
    return tiles_.emplace(key, std::move(tile)).first->second;
}

namespace {

// The range of distances from the frame's origin over a lon/lat box: from its
// four corners and the middles of its sides, widened by twice each side's
// bulge off its chord (lon/lat lines curve gently in the frame) and a metre.
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
        const Point m = frame.forward(LonLat{(ll[i].lon + ll[(i + 1) % 4].lon) / 2, (ll[i].lat + ll[(i + 1) % 4].lat) / 2});
        const double bulge = std::hypot(m.x() - (a.x() + e.x()) / 2, m.y() - (a.y() + e.y()) / 2);
        const double slack = 2 * bulge + 1.0;
        hi = std::max(hi, std::max(std::hypot(a.x(), a.y()), std::hypot(e.x(), e.y())) + slack);
        lo = std::min(lo, segment_distance_to_origin(a, e) - slack);
        if ((e.x() - a.x()) * (-a.y()) - (e.y() - a.y()) * (-a.x()) < 0) origin_inside = false;
    }
    return {origin_inside ? 0.0 : std::max(0.0, lo), hi};
}

}  // namespace

VectorLayer::UnionWork VectorLayer::union_work(const std::vector<std::pair<LonLat, double>>& sites) const {
    UnionWork w;
    const auto vertices = [](const Piece& p) {
        double n = static_cast<double>(p.polygon.outer().size());
        for (const auto& h : p.polygon.inners()) n += static_cast<double>(h.size());
        return n;
    };
    const auto index_of = [](double v, double origin) {
        return static_cast<std::int64_t>(std::floor((v - origin) / kUnionTileDeg));
    };
    const std::int64_t turn = std::llround(360.0 / kUnionTileDeg);
    std::unordered_map<std::uint64_t, double> tile_vertices;  // tile key -> vertices it would dissolve
    const auto tile_cost = [&](std::int64_t ix, std::int64_t iy) {
        const std::uint64_t key = (static_cast<std::uint64_t>(ix) << 32) | static_cast<std::uint32_t>(iy);
        auto it = tile_vertices.find(key);
        if (it != tile_vertices.end()) return it->second;
        double n = 0;
        bool built = false;
        {
            std::shared_lock lock(tiles_mutex_);
            built = tiles_.count(key) != 0;
        }
        if (!built) {
            const double west = -180.0 + ix * kUnionTileDeg, south = -90.0 + iy * kUnionTileDeg;
            const Box tile_box(Point(west, south), Point(west + kUnionTileDeg, south + kUnionTileDeg));
            for (auto q = index_.qbegin(bgi::intersects(tile_box)); q != index_.qend(); ++q)
                if (pieces_[q->second].kind == PieceKind::Polygon) n += vertices(pieces_[q->second]);
        }
        tile_vertices.emplace(key, n);
        w.dissolve += n;
        return n;
    };
    for (const auto& [centre, reach] : sites) {
        const Box box = geodesic::bounding_box(centre, reach);
        for (const auto& [query, shift] : wrapped_queries(box))
            for (auto it = index_.qbegin(bgi::intersects(query)); it != index_.qend(); ++it) {
                const Piece& p = pieces_[it->second];
                if (p.kind == PieceKind::Polygon && may_overlap_[p.feature]) w.per_site += vertices(p);
            }
        const std::int64_t x0 = index_of(box.min_corner().x(), -180.0);
        const std::int64_t x1 = std::min(index_of(box.max_corner().x(), -180.0), x0 + turn - 1);
        const std::int64_t y0 = index_of(box.min_corner().y(), -90.0), y1 = index_of(box.max_corner().y(), -90.0);
        for (std::int64_t iy = y0; iy <= y1; ++iy)
            for (std::int64_t ix = x0; ix <= x1; ++ix) w.tile_visits += tile_cost(((ix % turn) + turn) % turn, iy);
    }
    return w;
}

void VectorLayer::add_tile_union_areas(const Box& clip_ll, const LocalFrame& frame, const std::vector<double>& radii,
                                       const std::vector<double>& scale, std::vector<double>& total_xy) const {
    const double far_m = radii.empty() ? 0.0 : radii.back();
    thread_local Ring clipped, tmp;
    thread_local Polygon xy;
    thread_local std::vector<double> some_radii, some_totals;
    thread_local std::vector<std::size_t> which;
    // Which radii a box (of a tile or of one of its polygons) lies wholly
    // inside (adding `area_m2`), wholly outside (nothing) or across: those
    // among `among` go to `which`/`some_radii`.
    auto classify = [&](const Box& box, double area_m2, const std::vector<std::size_t>* among) {
        const auto [near_m, far_box_m] = box_distance_range(box, frame);
        some_radii.clear();
        which.clear();
        const std::size_t n = among ? among->size() : radii.size();
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t k = among ? (*among)[j] : j;
            if (far_box_m < radii[k]) total_xy[k] += area_m2 / scale[k];
            else if (near_m <= radii[k]) {
                some_radii.push_back(radii[k]);
                which.push_back(k);
            }
        }
    };
    const auto index_of = [](double v, double origin) {
        return static_cast<std::int64_t>(std::floor((v - origin) / kUnionTileDeg));
    };
    // Tiles past +-180 (the clip box's longitudes are unwrapped) are the
    // tiles a turn away, moved by that turn.
    const std::int64_t turn = std::llround(360.0 / kUnionTileDeg);
    const std::int64_t x0 = index_of(clip_ll.min_corner().x(), -180.0);
    // A box round a pole spans the whole turn, -180 to 180: its last column
    // of tiles (from 180) is its first moved by a turn, and would count twice
    // (that was a share 1/3600 too large round the poles).
    const std::int64_t x1 = std::min(index_of(clip_ll.max_corner().x(), -180.0), x0 + turn - 1);
    const std::int64_t y0 = index_of(clip_ll.min_corner().y(), -90.0), y1 = index_of(clip_ll.max_corner().y(), -90.0);
    std::vector<std::size_t> tile_which;
    thread_local Polygon moved;
    for (std::int64_t iy = y0; iy <= y1; ++iy)
        for (std::int64_t ix = x0; ix <= x1; ++ix) {
            const std::int64_t wx = ((ix % turn) + turn) % turn;
            const double shift = 360.0 * static_cast<double>((ix - wx) / turn);
            const auto tile = union_tile(wx, iy);
            if (tile->polygons.empty() || !bg::intersects(shifted_box(tile->bounds, shift), clip_ll)) continue;
            classify(shifted_box(tile->bounds, shift), tile->area_m2, nullptr);
            if (which.empty()) continue;
            tile_which = which;
            for (std::size_t i = 0; i < tile->polygons.size(); ++i) {
                const Box box_i = shifted_box(tile->boxes[i], shift);
                if (!bg::intersects(box_i, clip_ll)) continue;
                const Polygon* pp = &tile->polygons[i];
                if (shift != 0) {
                    moved = *pp;
                    for (Point& q : moved.outer()) q.x(q.x() + shift);
                    for (Ring& h : moved.inners())
                        for (Point& q : h) q.x(q.x() + shift);
                    pp = &moved;
                }
                const Polygon& p = *pp;
                // Large polygons are placed on their own first (eight projections).
                if (p.outer().size() >= kClassifyMinVertices) {
                    classify(box_i, tile->areas_m2[i], &tile_which);
                    if (which.empty()) continue;
                } else {
                    which = tile_which;
                    some_radii.clear();
                    for (std::size_t k : which) some_radii.push_back(radii[k]);
                }
                if (!clip_and_project(p, clip_ll, frame, far_m, xy, clipped, tmp)) continue;
                some_totals.assign(which.size(), 0.0);
                add_polygon_disc_areas(xy, some_radii, some_totals);
                for (std::size_t j = 0; j < which.size(); ++j) total_xy[which[j]] += some_totals[j];
            }
        }
}

// ---------------------------------------------------------------- measuring

namespace {

struct Scratch {
    Ring clipped, tmp, xy;
    Piece shifted;  // a piece moved by a turn of longitude (shifted_piece)
};

struct FeatureAccum {
    double distance_m = std::numeric_limits<double>::infinity();
    bool inside = false;
    bool origin_parity = false;
    std::vector<double> area_xy;         // per radius, planar in the local frame
    std::vector<ProjectedPiece> pieces;  // kept only for features that may overlap others
    Box box_xy;
    bool has_box = false;
};


// Adds, per radius, the area within the disc of the union of a group of
// features whose boxes meet: from the union's boundary (union_disc.h), or,
// where edges of two features touch or run along each other (shared
// borders), from a GEOS union of the group.
void add_group_union(const std::vector<const FeatureAccum*>& group, const Box& clip_ll, const LocalFrame& frame,
                     const std::vector<double>& radii, std::vector<double>& total_xy) {
    std::vector<UnionPiece> pieces;
    std::vector<BoxRun> runs;
    for (std::uint32_t f = 0; f < group.size(); ++f)
        for (const ProjectedPiece& pp : group[f]->pieces) {
            pieces.push_back({f, &pp.xy, &pp.sides, pp.box});
            for (const BoxRun& r : pp.runs) runs.push_back({f, r.side, r.from, r.to});
        }
    if (add_union_disc_areas(pieces, runs, clip_ll, frame, radii, total_xy)) return;
    std::vector<geos::GeomPtr> parts;
    for (const FeatureAccum* fa : group)
        for (const auto& pp : fa->pieces) parts.push_back(geos::from_polygon(pp.xy));
    geos::GeomPtr u = geos::union_all(std::move(parts));
    MultiPolygon um;
    geos::to_multipolygon(u.get(), um);
    for (const auto& p : um) add_polygon_disc_areas(p, radii, total_xy);
}

// Adds, per radius, the area within the discs of the union of the features
// found within the largest radius: features whose boxes meet are grouped
// (union-find) and each group of two or more is unioned; the rest add up.
void add_grouped_union_areas(std::map<std::uint32_t, FeatureAccum>& acc, double max_r, const Box& clip_box,
                             const LocalFrame& frame, const std::vector<double>& radii, std::vector<double>& total_xy) {
    std::vector<std::uint32_t> overlapping;
    for (auto& [f, fa] : acc) {
        if (fa.distance_m > max_r) continue;
        if (!fa.pieces.empty()) overlapping.push_back(f);
        else
            for (std::size_t k = 0; k < radii.size(); ++k) total_xy[k] += std::max(0.0, fa.area_xy[k]);
    }
    // Group features whose boxes meet (union-find), then union each group of two or more.
    DisjointSets sets(overlapping.size());
    for (std::size_t i = 0; i < overlapping.size(); ++i)
        for (std::size_t j = i + 1; j < overlapping.size(); ++j)
            if (bg::intersects(acc[overlapping[i]].box_xy, acc[overlapping[j]].box_xy)) sets.join(i, j);
    for (const auto& members : sets.groups()) {
        if (members.size() == 1) {
            const FeatureAccum& fa = acc[overlapping[members[0]]];
            for (std::size_t k = 0; k < radii.size(); ++k) total_xy[k] += std::max(0.0, fa.area_xy[k]);
            continue;
        }
        std::vector<const FeatureAccum*> group;
        for (std::size_t i : members) group.push_back(&acc[overlapping[i]]);
        add_group_union(group, clip_box, frame, radii, total_xy);
    }
}

}  // namespace

std::optional<std::pair<std::uint32_t, double>> VectorLayer::far_nearest(const SiteGeometry& site, double limit_m) const {
    constexpr double kDegToRad = 3.14159265358979323846 / 180;
    // The points distances are taken from: the centre of a point site, the
    // boundary of a polygon site's footprint at most kFootprintStepDeg apart
    // (between two such points the distance to a far feature is flat to
    // within a few millimetres: docs/method.md, "Anywhere on Earth").
    constexpr double kFootprintStepDeg = 0.001;
    std::vector<LonLat> from;
    double spread = 0;  // how far those points lie from the centre, at most
    if (site.is_point) {
        from.push_back(site.centre);
    } else {
        auto add_ring = [&](const Ring& r) {
            for (std::size_t i = 0; i + 1 < r.size(); ++i) {
                const Point& a = r[i];
                const Point& b = r[i + 1];
                const int n = std::max(1, static_cast<int>(std::ceil(
                                              std::max(std::fabs(b.x() - a.x()), std::fabs(b.y() - a.y())) / kFootprintStepDeg)));
                for (int k = 0; k < n; ++k) {
                    const double t = static_cast<double>(k) / n;
                    from.push_back({a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y())});
                    spread = std::max(spread, geodesic::distance_m(site.centre, from.back()));
                }
            }
        };
        for (const auto& p : site.footprint_ll) {
            add_ring(p.outer());
            for (const auto& h : p.inners()) add_ring(h);
        }
        if (from.empty()) from.push_back(site.centre);
    }
    // Best first over blocks of cells and cells, by the auxiliary-sphere
    // bound (geodesic::reduced_box_distance_lower_bound_m, short of the
    // distance by at most 0.34%, the spherical one by ~0.8%: the stretch of a
    // layer's near side that cannot be skipped grows as the square root of
    // that slack); a block's cells are bounded only once the block comes up.
    // Ties go to the lower code: blocks (-1 - block) before cells.
    auto bound = [&](const Box& box) { return geodesic::reduced_box_distance_lower_bound_m(site.centre, box) - spread; };
    using Item = std::pair<double, std::int64_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue;
    for (std::size_t bi = 0; bi < blocks_.size(); ++bi) {
        const double lb = bound(blocks_[bi].box);
        if (lb < limit_m) queue.emplace(lb, -1 - static_cast<std::int64_t>(bi));
    }
    double best = limit_m;
    std::optional<std::pair<std::uint32_t, double>> found;
    while (!queue.empty()) {
        const auto [item_lb, code] = queue.top();
        queue.pop();
        if (item_lb >= best) break;
        if (code < 0) {
            for (std::uint32_t ci : blocks_[static_cast<std::size_t>(-1 - code)].cells) {
                const double lb = bound(cells_[ci].box);
                if (lb < best) queue.emplace(lb, ci);
            }
            continue;
        }
        const Cell& cell = cells_[static_cast<std::size_t>(code)];
        for (std::size_t j = 0; j < cell.pieces.size(); ++j) {
            if (bound(cell.boxes[j]) > best) continue;
            const Piece& piece = pieces_[cell.pieces[j]];
            double d = best;
            for (const LonLat& c : from) {
                // An edge is measured (Karney) only if it may hold a point
                // nearer than d: any of its points is within its length
                // (bounded as in geodesic::segment_distance_m) of both ends,
                // so no nearer than half the sum of the ends' bounds less it.
                const double r_max = geodesic::kWgs84A / (1 - geodesic::kWgs84F);
                // A long edge is halved, nearer half first, while a half may
                // hold a nearer point: Karney's inverse (every 0.01 degree
                // along it) runs only on the stretches that may, which for a
                // far site are a few of a long edge's hundreds.
                auto edge = [&](auto&& self, const Point& a, const Point& b, double lb_a, double lb_b) -> void {
                    const double lat_min =
                        (a.y() <= 0) != (b.y() <= 0) ? 0.0 : std::min(std::fabs(a.y()), std::fabs(b.y()));
                    const double len = r_max * std::hypot((b.y() - a.y()) * kDegToRad,
                                                          (b.x() - a.x()) * kDegToRad * std::cos(lat_min * kDegToRad));
                    if (0.5 * (lb_a + lb_b - len) >= d) return;
                    if (std::max(std::fabs(b.x() - a.x()), std::fabs(b.y() - a.y())) <= 2 * geodesic::kSegmentStepDeg) {
                        d = geodesic::segment_distance_m(c, a, b, d);
                        return;
                    }
                    const Point m(0.5 * (a.x() + b.x()), 0.5 * (a.y() + b.y()));
                    const double lb_m = lambert_lower_bound_m(c, {m.x(), m.y()});
                    if (lb_a <= lb_b) {
                        self(self, a, m, lb_a, lb_m);
                        self(self, m, b, lb_m, lb_b);
                    } else {
                        self(self, m, b, lb_m, lb_b);
                        self(self, a, m, lb_a, lb_m);
                    }
                };
                // The vertex with the least bound is measured first: its
                // distance caps d before any edge, so that the edges far
                // from the nearest point are skipped from the start.
                thread_local std::vector<double> lbs;
                auto ring = [&](const auto& r) {
                    if (r.empty()) return;
                    lbs.resize(r.size());
                    std::size_t least = 0;
                    for (std::size_t i = 0; i < r.size(); ++i) {
                        lbs[i] = lambert_lower_bound_m(c, {r[i].x(), r[i].y()});
                        if (lbs[i] < lbs[least]) least = i;
                    }
                    if (lbs[least] < d) d = std::min(d, geodesic::distance_m(c, {r[least].x(), r[least].y()}));
                    for (std::size_t i = 0; i + 1 < r.size(); ++i) edge(edge, r[i], r[i + 1], lbs[i], lbs[i + 1]);
                };
                if (piece.kind == PieceKind::Point) d = std::min(d, geodesic::distance_m(c, {piece.point.x(), piece.point.y()}));
                else if (piece.kind == PieceKind::Line) ring(piece.line);
                else {
                    ring(piece.polygon.outer());
                    for (const auto& h : piece.polygon.inners()) ring(h);
                }
            }
            if (d < best) {  // ties: the first in cell order (deterministic)
                best = d;
                found = {piece.feature, d};
            }
        }
    }
    return found;
}

VectorMeasurement VectorLayer::measure(const SiteGeometry& site, double nearest_limit_m,
                                       double tile_union_min_radius_m) const {
    VectorMeasurement m;
    const std::vector<double>& radii = site.radii_m;
    const double max_r = radii.empty() ? 0.0 : radii.back();
    for (std::size_t k = 0; k < radii.size(); ++k) {
        VectorBufferResult b;
        b.radius_m = radii[k];
        b.buffer_area_m2 = site.buffer_area_m2[k];
        m.buffers.push_back(b);
    }
    if (features_.empty()) return m;

    thread_local Scratch s;
    const LocalFrame frame(site.centre);
    std::map<std::uint32_t, FeatureAccum> acc;   // ordered: deterministic output whatever the R-tree order
    std::map<std::uint32_t, FeatureAccum> near;  // the wider boxes of the nearest-feature search

    // Polygon sites: the footprint and buffers are GEOS geometries in the local frame.
    geos::GeomPtr footprint_g;
    std::vector<geos::GeomPtr> buffers_g;
    double footprint_reach = 0;  // farthest footprint vertex from the centre
    if (!site.is_point) {
        footprint_g = geos::from_multipolygon(site.footprint_xy);
        for (const auto& b : site.buffers_xy()) buffers_g.push_back(geos::from_multipolygon(b));
        for (const auto& p : site.footprint_xy)
            for (const auto& q : p.outer()) footprint_reach = std::max(footprint_reach, std::hypot(q.x(), q.y()));
    }

    // Wide buffers around points take the union area from the dissolved tiles.
    const bool by_tiles = site.is_point && tile_union_min_radius_m > 0 && max_r >= tile_union_min_radius_m;

    // Measures every piece whose box meets the box of radius `reach` around the centre.
    Box clip_box;  // of the buffers' scan: every kept piece is clipped to it
    // The disc is exactly pi r^2 in the frame; its ellipsoidal area over that.
    std::vector<double> scales(radii.size());
    for (std::size_t k = 0; k < radii.size(); ++k)
        scales[k] = site.buffer_area_m2[k] / (3.14159265358979323846 * radii[k] * radii[k]);
    thread_local std::vector<std::tuple<double, std::uint32_t, double>> large;  // (nearest, piece, farthest)

    auto scan = [&](double reach, bool for_nearest_only) {
        const Box box = geodesic::bounding_box(site.centre, reach);
        if (!for_nearest_only) clip_box = box;
        large.clear();
        auto measure_piece = [&](std::uint32_t pi, double shift) {
            const Piece& piece = shifted_piece(pieces_[pi], shift, s.shifted);
            FeatureAccum& fa = for_nearest_only ? near[piece.feature] : acc[piece.feature];
            if (fa.area_xy.empty()) fa.area_xy.assign(radii.size(), 0.0);
            if (piece.kind == PieceKind::Point) {
                const Point xy = frame.forward(piece.point);
                double d = std::hypot(xy.x(), xy.y());
                if (!site.is_point) {
                    geos::GeomPtr pt(GEOSGeom_createPointFromXY_r(geos::context(), xy.x(), xy.y()));
                    GEOSDistance_r(geos::context(), footprint_g.get(), pt.get(), &d);
                    if (d == 0) fa.inside = true;
                }
                fa.distance_m = std::min(fa.distance_m, d);
                return;
            }
            if (piece.kind == PieceKind::Line) {
                s.xy.clear();
                for (const auto& q : piece.line) s.xy.push_back(frame.forward(q));
                if (site.is_point) {
                    for (std::size_t i = 0; i + 1 < s.xy.size(); ++i)
                        fa.distance_m = std::min(fa.distance_m, segment_distance_to_origin(s.xy[i], s.xy[i + 1]));
                } else {
                    auto ctx = geos::context();
                    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(ctx, static_cast<unsigned>(s.xy.size()), 2);
                    for (std::size_t i = 0; i < s.xy.size(); ++i)
                        GEOSCoordSeq_setXY_r(ctx, seq, static_cast<unsigned>(i), s.xy[i].x(), s.xy[i].y());
                    geos::GeomPtr line(GEOSGeom_createLineString_r(ctx, seq));
                    double d = 0;
                    GEOSDistance_r(ctx, footprint_g.get(), line.get(), &d);
                    if (d == 0) fa.inside = true;
                    fa.distance_m = std::min(fa.distance_m, d);
                }
                return;
            }
            // Polygon piece: clip to the query box, densify, project.
            ProjectedPiece pp;
            pp.piece = pi;
            // Pieces kept for a union also note where they run along the clip box.
            const bool keep = !for_nearest_only && (!site.is_point || (may_overlap_[piece.feature] && !by_tiles));
            const bool mark = keep && site.is_point;
            if (!clip_and_project(piece.polygon, box, frame, reach, pp.xy, s.clipped, s.tmp, &piece,
                                  mark ? &pp.sides : nullptr, &pp.runs))
                return;
            double d = ring_distance_to_origin(pp.xy.outer());
            for (const auto& h : pp.xy.inners()) d = std::min(d, ring_distance_to_origin(h));
            if (site.is_point) {
                std::vector<const Ring*> rings{&pp.xy.outer()};
                for (const auto& h : pp.xy.inners()) rings.push_back(&h);
                // Closed polygons: a site on a piece's edge (its feature's
                // boundary, or a cut between two pieces) is inside, as for
                // GEOS intersects; ray parity is undefined there.
                if (d == 0 || rings_contain_origin(rings)) {
                    fa.inside = true;
                    d = 0;
                }
                if (!for_nearest_only) add_polygon_disc_areas(pp.xy, radii, fa.area_xy);
            } else {
                geos::GeomPtr g = geos::make_valid(geos::from_polygon(pp.xy));
                double dd = 0;
                GEOSDistance_r(geos::context(), footprint_g.get(), g.get(), &dd);
                d = dd;
                if (dd == 0 && GEOSIntersects_r(geos::context(), footprint_g.get(), g.get()) == 1) fa.inside = true;
            }
            fa.distance_m = std::min(fa.distance_m, d);
            if (keep) {
                bg::envelope(pp.xy, pp.box);
                if (!fa.has_box) fa.box_xy = pp.box, fa.has_box = true;
                else bg::expand(fa.box_xy, pp.box);
                fa.pieces.push_back(std::move(pp));
            }
        };
        for (const auto& [query, shift] : wrapped_queries(box))
            for (auto it = index_.qbegin(bgi::intersects(query)); it != index_.qend(); ++it) {
                const Box piece_box = shifted_box(it->first, shift);
                const std::uint32_t pi = it->second;
                const Piece& piece = pieces_[pi];
                const bool keep = !for_nearest_only && (may_overlap_[piece.feature] && !by_tiles);
                // Pieces in the box's corners, wholly beyond the reach, add nothing to the discs.
                // A piece kept for a union is measured all the same: its neighbours' cuts
                // along it are the union's inside only while it is there (union_disc.h).
                if (!keep && reach <= LocalFrame::kFastChordM && box_distance_lower_bound(site.centre, piece_box) > reach)
                    continue;
                // Large pieces of point sites are placed by their box first (below).
                if (site.is_point && !keep && shift == 0 && piece.kind == PieceKind::Polygon &&
                    piece.polygon.outer().size() >= kClassifyMinVertices && reach <= LocalFrame::kFastChordM) {
                    const auto [lo, hi] = box_distance_range(it->first, frame);
                    large.emplace_back(lo, pi, hi);
                    continue;
                }
                measure_piece(pi, shift);
            }
        // Nearest first: a large piece no nearer than its feature's nearest
        // point so far changes no distance, and one wholly inside or outside
        // each disc adds its area (or nothing) without being projected.
        std::sort(large.begin(), large.end());
        for (const auto& [lo, pi, hi] : large) {
            const Piece& piece = pieces_[pi];
            FeatureAccum& fa = for_nearest_only ? near[piece.feature] : acc[piece.feature];
            if (fa.area_xy.empty()) fa.area_xy.assign(radii.size(), 0.0);
            bool across = lo == 0 || fa.distance_m > lo;
            if (!across && !for_nearest_only)
                for (std::size_t k = 0; k < radii.size(); ++k)
                    if (hi >= radii[k] && lo <= radii[k]) across = true;
            if (across) {
                measure_piece(pi, 0.0);
                continue;
            }
            if (!for_nearest_only)
                for (std::size_t k = 0; k < radii.size(); ++k)
                    if (hi < radii[k]) fa.area_xy[k] += piece.area_m2 / scales[k];
        }
    };


    // Nearest feature: what the buffers found, else search ever wider boxes.
    // Distances below the box's inner radius are exact: clipping only adds
    // edges on the box, which lie farther away.
    auto best_within = [](const std::map<std::uint32_t, FeatureAccum>& found, double limit)
        -> std::optional<std::pair<std::uint32_t, double>> {
        std::optional<std::pair<std::uint32_t, double>> best;
        for (const auto& [f, fa] : found)
            if (fa.distance_m < limit && (!best || fa.distance_m < best->second)) best = {f, fa.distance_m};
        return best;
    };
    const double scanned = (max_r > 0 ? max_r : 1.0) + footprint_reach;
    scan(scanned, false);
    auto nearest = best_within(acc, scanned);  // beyond the scanned reach, clipping may have moved edges nearer
    double reach = std::max(max_r, 1000.0) + footprint_reach;
    const double limit = nearest_limit_m > 0 ? nearest_limit_m : 2.1e7;
    // No feature lies nearer than the layer's extent: wider boxes that do
    // not reach it are not scanned.
    const double extent_lb = geodesic::box_distance_lower_bound_m(
                                 site.centre, Box(Point(info_.west, info_.south), Point(info_.east, info_.north))) -
                             footprint_reach;
    while (!nearest && reach < limit && reach * 4 <= kWidenMaxM) {
        reach *= 4;
        near.clear();
        if (extent_lb > reach) continue;
        scan(reach, true);
        nearest = best_within(near, reach);
    }
    if (!nearest && reach < limit) nearest = far_nearest(site, nearest_limit_m > 0 ? nearest_limit_m : std::numeric_limits<double>::infinity());
    else if (!nearest) nearest = best_within(near, nearest_limit_m > 0 ? nearest_limit_m : std::numeric_limits<double>::infinity());
    if (nearest) {
        m.nearest_feature = nearest->first;
        m.nearest_distance_m = nearest->second;
    }

    // Overlap areas: the union of the features within the buffer, from the
    // dissolved tiles for wide buffers, else by grouping the features whose
    // boxes meet and unioning each group.
    std::vector<double> total_xy(radii.size(), 0.0);
    if (site.is_point) {
        // The disc is exactly pi r^2 in the frame; scale to the ellipsoidal disc area.
        if (by_tiles) add_tile_union_areas(clip_box, frame, radii, scales, total_xy);
        else add_grouped_union_areas(acc, max_r, clip_box, frame, radii, total_xy);
        for (std::size_t k = 0; k < radii.size(); ++k) {
            const double scale = scales[k];
            for (auto& [f, fa] : acc) fa.area_xy[k] = std::max(0.0, fa.area_xy[k]) * scale;
            m.buffers[k].overlap_area_m2 = std::clamp(total_xy[k] * scale, 0.0, site.buffer_area_m2[k]);
        }
    } else {
        std::vector<geos::GeomPtr> parts;
        for (auto& [f, fa] : acc)
            if (fa.distance_m <= max_r)
                for (const auto& pp : fa.pieces) parts.push_back(geos::from_polygon(pp.xy));
        geos::GeomPtr u = parts.empty() ? nullptr : geos::union_all(std::move(parts));
        for (std::size_t k = 0; k < radii.size(); ++k) {
            const double planar = geos::area(buffers_g[k].get());
            const double scale = planar > 0 ? site.buffer_area_m2[k] / planar : 1.0;
            double ov = 0;
            if (u) ov = geos::area(geos::intersection(u.get(), buffers_g[k].get()).get());
            m.buffers[k].overlap_area_m2 = std::clamp(ov * scale, 0.0, site.buffer_area_m2[k]);
            // Per-feature overlap inside this buffer.
            for (auto& [f, fa] : acc) {
                if (fa.distance_m > radii[k] || fa.pieces.empty()) continue;
                std::vector<geos::GeomPtr> fp;
                for (const auto& pp : fa.pieces) fp.push_back(geos::from_polygon(pp.xy));
                geos::GeomPtr fu = geos::union_all(std::move(fp));
                fa.area_xy[k] = geos::area(geos::intersection(fu.get(), buffers_g[k].get()).get()) * scale;
            }
        }
        const double fp_planar = geos::area(footprint_g.get());
        const double fp_true = geodesic::polygon_area_m2(site.footprint_ll);
        m.footprint_area_m2 = fp_true;
        double fov = 0;
        if (u) fov = geos::area(geos::intersection(u.get(), footprint_g.get()).get());
        m.footprint_overlap_area_m2 = fp_planar > 0 ? std::clamp(fov * fp_true / fp_planar, 0.0, fp_true) : 0.0;
    }

    for (std::size_t k = 0; k < radii.size(); ++k) {
        auto& b = m.buffers[k];
        b.overlap_share = b.buffer_area_m2 > 0 ? b.overlap_area_m2 / b.buffer_area_m2 : 0.0;
        for (const auto& [f, fa] : acc)
            if (fa.distance_m <= radii[k]) ++b.feature_count;
    }
    for (auto& [f, fa] : acc) {
        if (fa.inside) {
            m.inside = true;
            m.inside_features.push_back(f);
        }
        if (fa.distance_m <= max_r || fa.inside) {
            FeatureHit h;
            h.feature = f;
            h.distance_m = fa.inside ? 0.0 : fa.distance_m;
            h.overlap_area_m2 = fa.area_xy;
            m.hits.push_back(std::move(h));
        }
    }
    if (m.inside) m.nearest_distance_m = 0.0;
    // A feature with an edge that jumps more than half a turn of longitude
    // was drawn across the antimeridian without being split there: that
    // edge runs the long way round, and the figures are as drawn.
    std::vector<std::uint32_t> jumping;
    if (m.nearest_feature && jumps_[*m.nearest_feature]) jumping.push_back(*m.nearest_feature);
    for (const auto& h : m.hits)
        if (jumps_[h.feature] && std::find(jumping.begin(), jumping.end(), h.feature) == jumping.end())
            jumping.push_back(h.feature);
    for (std::uint32_t f : jumping)
        m.warnings.push_back("feature '" + features_[f].id +
                             "' has an edge that jumps more than 180 degrees of longitude (drawn across +-180 without "
                             "being split there); its distance and overlap are taken as drawn, the long way round");
    std::stable_sort(m.hits.begin(), m.hits.end(), [](const FeatureHit& a, const FeatureHit& b) {
        return a.distance_m < b.distance_m;
    });
    return m;
}

}  // namespace sitescreen
