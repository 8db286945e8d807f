// A site's findings under its profile: the rules fired, the criteria met, the exposures and the
// drivers' ratings (docs/leap.md). The Analyser walks the measurements once, layer by layer.
//
// Over 600 lines for a reason: the Analyser is one pass whose state (the themes seen, each
// criterion's exposure, the rules fired so far) is shared by every step; split across files it
// would have to be passed around in full. It builds each criterion's evidence as typed entries
// (screen/result.h, Evidence); result.cpp writes them.
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
namespace assess_kit {
namespace {

FeatureRef feature_ref(const LayerOutcome& o, std::uint32_t i) {
    FeatureRef f;
    f.index = i;
    if (!o.vector_layer || i >= o.vector_layer->features().size()) {
        f.id = std::to_string(i);
        return f;
    }
    const VectorFeature& vf = o.vector_layer->features()[i];
    f.id = vf.id;
    f.name = vf.name;
    f.category = vf.category;
    auto it = o.spec->categories.find(vf.category);
    if (it != o.spec->categories.end()) {
        f.zone = it->second.zone;
        f.label = it->second.label_for(tr().lang());
        f.severity = it->second.severity;
    }
    return f;
}

// "protected area 'Wolong' (NR-01), Core zone (核心区)": the category's label from the catalog.
std::string describe(const LayerSpec& s, const FeatureRef& f) {
    std::string t = theme_noun(s.theme);
    if (!f.name.empty()) t += tr().format("assess.feature_name", {{"name", f.name}});
    if (!f.id.empty()) t += " (" + f.id + ")";
    if (!f.label.empty())
        t += ", " + f.label;
    else if (!f.category.empty())
        t += ", " + f.category;
    return t;
}

// A categorical raster's class at the site, as the evidence gives it.
CellValue class_cell(long long v) { return CellValue{CellValue::Kind::Class, v, 0}; }

std::string demo_tag(const LayerSpec& s) { return s.provenance.demo ? tr().text("assess.demo_layer") : ""; }

// The band a measured rule gave, named in the evidence's trace: " [water_stress.high]".
std::string band_tag(const rules::Band& b) { return tr().format("assess.evidence.band", {{"band", b.id}}); }

// The Aqueduct category of a feature: its category value when it is an integer (bws_cat), else
// the catalog's severity for it.
std::optional<int> bws_of(const FeatureRef& f) {
    try {
        std::size_t used = 0;
        const std::string c = trim(f.category);
        const int v = std::stoi(c, &used);
        if (used == c.size()) return v;
    } catch (const std::exception&) {
    }
    return f.severity;
}

class Analyser {
public:
    // `light`: only what the verdict needs (the avoidance search evaluates thousands of positions).
    Analyser(const Profile& p, const SiteFigures& f, const std::set<std::string>* only, bool light)
        : p_(p), f_(f), only_(only), light_(light) {}

    Analysis run(const SiteResult& r) {
        site_facts(r);
        for (const auto& o : r.layers) {
            if (!o.spec) continue;
            if (only_ && !only_->count(o.spec->id)) continue;
            note_theme(o);
            if (o.spec->criterion == Criterion::Context) {
                context(o);
                continue;
            }
            if (o.vector())
                vector(o);
            else if (o.raster())
                raster(o);
        }
        outside_rules();
        drivers();
        for (const auto& f : a_.fired) a_.level = std::max(a_.level, f.level);
        return std::move(a_);
    }

private:
    // What the named rules need to know before any layer is judged: the jurisdiction (from the
    // admin layers the site is inside) and whether it lies in a core zone of a protected area.
    void site_facts(const SiteResult& r) {
        facts_.site_type = p_.type;
        facts_.activity = f_.project_category;
        facts_.activity_attribute = p_.figures.project_category;
        std::vector<Json> admin;
        for (const auto& o : r.layers) {
            if (!o.spec || !o.vector() || !o.vector()->inside || !o.vector_layer) continue;
            if (only_ && !only_->count(o.spec->id)) continue;
            const auto& feats = o.vector_layer->features();
            const std::string& t = o.spec->theme;
            for (auto i : o.vector()->inside_features) {
                if (i >= feats.size()) continue;
                if (o.spec->criterion == Criterion::Context && t == "admin") admin.push_back(feats[i].attributes);
                if (t == "protected_area" || t == "nature_reserve" || t == "national_park") {
                    const FeatureRef f = feature_ref(o, i);
                    if (f.zone == "core" || f.zone == "buffer" || f.zone == "core_protection")
                        facts_.in_protected_core = true;
                }
            }
        }
        facts_.jurisdiction = rules::jurisdiction_of(admin);
        a_.jurisdiction = facts_.jurisdiction;
    }

    // A site in China gets both rule sets, a site elsewhere the international set only; where no
    // admin layer says, both (docs/rules/jurisdiction.md).
    bool applies(const rules::Rule& rule) const {
        return rule.set() == rules::RuleSet::International || facts_.jurisdiction != rules::Jurisdiction::Elsewhere;
    }

    void add_evidence(const LayerSpec& s, Evidence ev, CriterionStatus status, std::optional<Rating> exposure,
                      const std::string& why, std::optional<std::uint32_t> inside = std::nullopt,
                      const std::string& what = "", std::optional<std::uint32_t> near = std::nullopt,
                      double within_m = 0) {
        const int ci = criterion_index(s.criterion);
        if (ci < 0) return;
        CriterionState& st = a_.criteria[ci];
        if (status != CriterionStatus::NotAssessed) st.assessed = true;
        if (status == CriterionStatus::Met) st.met = true;
        if (exposure && (!st.exposure || *exposure > *st.exposure)) {
            st.exposure = exposure;
            st.exposure_why = why;
            st.exposure_what = what.empty() ? why : what;
            st.exposure_layer = s.id;
            st.exposure_inside = inside;
            st.exposure_near = near;
            st.exposure_within_m = within_m;
        }
        if (light_) return;
        ev.status = status;
        ev.exposure = exposure;
        ev.why = why;
        st.evidence.push_back(std::move(ev));
    }

    // The reason a measured rule rated: its text, the demonstration marker of
    // its layer, then the band that rated it ("[water_stress.high]"), so the
    // reason can be traced to its rule (docs/rules/README.md).
    static std::string rated_why(const LayerSpec& s, const std::string& why, const rules::Band& band) {
        return why + demo_tag(s) + band_tag(band);
    }

    static Evidence layer_head(const LayerSpec& s) {
        Evidence ev;
        ev.layer = s.id;
        ev.theme = s.theme;
        ev.demo = s.provenance.demo;
        return ev;
    }

    static LayerInterface interface_head(const LayerSpec& s) {
        LayerInterface i;
        i.layer = s.id;
        i.theme = s.theme;
        i.criterion = s.criterion;
        return i;
    }

    void context(const LayerOutcome& o) {
        if (!o.vector() || !o.vector()->inside) return;
        ContextLayer c{o.spec->id, o.spec->theme, {}};
        for (auto i : o.vector()->inside_features) {
            const FeatureRef f = feature_ref(o, i);
            c.inside.push_back(f.name.empty() ? f.id : f.name);
        }
        a_.context.push_back(std::move(c));
        // A context layer rates no criterion, but a named rule may judge its theme (urban_boundary).
        for (const auto& named : p_.rules)
            if (named->judges(o.spec->theme) && applies(*named))
                for (auto i : o.vector()->inside_features) fire_rule(*named, *o.spec, feature_ref(o, i), "", true, 0);
    }

    void vector(const LayerOutcome& o) {
        const LayerSpec& s = *o.spec;
        const VectorMeasurement& v = *o.vector();
        Evidence ev = layer_head(s);
        LayerInterface summary = interface_head(s);
        summary.inside = v.inside;
        if (s.theme == "water_stress") {
            water_vector(o, ev, summary);
            return;
        }
        if (!v.nearest_distance_m && !v.inside) {
            if (!light_) a_.interface.push_back(std::move(summary));
            if (o.vector_layer && !o.vector_layer->features().empty())
                // A moved site's nearest-feature search stops at a limit (Screener::screen_moved).
                add_evidence(s, std::move(ev), CriterionStatus::NotMet, Rating::Low,
                             tr().text("assess.evidence.no_feature_within_limit"));
            else
                add_evidence(s, std::move(ev), CriterionStatus::NotAssessed, std::nullopt,
                             tr().text("assess.evidence.layer_empty"));
            return;
        }
        const double d = v.inside ? 0.0 : *v.nearest_distance_m;
        std::optional<std::uint32_t> fi;
        if (v.inside && !v.inside_features.empty())
            fi = v.inside_features.front();
        else
            fi = v.nearest_feature;
        const FeatureRef nearest = fi ? feature_ref(o, *fi) : FeatureRef{};
        const std::string text = describe(s, nearest);
        const rules::Band band = p_.proximity.band(v.inside, d);
        const Rating exposure = band.exposure;
        const bool met = band.met;
        if (d <= p_.proximity.species_screen_m) a_.feature_nearby = true;

        ev.inside = v.inside;
        ev.distance_m = round1(d);
        ev.feature = EvidenceFeature{nearest.id, nearest.name, nearest.category, nearest.zone};
        if (v.inside && v.inside_features.size() > 1)
            for (std::size_t k = 0; k < v.inside_features.size() && k < 10; ++k) {
                const FeatureRef f = feature_ref(o, v.inside_features[k]);
                ev.inside_features.push_back(EvidenceFeature{f.id, f.name, f.category, ""});
            }
        // The smallest buffer reaching the feature: the distance at which the finding applies.
        for (const auto& b : v.buffers)
            if (b.radius_m >= d) {
                ev.radius_m = b.radius_m;
                ev.overlap_share = round3(b.overlap_share);
                break;
            }
        std::string overlap_text;
        if (v.footprint_area_m2 && v.footprint_overlap_area_m2 && *v.footprint_area_m2 > 0) {
            const double share = *v.footprint_overlap_area_m2 / *v.footprint_area_m2;
            ev.footprint_overlap_share = round3(share);
            if (v.inside) overlap_text = tr().format("assess.overlap", {{"share", fmt_share(share)}});
        }
        std::string why = v.inside
                              ? tr().format("assess.where_inside", {{"what", text}, {"overlap", overlap_text}})
                              : tr().format("assess.where_near", {{"what", text}, {"distance", fmt_distance(d)}}) +
                                    (met ? tr().format("assess.evidence.within",
                                                       {{"distance", fmt_distance(p_.proximity.sensitive_within_m)}})
                                         : "");
        summary.distance_m = round1(d);
        summary.feature = nearest.name.empty() ? nearest.id : nearest.name;
        if (!light_) a_.interface.push_back(std::move(summary));
        // Outside, the exposure holds wherever the site stays within its band of this feature.
        const double band_m = exposure == Rating::High     ? p_.proximity.high_within_m
                              : exposure == Rating::Medium ? p_.proximity.moderate_within_m
                                                           : 0.0;
        add_evidence(s, std::move(ev), met ? CriterionStatus::Met : CriterionStatus::NotMet, exposure,
                     rated_why(s, why, band), v.inside ? nearest.index : std::nullopt, text,
                     !v.inside && band_m > 0 ? nearest.index : std::nullopt, band_m);

        if (s.criterion == Criterion::BiodiversityImportance) {
            if (!a_.nearest_bio_m || d < *a_.nearest_bio_m) {
                a_.nearest_bio_m = d;
                a_.nearest_bio_text = text;
            }
            if (v.inside)
                a_.inside_bio.push_back({text, 0});
            else if (d <= p_.proximity.high_within_m)
                a_.near.push_back({text, d});
            else if (d <= p_.proximity.sensitive_within_m)
                a_.sensitive_near.push_back({text, d});
            if (!v.inside && d <= p_.proximity.moderate_within_m) a_.moderate.push_back({text, d});
        }

        // Inside rules of the profile, by theme (one finding per feature inside).
        auto rule = p_.inside.find(s.theme);
        if (rule != p_.inside.end() && v.inside)
            for (auto i : v.inside_features) fire_inside(rule->second, s, feature_ref(o, i), overlap_text);

        // The profile's named rules (rules.apply) that judge this theme.
        for (const auto& named : p_.rules) {
            if (!named->judges(s.theme) || !applies(*named)) continue;
            if (v.inside)
                for (auto i : v.inside_features) fire_rule(*named, s, feature_ref(o, i), overlap_text, true, 0);
            else if (named->reach_m() > 0 && d <= named->reach_m())
                fire_rule(*named, s, nearest, "", false, d);
        }
    }

    // Per theme, whether the site is inside a feature of any vector layer of it that holds features
    // (and the first such layer): what the rules judging "outside every feature" need.
    void note_theme(const LayerOutcome& o) {
        if (!o.vector() || !o.vector_layer || o.vector_layer->features().empty()) return;
        auto it = themes_.try_emplace(o.spec->theme, ThemeSeen{o.spec, false}).first;
        it->second.inside = it->second.inside || o.vector()->inside;
    }

    // The named rules that say something of a site outside every feature of a theme's layers
    // (cn_urban_boundary). A theme no layer of the catalog holds is never judged.
    void outside_rules() {
        for (const auto& [theme, seen] : themes_) {
            if (seen.inside) continue;
            for (const auto& named : p_.rules) {
                if (!named->judges(theme) || !applies(*named)) continue;
                const std::optional<rules::Judgement> j = named->judge_outside(theme, facts_);
                if (!j) continue;
                const std::string what = theme_noun(theme);
                record(*named, *j, *seen.layer, FeatureRef{}, what,
                       tr().format("assess.where_outside", {{"what", what}}), false);
            }
        }
    }

    // The profile's named rules that judge the class of a land-cover raster at the site (cn_cropland:
    // cultivated land). The class is that of one cell: its label carries the layer's resolution.
    void class_rules(const LayerSpec& s, long long value, const ClassInfo& c) {
        FeatureRef f;
        f.id = std::to_string(value);
        const std::string& label = c.label_for(tr().lang());
        f.label = s.resolution.empty() ? label : fmt::format("{} ({})", label, s.resolution_for(tr().lang()));
        f.zone = c.zone;
        for (const auto& named : p_.rules)
            if (named->judges(s.theme) && applies(*named)) fire_rule(*named, s, f, "", true, 0);
    }

    void fire_rule(const rules::Rule& rule, const LayerSpec& s, const FeatureRef& f, const std::string& overlap,
                   bool inside, double d) {
        rules::Hit h;
        h.theme = s.theme;
        h.zone = f.zone;
        h.category = f.category;
        h.preset = s.preset;
        h.what = describe(s, f);
        h.inside = inside;
        h.distance_m = d;
        const std::optional<rules::Judgement> j = rule.judge(h, facts_);
        if (!j) return;
        const std::string where =
            inside ? tr().format("assess.where_inside", {{"what", h.what}, {"overlap", overlap}})
                   : tr().format("assess.where_near", {{"what", h.what}, {"distance", fmt_distance(d)}});
        record(rule, *j, s, f, h.what, where, inside);
    }

    // One finding of a named rule: its reason, conditions, citation and mitigation trigger.
    void record(const rules::Rule& rule, const rules::Judgement& j, const LayerSpec& s, const FeatureRef& f,
                const std::string& what, const std::string& where, bool inside) {
        Fired x;
        x.rule = j.id;
        x.level = rule.level_of(j.outcome);
        x.layer = s.id;
        x.feature = f;
        x.features_text = what;
        if (inside) x.inside_index = f.index;
        x.set = rule.set();
        x.outcome = j.outcome;
        x.cite = j.cite;
        x.conditions = j.conditions;
        x.conservative = j.conservative;
        for (const auto& c : j.conditions) x.condition += (x.condition.empty() ? "" : "; ") + c;
        x.reason = tr().format("assess.rule_reason",
                               {{"set", tr().text(std::string("assess.rule_set.") + rules::to_string(rule.set()))},
                                {"id", j.id},
                                {"where", where},
                                {"demo", demo_tag(s)},
                                {"outcome", tr().text(std::string("assess.outcome.") + rules::to_string(j.outcome))},
                                {"says", j.says},
                                {"cite", j.cite.text()}});
        if (j.conservative) x.reason += tr().text("assess.conservative");
        if (j.outcome == rules::Outcome::Conditional && !x.condition.empty())
            x.reason += tr().format("assess.conditions", {{"conditions", x.condition}});
        if (j.advisory || j.outcome == rules::Outcome::Allowed)
            x.mitigation = "";
        else if (j.outcome == rules::Outcome::Forbidden)
            x.mitigation = "relocate";
        else
            x.mitigation = j.listed_activity ? "permit" : "conditional";
        for (const auto& e : a_.fired)
            if (e.rule == x.rule && e.layer == x.layer && e.feature.id == x.feature.id) return;
        a_.fired.push_back(std::move(x));
    }

    void fire_inside(const InsideRule& rule, const LayerSpec& s, const FeatureRef& f, const std::string& overlap) {
        Fired x;
        x.rule = rule.rule;
        x.level = rule.level;
        x.condition = rule.condition_for(tr().lang());
        x.layer = s.id;
        x.feature = f;
        x.features_text = describe(s, f);
        auto z = f.zone.empty() ? rule.zone_levels.end() : rule.zone_levels.find(f.zone);
        if (z != rule.zone_levels.end()) {
            x.rule += "." + f.zone;
            x.level = z->second;
            if (rule.zone_conditions.count(f.zone)) x.condition = rule.zone_condition_for(f.zone, tr().lang());
        }
        x.inside_index = f.index;
        x.reason = tr().format("assess.inside_reason", {{"what", x.features_text},
                                                        {"overlap", overlap},
                                                        {"demo", demo_tag(s)},
                                                        {"because", rule.because_for(tr().lang())}});
        if (x.level == Level::NoGo) {
            const auto& allowed = rule.allowed_project_categories;
            if (!f_.project_category.empty() &&
                std::find(allowed.begin(), allowed.end(), f_.project_category) != allowed.end()) {
                x.level = *rule.allowed_level;
                x.rule += ".allowed";
                x.condition = rule.allowed_condition_for(tr().lang());
                x.mitigation = "permit";
                x.reason += tr().format("assess.category_allowed",
                                        {{"category", f_.project_category}, {"condition", x.condition}});
            } else {
                x.mitigation = "relocate";
                // Say how an exempt project would be recognised: the allowed list is closed.
                if (!allowed.empty()) {
                    std::string list;
                    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
                    x.reason += f_.project_category.empty()
                                    ? tr().format("assess.category_exempt_only",
                                                  {{"list", list}, {"attribute", p_.figures.project_category}})
                                    : tr().format("assess.category_not_allowed",
                                                  {{"category", f_.project_category}, {"list", list}});
                }
            }
        } else {
            x.mitigation = "conditional";
            if (!x.condition.empty()) x.reason += "; " + x.condition;
        }
        // One finding per rule and feature (a polygon footprint may touch a feature twice).
        for (const auto& e : a_.fired)
            if (e.rule == x.rule && e.layer == x.layer && e.feature.id == x.feature.id) return;
        a_.fired.push_back(std::move(x));
    }

    // Aqueduct's no-data class (-9999) or a category the catalog marks zone "nodata".
    static bool water_nodata(int bws, const std::string& zone) { return zone == "nodata" || bws < -1; }

    void water_vector(const LayerOutcome& o, Evidence& ev, LayerInterface& summary) {
        const LayerSpec& s = *o.spec;
        const VectorMeasurement& v = *o.vector();
        a_.areal_layers = true;
        if (!v.inside) {
            if (v.nearest_distance_m) summary.distance_m = round1(*v.nearest_distance_m);
            if (!light_) a_.interface.push_back(std::move(summary));
            add_evidence(s, std::move(ev), CriterionStatus::NotAssessed, std::nullopt,
                         tr().text("assess.evidence.outside_coverage"));
            return;
        }
        std::optional<int> worst;
        FeatureRef worst_f;
        for (auto i : v.inside_features) {
            const FeatureRef f = feature_ref(o, i);
            const auto b = bws_of(f);
            if (b && !water_nodata(*b, f.zone) && (!worst || *b > *worst)) {
                worst = b;
                worst_f = f;
            }
        }
        if (!worst) {
            summary.distance_m = 0.0;
            if (!light_) a_.interface.push_back(std::move(summary));
            add_evidence(s, std::move(ev), CriterionStatus::NotAssessed, std::nullopt,
                         tr().text("assess.evidence.unit_no_category"));
            return;
        }
        water_finding(s, *worst, worst_f, ev, summary);
    }

    void water_finding(const LayerSpec& s, int bws, const FeatureRef& f, Evidence& ev, LayerInterface& summary) {
        a_.areal_data = true;
        std::string label, zone = f.zone;
        auto c = s.categories.find(f.category);
        if (c != s.categories.end()) label = c->second.label_for(tr().lang());
        const bool arid = zone == "arid" || bws == -1;
        const rules::Band band = p_.water_stress.band(bws, arid);
        const Rating exposure = band.exposure;
        const bool met = band.met;
        std::string unit = theme_noun(s.theme);
        if (!f.name.empty()) unit += tr().format("assess.feature_name", {{"name", f.name}});
        if (!f.id.empty()) unit += " (" + f.id + ")";
        std::string why = fmt::format("{}: bws_cat {}{}", unit, bws, label.empty() ? "" : " (" + label + ")");
        if (met)
            why += tr().format("assess.evidence.high_water_stress",
                               {{"threshold", std::to_string(p_.water_stress.high_bws_cat)}});
        if (arid) why += tr().format("assess.evidence.arid", {{"rating", rating_word(exposure)}});
        if (arid) a_.arid = true;
        ev.inside = true;
        ev.feature = EvidenceFeature{f.id, f.name, f.category, ""};
        ev.bws_cat = bws;
        ev.bws_label = label;
        ev.arid = arid;
        summary.distance_m = 0.0;
        summary.bws_cat = bws;
        if (!light_) a_.interface.push_back(std::move(summary));
        add_evidence(s, std::move(ev), met ? CriterionStatus::Met : CriterionStatus::NotMet, exposure,
                     rated_why(s, why, band), f.index, fmt::format("{} (bws_cat {})", unit, bws));
        if (!a_.bws || bws > *a_.bws) {
            a_.bws = bws;
            a_.bws_label = label.empty() ? "bws_cat " + std::to_string(bws) : label;
            a_.bws_text = unit;
            a_.bws_layer = s.id;
        }
    }

    void raster(const LayerOutcome& o) {
        const LayerSpec& s = *o.spec;
        const RasterMeasurement& m = *o.raster();
        Evidence ev = layer_head(s);
        LayerInterface summary = interface_head(s);
        std::optional<long long> at_site;
        if (m.value_at_site) at_site = std::llround(*m.value_at_site);
        a_.areal_layers = true;
        if (m.value_at_site || std::any_of(m.buffers.begin(), m.buffers.end(),
                                           [](const RasterBufferStats& b) { return b.valid_share > 0; }))
            a_.areal_data = true;
        auto class_of = [&](long long v) -> const ClassInfo* {
            auto it = s.classes.find(v);
            return it == s.classes.end() ? nullptr : &it->second;
        };
        summary.value_at_site = m.value_at_site;
        // A land-cover layer: its classes say which are natural (and which cropland, cn_cropland).
        const bool has_zones = std::any_of(s.classes.begin(), s.classes.end(), [](const auto& c) {
            return c.second.zone == "natural" || c.second.zone == "cropland";
        });
        const int bi =
            nearest_radius(m.buffers, p_.land_cover.radius_m, [](const RasterBufferStats& b) { return b.radius_m; });
        const RasterBufferStats* buf = (bi >= 0 && m.buffers[bi].valid_share > 0) ? &m.buffers[bi] : nullptr;

        if (s.categorical && has_zones) {
            // Ecosystem integrity from land cover: share of natural classes around the site.
            const ClassInfo* c = at_site ? class_of(*at_site) : nullptr;
            std::optional<double> share;
            if (buf) {
                double sh = 0;
                for (const auto& [value, frac] : buf->class_shares)
                    if (const ClassInfo* ci = class_of(value); ci && ci->zone == "natural") sh += frac;
                share = sh;
            }
            if (!c && !share) {
                if (!light_) a_.interface.push_back(std::move(summary));
                add_evidence(s, std::move(ev), CriterionStatus::NotAssessed, std::nullopt,
                             tr().text("assess.evidence.no_cell_around"));
                return;
            }
            const bool natural_here = c && c->zone == "natural";
            const double thr = p_.land_cover.natural_share_threshold;
            const rules::Band band = p_.land_cover.band(share, natural_here);
            const bool met = band.met;
            const Rating exposure = band.exposure;
            const std::string cls = c ? c->label_for(tr().lang()) : (at_site ? std::to_string(*at_site) : "no data");
            ev.value_at_site = at_site ? class_cell(*at_site) : CellValue{};
            ev.class_at_site = cls;
            if (c) ev.zone_at_site = c->zone;
            if (buf) {
                ev.radius_m = buf->radius_m;
                ev.natural_share = round3(*share);
            }
            summary.class_at_site = cls;
            if (share) summary.natural_share = round3(*share);
            if (!light_) a_.interface.push_back(std::move(summary));
            // A coarse grid's class is the class of a cell kilometres wide: say how coarse.
            const std::string res = s.resolution.empty() ? ""
                                                         : tr().format("assess.evidence.resolution",
                                                                       {{"resolution", s.resolution_for(tr().lang())}});
            if (!s.resolution.empty()) ev.resolution = s.resolution_for(tr().lang());
            std::string why = tr().format("assess.evidence.land_cover", {{"resolution", res}, {"class", cls}}) +
                              (natural_here ? tr().text("assess.evidence.natural") : "");
            if (share)
                why += tr().format("assess.evidence.natural_share",
                                   {{"share", fmt_share(*share)},
                                    {"radius", fmt_distance(buf->radius_m)},
                                    {"threshold", *share >= thr ? fmt::format(" >= {}", fmt_share(thr)) : ""},
                                    {"resolution", res}});
            add_evidence(s, std::move(ev), met ? CriterionStatus::Met : CriterionStatus::NotMet, exposure,
                         rated_why(s, why, band), std::nullopt,
                         tr().format("assess.evidence.natural_land_cover", {{"class", cls}}));
            if (c) class_rules(s, *at_site, *c);
            if (s.criterion == Criterion::EcosystemIntegrity) {
                a_.natural_at_site = natural_here;
                if (share) {
                    a_.natural_share = share;
                    a_.natural_radius_m = buf->radius_m;
                }
                a_.natural_met = a_.natural_met || met;
            }
            return;
        }
        if (s.categorical && s.theme == "water_stress") {
            if (!at_site) {
                if (!light_) a_.interface.push_back(std::move(summary));
                add_evidence(s, std::move(ev), CriterionStatus::NotAssessed, std::nullopt,
                             tr().text("assess.evidence.no_cell"));
                return;
            }
            FeatureRef f;
            f.category = std::to_string(*at_site);
            if (const ClassInfo* ci = class_of(*at_site)) f.zone = ci->zone;
            if (water_nodata(static_cast<int>(*at_site), f.zone)) {
                if (!light_) a_.interface.push_back(std::move(summary));
                add_evidence(s, std::move(ev), CriterionStatus::NotAssessed, std::nullopt,
                             tr().text("assess.evidence.site_no_category"));
                return;
            }
            water_finding(s, static_cast<int>(*at_site), f, ev, summary);
            return;
        }
        if (s.categorical) {
            const ClassInfo* c = at_site ? class_of(*at_site) : nullptr;
            if (!at_site) {
                if (!light_) a_.interface.push_back(std::move(summary));
                add_evidence(s, std::move(ev), CriterionStatus::NotAssessed, std::nullopt,
                             tr().text("assess.evidence.no_cell"));
                return;
            }
            const std::string cls = c ? c->label_for(tr().lang()) : std::to_string(*at_site);
            ev.value_at_site = class_cell(*at_site);
            ev.class_at_site = cls;
            summary.class_at_site = cls;
            if (!light_) a_.interface.push_back(std::move(summary));
            if (!c || !c->severity) {
                add_evidence(s, std::move(ev), CriterionStatus::NotAssessed, std::nullopt,
                             tr().format("assess.evidence.no_severity", {{"class", cls}}));
                return;
            }
            const bool met = *c->severity >= p_.other_layers.raster_min_severity;
            if (!s.resolution.empty()) ev.resolution = s.resolution_for(tr().lang());
            add_evidence(
                s, std::move(ev), met ? CriterionStatus::Met : CriterionStatus::NotMet,
                met ? Rating::High : Rating::Low,
                tr().format("assess.evidence.class_at_site",
                            {{"resolution", s.resolution.empty()
                                                ? std::string()
                                                : tr().format("assess.evidence.resolution",
                                                              {{"resolution", s.resolution_for(tr().lang())}})},
                             {"class", cls},
                             {"severity", std::to_string(*c->severity)},
                             {"threshold", met ? fmt::format(" >= {}", p_.other_layers.raster_min_severity) : ""},
                             {"demo", demo_tag(s)}}));
            return;
        }
        // Continuous raster: rated only when the profile gives a threshold for its theme.
        if (!light_) a_.interface.push_back(std::move(summary));
        auto t = p_.other_layers.continuous_min.find(s.theme);
        if (!m.value_at_site) {
            add_evidence(s, std::move(ev), CriterionStatus::NotAssessed, std::nullopt,
                         tr().text("assess.evidence.no_cell"));
            return;
        }
        ev.value_at_site = CellValue{CellValue::Kind::Value, 0, *m.value_at_site};
        if (t == p_.other_layers.continuous_min.end()) {
            add_evidence(s, std::move(ev), CriterionStatus::NotAssessed, std::nullopt,
                         tr().format("assess.evidence.no_threshold", {{"theme", s.theme}}));
            return;
        }
        const bool met = *m.value_at_site >= t->second;
        add_evidence(s, std::move(ev), met ? CriterionStatus::Met : CriterionStatus::NotMet,
                     met ? Rating::High : Rating::Low,
                     tr().format("assess.evidence.value_at_site", {{"value", fmt::format("{}", *m.value_at_site)},
                                                                   {"relation", met ? ">=" : "<"},
                                                                   {"threshold", fmt::format("{}", t->second)},
                                                                   {"demo", demo_tag(s)}}));
    }

    void drivers() {
        for (const auto& ds : p_.drivers) {
            DriverEval e;
            e.driver = ds.driver;
            e.profile_materiality = e.materiality = ds.materiality;
            if (!ds.source.empty()) e.why.push_back(profile_text(ds.source, ds.source_in, tr().lang()));
            adjust_materiality(e);
            e.location_dependent = !ds.receptors.empty();
            if (e.materiality == Materiality::None) {
                e.rating_why = tr().text("assess.evidence.not_material");
            } else if (!e.location_dependent) {
                e.rating_why = tr().format(
                    "assess.evidence.location_independent",
                    {{"materiality", tr().text(std::string("assess.materiality.") + to_string(e.materiality))}});
            } else {
                const auto& row = p_.rating.matrix.at(e.materiality);
                for (Criterion c : ds.receptors) {
                    const CriterionState& st = a_.criteria[criterion_index(c)];
                    DriverPair pair;
                    pair.driver = e.driver;
                    pair.receptor = c;
                    pair.materiality = e.materiality;
                    if (!st.exposure) {
                        pair.trace =
                            tr().format("assess.evidence.no_layer_for",
                                        {{"criterion", tr().text(std::string("assess.criterion.") + to_string(c))}});
                        e.pairs.push_back(std::move(pair));
                        continue;
                    }
                    const Rating rating = row[static_cast<int>(*st.exposure)];
                    const std::string trace = tr().format(
                        "assess.evidence.trace",
                        {{"materiality", tr().text(std::string("assess.materiality.") + to_string(e.materiality))},
                         {"exposure", rating_word(*st.exposure)},
                         {"why", st.exposure_why},
                         {"rating", rating_word(rating)}});
                    pair.exposure = st.exposure;
                    pair.rating = rating;
                    pair.trace = trace;
                    e.pairs.push_back(std::move(pair));
                    if (!e.rating || rating > *e.rating) {
                        e.rating = rating;
                        e.rating_why = trace;
                        e.rating_features = st.exposure_what;
                        e.rating_layer = st.exposure_layer;
                        e.rating_inside = st.exposure_inside;
                        e.rating_near = st.exposure_near;
                        e.rating_within_m = st.exposure_within_m;
                    }
                }
                if (!e.rating) e.rating_why = tr().text("assess.evidence.no_receptor");
            }
            if (e.rating && e.location_dependent) {
                const Level l = p_.rating.verdict_from_rating[static_cast<int>(*e.rating)];
                if (l > Level::Low) {
                    Fired x;
                    x.rule = std::string("rating.") + to_string(e.driver);
                    x.level = l;
                    x.layer = e.rating_layer;
                    x.inside_index = e.rating_inside;
                    x.near_index = e.rating_near;
                    x.near_within_m = e.rating_within_m;
                    x.features_text = e.rating_features;
                    x.reason = tr().format("assess.evidence.driver_rated",
                                           {{"driver", tr().text(std::string("assess.driver.") + to_string(e.driver))},
                                            {"rating", rating_word(*e.rating)},
                                            {"why", e.rating_why}});
                    a_.fired.push_back(std::move(x));
                }
            }
            if (e.driver == Driver::WaterUse) water_floor(e);
            a_.drivers.push_back(std::move(e));
        }
    }

    // A large withdrawal in an arid or high-stress basin is never low, whatever the rating
    // matrix gives (an arid unit's exposure is only medium): at least medium, with the water step.
    void water_floor(const DriverEval& e) {
        const auto& large = p_.figures.large_withdrawal_m3_per_year;
        if (e.materiality == Materiality::None || !f_.withdrawal_m3 || !large || *f_.withdrawal_m3 < *large) return;
        const bool stressed = a_.bws && *a_.bws >= p_.water_stress.high_bws_cat;
        if (!a_.arid && !stressed) return;
        a_.dry_large_withdrawal = true;
        const Level from_rating = e.rating ? p_.rating.verdict_from_rating[static_cast<int>(*e.rating)] : Level::Low;
        if (from_rating >= Level::Medium) return;
        Fired x;
        x.rule = "water_use.large_withdrawal_scarce_water";
        x.level = Level::Medium;
        x.layer = a_.bws_layer;
        x.features_text = a_.bws_text;
        x.reason = tr().format("assess.evidence.scarce_water",
                               {{"withdrawal", fmt_thousands(*f_.withdrawal_m3)},
                                {"from", f_.withdrawal_from},
                                {"large", fmt_thousands(*large)},
                                {"unit", a_.bws_text},
                                {"label", a_.arid ? tr().text("assess.evidence.arid_label") : a_.bws_label}});
        a_.fired.push_back(std::move(x));
    }

    void adjust_materiality(DriverEval& e) const {
        if (e.materiality == Materiality::None) return;
        const auto& fg = p_.figures;
        if (e.driver == Driver::WaterUse && f_.withdrawal_m3) {
            if (fg.large_withdrawal_m3_per_year && *f_.withdrawal_m3 >= *fg.large_withdrawal_m3_per_year) {
                e.materiality = Materiality::High;
                e.why.push_back(tr().format("assess.evidence.withdrawal_large",
                                            {{"withdrawal", fmt_thousands(*f_.withdrawal_m3)},
                                             {"from", f_.withdrawal_from},
                                             {"limit", fmt_thousands(*fg.large_withdrawal_m3_per_year)}}));
            } else if (fg.small_withdrawal_m3_per_year && *f_.withdrawal_m3 <= *fg.small_withdrawal_m3_per_year) {
                e.materiality = Materiality::Low;
                e.why.push_back(tr().format("assess.evidence.withdrawal_small",
                                            {{"withdrawal", fmt_thousands(*f_.withdrawal_m3)},
                                             {"from", f_.withdrawal_from},
                                             {"limit", fmt_thousands(*fg.small_withdrawal_m3_per_year)}}));
            } else {
                e.why.push_back(
                    tr().format("assess.evidence.withdrawal_kept",
                                {{"withdrawal", fmt_thousands(*f_.withdrawal_m3)}, {"from", f_.withdrawal_from}}));
            }
        }
        if (e.driver == Driver::LandUseChange && f_.footprint_ha && fg.large_footprint_ha &&
            *f_.footprint_ha >= *fg.large_footprint_ha && e.materiality < Materiality::High) {
            e.materiality = static_cast<Materiality>(static_cast<int>(e.materiality) + 1);
            e.why.push_back(tr().format(
                "assess.evidence.footprint_large",
                {{"footprint", fmt::format("{:.1f}", *f_.footprint_ha)},
                 {"from", f_.footprint_from},
                 {"limit", fmt::format("{}", *fg.large_footprint_ha)},
                 {"materiality", tr().text(std::string("assess.materiality.") + to_string(e.materiality))}}));
        }
    }

    const Profile& p_;
    const SiteFigures& f_;
    const std::set<std::string>* only_;
    bool light_;
    rules::SiteFacts facts_;
    struct ThemeSeen {
        const LayerSpec* layer;
        bool inside;
    };
    std::map<std::string, ThemeSeen> themes_;
    Analysis a_;
};

}  // namespace

Analysis analyse(const SiteResult& r, const Profile& p, const SiteFigures& f, const std::set<std::string>* only,
                 bool light) {
    return Analyser(p, f, only, light).run(r);
}

// The most serious level a layer can produce under a profile, for the avoidance search's layer list.
Level layer_potential(const LayerSpec& s, const Profile& p, const Analysis& a) {
    if (s.criterion == Criterion::Context) return Level::Low;
    Level pot = Level::Low;
    auto rule = p.inside.find(s.theme);
    if (rule != p.inside.end()) {
        pot = std::max(pot, rule->second.level);
        for (const auto& [z, l] : rule->second.zone_levels) pot = std::max(pot, l);
    }
    for (const auto& named : p.rules)
        if (named->judges(s.theme)) pot = std::max(pot, named->potential());
    for (const auto& d : a.drivers) {
        if (!d.location_dependent || d.materiality == Materiality::None) continue;
        const DriverSpec* ds = p.driver(d.driver);
        if (!ds || std::find(ds->receptors.begin(), ds->receptors.end(), s.criterion) == ds->receptors.end()) continue;
        const Rating worst = p.rating.matrix.at(d.materiality)[static_cast<int>(Rating::VeryHigh)];
        pot = std::max(pot, p.rating.verdict_from_rating[static_cast<int>(worst)]);
    }
    return pot;
}

}  // namespace assess_kit

}  // namespace sitescreen
