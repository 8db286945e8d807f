// Measuring a site against a vector layer: overlap per buffer (unioned where features overlap),
// nearest feature, and the features found.
#include "layers/vector/vector_layer.h"

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
#include <functional>
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
#include "layers/vector/pieces.h"

namespace bgi = boost::geometry::index;

namespace sitescreen {
using namespace vector_kit;

namespace {

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
    const double ew =
        dlon * (3.14159265358979323846 / 180) * geodesic::kWgs84A * std::cos(phi * 3.14159265358979323846 / 180);
    return 0.99 * std::max(ns, ew);
}

// A lower bound (m) of the distance measure() takes, in a site's frame, from the centre to a piece
// whose lon/lat box is `b`: the auxiliary-sphere bound of the geodesic distance to any point of
// the box (geodesic::reduced_box_distance_lower_bound_m), less what a chord between two measured
// points may pass nearer than both. The points a piece is measured by (its vertices, the points
// its edges and the query box's sides are divided at) lie in the box and at most 0.01 degree
// apart in longitude and in latitude, a chord of at most 1.6 km (an edge left whole is farther
// than the query's reach, pieces.cpp); a chord of length c between points at least L from the
// centre passes no nearer than sqrt(L^2 - c^2 / 4). A metre more for the frame's fast path
// (millimetres off Karney) and rounding.
double nearest_only_bound(LonLat c, const Box& b) {
    constexpr double kHalfChordM = 1000.0;
    const double lb = geodesic::reduced_box_distance_lower_bound_m(c, b);
    return lb > kHalfChordM ? std::sqrt(lb * lb - kHalfChordM * kHalfChordM) - 1.0 : 0.0;
}
// Past this bound the site lies outside the piece's box (the bound is 0 inside it).
constexpr double kOutsideBoxM = 2000.0;

// A candidate polygon piece, clipped to the query box and projected.
struct ProjectedPiece {
    std::uint32_t piece = 0;
    double shift = 0;  // degrees of longitude the piece was moved by (shifted_piece)
    // A polygon site's: the piece as GEOS overlays need it (clip_for_overlay), not xy.
    std::vector<geos::GeomPtr> overlay;
    Polygon xy;
    Box box;                                      // of xy
    std::vector<std::vector<std::int8_t>> sides;  // per ring, per segment: clip-box side or kNoSide
    std::vector<BoxRun> runs;                     // the rings' stretches along the clip box (lon/lat)
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

using Scratch = VectorScratch;

struct FeatureAccum {
    double distance_m = std::numeric_limits<double>::infinity();
    bool inside = false;
    bool origin_parity = false;
    std::vector<double> area_xy;         // per radius, planar in the local frame
    std::vector<ProjectedPiece> pieces;  // kept only for features that may overlap others
    Box box_xy;
    bool has_box = false;
};

// Appends a kept piece as GEOS overlays need it (clip_for_overlay).
using OverlayParts = std::function<void(const ProjectedPiece&, std::vector<geos::GeomPtr>&)>;

// Adds, per radius, the area within the disc of the union of a group of
// features whose boxes meet: from the union's boundary (union_disc.h), or,
// where edges of two features touch or run along each other (shared
// borders), from a GEOS union of the group's pieces (clip_for_overlay).
void add_group_union(const std::vector<const FeatureAccum*>& group, const Box& clip_ll, const LocalFrame& frame,
                     const std::vector<double>& radii, const OverlayParts& overlay_parts,
                     std::vector<double>& total_xy) {
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
        for (const auto& pp : fa->pieces) overlay_parts(pp, parts);
    geos::GeomPtr u = geos::union_all(std::move(parts));
    MultiPolygon um;
    geos::to_multipolygon(u.get(), um);
    for (const auto& p : um) add_polygon_disc_areas(p, radii, total_xy);
}

// Adds, per radius, the area within the discs of the union of the features
// found within the largest radius: features whose boxes meet are grouped
// (union-find) and each group of two or more is unioned; the rest add up.
void add_grouped_union_areas(std::map<std::uint32_t, FeatureAccum>& acc, double max_r, const Box& clip_box,
                             const LocalFrame& frame, const std::vector<double>& radii,
                             const OverlayParts& overlay_parts, std::vector<double>& total_xy) {
    std::vector<std::uint32_t> overlapping;
    for (auto& [f, fa] : acc) {
        if (fa.distance_m > max_r) continue;
        if (!fa.pieces.empty())
            overlapping.push_back(f);
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
        add_group_union(group, clip_box, frame, radii, overlay_parts, total_xy);
    }
}

}  // namespace

std::optional<std::pair<std::uint32_t, double>> VectorLayer::far_nearest(const SiteGeometry& site, double limit_m,
                                                                         std::vector<double>& lbs) const {
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
                const int n =
                    std::max(1, static_cast<int>(std::ceil(
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
    auto bound = [&](const Box& box) {
        return geodesic::reduced_box_distance_lower_bound_m(site.centre, box) - spread;
    };
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
                if (piece.kind == PieceKind::Point)
                    d = std::min(d, geodesic::distance_m(c, {piece.point.x(), piece.point.y()}));
                else if (piece.kind == PieceKind::Line)
                    ring(piece.line);
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
    VectorScratch scratch;
    return measure(site, scratch, nearest_limit_m, tile_union_min_radius_m);
}

VectorMeasurement VectorLayer::measure(const SiteGeometry& site, VectorScratch& s, double nearest_limit_m,
                                       double tile_union_min_radius_m, double scan_reach_m, bool buffers) const {
    VectorMeasurement m;
    static const std::vector<double> kNoRadii;
    const std::vector<double>& radii = buffers ? site.radii_m : kNoRadii;
    const double max_r = radii.empty() ? 0.0 : radii.back();
    for (std::size_t k = 0; k < radii.size(); ++k) {
        VectorBufferResult b;
        b.radius_m = radii[k];
        b.buffer_area_m2 = site.buffer_area_m2[k];
        m.buffers.push_back(b);
    }
    if (features_.empty()) return m;

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
    // The pieces a union needs are kept: every piece of a footprint's features; around a point, the
    // pieces of features that may overlap another, when buffers are measured here (not by tiles).
    const bool point_unions = site.is_point && !by_tiles && !radii.empty();
    auto kept_for_union = [&](std::uint32_t feature) {
        return !site.is_point || (may_overlap_[feature] && point_unions);
    };

    // Measures every piece whose box meets the box of radius `reach` around the centre.
    Box clip_box;  // of the buffers' scan: every kept piece is clipped to it
    // The disc is exactly pi r^2 in the frame; its ellipsoidal area over that.
    std::vector<double> scales(radii.size());
    for (std::size_t k = 0; k < radii.size(); ++k)
        scales[k] = site.buffer_area_m2[k] / (3.14159265358979323846 * radii[k] * radii[k]);
    std::vector<std::tuple<double, std::uint32_t, double>>& large = s.large;            // (nearest, piece, farthest)
    std::vector<std::tuple<double, std::uint32_t, double>>& by_nearest = s.by_nearest;  // (nearest, piece, shift)

    auto scan = [&](double reach, bool for_nearest_only) {
        const Box box = geodesic::bounding_box(site.centre, reach);
        // A point site measured without buffers (the avoidance search's confirmation) needs no
        // piece's area and no feature's distance but the nearest's.
        const bool nearest_first =
            !for_nearest_only && site.is_point && radii.empty() && reach <= LocalFrame::kFastChordM;
        if (!for_nearest_only) clip_box = box;
        large.clear();
        by_nearest.clear();
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
            // Polygon piece: clip to the query box, densify, project (a point site's as the
            // integrals need it, a polygon site's as GEOS does: clip_for_overlay).
            ProjectedPiece pp;
            pp.piece = pi;
            pp.shift = shift;
            const bool keep = !for_nearest_only && kept_for_union(piece.feature);
            double d = std::numeric_limits<double>::infinity();
            if (site.is_point) {
                // Pieces kept for a union also note where they run along the clip box.
                if (!clip_and_project(piece.polygon, box, frame, reach, pp.xy, s.clipped, s.tmp, &piece,
                                      keep ? &pp.sides : nullptr, &pp.runs))
                    return;
                d = ring_distance_to_origin(pp.xy.outer());
                for (const auto& h : pp.xy.inners()) d = std::min(d, ring_distance_to_origin(h));
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
                clip_for_overlay(piece.polygon, box, frame, pp.overlay);
                if (pp.overlay.empty()) return;
                for (const geos::GeomPtr& g : pp.overlay) {
                    double dd = 0;
                    GEOSDistance_r(geos::context(), footprint_g.get(), g.get(), &dd);
                    d = std::min(d, dd);
                    if (dd == 0 && GEOSIntersects_r(geos::context(), footprint_g.get(), g.get()) == 1) fa.inside = true;
                }
            }
            fa.distance_m = std::min(fa.distance_m, d);
            if (keep) {
                if (!site.is_point) {  // the groups' boxes (add_grouped_union_areas) are a point site's
                    fa.pieces.push_back(std::move(pp));
                    return;
                }
                bg::envelope(pp.xy, pp.box);
                if (!fa.has_box)
                    fa.box_xy = pp.box, fa.has_box = true;
                else
                    bg::expand(fa.box_xy, pp.box);
                fa.pieces.push_back(std::move(pp));
            }
        };
        for (const auto& [query, shift] : wrapped_queries(box))
            for (auto it = index_.qbegin(bgi::intersects(query)); it != index_.qend(); ++it) {
                const Box piece_box = shifted_box(it->first, shift);
                const std::uint32_t pi = it->second;
                const Piece& piece = pieces_[pi];
                // Pieces in the box's corners, wholly beyond the reach, add nothing to the discs.
                // A piece kept for a union with an overlapping feature is measured all the same:
                // its neighbours' cuts along it are the union's inside only while it is there
                // (union_disc.h).
                const bool keep = !for_nearest_only && may_overlap_[piece.feature] && kept_for_union(piece.feature);
                if (!keep && reach <= LocalFrame::kFastChordM &&
                    box_distance_lower_bound(site.centre, piece_box) > reach)
                    continue;
                if (nearest_first) {
                    by_nearest.emplace_back(box_distance_range(piece_box, frame).first, pi, shift);
                    continue;
                }
                if (for_nearest_only) {
                    by_nearest.emplace_back(piece.kind == PieceKind::Line
                                                ? 0.0
                                                : nearest_only_bound(site.centre, piece_box) - footprint_reach,
                                            pi, shift);
                    continue;
                }
                // Large pieces of point sites are placed by their box first (below).
                if (site.is_point && !keep && shift == 0 && piece.kind == PieceKind::Polygon &&
                    piece.polygon.outer().size() >= kClassifyMinVertices && reach <= LocalFrame::kFastChordM) {
                    const auto [lo, hi] = box_distance_range(it->first, frame);
                    large.emplace_back(lo, pi, hi);
                    continue;
                }
                measure_piece(pi, shift);
            }
        if (nearest_first) {
            // Only the nearest feature and the insides are asked for: pieces nearest first, until
            // one is no nearer than the nearest point so far (so it changes nothing). Those
            // measured are clipped to the same box as in a full scan: the same distances.
            std::sort(by_nearest.begin(), by_nearest.end());
            double best = std::numeric_limits<double>::infinity();
            for (const auto& [lo, pi, shift] : by_nearest) {
                if (lo > best) break;
                measure_piece(pi, shift);
                best = std::min(best, acc[pieces_[pi].feature].distance_m);
            }
            return;
        }
        if (for_nearest_only) {
            // A wider box of the nearest-feature search: pieces nearest first by the bound of what
            // measuring them can give, until one's bound passes the nearest distance so far (it
            // cannot change which feature is nearest, nor its distance). Beyond a few kilometres
            // the site lies outside the piece's box, so outside the piece, and a point site's
            // distance is clipped_distance_to_origin: to the last bit measure_piece's, projecting
            // the points of a divided edge only where they may be the nearest.
            std::sort(by_nearest.begin(), by_nearest.end());
            double best = std::numeric_limits<double>::infinity();
            for (const auto& [lo, pi, shift] : by_nearest) {
                if (lo > best) break;
                const Piece& piece = pieces_[pi];
                FeatureAccum& fa = near[piece.feature];
                if (site.is_point && piece.kind == PieceKind::Polygon && lo > kOutsideBoxM) {
                    const Piece& moved = shifted_piece(piece, shift, s.shifted);
                    fa.distance_m = std::min(fa.distance_m, clipped_distance_to_origin(moved.polygon, box, frame, reach,
                                                                                       s.clipped, s.tmp, s.distance));
                } else {
                    measure_piece(pi, shift);
                }
                best = std::min(best, fa.distance_m);
            }
            return;
        }
        // Nearest first: a large piece wholly inside or outside each disc
        // adds its area (or nothing) without being projected, and only its
        // distance is measured, unless its feature is already nearer.
        std::sort(large.begin(), large.end());
        for (const auto& [lo, pi, hi] : large) {
            const Piece& piece = pieces_[pi];
            FeatureAccum& fa = for_nearest_only ? near[piece.feature] : acc[piece.feature];
            if (fa.area_xy.empty()) fa.area_xy.assign(radii.size(), 0.0);
            bool across = lo == 0;
            if (!for_nearest_only)
                for (std::size_t k = 0; k < radii.size(); ++k)
                    if (hi >= radii[k] && lo <= radii[k]) across = true;
            if (across) {
                measure_piece(pi, 0.0);
                continue;
            }
            // The site lies outside the piece's box, so outside the piece.
            if (fa.distance_m > lo)
                fa.distance_m = std::min(fa.distance_m, clipped_distance_to_origin(piece.polygon, box, frame, reach,
                                                                                   s.clipped, s.tmp, s.distance));
            if (!for_nearest_only)
                for (std::size_t k = 0; k < radii.size(); ++k)
                    if (hi < radii[k]) fa.area_xy[k] += piece.area_m2 / scales[k];
        }
    };

    // Nearest feature: what the buffers found, else search ever wider boxes.
    // Distances below the box's inner radius are exact: clipping only adds
    // edges on the box, which lie farther away.
    auto best_within = [](const std::map<std::uint32_t, FeatureAccum>& found,
                          double limit) -> std::optional<std::pair<std::uint32_t, double>> {
        std::optional<std::pair<std::uint32_t, double>> best;
        for (const auto& [f, fa] : found)
            if (fa.distance_m < limit && (!best || fa.distance_m < best->second)) best = {f, fa.distance_m};
        return best;
    };
    const double scan_r = std::max(max_r, scan_reach_m);
    const double scanned = (scan_r > 0 ? scan_r : 1.0) + footprint_reach;
    scan(scanned, false);
    auto nearest = best_within(acc, scanned);  // beyond the scanned reach, clipping may have moved edges nearer
    double reach = std::max(scan_r, 1000.0) + footprint_reach;
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
    if (!nearest && reach < limit)
        nearest =
            far_nearest(site, nearest_limit_m > 0 ? nearest_limit_m : std::numeric_limits<double>::infinity(), s.lbs);
    else if (!nearest)
        nearest = best_within(near, nearest_limit_m > 0 ? nearest_limit_m : std::numeric_limits<double>::infinity());
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
        if (by_tiles)
            add_tile_union_areas(clip_box, frame, radii, scales, total_xy, s);
        else
            add_grouped_union_areas(
                acc, max_r, clip_box, frame, radii,
                [&](const ProjectedPiece& pp, std::vector<geos::GeomPtr>& out) {
                    clip_for_overlay(shifted_piece(pieces_[pp.piece], pp.shift, s.shifted).polygon, clip_box, frame,
                                     out);
                },
                total_xy);
        for (std::size_t k = 0; k < radii.size(); ++k) {
            const double scale = scales[k];
            for (auto& [f, fa] : acc) fa.area_xy[k] = std::max(0.0, fa.area_xy[k]) * scale;
            m.buffers[k].overlap_area_m2 = std::clamp(total_xy[k] * scale, 0.0, site.buffer_area_m2[k]);
        }
    } else {
        std::vector<geos::GeomPtr> parts;
        auto clones = [](const ProjectedPiece& pp, std::vector<geos::GeomPtr>& out) {
            for (const geos::GeomPtr& g : pp.overlay) out.emplace_back(GEOSGeom_clone_r(geos::context(), g.get()));
        };
        for (auto& [f, fa] : acc)
            if (fa.distance_m <= scan_r)
                for (const auto& pp : fa.pieces) clones(pp, parts);
        geos::GeomPtr u = parts.empty() ? nullptr : geos::union_all(std::move(parts));
        std::map<std::uint32_t, geos::GeomPtr> feature_union;  // made once, cut by each buffer
        for (std::size_t k = 0; k < radii.size(); ++k) {
            const double planar = geos::area(buffers_g[k].get());
            const double scale = planar > 0 ? site.buffer_area_m2[k] / planar : 1.0;
            double ov = 0;
            if (u) ov = geos::area(geos::intersection(u.get(), buffers_g[k].get()).get());
            m.buffers[k].overlap_area_m2 = std::clamp(ov * scale, 0.0, site.buffer_area_m2[k]);
            // Per-feature overlap inside this buffer.
            for (auto& [f, fa] : acc) {
                if (fa.distance_m > radii[k] || fa.pieces.empty()) continue;
                geos::GeomPtr& fu = feature_union[f];
                if (!fu) {
                    std::vector<geos::GeomPtr> fp;
                    for (const auto& pp : fa.pieces) clones(pp, fp);
                    fu = geos::union_all(std::move(fp));
                }
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
    std::stable_sort(m.hits.begin(), m.hits.end(),
                     [](const FeatureHit& a, const FeatureHit& b) { return a.distance_m < b.distance_m; });
    return m;
}

}  // namespace sitescreen
