// Locate, Evaluate, verdict, mitigation, avoidance search and portfolio roll-up for screened sites (docs/leap.md).
// Rules key on a layer's theme, criterion and category zone / severity, never on layer ids, so a
// team's own layers (WDPA, official red lines) are judged like the shipped ones.
#include "screen/assess.h"
#include "screen/assess_kit.h"
#include "screen/e4_factors.h"
#include "screen/ecosystems.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "core/errors.h"
#include "geo/geodesic.h"
#include "geo/geos_kit.h"
#include "geo/local_frame.h"
#include "io/checksum.h"
#include "io/interrupt.h"
#include "screen/rules/rule.h"
#include "screen/tnfd_metrics.h"

namespace sitescreen {

using namespace assess_kit;

namespace fs = std::filesystem;
namespace {

SiteFigures read_figures(const Site& site, const Profile& p) {
    SiteFigures f;
    const auto& a = site.attributes;
    f.project_category = normalise_category(attr_text(a, p.figures.project_category));
    f.annual_output = attr_number(a, p.figures.annual_output, f.notes);
    f.water_intensity = attr_number(a, p.figures.water_intensity, f.notes);
    f.capacity_mw = attr_number(a, p.figures.capacity, f.notes);
    if (auto w = attr_number(a, p.figures.annual_water, f.notes)) {
        f.withdrawal_m3 = *w;
        f.withdrawal_from = tr().format("assess.figures.attribute", {{"attribute", p.figures.annual_water}});
    } else if (f.annual_output && f.water_intensity) {
        f.withdrawal_m3 = *f.annual_output * *f.water_intensity;
        f.withdrawal_from =
            tr().format("assess.figures.output_times_intensity", {{"output", fmt_thousands(*f.annual_output)},
                                                                  {"intensity", fmt::format("{}", *f.water_intensity)},
                                                                  {"output_attribute", p.figures.annual_output},
                                                                  {"intensity_attribute", p.figures.water_intensity}});
    } else if (f.annual_output && !f.water_intensity) {
        f.notes.push_back(tr().format(
            "assess.figures.no_intensity",
            {{"output_attribute", p.figures.annual_output}, {"intensity_attribute", p.figures.water_intensity}}));
    }
    if (auto h = attr_number(a, p.figures.footprint, f.notes)) {
        f.footprint_ha = *h;
        f.footprint_from = tr().format("assess.figures.attribute", {{"attribute", p.figures.footprint}});
    } else if (!site.footprint_ll.empty()) {
        f.footprint_ha = geodesic::polygon_area_m2(site.footprint_ll) / 10000.0;
        f.footprint_from = tr().text("assess.figures.polygon");
    }
    return f;
}

}  // namespace

Assessor::Assessor(std::map<std::string, Profile> profiles, std::shared_ptr<const LayerSet> layers,
                   AssessOptions options)
    : profiles_(std::move(profiles)), layers_(std::move(layers)), options_(std::move(options)) {
    if (!profiles_.count(options_.fallback_type)) {
        std::string known;
        for (const auto& [t, p] : profiles_) known += (known.empty() ? "" : ", ") + t;
        throw InputError("profiles: fallback type '" + options_.fallback_type +
                         "' has no profile (profiles: " + (known.empty() ? "none" : known) + ")");
    }
    load_assessment_tables(options_);
    for (const auto& [t, p] : profiles_)
        if (!p.activity.empty() && !options_.activities->find(p.activity))
            throw InputError(p.file + ": activity: '" + p.activity + "' is not in " + options_.activities->file +
                             " (activities: " + options_.activities->ids() + ")");
}

void load_assessment_tables(AssessOptions& o) {
    if (!o.activities)
        o.activities = std::make_shared<const ActivityTable>(
            ActivityTable::load(o.activities_path.empty() ? default_activities_path() : o.activities_path));
    if (!o.ecosystems)
        o.ecosystems = std::make_shared<const EcosystemMap>(EcosystemMap::load(
            o.ecosystems_path.empty() ? default_ecosystems_path() : o.ecosystems_path, *o.activities));
    if (!o.materiality)
        o.materiality = std::make_shared<const E4Factors>(
            E4Factors::load(o.materiality_path.empty() ? default_materiality_path() : o.materiality_path));
}

const Profile& Assessor::profile_for(const std::string& type, bool* fallback) const {
    auto it = profiles_.find(type);
    if (fallback) *fallback = it == profiles_.end();
    return it != profiles_.end() ? it->second : profiles_.at(options_.fallback_type);
}

std::vector<double> Assessor::radii_for(const std::string& type) const { return profile_for(type).buffers_m; }

Json Assessor::profiles_json() const {
    Json j = Json::object();
    for (const auto& [t, p] : profiles_) j[t] = profile_json(p);
    j["fallback_type"] = options_.fallback_type;
    return j;
}

Json Assessor::config_files_json() const {
    Json out = Json::array();
    // `from`: who named the file: the command's option, the environment variable, or neither (the
    // shipped file); `other` for a table a program using the library loaded itself.
    const auto add = [&](const char* role, const std::string& file, const std::string& option_path, const char* env,
                         const std::string& shipped) {
        const std::string path = fs::absolute(file).lexically_normal().string();
        const char* env_value = std::getenv(env);
        const char* from = !option_path.empty() && file == option_path             ? "option"
                           : option_path.empty() && env_value && file == env_value ? "environment"
                           : file == shipped                                       ? "shipped"
                                                                                   : "other";
        out.push_back({{"role", role}, {"file", path}, {"sha256", sha256_file(path)}, {"from", from}});
    };
    add("activities", options_.activities->file, options_.activities_path, "SITESCREEN_ACTIVITIES",
        default_activities_path());
    add("ecosystems", options_.ecosystems->file, options_.ecosystems_path, "SITESCREEN_ECOSYSTEMS",
        default_ecosystems_path());
    add("materiality", options_.materiality->file, options_.materiality_path, "SITESCREEN_MATERIALITY",
        default_materiality_path());
    return out;
}

void Assessor::assess(SiteResult& r, Screener& screener) const {
    if (r.site.error || !r.geometry) return;
    const i18n::Scope language(options_.lang);
    bool fallback = false;
    const Profile& p = profile_for(r.site.type, &fallback);
    const SiteFigures figures = read_figures(r.site, p);
    Analysis a = analyse(r, p, figures);

    std::optional<SearchResult> search;
    if (options_.avoidance_search && layers_ && a.level >= Level::High)
        search = search_alternatives(r, p, figures, a, *layers_, screener);

    Locate l = locate_of(r, p, fallback, a);
    Evaluate e;
    e.figures = evaluate_figures(a, figures);
    e.pairs = driver_pairs(a);
    e.ratings = risk_ratings(a, p);
    const ActivityChoice activity = choose_activity(*options_.activities, r.site, p);
    if (!activity.warning.empty()) r.warnings.push_back(activity.warning);
    l.activity = activity_use(*options_.activities, activity);
    e.activity = activity_pairs(*options_.activities, activity, l.criteria);
    const EcosystemMap& ecosystems = *options_.ecosystems;
    l.ecosystems = layer_ecosystems(r, ecosystems);
    e.services = ecosystem_services(l.ecosystems, ecosystems, *options_.activities, activity, p.land_cover.radius_m);
    MetricInputs metric_inputs;
    if (r.site.footprint_ll.empty()) metric_inputs.declared_footprint_ha = figures.footprint_ha;
    metric_inputs.footprint_attribute = p.figures.footprint;
    metric_inputs.withdrawal_m3 = figures.withdrawal_m3;
    metric_inputs.withdrawal_from = figures.withdrawal_from;
    metric_inputs.bws_cat = a.bws;
    metric_inputs.arid = a.arid;
    metric_inputs.bws_layer = a.bws_layer;
    metric_inputs.high_bws_cat = p.water_stress.high_bws_cat;
    metric_inputs.near_m = p.proximity.sensitive_within_m;
    e.metrics = site_metrics(r, metric_inputs, footprint_land_cover(r, metric_inputs.declared_footprint_ha, screener));
    add_e4_factors(*options_.materiality, l.criteria, e.pairs, figures.footprint_ha, e.ratings);
    r.locate = std::move(l);
    r.evaluate = std::move(e);
    r.verdict = make_verdict(a, p, fallback, r.site.type);
    r.mitigation = mitigation_steps(a, p, figures, search ? &*search : nullptr);
    if (search) r.alternative = std::move(search->search);
}

}  // namespace sitescreen
