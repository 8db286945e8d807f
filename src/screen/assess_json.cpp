// The record's locate, evaluate, verdict and mitigation parts, built from a site's findings.
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

std::vector<CriterionFinding> criteria_findings(Analysis& a) {
    std::vector<CriterionFinding> out;
    out.reserve(kTnfdCriteria.size());
    for (std::size_t i = 0; i < kTnfdCriteria.size(); ++i) {
        CriterionState& st = a.criteria[i];
        CriterionFinding c;
        c.criterion = kTnfdCriteria[i];
        c.status = st.met ? CriterionStatus::Met : st.assessed ? CriterionStatus::NotMet : CriterionStatus::NotAssessed;
        c.exposure = st.exposure;
        c.evidence = std::move(st.evidence);
        if (c.evidence.empty()) c.why = tr().text("assess.evidence.no_layer_for_criterion");
        out.push_back(std::move(c));
    }
    return out;
}

// Moves a.context, a.interface and the criteria's evidence into Locate (nothing after reads them).
Locate locate_of(const SiteResult& r, const Profile& p, bool fallback, Analysis& a) {
    Locate l;
    l.profile = {p.type, p.file, fallback};
    l.site_type = r.site.type;
    l.value_chain = p.value_chain;
    l.title = profile_text(p.title, p.title_in, tr().lang());
    for (const DriverEval& d : a.drivers) l.drivers.push_back(d);  // its L2 part
    l.context = std::move(a.context);
    l.layers = std::move(a.interface);
    l.criteria = criteria_findings(a);
    return l;
}

EvaluateFigures evaluate_figures(const Analysis& a, const SiteFigures& f) {
    EvaluateFigures e;
    e.site = f;
    e.nearest_biodiversity_m = a.nearest_bio_m;
    e.nearest_biodiversity_feature = a.nearest_bio_text;
    e.bws_cat = a.bws;
    e.natural_share = a.natural_share;
    e.natural_share_radius_m = a.natural_radius_m;
    return e;
}

std::vector<DriverPair> driver_pairs(Analysis& a) {
    std::vector<DriverPair> out;
    for (DriverEval& d : a.drivers)
        for (DriverPair& pr : d.pairs) out.push_back(std::move(pr));
    return out;
}

RiskRatings risk_ratings(const Analysis& a, const Profile& p) {
    RiskRatings r;
    for (const auto& d : a.drivers) {
        DriverRating e;
        e.driver = d.driver;
        e.materiality = d.materiality;
        e.rating = d.rating;
        e.trace = d.rating_why;
        if (d.rating && d.location_dependent) {
            e.verdict_level = p.rating.verdict_from_rating[static_cast<int>(*d.rating)];
            if (!r.highest || *d.rating > *r.highest) r.highest = d.rating;
        }
        r.drivers.push_back(std::move(e));
    }
    if (r.highest) r.verdict_from_rating = p.rating.verdict_from_rating[static_cast<int>(*r.highest)];
    return r;
}

Verdict make_verdict(const Analysis& a, const Profile& p, bool fallback, const std::string& site_type) {
    std::vector<const Fired*> order;
    for (const auto& f : a.fired) order.push_back(&f);
    std::stable_sort(order.begin(), order.end(), [](const Fired* x, const Fired* y) { return x->level > y->level; });
    Verdict v;
    std::set<std::string> seen_rules, seen_conditions;
    for (const Fired* f : order) {
        v.reasons.push_back(tr().format("assess.reason", {{"level", level_word(f->level)}, {"reason", f->reason}}));
        if (seen_rules.insert(f->rule).second) v.rules_fired.push_back(f->rule);
        if (f->level < Level::NoGo) {
            if (!f->conditions.empty()) {
                for (const auto& c : f->conditions)
                    if (seen_conditions.insert(c).second) v.conditions.push_back(c);
            } else if (!f->condition.empty() && seen_conditions.insert(f->condition).second) {
                v.conditions.push_back(f->condition);
            }
        }
        if (f->set) {
            if (std::find(v.rule_sets.begin(), v.rule_sets.end(), *f->set) == v.rule_sets.end())
                v.rule_sets.push_back(*f->set);
            v.findings.push_back(Finding{f->rule, *f->set, f->outcome, f->level, f->layer, f->features_text, f->cite,
                                         f->conditions, f->conservative});
        }
    }
    std::sort(v.rule_sets.begin(), v.rule_sets.end());
    v.covered = a.covered();
    if (!v.covered) {
        v.reasons.push_back(
            tr().format("assess.not_covered", {{"distance", fmt_distance(p.proximity.species_screen_m)}}));
    } else if (order.empty()) {
        std::optional<Rating> highest;
        for (const auto& d : a.drivers)
            if (d.rating && d.location_dependent && (!highest || *d.rating > *highest)) highest = d.rating;
        v.reasons.push_back(tr().format(
            "assess.low_no_rule", {{"rating", highest ? rating_word(*highest) : tr().text("assess.not_assessed")}}));
    }
    if (fallback) v.reasons.push_back(tr().format("assess.fallback", {{"type", site_type}, {"profile", p.type}}));
    // Coverage: the criteria the profile's material drivers are rated against (all five when none
    // says). A low verdict says how many of them were assessed (docs/leap.md, "coverage").
    std::set<Criterion> needed;
    for (const auto& d : p.drivers)
        if (d.materiality != Materiality::None) needed.insert(d.receptors.begin(), d.receptors.end());
    if (needed.empty()) needed.insert(kTnfdCriteria.begin(), kTnfdCriteria.end());
    CriteriaCoverage& cov = v.coverage;
    for (Criterion c : kTnfdCriteria) {
        if (!needed.count(c)) continue;
        if (a.criteria[criterion_index(c)].assessed)
            ++cov.assessed;
        else
            cov.not_assessed.push_back(c);
    }
    cov.needed = static_cast<int>(needed.size());
    v.level = a.level;
    if (v.covered && a.level == Level::Low && !cov.complete()) {
        std::string missing_text;  // the criteria's names for people (the record's not_assessed keeps the keys)
        for (Criterion c : cov.not_assessed) {
            const std::string key = to_string(c);
            missing_text += (missing_text.empty() ? "" : tr().text("assess.list_sep")) +
                            tr().text_or("assess.criterion." + key, key);
        }
        v.reasons.push_back(tr().format("assess.coverage", {{"assessed", std::to_string(cov.assessed)},
                                                            {"needed", std::to_string(cov.needed)},
                                                            {"missing", missing_text}}));
    }
    if (a.jurisdiction == rules::Jurisdiction::Unknown && !p.rules.empty())
        v.reasons.push_back(tr().text("assess.no_jurisdiction"));
    v.profile = p.type;
    v.jurisdiction = a.jurisdiction;
    return v;
}

namespace {

std::string join_texts(const std::vector<std::string>& v, std::size_t max = 3) {
    std::string out;
    std::vector<std::string> uniq;
    for (const auto& s : v)
        if (std::find(uniq.begin(), uniq.end(), s) == uniq.end()) uniq.push_back(s);
    for (std::size_t i = 0; i < uniq.size() && i < max; ++i) {
        if (i > 0) out += tr().text(i + 1 == std::min(uniq.size(), max) ? "assess.list_and" : "assess.list_sep");
        out += uniq[i];
    }
    if (uniq.size() > max) out += tr().format("assess.list_more", {{"count", std::to_string(uniq.size() - max)}});
    return out;
}

}  // namespace

std::vector<MitigationStep> mitigation_steps(const Analysis& a, const Profile& p, const SiteFigures& f,
                                             const SearchResult* search) {
    struct Item {
        std::string key, action, because;
    };
    std::vector<Item> items;
    std::map<std::string, std::string> base = {
        {"bws_cat", a.bws ? std::to_string(*a.bws) : tr().text("assess.unknown")},
        {"bws_label", a.bws_label.empty() ? tr().text("assess.unknown") : a.bws_label},
        {"withdrawal_m3",
         f.withdrawal_m3 ? fmt_thousands(*f.withdrawal_m3) : tr().text("assess.withdrawal_not_estimated")},
        {"natural_share", a.natural_share ? fmt_share(*a.natural_share) : tr().text("assess.unknown_share")},
        {"radius_m", fmt::format("{:.0f}", a.natural_share ? a.natural_radius_m : p.land_cover.radius_m)},
        {"setback_m", fmt::format("{:.0f}", p.proximity.high_within_m)},
        {"alternative", ""},
        {"features", ""},
        {"distance_m", ""},
        {"condition", ""}};
    auto add = [&](const std::string& key, std::map<std::string, std::string> vars, const std::string& because) {
        for (const auto& [k, v] : base) vars.emplace(k, v);
        const MitigationText& m = p.mitigation.at(key);
        const auto translated = m.action_in.find(i18n::to_string(tr().lang()));
        items.push_back({key, fill(translated != m.action_in.end() ? translated->second : m.action, vars), because});
    };

    // avoid: no-go findings, one step naming them all, with the alternative.
    std::vector<std::string> nogo_features, nogo_reasons;
    for (const auto& x : a.fired)
        if (x.mitigation == "relocate") {
            nogo_features.push_back(x.features_text);
            nogo_reasons.push_back(x.reason);
        }
    if (!nogo_features.empty()) {
        add("relocate", {{"features", join_texts(nogo_features)}, {"alternative", search ? search->text : ""}},
            join_texts(nogo_reasons, 10));
    } else if (a.level == Level::High && search && search->search.found()) {
        std::vector<std::string> high_features, high_reasons;
        for (const auto& x : a.fired)
            if (x.level == Level::High) {
                high_features.push_back(x.features_text);
                high_reasons.push_back(x.reason);
            }
        add("move", {{"features", join_texts(high_features)}, {"alternative", search->text}},
            join_texts(high_reasons, 10));
    }
    bool habitat_stays = false;
    // One permit / conditional step per feature (several rules may judge the same feature: the
    // China and the international set), with every condition; none for a feature already no-go.
    std::vector<std::pair<std::string, std::string>> seen_steps;  // (trigger, feature)
    for (const auto& x : a.fired) {
        if (x.mitigation != "permit" && x.mitigation != "conditional") continue;
        if (std::find(nogo_features.begin(), nogo_features.end(), x.features_text) != nogo_features.end()) continue;
        const auto key = std::make_pair(x.mitigation, x.features_text);
        if (std::find(seen_steps.begin(), seen_steps.end(), key) != seen_steps.end()) continue;
        seen_steps.push_back(key);
        std::string condition, because;
        for (const auto& y : a.fired)
            if (y.mitigation == x.mitigation && y.features_text == x.features_text) {
                if (!y.condition.empty()) condition += (condition.empty() ? "" : "; ") + y.condition;
                because += (because.empty() ? "" : " | ") + y.reason;
            }
        add(x.mitigation, {{"features", x.features_text}, {"condition", condition}}, because);
        habitat_stays = true;
    }
    const DriverEval* luc = nullptr;
    const DriverEval* pol = nullptr;
    const DriverEval* wat = nullptr;
    for (const auto& d : a.drivers) {
        if (d.driver == Driver::LandUseChange) luc = &d;
        if (d.driver == Driver::Pollution) pol = &d;
        if (d.driver == Driver::WaterUse) wat = &d;
    }
    const bool natural = a.natural_met && luc && luc->materiality != Materiality::None;
    if (natural)
        add("natural_land", {},
            tr().format("assess.because.natural_land",
                        {{"why", a.criteria[criterion_index(Criterion::EcosystemIntegrity)].exposure_why}}));

    // minimise
    const bool bio_driver =
        (luc && luc->materiality != Materiality::None) || (pol && pol->materiality != Materiality::None);
    // Every site near a biodiversity-important feature (TNFD L4 met by proximity) gets the setback
    // step, also beyond the site type's high band.
    std::vector<NearFeature> close = a.near;
    close.insert(close.end(), a.sensitive_near.begin(), a.sensitive_near.end());
    if (!close.empty() && bio_driver) {
        std::vector<std::string> texts;
        double dmin = close.front().distance_m;
        for (const auto& n : close) {
            texts.push_back(n.text);
            dmin = std::min(dmin, n.distance_m);
        }
        const double band = a.near.empty() ? p.proximity.sensitive_within_m : p.proximity.high_within_m;
        add("setback", {{"features", join_texts(texts)}, {"distance_m", fmt::format("{:.0f}", dmin)}},
            tr().format(
                "assess.because.setback",
                {{"band", fmt_distance(band)}, {"features", join_texts(texts)}, {"distance", fmt_distance(dmin)}}));
    }
    if (pol && pol->rating && *pol->rating >= Rating::High) {
        std::vector<std::string> texts;
        for (const auto& n : a.inside_bio) texts.push_back(n.text);
        for (const auto& n : a.moderate) texts.push_back(n.text);
        add("pollution_control",
            {{"features", texts.empty() ? tr().text("assess.nearby_habitats") : join_texts(texts)}},
            tr().format("assess.because.pollution", {{"rating", rating_word(*pol->rating)}, {"why", pol->rating_why}}));
    }
    if (wat && wat->materiality != Materiality::None &&
        ((wat->rating && *wat->rating >= Rating::High) || a.dry_large_withdrawal ||
         (a.bws && *a.bws >= p.water_stress.high_bws_cat && wat->materiality >= Materiality::Medium))) {
        add("water", {},
            tr().format("assess.because.water",
                        {{"rating", wat->rating ? rating_word(*wat->rating) : tr().text("assess.not_applicable")},
                         {"why", wat->rating_why}}));
    }
    // restore, offset: whatever natural habitat is taken or disturbed if the site goes ahead.
    if (natural || habitat_stays) {
        const std::string because =
            tr().text(natural ? "assess.because.residual_natural" : "assess.because.stays_inside");
        add("restore", {}, because);
        add("offset", {}, because);
    }

    std::vector<MitigationStep> out;
    for (auto& it : items)
        out.push_back({p.mitigation.at(it.key).step, std::move(it.action), std::move(it.because), std::move(it.key)});
    // In the hierarchy's order: avoid, minimise, restore, offset.
    std::stable_sort(out.begin(), out.end(),
                     [](const MitigationStep& x, const MitigationStep& y) { return x.step < y.step; });
    return out;
}

}  // namespace assess_kit

}  // namespace sitescreen
