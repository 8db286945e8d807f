// Internal to src/layers/vector/: how a vector layer is built (load.cpp) and kept between runs
// in the layer cache (layer_cache.cpp). Not part of the layer's interface.
#pragma once
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/first_error.h"
#include "io/disk_cache.h"
#include "layers/vector/vector_layer.h"

namespace sitescreen {

struct VectorLayerBuilder {
    static std::shared_ptr<const VectorLayer> load(const LayerSpec& spec, unsigned threads);
    // Reads the data: features, their repaired and subdivided pieces, the layer's info. Throws
    // InputError naming the layer and the problem.
    static void read(const LayerSpec& spec, VectorLayer* layer, unsigned threads);
    // What is derived from the pieces: the R-tree, the cells and blocks of the far search,
    // the features that may overlap.
    static void index(VectorLayer* layer, unsigned threads);
    // The layer as read(), in bytes, and back (false for bytes that are not a whole, sound
    // image of a layer).
    static std::string serialize(const VectorLayer& layer);
    static bool deserialize(std::string_view bytes, VectorLayer& layer);
    // One dissolved tile, in bytes ended by their hash, and back (false for bytes that are not a
    // whole, sound image of a tile).
    static std::string serialize_tile(const VectorLayer::UnionTile& tile);
    static bool deserialize_tile(std::string_view bytes, VectorLayer::UnionTile& tile);
};

// The layer cache: a vector layer as read() left it, kept beside the checksum cache
// (layer-cache/) under a key naming this build's loading code, the libraries that repair and
// transform, the layer's catalog entry and the SHA-256 of its files (docs/layers.md, "Checksums").
class LayerCache {
public:
    // Off when the checksum cache is off, SITESCREEN_LAYER_CACHE is "off" or "0", or the
    // layer's files have no checksum (a PG: source).
    explicit LayerCache(const LayerSpec& spec);
    // Fills `layer` (its spec already set) from the cache; false on a miss.
    bool restore(VectorLayer& layer) const;
    // Stores a layer read() has just built.
    void store(const VectorLayer& layer) const;
    const std::string& key() const { return key_; }
    // The key of the layer's dissolved tiles ("" when the layer cache is off, or
    // SITESCREEN_TILE_CACHE is "off" or "0").
    std::string tile_key() const;

    // Entries kept; the least recently used go first.
    static constexpr std::size_t kMaxFiles = 32;
    // Tile files kept (one per layer as loaded), and the largest written.
    static constexpr std::size_t kMaxTileFiles = 8;
    static constexpr std::size_t kMaxTileFileBytes = std::size_t{1} << 30;

private:
    std::string key_;
    DiskCache cache_;
};

}  // namespace sitescreen
