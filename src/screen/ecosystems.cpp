// Maps land-cover classes to IUCN GET units (config/ecosystems.yaml) for L3, and the services they provide for E1.
#include "screen/ecosystems.h"
#include "core/rounding.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "core/errors.h"
#include "io/install_path.h"
#include "screen/config_file.h"
#include "i18n/messages.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

const i18n::Catalog& tr() { return i18n::current(); }

using config::fail;

const std::regex kCode("(T|F|M|S|TF|FM|MT|MFT|SF|SM)([0-9]+(\\.[0-9]+)?)?");

// The GET unit's name in the run's language; every code the map uses has one (test_ecosystems).
std::string get_name(const std::string& code) {
    std::string key = code;
    std::replace(key.begin(), key.end(), '.', '_');
    return tr().text_or("ecosystem.get." + key, code);
}

std::string unit_key(const GetUnit& u) {
    std::string k = u.code + "[";
    for (const auto& c : u.candidates) k += c + ",";
    return k + "]";
}

EcosystemUnit named_unit(const GetUnit& u) {
    EcosystemUnit n{u.code, get_level(u.code), get_name(u.code), {}};
    for (const auto& k : u.candidates) n.candidates.push_back({k, get_name(k)});
    return n;
}

}  // namespace

std::string get_level(const std::string& code) {
    std::smatch m;
    if (!std::regex_match(code, m, kCode)) return "unknown";
    if (!m[2].matched) return "realm";
    return m[3].matched ? "functional_group" : "biome";
}

EcosystemMap EcosystemMap::load(const std::string& path, const ActivityTable& activities) {
    EcosystemMap e;
    e.file = path;
    const YAML::Node root = config::load(path, "ecosystem map", "--ecosystems", "SITESCREEN_ECOSYSTEMS");
    if (!root.IsMap()) fail(path, "", "expected a map with provides and presets");
    for (const auto& kv : root) {
        const std::string k = kv.first.as<std::string>();
        if (k != "provides" && k != "presets") fail(path, k, "unknown key (expected one of: presets, provides)");
    }
    std::set<std::string> services;
    for (const auto& s : activities.services) services.insert(s.id);
    const YAML::Node prov = root["provides"];
    if (!prov || !prov.IsMap()) fail(path, "provides", "expected a map of GET codes to service lists");
    for (const auto& kv : prov) {
        const std::string code = kv.first.as<std::string>();
        const std::string key = "provides." + code;
        if (get_level(code) == "unknown") fail(path, key, "'" + code + "' is not a GET code");
        if (!kv.second.IsSequence()) fail(path, key, "expected a list of services (may be empty)");
        for (const auto& s : kv.second) {
            const std::string id = s.as<std::string>();
            if (!services.count(id)) fail(path, key, "'" + id + "' is not a service of " + activities.file);
            e.provides_[code].push_back(id);
        }
        e.provides_.emplace(code, std::vector<std::string>{});
    }
    const YAML::Node presets = root["presets"];
    if (!presets || !presets.IsMap()) fail(path, "presets", "expected a map of presets");
    for (const auto& p : presets) {
        const std::string preset = p.first.as<std::string>();
        if (!p.second.IsMap()) fail(path, "presets." + preset, "expected a map of class values");
        for (const auto& c : p.second) {
            const std::string ks = c.first.as<std::string>();
            const std::string key = "presets." + preset + "." + ks;
            long long value = 0;
            try {
                std::size_t used = 0;
                value = std::stoll(ks, &used);
                if (used != ks.size()) throw std::invalid_argument(ks);
            } catch (const std::exception&) {
                fail(path, key, "a class value must be an integer");
            }
            if (!c.second.IsMap()) fail(path, key, "expected {get, candidates}");
            for (const auto& f : c.second) {
                const std::string fk = f.first.as<std::string>();
                if (fk != "get" && fk != "candidates")
                    fail(path, key + "." + fk, "unknown key (expected one of: candidates, get)");
            }
            GetUnit u;
            if (!c.second["get"] || !c.second["get"].IsScalar()) fail(path, key + ".get", "missing");
            u.code = c.second["get"].as<std::string>();
            if (get_level(u.code) == "unknown") fail(path, key + ".get", "'" + u.code + "' is not a GET code");
            const YAML::Node cand = c.second["candidates"];
            if (!cand || !cand.IsSequence() || cand.size() == 0)
                fail(path, key + ".candidates", "expected a list of GET codes");
            for (const auto& x : cand) {
                const std::string code = x.as<std::string>();
                if (get_level(code) == "unknown") fail(path, key + ".candidates", "'" + code + "' is not a GET code");
                u.candidates.push_back(code);
            }
            e.presets_[preset][value] = std::move(u);
        }
    }
    return e;
}

const GetUnit* EcosystemMap::unit(const std::string& preset, long long value) const {
    auto p = presets_.find(preset);
    if (p == presets_.end()) return nullptr;
    auto c = p->second.find(value);
    return c == p->second.end() ? nullptr : &c->second;
}

std::vector<std::string> EcosystemMap::services_of(const GetUnit& u) const {
    // Each candidate's services: those of the longest listed prefix of its code ("T2.2" -> "T2").
    // A candidate no prefix is listed for (the sea, M) is left out: the map says nothing of it.
    std::optional<std::vector<std::string>> common;
    for (const auto& c : u.candidates) {
        const std::vector<std::string>* best = nullptr;
        std::size_t best_len = 0;
        for (const auto& [prefix, list] : provides_) {
            const bool is_prefix = c.compare(0, prefix.size(), prefix) == 0 &&
                                   (c.size() == prefix.size() || c[prefix.size()] == '.' ||
                                    std::isdigit(static_cast<unsigned char>(c[prefix.size()])));
            if (is_prefix && prefix.size() > best_len) {
                best = &list;
                best_len = prefix.size();
            }
        }
        if (!best) continue;
        if (!common) {
            common = *best;
            continue;
        }
        std::vector<std::string> keep;
        for (const auto& s : *common)
            if (std::find(best->begin(), best->end(), s) != best->end()) keep.push_back(s);
        common = std::move(keep);
    }
    return common ? *common : std::vector<std::string>{};
}

std::string default_ecosystems_path() { return installed_path("SITESCREEN_ECOSYSTEMS", "config/ecosystems.yaml"); }

std::vector<LayerEcosystems> layer_ecosystems(const SiteResult& r, const EcosystemMap& map) {
    std::vector<LayerEcosystems> out;
    for (const LayerOutcome& o : r.layers) {
        if (!o.spec || !o.raster() || !o.spec->categorical || o.spec->theme != "land_cover") continue;
        const LayerSpec& s = *o.spec;
        LayerEcosystems e;
        e.layer = s.id;
        e.preset = s.preset;
        if (!s.resolution.empty()) e.resolution = s.resolution_for(tr().lang());
        e.mapped = map.maps(s.preset);
        if (!e.mapped) {
            e.why = tr().format("ecosystem.not_mapped", {{"layer", s.id}, {"file", map.file}});
            out.push_back(std::move(e));
            continue;
        }
        const RasterMeasurement& m = *o.raster();
        if (m.value_at_site) {
            EcosystemAtSite here;
            here.value = std::llround(*m.value_at_site);
            if (auto ci = s.classes.find(here.value); ci != s.classes.end())
                here.class_label = ci->second.label_for(tr().lang());
            if (const GetUnit* u = map.unit(s.preset, here.value)) here.get = named_unit(*u);
            e.at_site = std::move(here);
        }
        for (const RasterBufferStats& b : m.buffers) {
            // Summed per GET unit (code and candidates: two realm-level classes stay apart).
            std::map<std::string, double> mix;
            std::map<std::string, const GetUnit*> units;
            double unmapped = 0;
            for (const auto& [value, share] : b.class_shares) {
                if (const GetUnit* u = map.unit(s.preset, value)) {
                    mix[unit_key(*u)] += share;
                    units[unit_key(*u)] = u;
                } else {
                    unmapped += share;
                }
            }
            std::vector<std::pair<std::string, double>> order(mix.begin(), mix.end());
            std::stable_sort(order.begin(), order.end(),
                             [](const auto& x, const auto& y) { return x.second > y.second; });
            EcosystemBuffer be;
            be.radius_m = b.radius_m;
            be.valid_share = round3(b.valid_share);
            for (const auto& [key, share] : order) {
                const GetUnit& u = *units.at(key);
                EcosystemUnit n{u.code, get_level(u.code), get_name(u.code), {}};
                for (const auto& k : u.candidates) n.candidates.push_back({k, ""});  // a mix names the codes only
                be.mix.push_back({std::move(n), round3(share)});
            }
            if (unmapped > 0) be.unmapped_share = round3(unmapped);
            e.buffers.push_back(std::move(be));
        }
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<EcosystemService> ecosystem_services(const std::vector<LayerEcosystems>& ecosystems,
                                                 const EcosystemMap& map, const ActivityTable& table,
                                                 const ActivityChoice& choice, double radius_m) {
    std::vector<EcosystemService> out;
    if (!choice.row) return out;
    // The ecosystems at the site and in the buffer nearest radius_m, per GET unit: share and whether at the site.
    struct Seen {
        double share = 0;
        bool at_site = false;
        std::string layer;
        double radius_m = 0;
    };
    std::map<std::string, Seen> seen;
    std::map<std::string, GetUnit> units;
    auto unit_of = [](const EcosystemUnit& n) {
        GetUnit u{n.code, {}};
        for (const EcosystemCandidate& c : n.candidates) u.candidates.push_back(c.code);
        return u;
    };
    for (const LayerEcosystems& e : ecosystems) {
        if (!e.mapped) continue;
        if (e.at_site && e.at_site->get) {
            const GetUnit u = unit_of(*e.at_site->get);
            units.emplace(unit_key(u), u);
            seen[unit_key(u)].at_site = true;
            seen[unit_key(u)].layer = e.layer;
        }
        const EcosystemBuffer* best = nullptr;
        for (const EcosystemBuffer& b : e.buffers)
            if (!best || std::fabs(b.radius_m - radius_m) < std::fabs(best->radius_m - radius_m)) best = &b;
        if (!best) continue;
        for (const EcosystemBuffer::Share& x : best->mix) {
            GetUnit u = unit_of(x.unit);
            const std::string key = unit_key(u);
            units.emplace(key, std::move(u));
            Seen& s = seen[key];
            s.share = std::max(s.share, x.share);
            s.layer = e.layer;
            s.radius_m = best->radius_m;
        }
    }
    for (const auto& dep : table.services) {
        const auto mat = table.materiality(choice.row->dependencies.at(dep.id));
        if (!mat || *mat == Materiality::None) continue;
        EcosystemService service{dep.id, topic_title(dep, true), *mat, choice.row->dependencies.at(dep.id), {}};
        for (const auto& [key, s] : seen) {
            GetUnit u = units.at(key);
            if (u.candidates.empty()) u.candidates = {u.code};
            const auto provided = map.services_of(u);
            if (std::find(provided.begin(), provided.end(), dep.id) == provided.end()) continue;
            service.provided_by.push_back(
                {u.code, get_name(u.code), u.candidates, s.at_site, s.layer, s.radius_m, round3(s.share)});
        }
        if (!service.provided_by.empty()) out.push_back(std::move(service));
    }
    return out;
}

}  // namespace sitescreen
