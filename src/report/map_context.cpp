// Loading the map context pack once, and its GeoJSON for the portfolio page.
#include "report/map_context.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <mutex>

#include "core/errors.h"
#include "io/install_path.h"

namespace sitescreen {

LoadedMapContext load_map_context(const std::string& path, i18n::Lang lang) {
    LoadedMapContext out;
    const i18n::Catalog& tr = i18n::catalog(lang);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        out.note = tr.format("map.context_missing", {{"path", path}});
        return out;
    }
    try {
        out.data = std::make_shared<const MapContextData>(read_map_context(path));
    } catch (const std::exception& e) {
        out.note = tr.format("map.context_unreadable", {{"error", e.what()}});
    }
    return out;
}

const LoadedMapContext& shared_map_context(i18n::Lang lang) {
    static std::once_flag once;
    static LoadedMapContext loaded;
    std::call_once(once, [&] {
        loaded = load_map_context(installed_path("SITESCREEN_MAP_CONTEXT", "layers/context/map_context.gpkg"), lang);
        if (!loaded.data) std::cerr << "sitescreen: note: " << loaded.note << '\n';
    });
    return loaded;
}

const std::string& town_label(const ContextTown& town, i18n::Lang lang) {
    if (lang == i18n::Lang::Zh && !town.name_zh.empty()) return town.name_zh;
    return town.name.empty() ? town.name_zh : town.name;
}

namespace {

void append_coord(std::string& s, double lon, double lat) { s += fmt::format("[{:.3f},{:.3f}]", lon, lat); }

std::string json_string(const std::string& t) {
    std::string s = "\"";
    for (unsigned char c : t) {
        if (c == '"' || c == '\\')
            s += '\\', s += static_cast<char>(c);
        else if (c == '<')
            s += "\\u003c";  // the GeoJSON goes into a <script> element
        else if (c < 0x20)
            s += fmt::format("\\u{:04x}", c);
        else
            s += static_cast<char>(c);
    }
    return s + '"';
}

}  // namespace

std::string map_context_geojson(const MapContextData& data, const Box& box, const Box& town_box, i18n::Lang lang,
                                std::size_t max_towns) {
    std::string features;
    auto add = [&](const std::string& props, const std::string& geometry) {
        if (!features.empty()) features += ',';
        features += "{\"type\":\"Feature\",\"properties\":" + props + ",\"geometry\":" + geometry + "}";
    };
    for (const ContextLake& lake : data.lakes) {
        if (!bg::intersects(lake.box, box)) continue;
        std::string coords = "[";
        for (std::size_t p = 0; p < lake.area.size(); ++p) {
            if (p) coords += ',';
            coords += '[';
            auto ring = [&](const Ring& r) {
                coords += '[';
                for (std::size_t i = 0; i < r.size(); ++i) {
                    if (i) coords += ',';
                    append_coord(coords, r[i].x(), r[i].y());
                }
                coords += ']';
            };
            ring(lake.area[p].outer());
            for (const Ring& h : lake.area[p].inners()) coords += ',', ring(h);
            coords += ']';
        }
        add("{\"kind\":\"lake\"}", "{\"type\":\"MultiPolygon\",\"coordinates\":" + coords + "]}");
    }
    for (const ContextLine& line : data.rivers) {
        if (!bg::intersects(line.box, box)) continue;
        std::string coords = "[";
        for (std::size_t i = 0; i < line.points.size(); ++i) {
            if (i) coords += ',';
            append_coord(coords, line.points[i].lon, line.points[i].lat);
        }
        add("{\"kind\":\"river\"}", "{\"type\":\"LineString\",\"coordinates\":" + coords + "]}");
    }
    std::size_t towns = 0;
    for (const ContextTown& t : data.towns) {  // most important first
        if (towns == max_towns) break;
        if (!bg::within(Point(t.at.lon, t.at.lat), town_box)) continue;
        std::string geometry = "{\"type\":\"Point\",\"coordinates\":";
        append_coord(geometry, t.at.lon, t.at.lat);
        add(fmt::format("{{\"kind\":\"town\",\"name\":{},\"seat\":{}}}", json_string(town_label(t, lang)), t.seat),
            geometry + "}");
        ++towns;
    }
    if (features.empty()) return "";
    return "{\"type\":\"FeatureCollection\",\"features\":[" + features + "]}";
}

}  // namespace sitescreen
