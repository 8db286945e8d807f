// Severity, extent, irreversibility and likelihood of each E4 rating, from Locate's evidence (config/materiality.yaml).
#include "screen/e4_factors.h"
#include "core/rounding.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "core/errors.h"
#include "io/install_path.h"
#include "screen/profile.h"
#include "screen/config_file.h"
#include "i18n/messages.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

const i18n::Catalog& tr() { return i18n::current(); }

using config::fail;

std::string pct(double share) { return fmt::format("{:.0f} %", share * 100.0); }

// The evidence behind a rating: the first evidence of the receptor criterion with the pair's exposure
// (Locate keeps the first layer reaching the highest exposure, and so does this).
const Evidence* evidence_for(const std::vector<CriterionFinding>& criteria, const std::string& receptor,
                             const std::string& exposure) {
    for (const CriterionFinding& c : criteria)
        if (to_string(c.criterion) == receptor)
            for (const Evidence& ev : c.evidence)
                if (ev.exposure && to_string(*ev.exposure) == exposure) return &ev;
    return nullptr;
}

}  // namespace

E4Factors E4Factors::load(const std::string& path) {
    E4Factors f;
    f.file = path;
    const YAML::Node root = config::load(path, "E4 factors", "--materiality", "SITESCREEN_MATERIALITY");
    if (!root.IsMap()) fail(path, "", "expected a map with severity, irreversibility and likelihood");
    for (const auto& kv : root) {
        const std::string k = kv.first.as<std::string>();
        if (k != "severity" && k != "irreversibility" && k != "likelihood")
            fail(path, k, "unknown key (expected one of: irreversibility, likelihood, severity)");
    }
    auto share = [&](const YAML::Node& n, const std::string& key) {
        if (!n || !n.IsScalar()) fail(path, key, "missing");
        double v = 0;
        try {
            v = n.as<double>();
        } catch (const YAML::Exception&) {
            fail(path, key, "expected a share between 0 and 1");
        }
        if (!(v >= 0 && v <= 1)) fail(path, key, "expected a share between 0 and 1");
        return v;
    };
    f.severity_high = share(root["severity"]["high"], "severity.high");
    f.severity_medium = share(root["severity"]["medium"], "severity.medium");
    if (f.severity_medium > f.severity_high) fail(path, "severity.medium", "must not exceed severity.high");
    static const std::set<std::string> levels = {"high", "medium", "low"};
    const YAML::Node irr = root["irreversibility"];
    if (!irr || !irr.IsMap()) fail(path, "irreversibility", "expected default and themes");
    f.irreversibility_default = irr["default"] ? irr["default"].as<std::string>() : "";
    if (!levels.count(f.irreversibility_default)) fail(path, "irreversibility.default", "expected high, medium or low");
    if (irr["themes"])
        for (const auto& kv : irr["themes"]) {
            const std::string theme = kv.first.as<std::string>(), level = kv.second.as<std::string>();
            if (!levels.count(level))
                fail(path, "irreversibility.themes." + theme, "expected high, medium or low, not '" + level + "'");
            f.irreversibility[theme] = level;
        }
    static const std::set<std::string> likely = {"almost_certain", "likely", "possible", "unlikely"};
    const YAML::Node lk = root["likelihood"];
    if (!lk || !lk.IsMap()) fail(path, "likelihood", "expected a map of exposure to likelihood");
    for (const char* e : {"low", "medium", "high", "very_high"}) {
        if (!lk[e]) fail(path, std::string("likelihood.") + e, "missing");
        const std::string v = lk[e].as<std::string>();
        if (!likely.count(v))
            fail(path, std::string("likelihood.") + e,
                 "expected almost_certain, likely, possible or unlikely, not '" + v + "'");
        f.likelihood[e] = v;
    }
    return f;
}

std::string default_materiality_path() { return installed_path("SITESCREEN_MATERIALITY", "config/materiality.yaml"); }

void add_e4_factors(const E4Factors& f, const std::vector<CriterionFinding>& criteria, Json& evaluate) {
    Json& drivers = evaluate["e4"]["drivers"];
    if (!drivers.is_object()) return;
    const Json& footprint = evaluate["e3"]["footprint_ha"];
    for (auto& [driver, e] : drivers.items()) {
        if (!e["rating"].is_string()) continue;
        // The receptor behind the highest rating: the first E2 pair of the driver with that rating.
        const Json* pair = nullptr;
        for (const auto& p : evaluate["e2"])
            if (p["driver"] == driver && p["rating"] == e["rating"]) {
                pair = &p;
                break;
            }
        if (!pair || !pair->contains("exposure") || !(*pair)["exposure"].is_string())
            continue;  // GHG: not rated by place
        const std::string receptor = (*pair)["receptor"].get<std::string>();
        const std::string exposure = (*pair)["exposure"].get<std::string>();
        const Evidence* ev = evidence_for(criteria, receptor, exposure);
        if (!ev) continue;
        const std::string& theme = ev->theme;

        // Severity: the share of the asset (the site) the rating's evidence affects.
        double share = 0;
        std::string from;
        if (ev->footprint_overlap_share) {
            share = *ev->footprint_overlap_share;
            from = "footprint_overlap_share";
        } else if (ev->natural_share) {
            share = *ev->natural_share;
            from = "natural_share";
        } else if (ev->bws_cat || theme == "water_stress") {
            share = 1;
            from = "water_stress_unit";
        } else if (ev->inside.value_or(false)) {
            share = 1;
            from = "inside";
        } else {
            from = "near";
        }
        const std::string sev = share >= f.severity_high ? "high" : share >= f.severity_medium ? "medium" : "low";
        e["severity"] = {{"level", sev}, {"affected_share", round3(share)}, {"from", from}, {"layer", ev->layer}};

        // Extent: the area affected and the share of the buffer the layer covers.
        Json extent = Json::object();
        extent["area_ha"] = footprint.is_number() ? Json(round3(footprint.get<double>() * share)) : Json(nullptr);
        extent["buffer_share"] = ev->overlap_share ? Json(*ev->overlap_share) : Json(nullptr);
        extent["radius_m"] = ev->radius_m ? Json(*ev->radius_m) : Json(nullptr);
        e["extent"] = extent;

        // Irreversibility: by the theme of the layer behind the rating.
        auto it = f.irreversibility.find(theme);
        const std::string irr = it == f.irreversibility.end() ? f.irreversibility_default : it->second;
        e["irreversibility"] = {
            {"level", irr}, {"theme", theme}, {"from", it == f.irreversibility.end() ? "default" : "theme"}};

        // Likelihood: from the receptor's exposure.
        const std::string lk = f.likelihood.at(exposure);
        e["likelihood"] = {{"level", lk}, {"exposure", exposure}};

        const std::string area =
            extent["area_ha"].is_number()
                ? tr().format("e4.area", {{"area", fmt::format("{:.1f}", extent["area_ha"].get<double>())}})
                : tr().text("e4.no_footprint");
        const std::string buffer =
            extent["buffer_share"].is_number() && extent["radius_m"].is_number()
                ? tr().format("e4.buffer_share", {{"share", pct(extent["buffer_share"].get<double>())},
                                                  {"radius", fmt::format("{:.0f}", extent["radius_m"].get<double>())}})
                : tr().text("e4.no_buffer_share");
        Json factors = Json::array();
        factors.push_back(tr().format(
            "e4.severity",
            {{"level", tr().text("e4.level." + sev)}, {"share", pct(share)}, {"from", tr().text("e4.from." + from)}}));
        factors.push_back(tr().format("e4.extent", {{"area", area}, {"buffer", buffer}}));
        factors.push_back(tr().format("e4.irreversibility", {{"level", tr().text("e4.level." + irr)},
                                                             {"theme", tr().text_or("theme." + theme, theme)}}));
        factors.push_back(tr().format("e4.likelihood", {{"level", tr().text("e4.likelihood_level." + lk)},
                                                        {"exposure", tr().text("assess.rating." + exposure)}}));
        e["factors_trace"] = factors;
        std::string joined = e["trace"].is_string() ? e["trace"].get<std::string>() : "";
        for (const auto& s : factors) joined += tr().text("e4.sep") + s.get<std::string>();
        e["trace"] = joined;
    }
}

}  // namespace sitescreen
