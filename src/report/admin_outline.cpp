// The admin outline under the portfolio page's map (and serve's map page): the admin units near
// the sites, unioned per layer and simplified, as GeoJSON; cached on disk (admin_outline.h).
#include "report/admin_outline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/parallel_for.h"
#include "geo/geos_kit.h"
#include "io/disk_cache.h"
#include "report/formats.h"
#include "sitescreen/outline_cache_id.h"

namespace sitescreen {
namespace {

void append_ring(std::string& s, const Ring& r, int decimals) {
    s += '[';
    for (std::size_t i = 0; i < r.size(); ++i) {
        if (i) s += ',';
        s += fmt::format("[{:.{}f},{:.{}f}]", r[i].x(), decimals, r[i].y(), decimals);
    }
    s += ']';
}

}  // namespace

std::string script_json(const Json& j) {
    std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace), out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '<')
            out += "\\u003c";
        else
            out += c;
    }
    return out;
}

std::string admin_outline_geojson(const LayerSet& layers, double west, double south, double east, double north,
                                  std::size_t max_vertices, unsigned threads) {
    const auto& specs = layers.catalog().layers;
    // Admin layers, coarsest (fewest units) first.
    std::vector<std::size_t> admin;
    for (std::size_t i = 0; i < specs.size(); ++i)
        if (specs[i].theme == "admin" && layers.vectors()[i]) admin.push_back(i);
    if (admin.empty()) return "";
    std::stable_sort(admin.begin(), admin.end(), [&](std::size_t a, std::size_t b) {
        return layers.vectors()[a]->features().size() < layers.vectors()[b]->features().size();
    });
    // The sites' box with a margin, and a simplification tolerance of about a pixel on a 1000-pixel map.
    const double span = std::max({east - west, north - south, 0.5});
    const Box box(Point(west - span * 0.25, south - span * 0.25), Point(east + span * 0.25, north + span * 0.25));
    const double tolerance = span * 1.5 / 1000;
    const int decimals = tolerance >= 0.005 ? 3 : tolerance >= 0.0005 ? 4 : 5;

    // One feature's outline: its GeoJSON Feature ("" when nothing of it is near) and vertex count.
    struct Outline {
        std::string feature;
        std::size_t vertices = 0;
    };
    auto outline_of = [&](const VectorLayer& vl, const std::string& layer_id, std::uint32_t f, int level) {
        Outline out;
        // The feature's pieces near the sites, joined along the cuts that made them (an overlay
        // union of a prefecture's pieces took most of a small batch's run).
        const geos::GeomPtr u = vl.feature_joined(f, box);
        if (!u) return out;
        auto ctx = geos::context();
        geos::GeomPtr simple(GEOSTopologyPreserveSimplify_r(ctx, u.get(), tolerance));
        MultiPolygon mp;
        geos::to_multipolygon(simple ? simple.get() : u.get(), mp);
        if (mp.empty()) return out;
        std::string coords = "[";
        for (std::size_t p = 0; p < mp.size(); ++p) {
            if (p) coords += ',';
            coords += '[';
            append_ring(coords, mp[p].outer(), decimals);
            out.vertices += mp[p].outer().size();
            for (const Ring& h : mp[p].inners()) {
                coords += ',';
                append_ring(coords, h, decimals);
                out.vertices += h.size();
            }
            coords += ']';
        }
        coords += ']';
        const Json props = {{"name", vl.features()[f].name}, {"layer", layer_id}, {"level", level}};
        out.feature = "{\"type\":\"Feature\",\"properties\":" + script_json(props) +
                      ",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":" + coords + "}}";
        return out;
    };

    std::string features;
    std::size_t vertices = 0;
    int level = 0;
    for (std::size_t li : admin) {
        const VectorLayer& vl = *layers.vectors()[li];
        // The features on `threads` threads (each its own GEOS context), taken in turn from a
        // shared counter; written in feature order whatever the thread count.
        std::vector<Outline> outlines(vl.features().size());
        parallel_for(outlines.size(), threads, [&](std::size_t f) {
            outlines[f] = outline_of(vl, specs[li].id, static_cast<std::uint32_t>(f), level);
        });
        std::string layer_features;
        std::size_t layer_vertices = 0;
        for (const Outline& o : outlines) {
            if (o.feature.empty()) continue;
            if (!layer_features.empty()) layer_features += ',';
            layer_features += o.feature;
            layer_vertices += o.vertices;
        }
        if (layer_features.empty()) continue;
        if (vertices + layer_vertices > max_vertices && level > 0) break;  // finer layers would make the page heavy
        if (!features.empty()) features += ',';
        features += layer_features;
        vertices += layer_vertices;
        ++level;
    }
    if (features.empty()) return "";
    return "{\"type\":\"FeatureCollection\",\"features\":[" + features + "]}";
}

std::string outline_cache_build_id() { return SITESCREEN_OUTLINE_CACHE_ID; }

std::string outline_cache_folder() { return DiskCache::folder_beside_checksums("admin-outlines"); }

std::string cached_admin_outline_geojson(const LayerSet& layers, const Json& catalog_layers,
                                         const std::string& build_id, const std::string& folder, double west,
                                         double south, double east, double north, std::size_t max_vertices,
                                         bool* from_cache, unsigned threads) {
    if (from_cache) *from_cache = false;
    auto compute = [&] { return admin_outline_geojson(layers, west, south, east, north, max_vertices, threads); };
    if (folder.empty() || !catalog_layers.is_array()) return compute();
    // The key: everything the outline is made from. The admin layers are those of the catalog
    // whose theme is admin; each must have its checksum.
    std::string key = fmt::format("sitescreen admin outline 3\n{}\n{:.17g} {:.17g} {:.17g} {:.17g} {}\n", build_id,
                                  west, south, east, north, max_vertices);
    std::size_t admin_layers = 0;
    for (const Json& l : catalog_layers) {
        if (!l.is_object() || l.value("theme", "") != "admin") continue;
        if (!l.contains("sha256") || !l["sha256"].is_string() || l["sha256"].get<std::string>().empty())
            return compute();
        Json entry = l;
        entry.erase("sha256_from");  // read now or reused: the same digest
        key += entry.dump() + "\n";
        ++admin_layers;
    }
    if (admin_layers == 0) return compute();
    const DiskCache cache(folder, ".txt", kOutlineCacheFiles);
    if (std::optional<std::string> hit = cache.get(key)) {
        if (from_cache) *from_cache = true;
        return std::move(*hit);
    }
    std::string outline = compute();
    // Each box of sites makes its own file (a national outline is a megabyte or two): the cache
    // keeps the kOutlineCacheFiles used last.
    cache.put(key, outline);
    return outline;
}

}  // namespace sitescreen
