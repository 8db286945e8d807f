// Loading a vector layer: read, repair, reproject and subdivide its features (index.cpp indexes them).
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
#include "layers/vector/load_kit.h"
#include "layers/vector/pieces.h"
#include "layers/vector/subdivide.h"

namespace fs = std::filesystem;

namespace sitescreen {
using namespace vector_kit;
namespace {

std::string field_list(const std::vector<std::string>& fields) {
    std::string s;
    for (const auto& f : fields) s += (s.empty() ? "" : ", ") + ("'" + f + "'");
    return s.empty() ? "none" : s;
}

std::string feature_text(OGRFeatureH f, int field) {
    if (field < 0 || !OGR_F_IsFieldSetAndNotNull(f, field)) return "";
    return OGR_F_GetFieldAsString(f, field);
}

Json field_json(OGRFeatureH f, OGRFeatureDefnH defn, int i) {
    if (!OGR_F_IsFieldSetAndNotNull(f, i)) return nullptr;
    switch (OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i))) {
        case OFTInteger:
            return OGR_F_GetFieldAsInteger(f, i);
        case OFTInteger64:
            return static_cast<long long>(OGR_F_GetFieldAsInteger64(f, i));
        case OFTReal: {
            const double v = OGR_F_GetFieldAsDouble(f, i);
            return std::isfinite(v) ? Json(v) : Json(nullptr);
        }
        default:
            return OGR_F_GetFieldAsString(f, i);
    }
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

}  // namespace

std::shared_ptr<const VectorLayer> VectorLayer::load(const LayerSpec& spec, unsigned threads) {
    return VectorLayerBuilder::load(spec, std::max(1u, threads));
}

// From the layer cache when it holds this layer as this build loads it (layer_cache.cpp), else
// from the data (and then into the cache); indexed either way.
std::shared_ptr<const VectorLayer> VectorLayerBuilder::load(const LayerSpec& spec, unsigned threads) {
    const auto t0 = std::chrono::steady_clock::now();
    auto layer = std::make_shared<VectorLayer>();
    layer->spec_ = spec;
    const LayerCache cache(spec);
    layer->tile_cache_key_ = cache.tile_key();
    if (cache.restore(*layer)) {
        layer->info_.from_cache = true;
        index(layer.get(), threads);
    } else {
        read(spec, layer.get(), threads);
        index(layer.get(), threads);
        cache.store(*layer);  // with index()'s overlap marks
    }
    layer->info_.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return layer;
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
    // Two allocations a polygon, against OGR's copy of its points: no per-thread scratch (the
    // layers keep no thread_local state, docs/architecture.md).
    std::vector<double> xs(static_cast<std::size_t>(n)), ys(static_cast<std::size_t>(n));
    OGR_G_GetPoints(ring, xs.data(), sizeof(double), ys.data(), sizeof(double), nullptr, 0);
    return ring_certainly_simple(xs.data(), ys.data(), xs.size());
}

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
            if (points >= kLargeFeaturePoints)
                large_.emplace_back(points, item);
            else
                small_.push_back(item);
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

void VectorLayerBuilder::read(const LayerSpec& spec, VectorLayer* layer, unsigned threads) {
    gdal_init();
    const std::string where = "layer '" + spec.id + "' (" + spec.path_as_written + ")";
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
        if (!ogr)
            throw InputError(spec.catalog_file + ": " + where + ": has no OGR layer named '" + spec.ogr_layer + "'");
    } else {
        if (GDALDatasetGetLayerCount(ds.get()) < 1)
            throw InputError(spec.catalog_file + ": " + where + ": holds no layer");
        ogr = GDALDatasetGetLayer(ds.get(), 0);
    }
    if (!spec.filter.empty()) {
        if (OGR_L_SetAttributeFilter(ogr, spec.filter.c_str()) != OGRERR_NONE)
            throw InputError(spec.catalog_file + ": " + where + ": filter '" + spec.filter +
                             "' is not a valid OGR attribute filter (" + gdal_last_error() + ")");
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(ogr);
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); ++i)
        info.fields.push_back(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
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
    for (const auto& f : spec.required_fields) field_index(f, "field required by preset '" + spec.preset + "'");

    // CRS: the catalog's crs: overrides (or supplies) the dataset's.
    SrsPtr src;
    if (spec.crs) {
        src = srs_from_user(*spec.crs, spec.catalog_file + ": " + where + ": crs");
    } else if (OGRSpatialReferenceH s = OGR_L_GetSpatialRef(ogr)) {
        src.reset(OSRClone(s));
        OSRSetAxisMappingStrategy(src.get(), OAMS_TRADITIONAL_GIS_ORDER);
    } else {
        throw InputError(spec.catalog_file + ": " + where +
                         ": the data has no CRS; set crs: in the catalog (e.g. crs: EPSG:4326)");
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
            const int points =
                raw.geom ? OGR_G_GetPointCount(raw.geom.get()) + geometry_point_count(raw.geom.get()) : 0;
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
}

}  // namespace sitescreen
