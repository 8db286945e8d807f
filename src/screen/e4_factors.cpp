// Severity, extent, irreversibility and likelihood of each E4 rating, from Locate's evidence (config/materiality.yaml).
#include "screen/e4_factors.h"
#include "core/rounding.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
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
const Evidence* evidence_for(const std::vector<CriterionFinding>& criteria, Criterion receptor, Rating exposure) {
    for (const CriterionFinding& c : criteria)
        if (c.criterion == receptor)
            for (const Evidence& ev : c.evidence)
                if (ev.exposure == exposure) return &ev;
    return nullptr;
}

// The four factors of a rating whose evidence is `ev`, the receptor's exposure `exposure`.
RatingFactors factors_of(const E4Factors& f, const Evidence& ev, Rating exposure, std::optional<double> footprint_ha) {
    RatingFactors x;
    // Severity: the share of the asset (the site) the rating's evidence affects.
    double share = 0;
    if (ev.footprint_overlap_share) {
        share = *ev.footprint_overlap_share;
        x.severity_from = SeverityBasis::FootprintOverlap;
    } else if (ev.natural_share) {
        share = *ev.natural_share;
        x.severity_from = SeverityBasis::NaturalShare;
    } else if (ev.bws_cat || ev.theme == "water_stress") {
        share = 1;
        x.severity_from = SeverityBasis::WaterStressUnit;
    } else if (ev.inside.value_or(false)) {
        share = 1;
        x.severity_from = SeverityBasis::Inside;
    } else {
        x.severity_from = SeverityBasis::Near;
    }
    x.severity = share >= f.severity_high     ? ImpactLevel::High
                 : share >= f.severity_medium ? ImpactLevel::Medium
                                              : ImpactLevel::Low;
    x.affected_share = round3(share);
    x.layer = ev.layer;

    // Extent: the area affected (of E3's footprint, as the record gives it) and the share of the
    // buffer the layer covers.
    if (footprint_ha) x.area_ha = round3(round3(*footprint_ha) * share);
    x.buffer_share = ev.overlap_share;
    x.radius_m = ev.radius_m;

    // Irreversibility: by the theme of the layer behind the rating.
    x.theme = ev.theme;
    const auto it = f.irreversibility.find(ev.theme);
    x.irreversibility_by_theme = it != f.irreversibility.end();
    x.irreversibility = x.irreversibility_by_theme ? it->second : f.irreversibility_default;

    // Likelihood: from the receptor's exposure.
    x.exposure = exposure;
    x.likelihood = f.likelihood[static_cast<std::size_t>(exposure)];

    const std::string area = x.area_ha ? tr().format("e4.area", {{"area", fmt::format("{:.1f}", *x.area_ha)}})
                                       : tr().text("e4.no_footprint");
    const std::string buffer = x.buffer_share && x.radius_m
                                   ? tr().format("e4.buffer_share", {{"share", pct(*x.buffer_share)},
                                                                     {"radius", fmt::format("{:.0f}", *x.radius_m)}})
                                   : tr().text("e4.no_buffer_share");
    x.trace.push_back(
        tr().format("e4.severity", {{"level", tr().text(std::string("e4.level.") + to_string(x.severity))},
                                    {"share", pct(share)},
                                    {"from", tr().text(std::string("e4.from.") + to_string(x.severity_from))}}));
    x.trace.push_back(tr().format("e4.extent", {{"area", area}, {"buffer", buffer}}));
    x.trace.push_back(tr().format("e4.irreversibility",
                                  {{"level", tr().text(std::string("e4.level.") + to_string(x.irreversibility))},
                                   {"theme", tr().text_or("theme." + x.theme, x.theme)}}));
    x.trace.push_back(tr().format("e4.likelihood",
                                  {{"level", tr().text(std::string("e4.likelihood_level.") + to_string(x.likelihood))},
                                   {"exposure", tr().text(std::string("assess.rating.") + to_string(exposure))}}));
    return x;
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
    const YAML::Node irr = root["irreversibility"];
    if (!irr || !irr.IsMap()) fail(path, "irreversibility", "expected default and themes");
    const auto irr_default = impact_level_from_string(irr["default"] ? irr["default"].as<std::string>() : "");
    if (!irr_default) fail(path, "irreversibility.default", "expected high, medium or low");
    f.irreversibility_default = *irr_default;
    if (irr["themes"])
        for (const auto& kv : irr["themes"]) {
            const std::string theme = kv.first.as<std::string>(), level = kv.second.as<std::string>();
            const auto l = impact_level_from_string(level);
            if (!l) fail(path, "irreversibility.themes." + theme, "expected high, medium or low, not '" + level + "'");
            f.irreversibility[theme] = *l;
        }
    const YAML::Node lk = root["likelihood"];
    if (!lk || !lk.IsMap()) fail(path, "likelihood", "expected a map of exposure to likelihood");
    for (Rating e : {Rating::Low, Rating::Medium, Rating::High, Rating::VeryHigh}) {
        const char* name = to_string(e);
        if (!lk[name]) fail(path, std::string("likelihood.") + name, "missing");
        const std::string v = lk[name].as<std::string>();
        const auto l = likelihood_from_string(v);
        if (!l)
            fail(path, std::string("likelihood.") + name,
                 "expected almost_certain, likely, possible or unlikely, not '" + v + "'");
        f.likelihood[static_cast<std::size_t>(e)] = *l;
    }
    return f;
}

std::string default_materiality_path() { return installed_path("SITESCREEN_MATERIALITY", "config/materiality.yaml"); }

void add_e4_factors(const E4Factors& f, const std::vector<CriterionFinding>& criteria,
                    const std::vector<DriverPair>& pairs, std::optional<double> footprint_ha, RiskRatings& ratings) {
    for (DriverRating& d : ratings.drivers) {
        if (!d.rating) continue;
        // The receptor behind the highest rating: the first E2 pair of the driver with that rating.
        const auto pair = std::find_if(pairs.begin(), pairs.end(), [&](const DriverPair& p) {
            return p.driver == d.driver && p.rating == d.rating;
        });
        if (pair == pairs.end() || !pair->exposure) continue;  // GHG: not rated by place
        const Evidence* ev = evidence_for(criteria, pair->receptor, *pair->exposure);
        if (!ev) continue;
        d.factors = factors_of(f, *ev, *pair->exposure, footprint_ha);
        for (const std::string& s : d.factors->trace) d.trace += tr().text("e4.sep") + s;
    }
}

}  // namespace sitescreen
