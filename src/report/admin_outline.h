// The admin outline drawn under the portfolio page's map and serve's map page, and its cache.
#pragma once
#include <cstddef>
#include <string>

#include "core/types.h"
#include "screen/screener.h"

namespace sitescreen {

// The outline of the admin layers near the sites, simplified, as a GeoJSON
// FeatureCollection string ("" when the run has no admin layer). A layer's features are outlined
// on up to `threads` threads (the run's own, idle by then); the text is the same for any count.
std::string admin_outline_geojson(const LayerSet& layers, double west, double south, double east, double north,
                                  std::size_t max_vertices = 60000, unsigned threads = 1);

// admin_outline_geojson through a cache on disk: the union of a national layer's units costs a
// second or more of CPU, a quarter of a 100-site run, and is the same on every run of the same
// admin layers over the same box. Kept in `folder` (outline_cache_folder()) under the SHA-256 of
// a key holding the build's outline code (`build_id`: outline_cache_build_id()), the box, max_vertices and each admin
// layer's catalog entry as run.json records it (`catalog_layers`: run.json's catalog.layers, with each file's sha256);
// the file holds the key too, and is used only when it matches. No cache when `folder` is "" or
// an admin layer has no checksum (e.g. a PG: source); a cache that cannot be read or written only
// means computing the outline. `from_cache` (optional): whether the cached text was used.
std::string cached_admin_outline_geojson(const LayerSet& layers, const Json& catalog_layers,
                                         const std::string& build_id, const std::string& folder, double west,
                                         double south, double east, double north, std::size_t max_vertices = 60000,
                                         bool* from_cache = nullptr, unsigned threads = 1);
// The SHA-256 of the sources that make an outline (the vector layers' loading, geo/, this page's
// code; made by CMake): a build that draws outlines differently never reads another's.
std::string outline_cache_build_id();
// Outlines kept in the cache folder; the least recently used go first.
constexpr std::size_t kOutlineCacheFiles = 16;
// Where the outlines are cached: admin-outlines/ beside the checksum cache file
// (checksum_cache_file(), io/checksum.h; "" when that cache is off).
std::string outline_cache_folder();

// JSON that can sit inside an HTML <script> element (no "</script>", no "<!--"): every '<'
// written as \u003c.
std::string script_json(const Json& j);

}  // namespace sitescreen
