// Vector layers held in memory for screening: features, subdivided pieces and a packed R-tree.
#pragma once
#include <boost/geometry/index/rtree.hpp>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/site.h"
#include "geo/geos_kit.h"
#include "geo/local_frame.h"
#include "geo/site_geometry.h"
#include "io/disk_cache.h"
#include "layers/catalog.h"

namespace sitescreen {

struct VectorFeature {
    std::string id;                    // id_field value, or the OGR FID
    std::string name;                  // name_field value
    std::string category;              // category_field value as text ("" when none)
    Json attributes = Json::object();  // report_fields
    std::int64_t fid = 0;
};

enum class PieceKind : std::uint8_t { Polygon, Point, Line };

// A piece of one feature: a polygon of at most a few hundred vertices (large
// polygons are split at load), a point, or a line.
struct Piece {
    std::uint32_t feature = 0;
    PieceKind kind = PieceKind::Polygon;
    Polygon polygon;  // lon/lat
    Point point;      // lon/lat
    LineString line;  // lon/lat
    // The lines (lon = x or lat = y) along which the feature was split to
    // make this piece: edges along them are inside the feature, not its boundary.
    std::vector<double> cuts_x, cuts_y;
    // Ellipsoidal area (edges straight in lon/lat), for polygon pieces of at
    // least VectorLayer::kClassifyMinVertices outer vertices; else 0.
    double area_m2 = 0;
};

// What loading found, for `layers check` and run.json.
struct VectorLayerInfo {
    std::string crs_name;
    std::string geometry_type;
    std::size_t feature_count = 0;
    std::size_t piece_count = 0;
    std::size_t vertex_count = 0;
    std::size_t invalid_repaired = 0;  // invalid geometries repaired with GEOS MakeValid
    std::size_t without_geometry = 0;  // features with a null or empty geometry (skipped, counted)
    std::size_t unrepairable = 0;      // invalid geometries MakeValid could not repair (skipped, counted)
    double west = 0, south = 0, east = 0, north = 0;
    std::vector<std::string> fields;
    double load_seconds = 0;
    bool from_cache = false;  // read back from the layer cache (docs/layers.md, "Checksums")
};

struct FeatureHit {
    std::uint32_t feature = 0;
    double distance_m = 0;                // 0 when the site's geometry touches the feature
    std::vector<double> overlap_area_m2;  // per radius (polygons; 0 for points and lines)
};

struct VectorBufferResult {
    double radius_m = 0;
    double buffer_area_m2 = 0;
    double overlap_area_m2 = 0;  // buffer area covered by the union of the layer's features
    double overlap_share = 0;
    std::size_t feature_count = 0;  // features within the buffer
};

struct VectorMeasurement {
    bool inside = false;                       // the site's geometry intersects a feature
    std::optional<double> nearest_distance_m;  // nullopt: empty layer
    std::optional<std::uint32_t> nearest_feature;
    std::vector<std::uint32_t> inside_features;  // features the site intersects, by id order
    std::vector<VectorBufferResult> buffers;     // one per radius
    std::vector<FeatureHit> hits;                // features within the largest buffer, nearest first
    // Polygon sites: the footprint's area covered by the layer.
    std::optional<double> footprint_area_m2;
    std::optional<double> footprint_overlap_area_m2;
    // Figures this measurement cannot vouch for, one sentence each (the
    // screener prefixes the layer and puts them on the site's `warnings`).
    std::vector<std::string> warnings;
};

// vector_kit::clipped_distance_to_origin's working space.
struct DistanceScratch {
    std::vector<Point> vertices;                                // a ring's vertices in the frame
    std::vector<Point> points;                                  // an edge's points in the frame
    std::vector<std::tuple<double, std::size_t, int>> divided;  // (lower bound, edge, steps)
};

// The working memory of VectorLayer::measure on one screening thread, kept between sites so that
// its buffers are allocated once. Owned by the thread's probe (layers/vector/vector_kind.h), shared
// by the vector layers that thread measures; never by two threads.
struct VectorScratch {
    Ring clipped, tmp, xy;
    DistanceScratch distance;
    Piece shifted;                                                      // a piece moved by a turn of longitude
    std::vector<std::tuple<double, std::uint32_t, double>> large;       // (nearest, piece, farthest)
    std::vector<std::tuple<double, std::uint32_t, double>> by_nearest;  // (nearest, piece, longitude shift)
    std::vector<double> lbs;                                            // far_nearest: lower bounds per vertex
    // add_tile_union_areas
    Ring tile_clipped, tile_tmp;
    Polygon tile_xy, tile_moved;
    std::vector<double> some_radii, some_totals;
    std::vector<std::size_t> which;
};

class VectorLayer {
public:
    // Loads, repairs, transforms to WGS 84, subdivides and indexes (the
    // geometry work on `threads` threads; the result does not depend on it).
    // Throws InputError naming the layer and the problem.
    static std::shared_ptr<const VectorLayer> load(const LayerSpec& spec, unsigned threads = 1);

    const LayerSpec& spec() const { return spec_; }
    const VectorLayerInfo& info() const { return info_; }
    const std::vector<VectorFeature>& features() const { return features_; }
    // The feature's full geometry in lon/lat (its pieces), for maps and GeoPackage output.
    MultiPolygon feature_polygons(std::uint32_t feature) const;
    std::vector<Point> feature_points(std::uint32_t feature) const;
    // The union of the feature's polygon pieces that meet the box of `reach_m` around the frame's
    // centre, clipped to that box and projected into the frame (edges densified as measure()
    // densifies them): the feature there, holes kept (the avoidance search). Pieces that lie
    // wholly farther than `keep_m` from the centre are left out (the union is the same within
    // `keep_m`). Joined in lon/lat along the cut lines the pieces record, without an overlay
    // (docs/leap.md, "Avoidance search"), and with GEOS's overlay union where that declines.
    // Empty when no piece is near. Points and lines are left out.
    MultiPolygon feature_region(std::uint32_t feature, const LocalFrame& frame, double reach_m,
                                double keep_m = std::numeric_limits<double>::infinity()) const;
    // The union of the feature's polygon pieces that meet `box` (lon/lat, taken as given: no
    // wrapping across +-180), whole and in lon/lat, joined as feature_region joins them: along the
    // cut lines, with GEOS's overlay union only where the pieces do not meet edge to edge. Null
    // when no piece meets the box (or the overlay fails). For the portfolio's admin outline.
    geos::GeomPtr feature_joined(std::uint32_t feature, const Box& box) const;

    // Thread-safe: the layer is immutable after load. The nearest feature is
    // searched for out to `nearest_limit_m` (unlimited by default); beyond it
    // nearest_distance_m stays empty.
    // Point sites whose largest radius is at least `tile_union_min_radius_m`
    // (0: never) take the union area from the dissolved tiles.
    VectorMeasurement measure(const SiteGeometry& site, double nearest_limit_m = 0,
                              double tile_union_min_radius_m = kTileUnionMinRadiusM) const;
    // The same with the calling thread's working memory (the screener's probes keep one per thread).
    // The features are scanned out to at least `scan_reach_m` (0: the largest radius), as for a
    // buffer that wide: each feature's distance and inside (and a footprint's overlap) are then
    // those a screening with that buffer measures, to the last bit (pieces clipped to a nearer box
    // are densified otherwise). `buffers` false: no buffer is measured (the site's radii are left
    // out of the measurement).
    VectorMeasurement measure(const SiteGeometry& site, VectorScratch& scratch, double nearest_limit_m,
                              double tile_union_min_radius_m, double scan_reach_m = 0, bool buffers = true) const;

    // The work of the two ways to the union areas of wide buffers, in polygon vertices, for the
    // point sites at `sites` (centre, largest buffer): `per_site`, the vertices of the pieces of
    // features that may overlap others within each site's box (the per-site union walks them),
    // summed over the sites; `dissolve`, the vertices the tiles those boxes reach would dissolve
    // (tiles already dissolved count nothing); `tile_visits`, the same summed per site (the
    // tiles' reuse is tile_visits / dissolve). Thread-safe.
    struct UnionWork {
        double per_site = 0, dissolve = 0, tile_visits = 0;
    };
    UnionWork union_work(const std::vector<std::pair<LonLat, double>>& sites) const;

    // Keeps the dissolved tiles this run built, with those kept before, in the tile cache beside
    // the layer cache (docs/layers.md, "Checksums"), so that the next run reads them instead of
    // dissolving them again. Nothing when no tile was built since the last call (a service's
    // later jobs), or the cache is off.
    void save_tiles() const;
    // How many dissolved tiles this layer built, and how many it read from the tile cache.
    struct TileCounts {
        std::size_t built = 0, read = 0;
    };
    TileCounts tile_counts() const { return {tiles_built_.load(), tiles_read_.load()}; }

    // Buffers at least this wide take their union area from the dissolved
    // tiles (below) rather than from a union per site.
    static constexpr double kTileUnionMinRadiusM = 20000;
    // Edge of the lon/lat tiles of the dissolved layer, degrees.
    static constexpr double kUnionTileDeg = 0.1;
    // Polygons of a tile across a circle, and pieces of the layer around a point site, with at
    // least this many outer vertices are first placed against the discs by their box alone.
    static constexpr std::size_t kClassifyMinVertices = 48;
    // The search for the nearest feature widens its box while the box's
    // reach is at most this; farther, it goes best first over the layer's
    // cells by a lower bound of their distance (far_nearest), which costs
    // the same whatever the distance, up to the antipode.
    static constexpr double kWidenMaxM = 1.1e6;
    // Edge of the cells of far_nearest, degrees.
    static constexpr double kFarCellDeg = 1.0;

private:
    // The layer's polygons clipped to one tile of a global kUnionTileDeg grid
    // and dissolved (GEOS union): disjoint polygons, so their areas add up.
    // Built on first use and kept; the same whichever thread builds it.
    struct UnionTile {
        MultiPolygon polygons;  // lon/lat
        std::vector<Box> boxes;
        std::vector<double> areas_m2;  // ellipsoidal, per polygon
        Box bounds;                    // of all the polygons
        double area_m2 = 0;            // ellipsoidal (edges straight in lon/lat)
    };
    std::shared_ptr<const UnionTile> union_tile(std::int64_t ix, std::int64_t iy) const;
    // Adds, per radius, the area within the disc of the union of the layer's
    // polygons, from the dissolved tiles that meet the clip box: a tile wholly
    // inside a disc adds its area (divided by scale[k], the frame's area
    // scale), one that straddles the circle is clipped and projected.
    void add_tile_union_areas(const Box& clip_ll, const LocalFrame& frame, const std::vector<double>& radii,
                              const std::vector<double>& scale, std::vector<double>& total_xy,
                              VectorScratch& scratch) const;

    // The nearest feature and its geodesic distance, if one lies nearer than
    // `limit_m`: best first over the cells, each piece's edges measured by
    // Karney's inverse (geodesic::segment_distance_m), from the centre of a
    // point site or the boundary of a footprint. For features beyond the
    // widening search (the site is then inside none).
    std::optional<std::pair<std::uint32_t, double>> far_nearest(const SiteGeometry& site, double limit_m,
                                                                std::vector<double>& lbs) const;
    struct Cell {
        Box box;  // of its pieces
        std::vector<std::uint32_t> pieces;
        std::vector<Box> boxes;  // of each piece
    };
    std::vector<Cell> cells_;
    // The cells by kFarBlockDeg squares of their box's middle, each with the
    // box of its cells: the far search bounds a block before its cells.
    struct CellBlock {
        Box box;
        std::vector<std::uint32_t> cells;
    };
    std::vector<CellBlock> blocks_;
    static constexpr double kFarBlockDeg = 8.0;

    using IndexValue = std::pair<Box, std::uint32_t>;  // piece bounding box, piece index
    using RTree = boost::geometry::index::rtree<IndexValue, boost::geometry::index::rstar<16>>;

    LayerSpec spec_;
    VectorLayerInfo info_;
    std::vector<VectorFeature> features_;
    std::vector<Piece> pieces_;
    std::vector<std::vector<std::uint32_t>> feature_pieces_;
    std::vector<bool> may_overlap_;  // feature's box meets another feature's box
    std::vector<bool> jumps_;        // an edge of the feature jumps more than 180 degrees of longitude
    RTree index_;
    mutable std::shared_mutex tiles_mutex_;
    mutable std::unordered_map<std::uint64_t, std::shared_ptr<const UnionTile>> tiles_;
    // The tile cache (layer_cache.cpp): its key ("" when off), its file as read at the first tile
    // asked for, and where each tile's record lies in it (offset, length).
    std::string tile_cache_key_;
    mutable std::once_flag tile_file_once_;
    mutable std::shared_ptr<const DiskCache::Mapping> tile_file_;
    mutable std::unordered_map<std::uint64_t, std::pair<std::size_t, std::size_t>> tile_records_;
    mutable std::atomic<std::size_t> tiles_built_{0}, tiles_read_{0};
    mutable std::atomic<std::size_t> tiles_unsaved_{0};  // built since the last save_tiles()
    // The tile of `key` from the tile cache, or nullptr.
    std::shared_ptr<const UnionTile> kept_tile(std::uint64_t key) const;

    friend struct VectorLayerBuilder;
};

}  // namespace sitescreen
