// The dissolved tiles of a vector layer (--tile-union-km): features unioned once per tile, for
// sites whose buffers would otherwise union the same overlapping features again and again.
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

std::shared_ptr<const VectorLayer::UnionTile> VectorLayer::union_tile(std::int64_t ix, std::int64_t iy) const {
    const std::uint64_t key = (static_cast<std::uint64_t>(ix) << 32) | static_cast<std::uint32_t>(iy);
    {
        std::shared_lock lock(tiles_mutex_);
        auto it = tiles_.find(key);
        if (it != tiles_.end()) return it->second;
    }
    // Read from the tile cache, else built; outside the lock: two threads may build the same tile,
    // with the same result.
    if (auto kept = kept_tile(key)) {
        std::unique_lock lock(tiles_mutex_);
        return tiles_.emplace(key, std::move(kept)).first->second;
    }
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
            geos::GeomPtr clipped = geos::clip_by_rect(g.get(), w, s, e, n);
            if (!clipped || GEOSisEmpty_r(ctx, clipped.get())) continue;
            const Box box = geos::envelope(clipped.get());
            parts.push_back({std::move(clipped), pieces_[pi].feature, pi, box});
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
                u = geos::clip_by_rect(u.get(), w, s, e, n);
            }
            geos::to_multipolygon(u.get(), tile->polygons);
        }
        for (const Polygon& p : tile->polygons) {
            Box b;
            bg::envelope(p, b);
            if (tile->boxes.empty())
                tile->bounds = b;
            else
                bg::expand(tile->bounds, b);
            tile->boxes.push_back(b);
            tile->areas_m2.push_back(geodesic::lonlat_polygon_area_m2(p));
            tile->area_m2 += tile->areas_m2.back();
        }
    }
    ++tiles_built_;
    ++tiles_unsaved_;
    std::unique_lock lock(tiles_mutex_);
    return tiles_.emplace(key, std::move(tile)).first->second;
}

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
                                       const std::vector<double>& scale, std::vector<double>& total_xy,
                                       VectorScratch& scratch) const {
    const double far_m = radii.empty() ? 0.0 : radii.back();
    Ring &clipped = scratch.tile_clipped, &tmp = scratch.tile_tmp;
    Polygon& xy = scratch.tile_xy;
    std::vector<double>&some_radii = scratch.some_radii, &some_totals = scratch.some_totals;
    std::vector<std::size_t>& which = scratch.which;
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
            if (far_box_m < radii[k])
                total_xy[k] += area_m2 / scale[k];
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
    Polygon& moved = scratch.tile_moved;
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

}  // namespace sitescreen
