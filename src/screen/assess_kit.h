// Internal to src/screen/: what the assessment's parts share (assess.h is the interface). A site's
// findings (Analysis), read by analysis.cpp from its measurements, by avoidance_search.cpp for the
// alternatives and by assess_json.cpp for the record's locate, evaluate, verdict and mitigation.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "screen/assess.h"
#include "core/rounding.h"
#include "screen/rules/rule.h"

namespace sitescreen::assess_kit {

inline int criterion_index(Criterion c) {
    for (std::size_t i = 0; i < kTnfdCriteria.size(); ++i)
        if (kTnfdCriteria[i] == c) return static_cast<int>(i);
    return -1;
}

inline std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// The index of the element of `xs` whose radius (`radius_of`) is nearest `want` (the first of
// equals), or -1: the buffer the land-cover rule rates, of a measurement's buffers or of a site's
// radii.
template <class T, class RadiusOf>
int nearest_radius(const std::vector<T>& xs, double want, RadiusOf radius_of) {
    int best = -1;
    for (std::size_t i = 0; i < xs.size(); ++i)
        if (best < 0 || std::fabs(radius_of(xs[i]) - want) < std::fabs(radius_of(xs[best]) - want))
            best = static_cast<int>(i);
    return best;
}

// "linear infrastructure" / "Linear-Infrastructure" -> "linear_infrastructure"
inline std::string normalise_category(const std::string& s) {
    std::string out;
    for (char c : trim(s)) {
        if (c == ' ' || c == '-')
            out += '_';
        else
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

inline std::string fmt_distance(double m) {
    if (m < 1000) return fmt::format("{:.0f} m", m);
    return fmt::format("{:.1f} km", m / 1000.0);
}

inline std::string fmt_share(double s) { return fmt::format("{:.0f} %", s * 100.0); }

// The language of the texts this file writes into the record (reasons, mitigation, the
// alternative): Assessor::assess opens an i18n::Scope for the site.
inline const i18n::Catalog& tr() { return i18n::current(); }

inline std::string theme_noun(const std::string& theme) {
    std::string s = theme;
    std::replace(s.begin(), s.end(), '_', ' ');
    return tr().text_or("theme." + theme, s.empty() ? tr().text("assess.feature") : s);
}

// A level, rating or outcome inside a sentence: the enum value itself in English.
inline std::string level_word(Level l) { return tr().text(std::string("assess.level.") + to_string(l)); }
inline std::string rating_word(Rating r) { return tr().text(std::string("assess.rating.") + to_string(r)); }

// A number from a site attribute: numbers as such, text as typed in spreadsheets
// ("1,500,000", " 2.9 "). Problems go to `notes`.
inline std::optional<double> attr_number(const Json& attrs, const std::string& name, std::vector<std::string>& notes) {
    if (name.empty() || !attrs.is_object() || !attrs.contains(name)) return std::nullopt;
    const Json& v = attrs.at(name);
    if (v.is_number()) {
        const double d = v.get<double>();
        if (std::isfinite(d)) return d;
        return std::nullopt;
    }
    if (!v.is_string()) return std::nullopt;
    std::string t;
    for (char c : trim(v.get<std::string>()))
        if (c != ',' && c != '_' && c != ' ') t += c;
    if (t.empty()) return std::nullopt;
    try {
        std::size_t used = 0;
        const double d = std::stod(t, &used);
        if (used == t.size() && std::isfinite(d)) return d;
    } catch (const std::exception&) {
    }
    notes.push_back("attribute '" + name + "' = '" + v.get<std::string>() + "' is not a number: ignored");
    return std::nullopt;
}

inline std::string attr_text(const Json& attrs, const std::string& name) {
    if (name.empty() || !attrs.is_object() || !attrs.contains(name)) return "";
    const Json& v = attrs.at(name);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

inline std::string fill(std::string text, const std::map<std::string, std::string>& vars) {
    for (const auto& [k, v] : vars) {
        const std::string ph = "{" + k + "}";
        for (std::size_t pos = text.find(ph); pos != std::string::npos; pos = text.find(ph, pos + v.size()))
            text.replace(pos, ph.size(), v);
    }
    return text;
}

// ------------------------------------------------------------------ figures

// ------------------------------------------------------------------ findings

struct FeatureRef {
    std::string id, name, category, zone, label;
    std::optional<int> severity;
    std::optional<std::uint32_t> index;  // in the layer's features()
};

struct Fired {
    std::string rule;
    Level level = Level::Low;
    std::string reason;  // without the level prefix
    std::string layer;   // "" for rules not tied to a layer
    FeatureRef feature;
    std::string mitigation;  // mitigation key, "" for none
    std::string condition;
    std::string features_text;  // what to move out of / away from
    // The feature of `layer` the site is inside when that alone makes the rule fire (the
    // avoidance search prunes around it).
    std::optional<std::uint32_t> inside_index;
    // The feature of `layer` the site is near when being within `near_within_m` of it alone makes
    // the rule fire (a proximity band): the avoidance search blocks that band around it.
    std::optional<std::uint32_t> near_index;
    double near_within_m = 0;
    // Named rules (rules.apply) only: the set, the clause's outcome, its citation and conditions.
    std::optional<rules::RuleSet> set;
    rules::Outcome outcome = rules::Outcome::Forbidden;
    rules::Citation cite;
    std::vector<std::string> conditions;
    bool conservative = false;
};

struct CriterionState {
    bool assessed = false;
    bool met = false;
    std::optional<Rating> exposure;
    std::string exposure_why;
    std::string exposure_what;                     // ... the feature or class behind it, for texts
    std::string exposure_layer;                    // the layer behind the highest exposure
    std::optional<std::uint32_t> exposure_inside;  // ... and the feature, when inside one
    std::optional<std::uint32_t> exposure_near;    // ... or the feature whose band it is in,
    double exposure_within_m = 0;                  // ... and the band's outer distance
    std::vector<Evidence> evidence;
};

struct NearFeature {
    std::string text;
    double distance_m = 0;
};

// A driver as the analysis rates it: Locate's L2 entry (the base, copied into Locate) and what
// E2, E4 and the rules need.
struct DriverEval : DriverMateriality {
    std::vector<DriverPair> pairs;
    std::optional<Rating> rating;
    std::string rating_why;
    std::string rating_features;  // the features behind the highest pair, for texts
    std::string rating_layer;
    std::optional<std::uint32_t> rating_inside;
    std::optional<std::uint32_t> rating_near;
    double rating_within_m = 0;
};

struct Analysis {
    std::array<CriterionState, 5> criteria;
    std::vector<Fired> fired;
    std::vector<LayerInterface> interface;
    std::vector<ContextLayer> context;
    std::vector<NearFeature> near;            // biodiversity features within the high band, not inside
    std::vector<NearFeature> sensitive_near;  // ... beyond it but within sensitive_within_m (TNFD L4 met)
    std::vector<NearFeature> moderate;        // ... within the moderate band (pollution receptors)
    std::vector<NearFeature> inside_bio;
    std::optional<double> nearest_bio_m;
    std::string nearest_bio_text;
    std::optional<int> bws;
    bool arid = false;                  // an Aqueduct "arid and low water use" unit at the site
    bool dry_large_withdrawal = false;  // large withdrawal where water is scarce: never low
    std::string bws_label, bws_text, bws_layer;
    std::optional<double> natural_share;
    double natural_radius_m = 0;
    std::optional<bool> natural_at_site;
    bool natural_met = false;
    // Coverage: can the screen say anything here? (docs/leap.md, "not covered")
    bool areal_layers = false;    // the catalog has rasters or water-stress units
    bool areal_data = false;      // ... and one of them has data at the site
    bool feature_nearby = false;  // a non-context feature within the species screen distance
    std::vector<DriverEval> drivers;
    rules::Jurisdiction jurisdiction = rules::Jurisdiction::Unknown;
    Level level = Level::Low;
    bool covered() const { return !areal_layers || areal_data || feature_nearby || !fired.empty(); }
};

// The findings of a site under a profile (analysis.cpp). `only`: the layers to look at (all when
// null); `light`: only what the verdict needs (the avoidance search evaluates thousands of positions).
Analysis analyse(const SiteResult& r, const Profile& p, const SiteFigures& f,
                 const std::set<std::string>* only = nullptr, bool light = false);

// The most serious level a layer can produce under a profile, for the avoidance search's layer list.
Level layer_potential(const LayerSpec& s, const Profile& p, const Analysis& a);

// ------------------------------------------------------------------ avoidance search

struct SearchResult {
    AlternativeSearch search;
    std::string text;  // for the {alternative} placeholder
};

// The search for the nearest locations that clear the site's findings (avoidance_search.cpp).
SearchResult search_alternatives(const SiteResult& r, const Profile& p, const SiteFigures& f, const Analysis& a,
                                 const LayerSet& layers, Screener& screener);

// ------------------------------------------------------------------ the record's parts (assess_json.cpp)

// Locate but for the activity and the ecosystems; moves a.context, a.interface and each
// criterion's evidence out of `a`.
Locate locate_of(const SiteResult& r, const Profile& p, bool fallback, Analysis& a);
// Locate L4, in kTnfdCriteria order; moves each criterion's evidence out of `a`.
std::vector<CriterionFinding> criteria_findings(Analysis& a);
// Evaluate E3: the site's figures and what Locate measured that E3 reports.
EvaluateFigures evaluate_figures(const Analysis& a, const SiteFigures& f);
// Evaluate E2: the drivers' pairs, in the profile's order; moves them out of `a`.
std::vector<DriverPair> driver_pairs(Analysis& a);
// Evaluate E4 without its factors (add_e4_factors adds them).
RiskRatings risk_ratings(const Analysis& a, const Profile& p);
Verdict make_verdict(const Analysis& a, const Profile& p, bool fallback, const std::string& site_type);
std::vector<MitigationStep> mitigation_steps(const Analysis& a, const Profile& p, const SiteFigures& f,
                                             const SearchResult* search);

}  // namespace sitescreen::assess_kit
