// Reads a POST /v1/screen body into the site reader's options and input (docs/serve.md, "Screening").
#include "serve/site_request.h"

#include <set>
#include <sstream>

#include <fmt/format.h>

#include "layers/catalog.h"
#include "serve/http_util.h"

namespace sitescreen::serve {

namespace {

// The options of `screen` a request may set, by the names it uses for them.
const std::set<std::string>& option_names() {
    static const std::set<std::string> names = {"coords",    "crs",       "default_type", "id_field",
                                                "lon_field", "lat_field", "layers"};
    return names;
}

std::string text_option(const Json& v, const std::string& name) {
    if (!v.is_string()) throw RequestError(400, name + ": expected text, not " + std::string(v.type_name()));
    return v.get<std::string>();
}

void apply_option(SitesRequest& r, const std::string& name, const Json& value, const Catalog& catalog) {
    if (name == "coords") {
        const std::string c = text_option(value, name);
        if (c != "wgs84" && c != "gcj02" && c != "bd09")
            throw RequestError(400, "coords: '" + c + "' is not one of wgs84, gcj02, bd09 (as --coords)");
        r.reader.coords = c == "gcj02" ? CoordSystem::Gcj02 : c == "bd09" ? CoordSystem::Bd09 : CoordSystem::Wgs84;
    } else if (name == "crs") {
        r.reader.crs = text_option(value, name);
    } else if (name == "default_type") {
        const std::string t = text_option(value, name);
        if (t != "plant" && t != "mine" && t != "charger")
            throw RequestError(400, "default_type: '" + t + "' is not one of plant, mine, charger (as --type)");
        r.reader.default_type = t;
    } else if (name == "id_field") {
        r.reader.id_field = text_option(value, name);
    } else if (name == "lon_field") {
        r.reader.lon_field = text_option(value, name);
    } else if (name == "lat_field") {
        r.reader.lat_field = text_option(value, name);
    } else if (name == "layers") {
        const Json list = value.is_string() ? Json::array({value}) : value;
        if (!list.is_array()) throw RequestError(400, "layers: expected a list of layer ids");
        for (const auto& id : list) {
            const std::string s = text_option(id, "layers");
            bool known = false;
            std::string ids;
            for (const auto& l : catalog.layers) {
                known = known || l.id == s;
                ids += (ids.empty() ? "" : ", ") + l.id;
            }
            if (!known) throw RequestError(400, "layers: unknown layer '" + s + "' (the catalog has: " + ids + ")");
            r.only_layers.push_back(s);
        }
    }
}

// One CSV field, quoted where it must be (RFC 4180) and otherwise left exactly as given.
std::string csv_cell(const std::string& s) {
    if (s.find_first_of(",;\t\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + '"';
}

// A JSON value as the text a spreadsheet cell would hold.
std::string cell_text(const Json& v, const std::string& where, const std::string& key) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();  // the shortest text that reads back as the same number
    throw RequestError(400, where + ": field '" + key + "': a " + std::string(v.type_name()) +
                                " is not a site field (give text or a number; footprints as GeoJSON)");
}

// Sites as JSON objects -> CSV text, one row per site, columns in order of first appearance.
std::string sites_to_csv(const Json& sites) {
    std::vector<std::string> columns;
    std::map<std::string, std::size_t> column_of;
    for (std::size_t i = 0; i < sites.size(); ++i) {
        const Json& s = sites[i];
        if (!s.is_object())
            throw RequestError(400, fmt::format("sites[{}]: expected an object of fields (lon, lat, type...), not {}",
                                                i, s.type_name()));
        for (const auto& [k, v] : s.items()) {
            if (k.empty()) throw RequestError(400, fmt::format("sites[{}]: a field has an empty name", i));
            if (column_of.emplace(k, columns.size()).second) columns.push_back(k);
        }
    }
    std::string csv;
    for (std::size_t c = 0; c < columns.size(); ++c) csv += (c ? "," : "") + csv_cell(columns[c]);
    csv += '\n';
    for (std::size_t i = 0; i < sites.size(); ++i) {
        std::vector<std::string> row(columns.size());
        for (const auto& [k, v] : sites[i].items()) row[column_of[k]] = cell_text(v, fmt::format("sites[{}]", i), k);
        for (std::size_t c = 0; c < row.size(); ++c) csv += (c ? "," : "") + csv_cell(row[c]);
        csv += '\n';
    }
    return csv;
}

void check_count(std::size_t n, const RequestLimits& limits) {
    if (n == 0) throw RequestError(400, "sites: the list is empty");
    if (n > limits.max_sites)
        throw RequestError(413,
                           fmt::format("{} sites in one request; at most {} (send larger batches to POST /v1/jobs)", n,
                                       limits.max_sites));
}

// Deeper nesting than any site or GeoJSON needs is refused before parsing: a body of a million
// '[' must not cost the service its stack.
constexpr int kMaxJsonDepth = 64;
bool nesting_within(const std::string& body, int max_depth) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

}  // namespace

std::string json_error_text(const std::string& what) {
    const auto close = what.find("] ");
    return what.rfind("[json.exception", 0) == 0 && close != std::string::npos ? what.substr(close + 2) : what;
}

SitesRequest parse_sites_request(const std::string& body, const std::string& content_type, const QueryParams& query,
                                 const RequestLimits& limits, const Catalog& catalog) {
    SitesRequest r;
    r.reader.path = "request";
    const std::string type = media_type(content_type);
    if (type == "text/csv") {
        for (const auto& [k, v] : query) {
            if (!option_names().count(k))
                throw RequestError(400, "query parameter '" + k +
                                            "': not an option (options: coords, crs, "
                                            "default_type, id_field, lon_field, lat_field, layers)");
            apply_option(r, k, Json(v), catalog);
        }
        r.reader.csv_stream = std::make_shared<std::istringstream>(body);
        return r;  // the site count is checked while reading
    }
    if (!type.empty() && type != "application/json" && type != "application/geo+json")
        throw RequestError(415, "content type '" + type + "': send application/json (sites or GeoJSON) or text/csv");
    if (!nesting_within(body, kMaxJsonDepth))
        throw RequestError(400,
                           fmt::format("the request body nests lists or objects more than {} deep", kMaxJsonDepth));
    Json j;
    try {
        j = Json::parse(body);
    } catch (const Json::parse_error& e) {
        throw RequestError(400, "the request body is not valid JSON: " + json_error_text(e.what()));
    }
    if (!j.is_object())
        throw RequestError(400, "the request body must be a JSON object: a site, {\"sites\": [...]} or GeoJSON");
    const Json* kind = j.contains("type") ? &j["type"] : nullptr;
    const bool geojson = kind && kind->is_string() && (*kind == "Feature" || *kind == "FeatureCollection");
    const bool envelope = geojson || j.contains("sites") || j.contains("site");
    Json site_fields = Json::object();
    for (const auto& [k, v] : j.items()) {
        if (geojson && k == "crs" && v.is_object()) continue;  // GeoJSON's own (2008) crs member: GDAL reads it
        if (option_names().count(k))
            apply_option(r, k, v, catalog);
        else if (!envelope)
            site_fields[k] = v;
    }
    if (geojson) {
        const bool collection = *kind == "FeatureCollection";
        if (collection && !(j.contains("features") && j["features"].is_array()))
            throw RequestError(400, "FeatureCollection: 'features' must be a list of features");
        check_count(collection ? j["features"].size() : 1, limits);
        r.single = !collection;
        r.label = "features";
        r.geojson = std::make_unique<MemoryFile>(body, ".geojson");
        r.reader.path = r.geojson->path();
        return r;
    }
    Json sites;
    if (j.contains("sites")) {
        if (!j["sites"].is_array()) throw RequestError(400, "sites: expected a list of sites");
        sites = j["sites"];
    } else if (j.contains("site")) {
        sites = Json::array({j["site"]});
        r.single = true;
    } else {
        sites = Json::array({site_fields});
        r.single = true;
    }
    check_count(sites.size(), limits);
    r.label = "sites";
    r.reader.csv_stream = std::make_shared<std::istringstream>(sites_to_csv(sites));
    return r;
}

}  // namespace sitescreen::serve
