// The layer cache: a vector layer as read from its data (features, repaired and subdivided
// pieces), kept between runs so that start-up reads it back instead of validating, repairing,
// subdividing and measuring every feature again (load_kit.h, docs/layers.md, "Checksums").
//
// The bytes are this machine's (doubles and integers as they lie in memory, little-endian on
// every platform sitescreen builds on; the key names the byte order), ended by a hash of all of
// them: an entry cut short or damaged on disk is a miss, never a layer. What the data becomes
// depends on the code that reads it, so the key holds a digest of that code (the build's
// `layer_cache_id.h`, made by CMake from the sources), the versions of GDAL, GEOS and PROJ, the
// catalog entry's loading settings and the SHA-256 of the layer's files.
#include <gdal.h>
#include <geos_c.h>
#include <proj.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <optional>
#include <ostream>
#include <shared_mutex>
#include <stdexcept>
#include <type_traits>

#include "io/checksum.h"
#include "layers/vector/load_kit.h"
#include "sitescreen/layer_cache_id.h"

namespace sitescreen {
namespace {

static_assert(sizeof(Point) == 2 * sizeof(double) && std::is_trivially_copyable_v<Point>,
              "the cache copies points as pairs of doubles");

constexpr std::uint64_t kMagic = 0x3243564c53535321ull;  // "!SSSLVC2": the entry's hash in four lanes

// A hash of 8-byte words (the tail zero-padded), to tell a damaged entry: not cryptographic. Four
// words at a time, each into its own lane, so that the lanes' multiplications overlap (one
// chain of them held a restore to about 1.3 bytes a cycle, 3 ms of a start for the shipped
// pack); each step is a bijection of its lane, so any one changed word changes the result.
std::uint64_t words_hash(std::string_view bytes) {
    constexpr std::uint64_t kMul = 0x9e3779b97f4a7c15ull;
    auto step = [](std::uint64_t h, std::uint64_t w) {
        h = (h ^ w) * kMul;
        return h ^ (h >> 29);
    };
    auto word = [&](std::size_t at) {
        std::uint64_t w;
        std::memcpy(&w, bytes.data() + at, 8);
        return w;
    };
    std::uint64_t lane[4] = {0x243f6a8885a308d3ull ^ bytes.size(), 0x13198a2e03707344ull, 0xa4093822299f31d0ull,
                             0x082efa98ec4e6c89ull};
    std::size_t i = 0;
    for (; i + 32 <= bytes.size(); i += 32)
        for (int k = 0; k < 4; ++k) lane[k] = step(lane[k], word(i + 8 * k));
    for (; i + 8 <= bytes.size(); i += 8) lane[0] = step(lane[0], word(i));
    std::uint64_t tail = 0;
    std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
    lane[0] = step(lane[0], tail);
    std::uint64_t h = lane[0];
    for (int k = 1; k < 4; ++k) h = step(h, lane[k]);
    return h ^ (h >> 32);
}

class Writer {
public:
    template <class T>
    void put(T v) {
        static_assert(std::is_arithmetic_v<T>);
        out_.append(reinterpret_cast<const char*>(&v), sizeof v);
    }
    void put_size(std::size_t n) { put<std::uint64_t>(n); }
    void put(const std::string& s) {
        put_size(s.size());
        out_.append(s);
    }
    void put_points(const std::vector<Point>& pts) {
        put_size(pts.size());
        out_.append(reinterpret_cast<const char*>(pts.data()), pts.size() * sizeof(Point));
    }
    void put_doubles(const std::vector<double>& v) {
        put_size(v.size());
        out_.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
    }
    // A JSON value with its exact type (integers signed or not, doubles bit for bit).
    void put_json(const Json& j) {
        put<std::uint8_t>(static_cast<std::uint8_t>(j.type()));
        switch (j.type()) {
            case Json::value_t::null:
            case Json::value_t::discarded:
                break;
            case Json::value_t::boolean:
                put<std::uint8_t>(j.get<bool>());
                break;
            case Json::value_t::number_integer:
                put(j.get<std::int64_t>());
                break;
            case Json::value_t::number_unsigned:
                put(j.get<std::uint64_t>());
                break;
            case Json::value_t::number_float:
                put(j.get<double>());
                break;
            case Json::value_t::string:
                put(j.get_ref<const std::string&>());
                break;
            case Json::value_t::array:
                put_size(j.size());
                for (const Json& e : j) put_json(e);
                break;
            case Json::value_t::object:
                put_size(j.size());
                for (auto it = j.begin(); it != j.end(); ++it) {
                    put(it.key());
                    put_json(it.value());
                }
                break;
            case Json::value_t::binary:
                throw std::runtime_error("layer cache: binary JSON values are not kept");
        }
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

// A forward iterator over values of T stored as `Size` bytes each at any alignment (the cache's
// bytes): dereferencing copies one out with memcpy.
template <class T, std::size_t Size>
struct Unaligned {
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = T;
    static_assert(sizeof(T) == Size && std::is_trivially_copyable_v<T>);
    const char* at;
    T operator*() const {
        T v;
        std::memcpy(static_cast<void*>(&v), at, Size);
        return v;
    }
    Unaligned& operator++() {
        at += Size;
        return *this;
    }
    Unaligned operator++(int) {
        Unaligned before = *this;
        at += Size;
        return before;
    }
    bool operator==(const Unaligned& o) const { return at == o.at; }
    bool operator!=(const Unaligned& o) const { return at != o.at; }
};

// Bytes ended by their hash (words_hash), and the bytes back when the hash matches: a cut or
// damaged entry is told from a sound one before it is parsed.
std::string sealed(std::string bytes) {
    const std::uint64_t h = words_hash(bytes);
    bytes.append(reinterpret_cast<const char*>(&h), sizeof h);
    return bytes;
}
std::optional<std::string_view> unsealed(std::string_view bytes) {
    if (bytes.size() < 16) return std::nullopt;
    std::uint64_t stored = 0;
    std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
    const std::string_view body = bytes.substr(0, bytes.size() - 8);
    if (words_hash(body) != stored) return std::nullopt;
    return body;
}

class Reader {
public:
    explicit Reader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}
    bool ok() const { return ok_; }
    bool at_end() const { return p_ == end_; }
    template <class T>
    T get() {
        static_assert(std::is_arithmetic_v<T>);
        T v{};
        if (!take(sizeof v)) return v;
        std::memcpy(&v, p_ - sizeof v, sizeof v);
        return v;
    }
    // A count of items of at least `min_bytes` each: no more than the bytes left can hold.
    std::size_t get_size(std::size_t min_bytes) {
        const auto n = get<std::uint64_t>();
        if (!ok_ || n > static_cast<std::uint64_t>(end_ - p_) / std::max<std::size_t>(1, min_bytes)) {
            ok_ = false;
            return 0;
        }
        return static_cast<std::size_t>(n);
    }
    std::string get_string() {
        const std::size_t n = get_size(1);
        if (!take(n)) return {};
        return std::string(p_ - n, n);
    }
    // Points lie as put_points() wrote them: x, y, x, y, ... (Point is two doubles, static_assert
    // above). Each is built from its bytes as the vector is filled: one pass, where resize() and
    // a copy would zero the memory first (the largest cost of loading a layer from the cache).
    void get_points(std::vector<Point>& pts) {
        const std::size_t n = get_size(16);
        if (!n || !take(n * 16)) return pts.clear();
        pts.assign(Unaligned<Point, 16>{p_ - n * 16}, Unaligned<Point, 16>{p_});
    }
    void get_doubles(std::vector<double>& v) {
        const std::size_t n = get_size(8);
        if (!n || !take(n * 8)) return v.clear();
        v.assign(Unaligned<double, 8>{p_ - n * 8}, Unaligned<double, 8>{p_});
    }
    Json get_json(int depth = 0) {
        if (depth > 64) {
            ok_ = false;
            return nullptr;
        }
        const auto type = static_cast<Json::value_t>(get<std::uint8_t>());
        switch (type) {
            case Json::value_t::null:
                return nullptr;
            case Json::value_t::boolean:
                return get<std::uint8_t>() != 0;
            case Json::value_t::number_integer:
                return get<std::int64_t>();
            case Json::value_t::number_unsigned:
                return get<std::uint64_t>();
            case Json::value_t::number_float:
                return get<double>();
            case Json::value_t::string:
                return get_string();
            case Json::value_t::array: {
                Json a = Json::array();
                const std::size_t n = get_size(1);
                for (std::size_t i = 0; i < n && ok_; ++i) a.push_back(get_json(depth + 1));
                return a;
            }
            case Json::value_t::object: {
                Json o = Json::object();
                const std::size_t n = get_size(9);
                for (std::size_t i = 0; i < n && ok_; ++i) {
                    std::string k = get_string();
                    o[k] = get_json(depth + 1);
                }
                return o;
            }
            default:
                ok_ = false;
                return nullptr;
        }
    }

private:
    bool take(std::size_t n) {
        if (!ok_ || static_cast<std::size_t>(end_ - p_) < n) {
            ok_ = false;
            return false;
        }
        p_ += n;
        return true;
    }
    const char* p_;
    const char* end_;
    bool ok_ = true;
};

void put_info(Writer& w, const VectorLayerInfo& info) {
    w.put(info.crs_name);
    w.put(info.geometry_type);
    for (std::size_t n : {info.feature_count, info.piece_count, info.vertex_count, info.invalid_repaired,
                          info.without_geometry, info.unrepairable})
        w.put_size(n);
    for (double d : {info.west, info.south, info.east, info.north}) w.put(d);
    w.put_size(info.fields.size());
    for (const auto& f : info.fields) w.put(f);
}

void get_info(Reader& r, VectorLayerInfo& info) {
    info.crs_name = r.get_string();
    info.geometry_type = r.get_string();
    for (std::size_t* n : {&info.feature_count, &info.piece_count, &info.vertex_count, &info.invalid_repaired,
                           &info.without_geometry, &info.unrepairable})
        *n = static_cast<std::size_t>(r.get<std::uint64_t>());
    for (double* d : {&info.west, &info.south, &info.east, &info.north}) *d = r.get<double>();
    info.fields.resize(r.get_size(8));
    for (auto& f : info.fields) f = r.get_string();
}

}  // namespace

std::string VectorLayerBuilder::serialize(const VectorLayer& layer) {
    Writer w;
    w.put(kMagic);
    put_info(w, layer.info_);
    w.put_size(layer.features_.size());
    for (const VectorFeature& f : layer.features_) {
        w.put(f.id);
        w.put(f.name);
        w.put(f.category);
        w.put_json(f.attributes);
        w.put(f.fid);
    }
    w.put_size(layer.jumps_.size());
    for (bool j : layer.jumps_) w.put<std::uint8_t>(j);
    w.put_size(layer.pieces_.size());
    for (const Piece& p : layer.pieces_) {
        w.put(p.feature);
        w.put(static_cast<std::uint8_t>(p.kind));
        w.put_points(p.polygon.outer());
        w.put_size(p.polygon.inners().size());
        for (const Ring& h : p.polygon.inners()) w.put_points(h);
        // A polygon's or line's `point` is never set (Boost leaves a point's coordinates
        // uninitialised): written as zeros, so that the same layer gives the same bytes.
        const bool is_point = p.kind == PieceKind::Point;
        w.put(is_point ? p.point.x() : 0.0);
        w.put(is_point ? p.point.y() : 0.0);
        w.put_points(p.line);
        w.put_doubles(p.cuts_x);
        w.put_doubles(p.cuts_y);
        w.put(p.area_m2);
    }
    // Which features may overlap another (index()'s marks, an R-tree query per piece): kept, so a
    // layer restored from the cache skips them.
    w.put_size(layer.may_overlap_.size());
    for (bool m : layer.may_overlap_) w.put<std::uint8_t>(m);
    return sealed(w.take());
}

bool VectorLayerBuilder::deserialize(std::string_view bytes, VectorLayer& layer) {
    const auto body = unsealed(bytes);
    if (!body) return false;
    Reader r(*body);
    if (r.get<std::uint64_t>() != kMagic) return false;
    VectorLayerInfo info;
    get_info(r, info);
    std::vector<VectorFeature> features(r.get_size(33));
    for (VectorFeature& f : features) {
        f.id = r.get_string();
        f.name = r.get_string();
        f.category = r.get_string();
        f.attributes = r.get_json();
        f.fid = r.get<std::int64_t>();
    }
    std::vector<bool> jumps(r.get_size(1));
    for (std::size_t i = 0; i < jumps.size(); ++i) jumps[i] = r.get<std::uint8_t>() != 0;
    std::vector<Piece> pieces(r.get_size(61));
    std::vector<std::vector<std::uint32_t>> feature_pieces(features.size());
    for (std::uint32_t i = 0; i < pieces.size() && r.ok(); ++i) {
        Piece& p = pieces[i];
        p.feature = r.get<std::uint32_t>();
        const auto kind = r.get<std::uint8_t>();
        if (kind > static_cast<std::uint8_t>(PieceKind::Line) || p.feature >= features.size()) return false;
        p.kind = static_cast<PieceKind>(kind);
        r.get_points(p.polygon.outer());
        p.polygon.inners().resize(r.get_size(8));
        for (Ring& h : p.polygon.inners()) r.get_points(h);
        const double x = r.get<double>();
        const double y = r.get<double>();
        p.point = Point(x, y);
        r.get_points(p.line);
        r.get_doubles(p.cuts_x);
        r.get_doubles(p.cuts_y);
        p.area_m2 = r.get<double>();
        // Pieces lie in feature order (read()'s merge): a feature's pieces are consecutive.
        if (i > 0 && p.feature < pieces[i - 1].feature) return false;
        feature_pieces[p.feature].push_back(i);
    }
    std::vector<bool> may_overlap(r.get_size(1));
    for (std::size_t i = 0; i < may_overlap.size(); ++i) may_overlap[i] = r.get<std::uint8_t>() != 0;
    if (!r.ok() || !r.at_end() || jumps.size() != features.size() || may_overlap.size() != features.size() ||
        info.piece_count != pieces.size() || info.feature_count < features.size())
        return false;
    layer.info_ = std::move(info);
    layer.features_ = std::move(features);
    layer.jumps_ = std::move(jumps);
    layer.pieces_ = std::move(pieces);
    layer.feature_pieces_ = std::move(feature_pieces);
    layer.may_overlap_ = std::move(may_overlap);
    return true;
}

LayerCache::LayerCache(const LayerSpec& spec)
    : cache_(DiskCache::switched_off_by("SITESCREEN_LAYER_CACHE") ? std::string()
                                                                  : DiskCache::folder_beside_checksums("layer-cache"),
             ".bin", kMaxFiles) {
    if (!cache_.enabled()) return;
    std::string sha256;
    try {
        sha256 = dataset_sha256(spec.path);
    } catch (const std::exception&) {
        // The files cannot be read: read() says so, naming the layer.
    }
    if (sha256.empty()) {
        cache_ = DiskCache("", ".bin", kMaxFiles);
        return;
    }
    const std::uint32_t probe = 0x01020304;
    unsigned char order[4];
    std::memcpy(order, &probe, 4);
    Json entry = Json::object();
    entry["id"] = spec.id;
    entry["path"] = spec.path;
    entry["ogr_layer"] = spec.ogr_layer;
    entry["id_field"] = spec.id_field;
    entry["name_field"] = spec.name_field;
    entry["category_field"] = spec.category_field;
    entry["report_fields"] = spec.report_fields;
    entry["filter"] = spec.filter;
    entry["required_fields"] = spec.required_fields;
    entry["crs"] = spec.crs ? Json(*spec.crs) : Json(nullptr);
    entry["preset"] = spec.preset;
    entry["demo"] = spec.provenance.demo;
    key_ = std::string("sitescreen vector layer cache 1\n") + "build " + SITESCREEN_LAYER_CACHE_ID + "\n" + "gdal " +
           GDALVersionInfo("RELEASE_NAME") + ", geos " + GEOSversion() + ", proj " + proj_info().version + "\n" +
           "bytes " + std::to_string(order[0]) + std::to_string(order[1]) + std::to_string(order[2]) +
           std::to_string(order[3]) + " size_t " + std::to_string(sizeof(std::size_t)) + "\n" + "entry " +
           entry.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n" + "sha256 " + sha256 + "\n";
}

bool LayerCache::restore(VectorLayer& layer) const {
    if (key_.empty()) return false;
    return cache_.visit(key_, [&](std::string_view bytes) { return VectorLayerBuilder::deserialize(bytes, layer); });
}

void LayerCache::store(const VectorLayer& layer) const {
    if (key_.empty()) return;
    try {
        cache_.put(key_, VectorLayerBuilder::serialize(layer));
    } catch (const std::exception&) {
        // Not kept (out of memory, a binary attribute): the next run reads the data again.
    }
}

}  // namespace sitescreen

// The tile cache: the dissolved tiles (tiles.cpp) of a layer as loaded, one file per layer key in
// tile-cache/ beside the layer cache. The file holds the tiles' records, each ended by the hash
// of its bytes, then an index of (tile key, offset, length) and its count; a record is read and
// checked when its tile is first asked for, so a run reads only the tiles it needs. A record cut
// short or damaged is a miss (the tile is dissolved again), never a tile.
namespace sitescreen {
namespace {

constexpr std::uint64_t kTileMagic = 0x3153454c49545353ull;  // "SSTILES1"

DiskCache tile_cache() {
    return DiskCache(DiskCache::folder_beside_checksums("tile-cache"), ".bin", LayerCache::kMaxTileFiles);
}

}  // namespace

std::string LayerCache::tile_key() const {
    if (key_.empty() || DiskCache::switched_off_by("SITESCREEN_TILE_CACHE")) return "";
    return key_ + "dissolved tiles of " + std::to_string(VectorLayer::kUnionTileDeg) + " degrees\n";
}

std::string VectorLayerBuilder::serialize_tile(const VectorLayer::UnionTile& tile) {
    Writer w;
    w.put_size(tile.polygons.size());
    for (const Polygon& p : tile.polygons) {
        w.put_points(p.outer());
        w.put_size(p.inners().size());
        for (const Ring& h : p.inners()) w.put_points(h);
    }
    auto put_box = [&w](const Box& b) {
        w.put(b.min_corner().x());
        w.put(b.min_corner().y());
        w.put(b.max_corner().x());
        w.put(b.max_corner().y());
    };
    for (const Box& b : tile.boxes) put_box(b);
    w.put_doubles(tile.areas_m2);
    put_box(tile.bounds);
    w.put(tile.area_m2);
    return sealed(w.take());
}

bool VectorLayerBuilder::deserialize_tile(std::string_view bytes, VectorLayer::UnionTile& tile) {
    const auto body = unsealed(bytes);
    if (!body) return false;
    Reader r(*body);
    tile.polygons.resize(r.get_size(16));
    for (Polygon& p : tile.polygons) {
        r.get_points(p.outer());
        p.inners().resize(r.get_size(8));
        for (Ring& h : p.inners()) r.get_points(h);
    }
    auto get_box = [&r]() {
        const double x0 = r.get<double>(), y0 = r.get<double>(), x1 = r.get<double>(), y1 = r.get<double>();
        return Box(Point(x0, y0), Point(x1, y1));
    };
    tile.boxes.clear();
    for (std::size_t i = 0; i < tile.polygons.size() && r.ok(); ++i) tile.boxes.push_back(get_box());
    r.get_doubles(tile.areas_m2);
    tile.bounds = get_box();
    tile.area_m2 = r.get<double>();
    return r.ok() && r.at_end() && tile.areas_m2.size() == tile.polygons.size();
}

std::shared_ptr<const VectorLayer::UnionTile> VectorLayer::kept_tile(std::uint64_t key) const {
    if (tile_cache_key_.empty()) return nullptr;
    std::call_once(tile_file_once_, [this] {
        auto file = tile_cache().map(tile_cache_key_);
        if (!file) return;
        const std::string_view bytes = file->payload;
        if (bytes.size() < 16) return;
        std::uint64_t count = 0, magic = 0;
        std::memcpy(&count, bytes.data() + bytes.size() - 16, 8);
        std::memcpy(&magic, bytes.data() + bytes.size() - 8, 8);
        if (magic != kTileMagic || count > (bytes.size() - 16) / 24) return;
        const std::size_t index_at = bytes.size() - 16 - count * 24;
        for (std::size_t i = 0; i < count; ++i) {
            std::uint64_t e[3];
            std::memcpy(e, bytes.data() + index_at + 24 * i, 24);
            if (e[1] > index_at || e[2] > index_at - e[1]) return tile_records_.clear();
            tile_records_.emplace(e[0], std::make_pair(static_cast<std::size_t>(e[1]), static_cast<std::size_t>(e[2])));
        }
        tile_file_ = std::move(file);
    });
    const auto it = tile_records_.find(key);
    if (it == tile_records_.end()) return nullptr;
    auto tile = std::make_shared<UnionTile>();
    if (!VectorLayerBuilder::deserialize_tile(tile_file_->payload.substr(it->second.first, it->second.second), *tile))
        return nullptr;
    ++tiles_read_;
    return tile;
}

void VectorLayer::save_tiles() const {
    if (tile_cache_key_.empty() || tiles_unsaved_.exchange(0) == 0) return;
    std::vector<std::pair<std::uint64_t, std::shared_ptr<const UnionTile>>> in_memory;
    {
        std::shared_lock lock(tiles_mutex_);
        in_memory.assign(tiles_.begin(), tiles_.end());
    }
    // Every tile's record in key order (the same file whatever the order the threads built the
    // tiles in): the file's own bytes for the tiles it held, the bytes of those built made as
    // they are written.
    std::map<std::uint64_t, std::string_view> kept;
    if (tile_file_)
        for (const auto& [key, at] : tile_records_) kept.emplace(key, tile_file_->payload.substr(at.first, at.second));
    std::map<std::uint64_t, const UnionTile*> built;
    for (const auto& [key, tile] : in_memory)
        if (!kept.count(key)) built.emplace(key, tile.get());
    tile_cache().put(tile_cache_key_, [&](std::ostream& out) {
        std::vector<std::uint64_t> index;
        std::uint64_t at = 0;
        auto record = [&](std::uint64_t key, std::string_view bytes) {
            if (at + bytes.size() + 24 * (kept.size() + built.size() + 1) > LayerCache::kMaxTileFileBytes)
                throw std::length_error("tile cache: file too large");  // not kept: put() leaves it out
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            index.insert(index.end(), {key, at, bytes.size()});
            at += bytes.size();
        };
        auto k = kept.begin();
        for (const auto& [key, tile] : built) {
            for (; k != kept.end() && k->first < key; ++k) record(k->first, k->second);
            record(key, VectorLayerBuilder::serialize_tile(*tile));
        }
        for (; k != kept.end(); ++k) record(k->first, k->second);
        const std::uint64_t tail[2] = {index.size() / 3, kTileMagic};
        out.write(reinterpret_cast<const char*>(index.data()),
                  static_cast<std::streamsize>(index.size() * sizeof(std::uint64_t)));
        out.write(reinterpret_cast<const char*>(tail), sizeof tail);
    });
}

}  // namespace sitescreen
