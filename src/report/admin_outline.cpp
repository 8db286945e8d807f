// The admin outline under the portfolio page's map (and serve's map page): the admin units near
// the sites, unioned per layer and simplified, as GeoJSON; cached on disk (admin_outline.h).
#include "report/admin_outline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

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
                                  std::size_t max_vertices) {
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

    auto ctx = geos::context();
    std::string features;
    std::size_t vertices = 0;
    int level = 0;
    for (std::size_t li : admin) {
        const VectorLayer& vl = *layers.vectors()[li];
        std::string layer_features;
        std::size_t layer_vertices = 0;
        for (std::uint32_t f = 0; f < vl.features().size(); ++f) {
            std::vector<geos::GeomPtr> parts;
            for (const Polygon& piece : vl.feature_polygons(f)) {
                Box b;
                bg::envelope(piece, b);
                if (bg::intersects(b, box)) parts.push_back(geos::from_polygon(piece));
            }
            if (parts.empty()) continue;
            geos::GeomPtr u = geos::union_all(std::move(parts));
            geos::GeomPtr simple(GEOSTopologyPreserveSimplify_r(ctx, u.get(), tolerance));
            MultiPolygon mp;
            geos::to_multipolygon(simple ? simple.get() : u.get(), mp);
            if (mp.empty()) continue;
            std::string coords = "[";
            for (std::size_t p = 0; p < mp.size(); ++p) {
                if (p) coords += ',';
                coords += '[';
                append_ring(coords, mp[p].outer(), decimals);
                layer_vertices += mp[p].outer().size();
                for (const Ring& h : mp[p].inners()) {
                    coords += ',';
                    append_ring(coords, h, decimals);
                    layer_vertices += h.size();
                }
                coords += ']';
            }
            coords += ']';
            Json props = {{"name", vl.features()[f].name}, {"layer", specs[li].id}, {"level", level}};
            if (!layer_features.empty()) layer_features += ',';
            layer_features += "{\"type\":\"Feature\",\"properties\":" + script_json(props) +
                              ",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":" + coords + "}}";
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
                                         bool* from_cache) {
    if (from_cache) *from_cache = false;
    auto compute = [&] { return admin_outline_geojson(layers, west, south, east, north, max_vertices); };
    if (folder.empty() || !catalog_layers.is_array()) return compute();
    // The key: everything the outline is made from. The admin layers are those of the catalog
    // whose theme is admin; each must have its checksum.
    std::string key = fmt::format("sitescreen admin outline 2\n{}\n{:.17g} {:.17g} {:.17g} {:.17g} {}\n", build_id,
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
