// Loads and validates the YAML layer catalog (with includes and presets); see docs/layers.md.
#include "layers/catalog.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "core/errors.h"
#include "io/install_path.h"
#include "layers/registry.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

const std::pair<Criterion, const char*> kCriterionNames[] = {
    {Criterion::BiodiversityImportance, "biodiversity_importance"},
    {Criterion::EcosystemIntegrity, "ecosystem_integrity"},
    {Criterion::RapidDecline, "rapid_decline"},
    {Criterion::WaterRisk, "water_risk"},
    {Criterion::EcosystemServices, "ecosystem_services"},
    {Criterion::Context, "context"},
};

const std::set<std::string> kLayerKeys = {"id",           "title",         "title_zh",        "kind",
                                          "path",         "layer",         "preset",          "id_field",
                                          "name_field",   "report_fields", "category_field",  "categories",
                                          "criterion",    "theme",         "filter",          "crs",
                                          "band",         "categorical",   "units",           "classes",
                                          "nodata",       "provenance",    "required_fields", "resolution",
                                          "resolution_zh"};
const std::set<std::string> kPresetOnlyKeys = {"source_note"};
const std::set<std::string> kProvenanceKeys = {"source", "licence", "license", "date",
                                               "url",    "demo",    "note",    "source_sha256"};

struct Where {
    std::string file;
    std::string layer;
    std::string prefix() const { return layer.empty() ? file + ": " : file + ": layer '" + layer + "': "; }
};

[[noreturn]] void fail(const Where& w, const std::string& msg) { throw InputError(w.prefix() + msg); }

std::string scalar(const YAML::Node& n, const Where& w, const std::string& key) {
    if (!n.IsScalar()) fail(w, "'" + key + "' must be a single value");
    return n.as<std::string>();
}

bool boolean(const YAML::Node& n, const Where& w, const std::string& key) {
    const std::string s = scalar(n, w, key);
    if (s == "true" || s == "yes" || s == "True" || s == "1") return true;
    if (s == "false" || s == "no" || s == "False" || s == "0") return false;
    fail(w, "'" + key + "' must be true or false, not '" + s + "'");
}

std::vector<std::string> string_list(const YAML::Node& n, const Where& w, const std::string& key) {
    std::vector<std::string> out;
    if (n.IsScalar()) {
        out.push_back(n.as<std::string>());
        return out;
    }
    if (!n.IsSequence()) fail(w, "'" + key + "' must be a list");
    for (const auto& e : n) out.push_back(scalar(e, w, key));
    return out;
}

// The language of a rendering key ("label_zh" with prefix "label_" -> zh); nullopt for any other
// key. English is the text as written, so "label_en" is not a rendering.
std::optional<i18n::Lang> rendering_language(const std::string& key, const std::string& prefix) {
    if (key.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    const std::string code = key.substr(prefix.size());
    for (i18n::Lang lang : i18n::languages())
        if (lang != i18n::Lang::En && code == i18n::to_string(lang)) return lang;
    return std::nullopt;
}

ClassInfo class_info(const YAML::Node& n, const Where& w, const std::string& key) {
    ClassInfo c;
    if (n.IsScalar()) {
        c.label = n.as<std::string>();
        return c;
    }
    if (!n.IsMap()) fail(w, "'" + key + "' entries must be a label or {label, label_zh, severity, zone}");
    for (const auto& kv : n) {
        const std::string k = kv.first.as<std::string>();
        if (k == "label")
            c.label = scalar(kv.second, w, key + ".label");
        else if (const auto lang = rendering_language(k, "label_"))
            c.label_in[*lang] = scalar(kv.second, w, key + "." + k);
        else if (k == "severity") {
            try {
                c.severity = kv.second.as<int>();
            } catch (const YAML::Exception&) {
                fail(w, "'" + key + ".severity' must be an integer");
            }
        } else if (k == "zone")
            c.zone = scalar(kv.second, w, key + ".zone");
        else
            fail(w, "unknown key '" + key + "." + k + "' (expected label, label_zh, severity, zone)");
    }
    return c;
}

// Applies the keys of one YAML map (a preset or a layer) onto a LayerSpec;
// later calls override earlier ones, which is how a layer overrides its preset.
void apply_keys(LayerSpec& s, const YAML::Node& node, const Where& w, bool is_preset,
                std::vector<std::string>* required_fields) {
    for (const auto& kv : node) {
        const std::string key = kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        if (!kLayerKeys.count(key) && !(is_preset && kPresetOnlyKeys.count(key))) fail(w, "unknown key '" + key + "'");
        if (key == "id" || key == "preset" || key == "path" || key == "source_note") continue;  // handled by the caller
        if (key == "title")
            s.title = scalar(v, w, key);
        else if (const auto lang = rendering_language(key, "title_"))
            s.title_in[*lang] = scalar(v, w, key);
        else if (key == "kind") {
            const std::string k = scalar(v, w, key);
            if (!find_layer_kind(k)) {
                const std::vector<std::string> kinds = layer_kind_names();
                std::string list;
                for (std::size_t i = 0; i < kinds.size(); ++i)
                    list += (i == 0 ? "" : i + 1 == kinds.size() ? " or " : ", ") + kinds[i];
                fail(w, "'kind' must be " + list + ", not '" + k + "'");
            }
            s.kind = k;
        } else if (key == "layer")
            s.ogr_layer = scalar(v, w, key);
        else if (key == "id_field")
            s.id_field = scalar(v, w, key);
        else if (key == "name_field")
            s.name_field = scalar(v, w, key);
        else if (key == "report_fields")
            s.report_fields = string_list(v, w, key);
        else if (key == "required_fields") {
            s.required_fields = string_list(v, w, key);
            if (required_fields) *required_fields = s.required_fields;
        } else if (key == "category_field")
            s.category_field = scalar(v, w, key);
        else if (key == "categories") {
            if (!v.IsMap()) fail(w, "'categories' must be a map of value -> {label, severity, zone}");
            s.categories.clear();
            for (const auto& c : v) {
                const std::string value = c.first.as<std::string>();
                s.categories[value] = class_info(c.second, w, "categories." + value);
            }
        } else if (key == "criterion") {
            const std::string c = scalar(v, w, key);
            auto crit = criterion_from_string(c);
            if (!crit)
                fail(w, "unknown criterion '" + c +
                            "' (expected biodiversity_importance, ecosystem_integrity, rapid_decline, water_risk, "
                            "ecosystem_services or context)");
            s.criterion = *crit;
        } else if (key == "theme")
            s.theme = scalar(v, w, key);
        else if (key == "filter")
            s.filter = scalar(v, w, key);
        else if (key == "crs") {
            const std::string c = scalar(v, w, key);
            if (!c.empty()) s.crs = c;
        } else if (key == "band") {
            try {
                s.band = v.as<int>();
            } catch (const YAML::Exception&) {
                fail(w, "'band' must be an integer");
            }
            if (s.band < 1) fail(w, "'band' must be 1 or more");
        } else if (key == "categorical")
            s.categorical = boolean(v, w, key);
        else if (key == "units")
            s.units = scalar(v, w, key);
        else if (key == "resolution")
            s.resolution = scalar(v, w, key);
        else if (const auto res_lang = rendering_language(key, "resolution_"))
            s.resolution_in[*res_lang] = scalar(v, w, key);
        else if (key == "classes") {
            if (!v.IsMap()) fail(w, "'classes' must be a map of raster value -> {label, severity, zone}");
            s.classes.clear();
            for (const auto& c : v) {
                const std::string value = c.first.as<std::string>();
                long long iv = 0;
                try {
                    std::size_t used = 0;
                    iv = std::stoll(value, &used);
                    if (used != value.size()) throw std::invalid_argument(value);
                } catch (const std::exception&) {
                    fail(w, "'classes' key '" + value + "' is not an integer raster value");
                }
                s.classes[iv] = class_info(c.second, w, "classes." + value);
            }
        } else if (key == "nodata") {
            try {
                s.nodata = v.as<double>();
            } catch (const YAML::Exception&) {
                fail(w, "'nodata' must be a number");
            }
        } else if (key == "provenance") {
            if (!v.IsMap()) fail(w, "'provenance' must be a map (source, licence, date, url, demo, note)");
            for (const auto& p : v) {
                const std::string pk = p.first.as<std::string>();
                if (!kProvenanceKeys.count(pk)) fail(w, "unknown key 'provenance." + pk + "'");
                if (pk == "source")
                    s.provenance.source = scalar(p.second, w, "provenance.source");
                else if (pk == "licence" || pk == "license")
                    s.provenance.licence = scalar(p.second, w, "provenance.licence");
                else if (pk == "date")
                    s.provenance.date = scalar(p.second, w, "provenance.date");
                else if (pk == "url")
                    s.provenance.url = scalar(p.second, w, "provenance.url");
                else if (pk == "demo")
                    s.provenance.demo = boolean(p.second, w, "provenance.demo");
                else if (pk == "note")
                    s.provenance.note = scalar(p.second, w, "provenance.note");
                else if (pk == "source_sha256")
                    s.provenance.source_sha256 = scalar(p.second, w, "provenance.source_sha256");
            }
        }
    }
}

void check_catalog_file(const std::string& path, const Where& w) {
    std::error_code ec;
    if (!fs::exists(path, ec)) fail(w, "file not found");
    if (fs::is_directory(path, ec)) fail(w, "is a folder, not a catalog file (give the .yaml file in it)");
    if (!fs::is_regular_file(path, ec))
        fail(w,
             "is not a regular file (a pipe such as /dev/fd/63 from <(...)?): give the catalog as a file, "
             "next to the layers its paths are relative to");
}

YAML::Node load_yaml(const std::string& path, const Where& w) {
    check_catalog_file(path, w);
    try {
        return YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        fail(w, "not valid YAML: " + std::string(e.what()));
    }
}

struct PresetTable {
    std::map<std::string, YAML::Node> presets;
};

const PresetTable& presets() {
    static const PresetTable table = [] {
        PresetTable t;
        std::string path;
        if (const char* env = std::getenv("SITESCREEN_PRESETS"))
            path = env;
        else {
            const fs::path layers = fs::path(default_catalog_path()).parent_path();
            path = (layers.parent_path() / "config" / "presets.yaml").string();
        }
        std::error_code ec;
        if (!fs::exists(path, ec)) return t;
        const Where w{path, ""};
        YAML::Node root = load_yaml(path, w);
        if (!root["presets"] || !root["presets"].IsMap()) fail(w, "missing 'presets' map");
        for (const auto& kv : root["presets"]) t.presets[kv.first.as<std::string>()] = kv.second;
        return t;
    }();
    return table;
}

bool is_gdal_name(const std::string& p) {
    return p.rfind("/vsi", 0) == 0 || p.rfind("PG:", 0) == 0 || p.rfind("MYSQL:", 0) == 0 ||
           p.find("://") != std::string::npos;
}

void load_into(Catalog& cat, const std::string& path, std::set<std::string>& visiting) {
    Where w{path, ""};
    check_catalog_file(path, w);  // before the path is resolved: /dev/fd/63 resolves to nothing
    std::error_code cec;
    std::string canonical = fs::weakly_canonical(fs::absolute(path), cec).string();
    if (cec) canonical = fs::absolute(path).string();
    if (visiting.count(canonical)) fail(w, "includes itself (include cycle)");
    visiting.insert(canonical);
    YAML::Node root = load_yaml(path, w);
    if (!root.IsMap()) fail(w, "a catalog must be a map with 'layers:'");
    for (const auto& kv : root) {
        const std::string k = kv.first.as<std::string>();
        if (k != "version" && k != "include" && k != "layers" && k != "title" && k != "description")
            fail(w, "unknown top-level key '" + k + "' (expected version, include, layers)");
    }
    if (root["version"] && root["version"].as<std::string>() != "1")
        fail(w, "unsupported catalog version '" + root["version"].as<std::string>() + "' (this sitescreen reads 1)");
    const fs::path dir = fs::path(canonical).parent_path();
    cat.files.push_back(canonical);
    if (root["include"]) {
        for (const auto& inc : string_list(root["include"], w, "include")) {
            fs::path p(inc);
            if (p.is_relative()) p = dir / p;
            load_into(cat, p.string(), visiting);
        }
    }
    if (root["layers"]) {
        if (!root["layers"].IsSequence()) fail(w, "'layers' must be a list");
        std::size_t index = 0;
        for (const auto& node : root["layers"]) {
            ++index;
            if (!node.IsMap()) fail(w, "layer #" + std::to_string(index) + " is not a map");
            if (!node["id"]) fail(w, "layer #" + std::to_string(index) + " has no 'id'");
            LayerSpec s;
            s.id = scalar(node["id"], w, "id");
            Where lw{path, s.id};
            static const std::regex id_re("[A-Za-z0-9_.-]+");
            if (!std::regex_match(s.id, id_re)) fail(lw, "id may only hold letters, digits, '_', '-', '.'");
            s.catalog_file = path;
            std::vector<std::string> required;
            if (node["preset"]) {
                s.preset = scalar(node["preset"], lw, "preset");
                const auto& table = presets().presets;
                auto it = table.find(s.preset);
                if (it == table.end()) {
                    std::string known;
                    for (const auto& p : table) known += (known.empty() ? "" : ", ") + p.first;
                    fail(lw, "unknown preset '" + s.preset + "' (known: " + (known.empty() ? "none" : known) + ")");
                }
                apply_keys(s, it->second, Where{path, s.id + "' (preset '" + s.preset}, true, &required);
            }
            apply_keys(s, node, lw, false, nullptr);
            if (!node["required_fields"]) s.required_fields = required;
            if (!node["path"]) fail(lw, "missing 'path'");
            s.path_as_written = scalar(node["path"], lw, "path");
            if (is_gdal_name(s.path_as_written) || fs::path(s.path_as_written).is_absolute())
                s.path = s.path_as_written;
            else
                s.path = (dir / s.path_as_written).lexically_normal().string();
            if (s.title.empty()) s.title = s.id;
            for (const auto& other : cat.layers)
                if (other.id == s.id) fail(lw, "duplicate layer id (first declared in " + other.catalog_file + ")");
            if (const std::string bad = layer_kind(s).check_spec(s); !bad.empty()) fail(lw, bad);
            cat.layers.push_back(std::move(s));
        }
    }
    visiting.erase(canonical);
}

// A text in `lang`: its rendering where the catalog gives one, else the text as written.
const std::string& rendering(const std::string& text, const std::map<i18n::Lang, std::string>& in, i18n::Lang lang) {
    const auto it = in.find(lang);
    return it == in.end() ? text : it->second;
}

}  // namespace

const std::string& ClassInfo::label_for(i18n::Lang lang) const { return rendering(label, label_in, lang); }
const std::string& LayerSpec::title_for(i18n::Lang lang) const { return rendering(title, title_in, lang); }
const std::string& LayerSpec::resolution_for(i18n::Lang lang) const {
    return rendering(resolution, resolution_in, lang);
}

const char* to_string(Criterion c) {
    for (const auto& [k, name] : kCriterionNames)
        if (k == c) return name;
    return "context";
}

std::optional<Criterion> criterion_from_string(const std::string& s) {
    for (const auto& [k, name] : kCriterionNames)
        if (s == name) return k;
    return std::nullopt;
}

bool Catalog::any_demo() const {
    return std::any_of(layers.begin(), layers.end(), [](const LayerSpec& l) { return l.provenance.demo; });
}

Catalog load_catalog(const std::string& path) {
    Catalog cat;
    cat.file = path;
    std::set<std::string> visiting;
    try {
        load_into(cat, path, visiting);
    } catch (const YAML::Exception& e) {
        // e.g. a non-scalar key: name the file rather than fail as an internal error.
        throw InputError(path + ": malformed catalog: " + e.what());
    }
    if (cat.layers.empty()) throw InputError(path + ": the catalog lists no layers");
    return cat;
}

std::string default_catalog_path() { return installed_path("SITESCREEN_LAYERS", "layers/catalog.yaml"); }

}  // namespace sitescreen
