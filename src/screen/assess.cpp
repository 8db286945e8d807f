// Locate, Evaluate, verdict, mitigation, avoidance search and portfolio roll-up for screened sites (docs/leap.md).
// Rules key on a layer's theme, criterion and category zone / severity, never on layer ids, so a
// team's own layers (WDPA, official red lines) are judged like the shipped ones.
#include "screen/assess.h"
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

namespace fs = std::filesystem;
namespace {

constexpr double kPi = 3.14159265358979323846;

int criterion_index(Criterion c) {
    for (std::size_t i = 0; i < kTnfdCriteria.size(); ++i)
        if (kTnfdCriteria[i] == c) return static_cast<int>(i);
    return -1;
}

double round1(double x) { return std::round(x * 10.0) / 10.0; }
double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// "linear infrastructure" / "Linear-Infrastructure" -> "linear_infrastructure"
std::string normalise_category(const std::string& s) {
    std::string out;
    for (char c : trim(s)) {
        if (c == ' ' || c == '-') out += '_';
        else out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string fmt_distance(double m) {
    if (m < 1000) return fmt::format("{:.0f} m", m);
    return fmt::format("{:.1f} km", m / 1000.0);
}

std::string fmt_thousands(double v) {
    std::string digits = fmt::format("{:.0f}", std::fabs(v));
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (v < 0 ? "-" : "") + out;
}

std::string fmt_share(double s) { return fmt::format("{:.0f} %", s * 100.0); }

// The language of the texts this file writes into the record (reasons, mitigation, the
// alternative): Assessor::assess opens an i18n::Scope for the site.
const i18n::Catalog& tr() { return i18n::current(); }

std::string theme_noun(const std::string& theme) {
    std::string s = theme;
    std::replace(s.begin(), s.end(), '_', ' ');
    return tr().text_or("theme." + theme, s.empty() ? tr().text("assess.feature") : s);
}

// A level, rating or outcome inside a sentence: the enum value itself in English.
std::string level_word(Level l) { return tr().text(std::string("assess.level.") + to_string(l)); }
std::string rating_word(Rating r) { return tr().text(std::string("assess.rating.") + to_string(r)); }

// A number from a site attribute: numbers as such, text as typed in spreadsheets
// ("1,500,000", " 2.9 "). Problems go to `notes`.
std::optional<double> attr_number(const Json& attrs, const std::string& name, std::vector<std::string>& notes) {
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

std::string attr_text(const Json& attrs, const std::string& name) {
    if (name.empty() || !attrs.is_object() || !attrs.contains(name)) return "";
    const Json& v = attrs.at(name);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    return v.dump();
}

std::string fill(std::string text, const std::map<std::string, std::string>& vars) {
    for (const auto& [k, v] : vars) {
        const std::string ph = "{" + k + "}";
        for (std::size_t pos = text.find(ph); pos != std::string::npos; pos = text.find(ph, pos + v.size()))
            text.replace(pos, ph.size(), v);
    }
    return text;
}

// ------------------------------------------------------------------ figures

struct SiteFigures {
    std::string project_category;  // normalised
    std::optional<double> annual_output, water_intensity, withdrawal_m3, footprint_ha, capacity_mw;
    std::string withdrawal_from;   // how withdrawal_m3 was obtained
    std::string footprint_from;
    std::vector<std::string> notes;
};

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
        f.withdrawal_from = tr().format("assess.figures.output_times_intensity",
                                        {{"output", fmt_thousands(*f.annual_output)},
                                         {"intensity", fmt::format("{}", *f.water_intensity)},
                                         {"output_attribute", p.figures.annual_output},
                                         {"intensity_attribute", p.figures.water_intensity}});
    } else if (f.annual_output && !f.water_intensity) {
        f.notes.push_back(tr().format("assess.figures.no_intensity", {{"output_attribute", p.figures.annual_output},
                                                                      {"intensity_attribute", p.figures.water_intensity}}));
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

// ------------------------------------------------------------------ findings

struct FeatureRef {
    std::string id, name, category, zone, label;
    std::optional<int> severity;
    std::optional<std::uint32_t> index;  // in the layer's features()
};

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
    if (!f.label.empty()) t += ", " + f.label;
    else if (!f.category.empty()) t += ", " + f.category;
    return t;
}

std::string demo_tag(const LayerSpec& s) { return s.provenance.demo ? tr().text("assess.demo_layer") : ""; }

struct Fired {
    std::string rule;
    Level level = Level::Low;
    std::string reason;        // without the level prefix
    std::string layer;         // "" for rules not tied to a layer
    FeatureRef feature;
    std::string mitigation;    // mitigation key, "" for none
    std::string condition;
    std::string features_text; // what to move out of / away from
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
    std::string exposure_what;                        // ... the feature or class behind it, for texts
    std::string exposure_layer;                       // the layer behind the highest exposure
    std::optional<std::uint32_t> exposure_inside;     // ... and the feature, when inside one
    std::optional<std::uint32_t> exposure_near;       // ... or the feature whose band it is in,
    double exposure_within_m = 0;                     // ... and the band's outer distance
    Json evidence = Json::array();
};

struct NearFeature {
    std::string text;
    double distance_m = 0;
};

struct DriverEval {
    Driver driver = Driver::LandUseChange;
    Materiality profile_materiality = Materiality::None;
    Materiality materiality = Materiality::None;
    std::vector<std::string> materiality_why;
    bool location_dependent = true;
    Json pairs = Json::array();
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
    Json interface = Json::array();
    Json context = Json::array();
    std::vector<NearFeature> near;      // biodiversity features within the high band, not inside
    std::vector<NearFeature> sensitive_near;  // ... beyond it but within sensitive_within_m (TNFD L4 met)
    std::vector<NearFeature> moderate;  // ... within the moderate band (pollution receptors)
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
    bool areal_layers = false;   // the catalog has rasters or water-stress units
    bool areal_data = false;     // ... and one of them has data at the site
    bool feature_nearby = false; // a non-context feature within the species screen distance
    std::vector<DriverEval> drivers;
    rules::Jurisdiction jurisdiction = rules::Jurisdiction::Unknown;
    Level level = Level::Low;
    bool covered() const { return !areal_layers || areal_data || feature_nearby || !fired.empty(); }
};

// The buffer of a measurement whose radius is nearest to `want` (index), or -1.
template <class Buffers>
int nearest_buffer(const Buffers& buffers, double want) {
    int best = -1;
    for (std::size_t i = 0; i < buffers.size(); ++i)
        if (best < 0 || std::fabs(buffers[i].radius_m - want) < std::fabs(buffers[best].radius_m - want))
            best = static_cast<int>(i);
    return best;
}

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
            if (o.vector) vector(o);
            else if (o.raster) raster(o);
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
            if (!o.spec || !o.vector || !o.vector->inside || !o.vector_layer) continue;
            if (only_ && !only_->count(o.spec->id)) continue;
            const auto& feats = o.vector_layer->features();
            const std::string& t = o.spec->theme;
            for (auto i : o.vector->inside_features) {
                if (i >= feats.size()) continue;
                if (o.spec->criterion == Criterion::Context && t == "admin") admin.push_back(feats[i].attributes);
                if (t == "protected_area" || t == "nature_reserve" || t == "national_park") {
                    const FeatureRef f = feature_ref(o, i);
                    if (f.zone == "core" || f.zone == "buffer" || f.zone == "core_protection") facts_.in_protected_core = true;
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

    void add_evidence(const LayerSpec& s, Json ev, const std::string& status, std::optional<Rating> exposure,
                      const std::string& why, std::optional<std::uint32_t> inside = std::nullopt,
                      const std::string& what = "", std::optional<std::uint32_t> near = std::nullopt,
                      double within_m = 0) {
        const int ci = criterion_index(s.criterion);
        if (ci < 0) return;
        CriterionState& st = a_.criteria[ci];
        if (status != "not_assessed") st.assessed = true;
        if (status == "met") st.met = true;
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
        ev["status"] = status;
        ev["exposure"] = exposure ? Json(to_string(*exposure)) : Json(nullptr);
        ev["why"] = why;
        st.evidence.push_back(std::move(ev));
    }

    // The reason a measured rule rated: its text, the demonstration marker of
    // its layer, then the band that rated it ("[water_stress.high]"), so the
    // reason can be traced to its rule (docs/rules/README.md).
    static std::string rated_why(const LayerSpec& s, const std::string& why, const rules::Band& band) {
        return why + demo_tag(s) + band_tag(band);
    }

    Json layer_head(const LayerSpec& s) const {
        Json ev;
        ev["layer"] = s.id;
        ev["theme"] = s.theme;
        if (s.provenance.demo) ev["demo"] = true;
        return ev;
    }

    void context(const LayerOutcome& o) {
        if (!o.vector || !o.vector->inside) return;
        Json names = Json::array();
        for (auto i : o.vector->inside_features) {
            const FeatureRef f = feature_ref(o, i);
            names.push_back(f.name.empty() ? f.id : f.name);
        }
        a_.context.push_back({{"layer", o.spec->id}, {"theme", o.spec->theme}, {"inside", names}});
        // A context layer rates no criterion, but a named rule may judge its theme (urban_boundary).
        for (const auto& named : p_.rules)
            if (named->judges(o.spec->theme) && applies(*named))
                for (auto i : o.vector->inside_features) fire_rule(*named, *o.spec, feature_ref(o, i), "", true, 0);
    }

    void vector(const LayerOutcome& o) {
        const LayerSpec& s = *o.spec;
        const VectorMeasurement& v = *o.vector;
        Json ev = layer_head(s);
        Json summary = {{"layer", s.id}, {"theme", s.theme}, {"criterion", to_string(s.criterion)}, {"inside", v.inside}};
        if (s.theme == "water_stress") {
            water_vector(o, ev, summary);
            return;
        }
        if (!v.nearest_distance_m && !v.inside) {
            summary["distance_m"] = nullptr;
            if (!light_) a_.interface.push_back(std::move(summary));
            if (o.vector_layer && !o.vector_layer->features().empty())
                // A moved site's nearest-feature search stops at a limit (Screener::screen_moved).
                add_evidence(s, ev, "not_met", Rating::Low, tr().text("assess.evidence.no_feature_within_limit"));
            else
                add_evidence(s, ev, "not_assessed", std::nullopt, tr().text("assess.evidence.layer_empty"));
            return;
        }
        const double d = v.inside ? 0.0 : *v.nearest_distance_m;
        std::optional<std::uint32_t> fi;
        if (v.inside && !v.inside_features.empty()) fi = v.inside_features.front();
        else fi = v.nearest_feature;
        const FeatureRef nearest = fi ? feature_ref(o, *fi) : FeatureRef{};
        const std::string text = describe(s, nearest);
        const rules::Band band = p_.proximity.band(v.inside, d);
        const Rating exposure = band.exposure;
        const bool met = band.met;
        if (d <= p_.proximity.species_screen_m) a_.feature_nearby = true;

        ev["inside"] = v.inside;
        ev["distance_m"] = round1(d);
        ev["feature"] = {{"id", nearest.id}, {"name", nearest.name}, {"category", nearest.category}};
        if (!nearest.zone.empty()) ev["feature"]["zone"] = nearest.zone;
        if (v.inside && v.inside_features.size() > 1) {
            Json all = Json::array();
            for (std::size_t k = 0; k < v.inside_features.size() && k < 10; ++k) {
                const FeatureRef f = feature_ref(o, v.inside_features[k]);
                all.push_back({{"id", f.id}, {"name", f.name}, {"category", f.category}});
            }
            ev["inside_features"] = all;
        }
        // The smallest buffer reaching the feature: the distance at which the finding applies.
        for (const auto& b : v.buffers)
            if (b.radius_m >= d) {
                ev["radius_m"] = b.radius_m;
                ev["overlap_share"] = round3(b.overlap_share);
                break;
            }
        std::string overlap_text;
        if (v.footprint_area_m2 && v.footprint_overlap_area_m2 && *v.footprint_area_m2 > 0) {
            const double share = *v.footprint_overlap_area_m2 / *v.footprint_area_m2;
            ev["footprint_overlap_share"] = round3(share);
            if (v.inside) overlap_text = tr().format("assess.overlap", {{"share", fmt_share(share)}});
        }
        std::string why = v.inside ? tr().format("assess.where_inside", {{"what", text}, {"overlap", overlap_text}})
                                   : tr().format("assess.where_near", {{"what", text}, {"distance", fmt_distance(d)}}) +
                                         (met ? tr().format("assess.evidence.within",
                                                            {{"distance", fmt_distance(p_.proximity.sensitive_within_m)}})
                                              : "");
        summary["distance_m"] = round1(d);
        summary["feature"] = nearest.name.empty() ? nearest.id : nearest.name;
        if (!light_) a_.interface.push_back(std::move(summary));
        // Outside, the exposure holds wherever the site stays within its band of this feature.
        const double band_m = exposure == Rating::High     ? p_.proximity.high_within_m
                              : exposure == Rating::Medium ? p_.proximity.moderate_within_m
                                                           : 0.0;
        add_evidence(s, ev, met ? "met" : "not_met", exposure, rated_why(s, why, band),
                     v.inside ? nearest.index : std::nullopt, text,
                     !v.inside && band_m > 0 ? nearest.index : std::nullopt, band_m);

        if (s.criterion == Criterion::BiodiversityImportance) {
            if (!a_.nearest_bio_m || d < *a_.nearest_bio_m) {
                a_.nearest_bio_m = d;
                a_.nearest_bio_text = text;
            }
            if (v.inside) a_.inside_bio.push_back({text, 0});
            else if (d <= p_.proximity.high_within_m) a_.near.push_back({text, d});
            else if (d <= p_.proximity.sensitive_within_m) a_.sensitive_near.push_back({text, d});
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
        if (!o.vector || !o.vector_layer || o.vector_layer->features().empty()) return;
        auto it = themes_.try_emplace(o.spec->theme, ThemeSeen{o.spec, false}).first;
        it->second.inside = it->second.inside || o.vector->inside;
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
                record(*named, *j, *seen.layer, FeatureRef{}, what, tr().format("assess.where_outside", {{"what", what}}), false);
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

    void fire_rule(const rules::Rule& rule, const LayerSpec& s, const FeatureRef& f, const std::string& overlap, bool inside,
                   double d) {
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
        const std::string where = inside ? tr().format("assess.where_inside", {{"what", h.what}, {"overlap", overlap}})
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
        if (j.advisory || j.outcome == rules::Outcome::Allowed) x.mitigation = "";
        else if (j.outcome == rules::Outcome::Forbidden) x.mitigation = "relocate";
        else x.mitigation = j.listed_activity ? "permit" : "conditional";
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
        x.reason = tr().format("assess.inside_reason",
                               {{"what", x.features_text}, {"overlap", overlap}, {"demo", demo_tag(s)}, {"because", rule.because_for(tr().lang())}});
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

    void water_vector(const LayerOutcome& o, Json& ev, Json& summary) {
        const LayerSpec& s = *o.spec;
        const VectorMeasurement& v = *o.vector;
        a_.areal_layers = true;
        if (!v.inside) {
            summary["distance_m"] = v.nearest_distance_m ? Json(round1(*v.nearest_distance_m)) : Json(nullptr);
            if (!light_) a_.interface.push_back(std::move(summary));
            add_evidence(s, ev, "not_assessed", std::nullopt, tr().text("assess.evidence.outside_coverage"));
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
            summary["distance_m"] = 0.0;
            if (!light_) a_.interface.push_back(std::move(summary));
            add_evidence(s, ev, "not_assessed", std::nullopt, tr().text("assess.evidence.unit_no_category"));
            return;
        }
        water_finding(s, *worst, worst_f, ev, summary);
    }

    void water_finding(const LayerSpec& s, int bws, const FeatureRef& f, Json& ev, Json& summary) {
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
        if (met) why += tr().format("assess.evidence.high_water_stress", {{"threshold", std::to_string(p_.water_stress.high_bws_cat)}});
        if (arid) why += tr().format("assess.evidence.arid", {{"rating", rating_word(exposure)}});
        if (arid) a_.arid = true;
        ev["inside"] = true;
        ev["feature"] = {{"id", f.id}, {"name", f.name}, {"category", f.category}};
        ev["bws_cat"] = bws;
        if (!label.empty()) ev["bws_label"] = label;
        if (arid) ev["arid"] = true;
        summary["distance_m"] = 0.0;
        summary["bws_cat"] = bws;
        if (!light_) a_.interface.push_back(std::move(summary));
        add_evidence(s, ev, met ? "met" : "not_met", exposure, rated_why(s, why, band), f.index,
                     fmt::format("{} (bws_cat {})", unit, bws));
        if (!a_.bws || bws > *a_.bws) {
            a_.bws = bws;
            a_.bws_label = label.empty() ? "bws_cat " + std::to_string(bws) : label;
            a_.bws_text = unit;
            a_.bws_layer = s.id;
        }
    }

    void raster(const LayerOutcome& o) {
        const LayerSpec& s = *o.spec;
        const RasterMeasurement& m = *o.raster;
        Json ev = layer_head(s);
        Json summary = {{"layer", s.id}, {"theme", s.theme}, {"criterion", to_string(s.criterion)}};
        std::optional<long long> at_site;
        if (m.value_at_site) at_site = std::llround(*m.value_at_site);
        a_.areal_layers = true;
        if (m.value_at_site || std::any_of(m.buffers.begin(), m.buffers.end(), [](const RasterBufferStats& b) { return b.valid_share > 0; }))
            a_.areal_data = true;
        auto class_of = [&](long long v) -> const ClassInfo* {
            auto it = s.classes.find(v);
            return it == s.classes.end() ? nullptr : &it->second;
        };
        summary["value_at_site"] = m.value_at_site ? Json(*m.value_at_site) : Json(nullptr);
        // A land-cover layer: its classes say which are natural (and which cropland, cn_cropland).
        const bool has_zones = std::any_of(s.classes.begin(), s.classes.end(), [](const auto& c) {
            return c.second.zone == "natural" || c.second.zone == "cropland";
        });
        const int bi = nearest_buffer(m.buffers, p_.land_cover.radius_m);
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
                add_evidence(s, ev, "not_assessed", std::nullopt, tr().text("assess.evidence.no_cell_around"));
                return;
            }
            const bool natural_here = c && c->zone == "natural";
            const double thr = p_.land_cover.natural_share_threshold;
            const rules::Band band = p_.land_cover.band(share, natural_here);
            const bool met = band.met;
            const Rating exposure = band.exposure;
            const std::string cls = c ? c->label_for(tr().lang()) : (at_site ? std::to_string(*at_site) : "no data");
            ev["value_at_site"] = at_site ? Json(*at_site) : Json(nullptr);
            ev["class_at_site"] = cls;
            if (c && !c->zone.empty()) ev["zone_at_site"] = c->zone;
            if (buf) {
                ev["radius_m"] = buf->radius_m;
                ev["natural_share"] = round3(*share);
            }
            summary["class_at_site"] = cls;
            if (share) summary["natural_share"] = round3(*share);
            if (!light_) a_.interface.push_back(std::move(summary));
            // A coarse grid's class is the class of a cell kilometres wide: say how coarse.
            const std::string res =
                s.resolution.empty() ? "" : tr().format("assess.evidence.resolution", {{"resolution", s.resolution_for(tr().lang())}});
            if (!s.resolution.empty()) ev["resolution"] = s.resolution_for(tr().lang());
            std::string why = tr().format("assess.evidence.land_cover", {{"resolution", res}, {"class", cls}}) +
                              (natural_here ? tr().text("assess.evidence.natural") : "");
            if (share)
                why += tr().format("assess.evidence.natural_share",
                                   {{"share", fmt_share(*share)},
                                    {"radius", fmt_distance(buf->radius_m)},
                                    {"threshold", *share >= thr ? fmt::format(" >= {}", fmt_share(thr)) : ""},
                                    {"resolution", res}});
            add_evidence(s, ev, met ? "met" : "not_met", exposure, rated_why(s, why, band), std::nullopt,
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
                add_evidence(s, ev, "not_assessed", std::nullopt, tr().text("assess.evidence.no_cell"));
                return;
            }
            FeatureRef f;
            f.category = std::to_string(*at_site);
            if (const ClassInfo* ci = class_of(*at_site)) f.zone = ci->zone;
            if (water_nodata(static_cast<int>(*at_site), f.zone)) {
                if (!light_) a_.interface.push_back(std::move(summary));
                add_evidence(s, ev, "not_assessed", std::nullopt, tr().text("assess.evidence.site_no_category"));
                return;
            }
            water_finding(s, static_cast<int>(*at_site), f, ev, summary);
            return;
        }
        if (s.categorical) {
            const ClassInfo* c = at_site ? class_of(*at_site) : nullptr;
            if (!at_site) {
                if (!light_) a_.interface.push_back(std::move(summary));
                add_evidence(s, ev, "not_assessed", std::nullopt, tr().text("assess.evidence.no_cell"));
                return;
            }
            const std::string cls = c ? c->label_for(tr().lang()) : std::to_string(*at_site);
            ev["value_at_site"] = *at_site;
            ev["class_at_site"] = cls;
            summary["class_at_site"] = cls;
            if (!light_) a_.interface.push_back(std::move(summary));
            if (!c || !c->severity) {
                add_evidence(s, ev, "not_assessed", std::nullopt, tr().format("assess.evidence.no_severity", {{"class", cls}}));
                return;
            }
            const bool met = *c->severity >= p_.other_layers.raster_min_severity;
            if (!s.resolution.empty()) ev["resolution"] = s.resolution_for(tr().lang());
            add_evidence(s, ev, met ? "met" : "not_met", met ? Rating::High : Rating::Low,
                         tr().format("assess.evidence.class_at_site",
                                     {{"resolution", s.resolution.empty() ? std::string()
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
            add_evidence(s, ev, "not_assessed", std::nullopt, tr().text("assess.evidence.no_cell"));
            return;
        }
        ev["value_at_site"] = *m.value_at_site;
        if (t == p_.other_layers.continuous_min.end()) {
            add_evidence(s, ev, "not_assessed", std::nullopt,
                         tr().format("assess.evidence.no_threshold", {{"theme", s.theme}}));
            return;
        }
        const bool met = *m.value_at_site >= t->second;
        add_evidence(s, ev, met ? "met" : "not_met", met ? Rating::High : Rating::Low,
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
            if (!ds.source.empty()) e.materiality_why.push_back(profile_text(ds.source, ds.source_in, tr().lang()));
            adjust_materiality(e);
            e.location_dependent = !ds.receptors.empty();
            if (e.materiality == Materiality::None) {
                e.rating_why = tr().text("assess.evidence.not_material");
            } else if (!e.location_dependent) {
                e.rating_why = tr().format("assess.evidence.location_independent",
                                           {{"materiality", tr().text(std::string("assess.materiality.") + to_string(e.materiality))}});
            } else {
                const auto& row = p_.rating.matrix.at(e.materiality);
                for (Criterion c : ds.receptors) {
                    const CriterionState& st = a_.criteria[criterion_index(c)];
                    Json pair = {{"driver", to_string(e.driver)}, {"receptor", to_string(c)},
                                 {"materiality", to_string(e.materiality)}};
                    if (!st.exposure) {
                        pair["exposure"] = nullptr;
                        pair["rating"] = nullptr;
                        pair["trace"] = tr().format("assess.evidence.no_layer_for",
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
                    pair["exposure"] = to_string(*st.exposure);
                    pair["rating"] = to_string(rating);
                    pair["trace"] = trace;
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
                e.materiality_why.push_back(tr().format(
                    "assess.evidence.withdrawal_large", {{"withdrawal", fmt_thousands(*f_.withdrawal_m3)},
                                                        {"from", f_.withdrawal_from},
                                                        {"limit", fmt_thousands(*fg.large_withdrawal_m3_per_year)}}));
            } else if (fg.small_withdrawal_m3_per_year && *f_.withdrawal_m3 <= *fg.small_withdrawal_m3_per_year) {
                e.materiality = Materiality::Low;
                e.materiality_why.push_back(tr().format(
                    "assess.evidence.withdrawal_small", {{"withdrawal", fmt_thousands(*f_.withdrawal_m3)},
                                                        {"from", f_.withdrawal_from},
                                                        {"limit", fmt_thousands(*fg.small_withdrawal_m3_per_year)}}));
            } else {
                e.materiality_why.push_back(tr().format("assess.evidence.withdrawal_kept",
                                                        {{"withdrawal", fmt_thousands(*f_.withdrawal_m3)}, {"from", f_.withdrawal_from}}));
            }
        }
        if (e.driver == Driver::LandUseChange && f_.footprint_ha && fg.large_footprint_ha &&
            *f_.footprint_ha >= *fg.large_footprint_ha && e.materiality < Materiality::High) {
            e.materiality = static_cast<Materiality>(static_cast<int>(e.materiality) + 1);
            e.materiality_why.push_back(tr().format(
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

Analysis analyse(const SiteResult& r, const Profile& p, const SiteFigures& f, const std::set<std::string>* only = nullptr,
                 bool light = false) {
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

// ------------------------------------------------------------------ avoidance search

struct SearchResult {
    Json json;
    bool found = false;
    std::string text;  // for the {alternative} placeholder
};

// The search for the nearest locations that clear the site's findings (docs/leap.md, "Avoidance
// search"). It works in the site's azimuthal equidistant frame, where the distance from the site
// is the geodesic distance. The region still open (the search disc, inside the site's country,
// less every area known to fail) shrinks as evaluations learn what fails: a position that fails
// because it is inside a feature (or within a proximity band of it) closes the whole feature
// (grown by the moved footprint's reach and the band). The next candidate is always the open
// region's point nearest the site, half the resolution inside it.
class AvoidanceSearch {
public:
    AvoidanceSearch(const SiteResult& r, const Profile& p, const SiteFigures& f, const Analysis& a,
                    const LayerSet& layers, Screener& screener)
        : r_(r), p_(p), f_(f), a_(a), layers_(layers), screener_(screener), frame_(r.site.lonlat) {}

    SearchResult run() {
        const Level site_level = a_.level;
        // Acceptable: strictly below `cap`. A no-go site aims below no-go (or below high when the
        // profile asks for a lower verdict, falling back to below no-go); a high site aims below high.
        cap_ = (site_level == Level::NoGo && !p_.avoidance.lower_verdict) ? Level::NoGo : Level::High;
        const Level fallback_cap = site_level == Level::NoGo ? Level::NoGo : cap_;

        // Only the layers that can produce a level at or above the aim are measured.
        for (const auto& s : layers_.catalog().layers)
            if (layer_potential(s, p_, a_) >= cap_) ids_.insert(s.id);
        for (const auto& s : layers_.catalog().layers)
            if (ids_.count(s.id) && s.kind == LayerKind::Raster) radii_ = {p_.land_cover.radius_m};
        id_list_.assign(ids_.begin(), ids_.end());
        radius_ = p_.avoidance.search_radius_m;
        step_ = p_.avoidance.step_m;
        res_ = std::max(1.0, step_ / 16.0);
        prepare_shape();
        separation_ = std::max(2 * reach_, 4 * step_);
        prepare_region();

        Level used_cap = cap_;
        std::vector<Best> best = search(cap_);
        if (best.empty() && fallback_cap != cap_ && stopped_ != "budget") {
            used_cap = fallback_cap;
            best = search(fallback_cap);
        }
        // Ranked by the verdict there, then by distance (the search finds them nearest first).
        std::stable_sort(best.begin(), best.end(), [](const Best& x, const Best& y) { return x.level < y.level; });
        return report(best, used_cap, cap_);
    }

private:
    struct Best {
        double distance_m;
        LonLat at;
        Level level;
        SiteResult screened;  // the full screening at `at`
    };
    // An area known to fail: within `within_m` of a feature (0: inside it).
    struct Block {
        std::string layer;
        std::uint32_t feature;
        double within_m;
        bool operator<(const Block& o) const { return std::tie(layer, feature, within_m) < std::tie(o.layer, o.feature, o.within_m); }
    };
    struct Eval {
        Level level = Level::Low;
        std::vector<Block> blocks;  // areas that fail whatever else is there
        bool blind = false;         // fails for a reason tied to no such area
    };

    static constexpr std::size_t kMaxEvaluations = 400;  // per search; beyond: `stopped: budget`
    static constexpr std::size_t kMaxRejections = 12;
    static constexpr int kDiscVertices = 256;

    // What is moved and checked: the site's footprint, or a disc of its declared footprint area,
    // grown by the profile's setback (a point when it has neither); `reach_` is how far it
    // extends from the centre.
    void prepare_shape() {
        auto ctx = geos::context();
        geos::GeomPtr shape;
        if (!r_.site.footprint_ll.empty()) {
            shape_kind_ = "footprint";
            shape = geos::from_multipolygon(frame_.forward(r_.site.footprint_ll));
        } else if (f_.footprint_ha && *f_.footprint_ha > 0) {
            shape_kind_ = "declared_area";
            footprint_radius_m_ = std::sqrt(*f_.footprint_ha * 10000.0 / kPi);
            shape = geos::disc(Point(0, 0), footprint_radius_m_, 64, true);
        }
        const double setback = p_.avoidance.setback_m;
        if (setback > 0) shape = shape ? geos::grow(shape.get(), setback) : geos::disc(Point(0, 0), setback, 64, true);
        search_site_ = r_.site;
        if (!shape) return;
        MultiPolygon xy;
        geos::to_multipolygon(shape.get(), xy);
        bg::model::multi_point<Point> vertices;
        for (const auto& poly : xy)
            for (const auto& q : poly.outer()) {
                reach_ = std::max(reach_, std::hypot(q.x(), q.y()));
                vertices.push_back(Point(-q.x(), -q.y()));
            }
        // A footprint's failing areas are the features' Minkowski sums with its reflected convex
        // hull (a disc's are the features grown by its radius).
        if (shape_kind_ == "footprint") {
            Polygon hull;
            bg::convex_hull(vertices, hull);
            for (std::size_t i = 0; i + 1 < hull.outer().size(); ++i) reflected_hull_.push_back(hull.outer()[i]);
        }
        search_site_.footprint_ll = frame_.inverse(xy);
        (void)ctx;
    }

    // The search disc, inside every feature of the profile's `stay_within` layers that the site
    // itself is inside (its country, a province).
    void prepare_region() {
        region_ = geos::disc(Point(0, 0), radius_, kDiscVertices, false);
        for (const auto& id : p_.avoidance.stay_within)
            for (const auto& o : r_.layers) {
                if (!o.spec || o.spec->id != id || !o.vector || o.vector->inside_features.empty()) continue;
                const VectorLayer* vl = layers_.vector_layer(id);
                if (!vl) continue;
                std::vector<geos::GeomPtr> parts;
                for (auto f : o.vector->inside_features)
                    for (const auto& poly : vl->feature_near(f, frame_, 1.01 * radius_ + 1000))
                        parts.push_back(geos::from_polygon(poly));
                if (parts.empty()) continue;
                const geos::GeomPtr unit = geos::union_all(std::move(parts));
                if (geos::GeomPtr in = geos::intersection(region_.get(), unit.get())) region_ = std::move(in);
            }
    }

    // The nearest positions whose level is below `cap`, confirmed by the full screening, at
    // least `separation_` apart, nearest first (fewer when the region runs out or the budget does).
    std::vector<Best> search(Level cap) {
        auto ctx = geos::context();
        stopped_ = "covered";
        uncertified_ = false;
        blocked_.clear();
        open_.reset(GEOSGeom_clone_r(ctx, region_.get()));
        std::vector<Best> found;
        std::size_t rejected = 0;
        // What the site's own screening found closes its areas first.
        close(judge(a_, cap), Point(0, 0), cap);
        while (static_cast<int>(found.size()) < p_.avoidance.alternatives) {
            if (interrupt_flag().load()) throw Interrupted();
            if (evaluated_ >= kMaxEvaluations || !open_) {
                stopped_ = "budget";
                break;
            }
            geos::GeomPtr inner(GEOSBuffer_r(ctx, open_.get(), -0.5 * res_, 4));
            const std::optional<Point> c = geos::nearest_point(inner.get(), Point(0, 0));
            if (!c) break;  // nothing left open: covered
            const LonLat raw = frame_.inverse(*c);
            const Eval e = evaluate(raw, cap);
            if (e.level >= cap) {
                close(e, *c, cap);
                continue;
            }
            // Confirmed by the same screening as any site (every layer, the site's buffers) at
            // the position as reported (rounded to 1e-6 degree).
            const LonLat at{std::round(raw.lon * 1e6) / 1e6, std::round(raw.lat * 1e6) / 1e6};
            ++verified_;
            SiteResult m = screen_full(at);
            const Analysis there = analyse(m, p_, f_);
            const bool in_units = stays_within(m);
            if (!m.site.error && there.level < cap && in_units) {
                double dist = 0, az = 0;
                geodesic::inverse(r_.site.lonlat, at, dist, az);
                found.push_back(Best{dist, at, there.level, std::move(m)});
                close_disc(*c, separation_);  // the next alternative lies elsewhere
                continue;
            }
            if (!in_units) ++left_units_;
            else ++failed_full_;
            if (++rejected >= kMaxRejections) {
                stopped_ = "budget";
                break;
            }
            if (m.site.error) close(Eval{Level::NoGo, {}, true}, *c, cap);
            else if (there.level >= cap) close(judge(there, cap), *c, cap);
            else close_disc(*c, res_);  // outside the units, which the region should have excluded
        }
        return found;
    }

    // What a position's analysis says about the areas around it.
    Eval judge(const Analysis& there, Level cap) const {
        Eval e;
        e.level = there.level;
        if (there.level < cap) return e;
        for (const auto& x : there.fired) {
            if (x.level < cap) continue;
            const bool vector = !x.layer.empty() && layers_.vector_layer(x.layer);
            if (vector && x.inside_index) e.blocks.push_back({x.layer, *x.inside_index, 0.0});
            else if (vector && x.near_index && x.near_within_m > 0) e.blocks.push_back({x.layer, *x.near_index, x.near_within_m});
            else e.blind = true;
        }
        if (e.blocks.empty()) e.blind = true;
        return e;
    }

    // The level at a position, and what fails there (the search shape moved there, the layers
    // that can reach the aim, no buffers but the land-cover radius).
    Eval evaluate(LonLat c, Level cap) {
        ++evaluated_;
        SiteResult m = screener_.screen_moved(search_site_, c, radii_, id_list_);
        if (m.site.error) return Eval{Level::NoGo, {}, true};  // cannot be screened there: never an answer
        return judge(analyse(m, p_, f_, &ids_, /*light=*/true), cap);
    }

    // Closes what an evaluation at `c` found failing: each new area; when none is new, a disc
    // around c (half a step when the failure is tied to no area, and the answer is then not
    // certified; the resolution when the areas known already should have excluded c).
    void close(const Eval& e, const Point& c, Level cap) {
        if (e.level < cap) return;
        std::size_t added = 0;
        for (const auto& b : e.blocks) {
            if (!blocked_.insert(b).second) continue;
            ++added;
            if (geos::GeomPtr area = feature_area(b)) close_area(area.get());
        }
        if (added) return;
        if (e.blind) {
            uncertified_ = true;
            close_disc(c, 0.5 * step_);
        } else {
            close_disc(c, res_);
        }
    }

    void close_disc(const Point& c, double r) { close_area(geos::disc(c, r, 32, true).get()); }

    void close_area(const GEOSGeometry* area) {
        if (!open_ || !area) return;
        geos::GeomPtr rest = geos::difference(open_.get(), area);
        if (!rest) stopped_ = "budget";  // GEOS could not subtract it: stop rather than guess
        open_ = std::move(rest);
    }

    // Within `within_m` + the shape's reach of the feature, in the frame, as far as the search
    // disc reaches.
    geos::GeomPtr feature_area(const Block& b) const {
        const VectorLayer* vl = layers_.vector_layer(b.layer);
        if (!vl) return nullptr;
        const double grow = reach_ + b.within_m;
        // Pieces wholly beyond the search disc grown by `grow` (the box's corners) change nothing
        // inside the disc, where the open region lies: left out of the union.
        const double keep = radius_ + grow + 1.0;
        std::vector<geos::GeomPtr> parts;
        for (const auto& poly : vl->feature_near(b.feature, frame_, 1.01 * (radius_ + grow) + 1000)) {
            Box env;
            bg::envelope(poly.outer(), env);
            const double dx = std::max({0.0, env.min_corner().x(), -env.max_corner().x()});
            const double dy = std::max({0.0, env.min_corner().y(), -env.max_corner().y()});
            if (std::hypot(dx, dy) > keep) continue;
            parts.push_back(geos::from_polygon(poly));
        }
        if (parts.empty()) return nullptr;
        geos::GeomPtr area = geos::union_all(std::move(parts));
        if (!area) return nullptr;
        if (reflected_hull_.empty()) return grow > 0 ? geos::grow(area.get(), grow) : std::move(area);
        if (b.within_m > 0) area = geos::grow(area.get(), b.within_m);
        MultiPolygon feature;
        geos::to_multipolygon(area.get(), feature);
        return minkowski_sum(feature, reflected_hull_);
    }

    // P + K for a convex K (its vertices): P moved by one vector of K, and each edge of P swept
    // over K (the convex hull of the edge's ends moved by K's vertices).
    static geos::GeomPtr minkowski_sum(const MultiPolygon& p, const std::vector<Point>& k) {
        std::vector<geos::GeomPtr> parts;
        auto moved = [](const Point& q, const Point& v) { return Point(q.x() + v.x(), q.y() + v.y()); };
        auto sweep = [&](const sitescreen::Ring& ring) {
            for (std::size_t i = 0; i + 1 < ring.size(); ++i) {
                bg::model::multi_point<Point> ends;
                for (const auto& v : k) {
                    ends.push_back(moved(ring[i], v));
                    ends.push_back(moved(ring[i + 1], v));
                }
                Polygon hull;
                bg::convex_hull(ends, hull);
                parts.push_back(geos::from_polygon(hull));
            }
        };
        for (const auto& poly : p) {
            Polygon shifted;
            for (const auto& q : poly.outer()) shifted.outer().push_back(moved(q, k.front()));
            for (const auto& h : poly.inners()) {
                shifted.inners().emplace_back();
                for (const auto& q : h) shifted.inners().back().push_back(moved(q, k.front()));
            }
            parts.push_back(geos::from_polygon(shifted));
            sweep(poly.outer());
            for (const auto& h : poly.inners()) sweep(h);
        }
        return geos::union_all(std::move(parts));
    }

    // The site at `at` (its footprint moved rigidly), screened as any site is.
    SiteResult screen_full(LonLat at) {
        Site moved = r_.site;
        moved.lonlat = at;
        if (!r_.site.footprint_ll.empty()) {
            const LocalFrame to(at);
            moved.footprint_ll = to.inverse(frame_.forward(r_.site.footprint_ll));
        }
        const std::vector<double> radii = r_.geometry ? r_.geometry->radii_m : std::vector<double>{};
        return screener_.screen(moved, radii);
    }

    // The alternative stays inside every feature of the profile's `stay_within` layers that
    // the site itself is inside (the country, or a province).
    bool stays_within(const SiteResult& m) const {
        for (const auto& id : p_.avoidance.stay_within) {
            const LayerOutcome* here = nullptr;
            const LayerOutcome* there = nullptr;
            for (const auto& o : r_.layers)
                if (o.spec && o.spec->id == id) here = &o;
            for (const auto& o : m.layers)
                if (o.spec && o.spec->id == id) there = &o;
            if (!here || !here->vector || here->vector->inside_features.empty()) continue;
            if (!there || !there->vector) return false;
            bool shared = false;
            for (auto f : here->vector->inside_features)
                for (auto g : there->vector->inside_features) shared |= f == g;
            if (!shared) return false;
        }
        return true;
    }

    Json alternative_json(const Best& best, Level used_cap) const {
        Json j;
        double dist = 0, az = 0;
        geodesic::inverse(r_.site.lonlat, best.at, dist, az);
        if (az < 0) az += 360.0;
        j["lon"] = best.at.lon;
        j["lat"] = best.at.lat;
        j["distance_m"] = round1(dist);
        j["bearing_deg"] = round1(az);
        const Analysis there = analyse(best.screened, p_, f_);  // the full screening there
        j["clears"] = Json::array();
        for (const auto& x : a_.fired) {
            if (x.level < used_cap || x.layer.empty()) continue;
            bool still = false;
            for (const auto& y : there.fired)
                if (y.rule == x.rule && y.layer == x.layer && y.feature.id == x.feature.id && y.level >= used_cap) still = true;
            if (still) continue;
            Json c = {{"rule", x.rule}, {"level", to_string(x.level)}, {"layer", x.layer}};
            if (!x.feature.id.empty() || !x.feature.name.empty()) c["feature"] = {{"id", x.feature.id}, {"name", x.feature.name}};
            c["what"] = x.features_text;
            j["clears"].push_back(c);
        }
        j["level_at_alternative"] = to_string(there.level);
        j["lowers_verdict"] = there.level < a_.level;
        Json remaining = Json::array();
        for (const auto& y : there.fired)
            remaining.push_back(tr().format("assess.reason", {{"level", level_word(y.level)}, {"reason", y.reason}}));
        j["remaining"] = remaining;
        return j;
    }

    SearchResult report(const std::vector<Best>& best, Level used_cap, Level aimed_cap) {
        SearchResult out;
        Json j;
        j["found"] = !best.empty();
        j["lon"] = nullptr;
        j["lat"] = nullptr;
        j["distance_m"] = nullptr;
        j["bearing_deg"] = nullptr;
        j["aim"] = aimed_cap == Level::NoGo ? "below no-go" : "below high";
        j["clears"] = Json::array();
        Json all = Json::array();
        for (std::size_t k = 0; k < best.size(); ++k) {
            Json alt = alternative_json(best[k], used_cap);
            if (k == 0)
                for (const char* key : {"lon", "lat", "distance_m", "bearing_deg", "clears", "level_at_alternative",
                                        "lowers_verdict", "remaining"})
                    j[key] = alt[key];
            alt["rank"] = k + 1;
            all.push_back(std::move(alt));
        }
        if (!best.empty()) {
            if (used_cap != aimed_cap) j["note"] = tr().text("assess.search.only_nogo");
            out.found = true;
            out.text = tr().format(used_cap == Level::NoGo ? "assess.search.found_nogo" : "assess.search.found_high",
                                   {{"distance", fmt_distance(j["distance_m"].get<double>())},
                                    {"bearing", fmt::format("{:.0f}", j["bearing_deg"].get<double>())},
                                    {"lon", fmt::format("{:.5f}", best[0].at.lon)},
                                    {"lat", fmt::format("{:.5f}", best[0].at.lat)}});
        } else {
            out.text = tr().format("assess.search.none", {{"radius", fmt_distance(p_.avoidance.search_radius_m)}});
        }
        j["alternatives"] = std::move(all);
        j["search_radius_m"] = p_.avoidance.search_radius_m;
        j["step_m"] = p_.avoidance.step_m;
        j["resolution_m"] = res_;
        j["searched_as"] = {{"shape", shape_kind_},
                            {"footprint_radius_m", shape_kind_ == "declared_area" ? Json(round1(footprint_radius_m_)) : Json(nullptr)},
                            {"setback_m", p_.avoidance.setback_m},
                            {"reach_m", round1(reach_)},
                            {"separation_m", round1(separation_)}};
        // covered: every position closer than the answer (or within the radius) is known to fail,
        // or lies within half the resolution of a failing area; budget: the search stopped at its limit.
        j["stopped"] = stopped_;
        j["certified"] = !uncertified_ && stopped_ == "covered";
        j["layers_checked"] = id_list_;
        j["candidates_evaluated"] = evaluated_;
        j["areas_closed"] = blocked_.size();
        j["verified"] = verified_;
        j["rejected_by_full_screen"] = failed_full_;
        if (!p_.avoidance.stay_within.empty()) {
            j["stays_within"] = p_.avoidance.stay_within;
            j["rejected_outside_units"] = left_units_;
        }
        j["moved"] = r_.site.footprint_ll.empty() ? "point" : "footprint (translated rigidly)";
        if (!p_.avoidance.note.empty()) j["profile_note"] = profile_text(p_.avoidance.note, p_.avoidance.note_in, tr().lang());
        out.json = std::move(j);
        return out;
    }

    const SiteResult& r_;
    const Profile& p_;
    const SiteFigures& f_;
    const Analysis& a_;
    const LayerSet& layers_;
    Screener& screener_;
    const LocalFrame frame_;
    Site search_site_;            // the site with the search shape as its footprint
    std::string shape_kind_ = "point";
    double footprint_radius_m_ = 0, reach_ = 0, separation_ = 0;
    std::set<std::string> ids_;
    std::vector<std::string> id_list_;
    std::vector<double> radii_;
    std::size_t evaluated_ = 0, verified_ = 0, failed_full_ = 0, left_units_ = 0;
    Level cap_ = Level::NoGo;
    double radius_ = 0, step_ = 1, res_ = 1;
    std::string stopped_ = "covered";
    bool uncertified_ = false;    // a failing position tied to no area was closed by a disc
    geos::GeomPtr region_;        // the search disc inside the units
    geos::GeomPtr open_;          // ... less every area known to fail
    std::set<Block> blocked_;
    std::vector<Point> reflected_hull_;  // footprint sites: the search shape's convex hull, reflected
};

// ------------------------------------------------------------------ JSON builders

// Moves a.context and a.interface into the record (nothing after reads them).
Json locate_json(const SiteResult& r, const Profile& p, bool fallback, Analysis& a, const SiteFigures& f) {
    Json j;
    j["profile"] = {{"type", p.type}, {"file", p.file}, {"fallback", fallback}};
    j["l1"] = {{"site_type", r.site.type}, {"value_chain", p.value_chain}, {"title", profile_text(p.title, p.title_in, tr().lang())}};
    Json drivers = Json::array();
    for (const auto& d : a.drivers) {
        Json e = {{"driver", to_string(d.driver)},
                  {"materiality", to_string(d.materiality)},
                  {"profile_materiality", to_string(d.profile_materiality)},
                  {"screened", d.materiality != Materiality::None},
                  {"location_dependent", d.location_dependent},
                  {"why", d.materiality_why}};
        drivers.push_back(std::move(e));
    }
    j["l2"] = std::move(drivers);
    j["l3"] = {{"context", std::move(a.context)}, {"layers", std::move(a.interface)}};
    Json criteria = Json::object();
    Json met = Json::array();
    for (std::size_t i = 0; i < kTnfdCriteria.size(); ++i) {
        const CriterionState& st = a.criteria[i];
        const char* status = st.met ? "met" : st.assessed ? "not_met" : "not_assessed";
        if (st.met) met.push_back(to_string(kTnfdCriteria[i]));
        Json c = {{"status", status},
                  {"exposure", st.exposure ? Json(to_string(*st.exposure)) : Json(nullptr)},
                  {"evidence", st.evidence}};
        if (st.evidence.empty()) c["why"] = tr().text("assess.evidence.no_layer_for_criterion");
        criteria[to_string(kTnfdCriteria[i])] = std::move(c);
    }
    j["l4"] = {{"sensitive", !met.empty()}, {"criteria_met", met}, {"criteria", std::move(criteria)}};
    j["criteria_met"] = std::move(met);  // a copy of l4.criteria_met at the top, for summary.csv and quick reads
    (void)f;
    return j;
}

Json evaluate_json(const Analysis& a, const Profile& p, const SiteFigures& f) {
    Json j;
    Json assets = Json::array();
    for (std::size_t i = 0; i < kTnfdCriteria.size(); ++i)
        for (const auto& ev : a.criteria[i].evidence)
            if (ev.value("status", "") == "met")
                assets.push_back({{"criterion", to_string(kTnfdCriteria[i])}, {"layer", ev["layer"]},
                                  {"theme", ev["theme"]}, {"what", ev["why"]}});
    Json drivers = Json::array();
    for (const auto& d : a.drivers)
        if (d.materiality != Materiality::None) drivers.push_back(to_string(d.driver));
    j["e1"] = {{"assets", std::move(assets)}, {"drivers", std::move(drivers)}};
    Json pairs = Json::array();
    for (const auto& d : a.drivers)
        for (const auto& pr : d.pairs) pairs.push_back(pr);
    j["e2"] = std::move(pairs);

    Json m = Json::object();
    m["annual_output"] = f.annual_output ? Json(*f.annual_output) : Json(nullptr);
    m["water_intensity_m3_per_unit"] = f.water_intensity ? Json(*f.water_intensity) : Json(nullptr);
    m["annual_withdrawal_m3"] = f.withdrawal_m3 ? Json(round1(*f.withdrawal_m3)) : Json(nullptr);
    if (f.withdrawal_m3) m["annual_withdrawal_from"] = f.withdrawal_from;
    m["footprint_ha"] = f.footprint_ha ? Json(round3(*f.footprint_ha)) : Json(nullptr);
    if (f.footprint_ha) m["footprint_from"] = f.footprint_from;
    m["capacity_mw"] = f.capacity_mw ? Json(*f.capacity_mw) : Json(nullptr);
    m["project_category"] = f.project_category.empty() ? Json(nullptr) : Json(f.project_category);
    m["nearest_biodiversity_m"] = a.nearest_bio_m ? Json(round1(*a.nearest_bio_m)) : Json(nullptr);
    if (a.nearest_bio_m) m["nearest_biodiversity_feature"] = a.nearest_bio_text;
    m["bws_cat"] = a.bws ? Json(*a.bws) : Json(nullptr);
    m["natural_share"] = a.natural_share ? Json(round3(*a.natural_share)) : Json(nullptr);
    if (a.natural_share) m["natural_share_radius_m"] = a.natural_radius_m;
    if (!f.notes.empty()) m["notes"] = f.notes;
    j["e3"] = std::move(m);

    Json per = Json::object();
    std::optional<Rating> highest;
    for (const auto& d : a.drivers) {
        Json e = {{"materiality", to_string(d.materiality)},
                  {"rating", d.rating ? Json(to_string(*d.rating)) : Json(nullptr)},
                  {"trace", d.rating_why}};
        if (d.rating && d.location_dependent) {
            e["verdict_level"] = to_string(p.rating.verdict_from_rating[static_cast<int>(*d.rating)]);
            if (!highest || *d.rating > *highest) highest = d.rating;
        }
        per[to_string(d.driver)] = std::move(e);
    }
    j["e4"] = {{"drivers", std::move(per)},
                           {"highest_rating", highest ? Json(to_string(*highest)) : Json(nullptr)},
                           {"verdict_from_rating",
                            highest ? Json(to_string(p.rating.verdict_from_rating[static_cast<int>(*highest)])) : Json("low")}};
    return j;
}

Json verdict_json(const Analysis& a, const Profile& p, bool fallback, const std::string& site_type) {
    std::vector<const Fired*> order;
    for (const auto& f : a.fired) order.push_back(&f);
    std::stable_sort(order.begin(), order.end(), [](const Fired* x, const Fired* y) { return x->level > y->level; });
    Json reasons = Json::array(), fired_rules = Json::array(), conditions = Json::array(), findings = Json::array();
    std::set<std::string> seen_rules, seen_conditions;
    std::set<std::string> sets;
    for (const Fired* f : order) {
        reasons.push_back(tr().format("assess.reason", {{"level", level_word(f->level)}, {"reason", f->reason}}));
        if (seen_rules.insert(f->rule).second) fired_rules.push_back(f->rule);
        if (f->level < Level::NoGo) {
            if (!f->conditions.empty()) {
                for (const auto& c : f->conditions)
                    if (seen_conditions.insert(c).second) conditions.push_back(c);
            } else if (!f->condition.empty() && seen_conditions.insert(f->condition).second) {
                conditions.push_back(f->condition);
            }
        }
        if (f->set) {
            sets.insert(rules::to_string(*f->set));
            findings.push_back({{"rule", f->rule},
                                {"set", rules::to_string(*f->set)},
                                {"outcome", rules::to_string(f->outcome)},
                                {"level", to_string(f->level)},
                                {"layer", f->layer},
                                {"feature", f->features_text},
                                {"citation", f->cite.json()},
                                {"conditions", f->conditions},
                                {"conservative", f->conservative}});
        }
    }
    const bool covered = a.covered();
    if (!covered) {
        reasons.push_back(tr().format("assess.not_covered", {{"distance", fmt_distance(p.proximity.species_screen_m)}}));
    } else if (order.empty()) {
        std::optional<Rating> highest;
        for (const auto& d : a.drivers)
            if (d.rating && d.location_dependent && (!highest || *d.rating > *highest)) highest = d.rating;
        reasons.push_back(tr().format("assess.low_no_rule",
                                      {{"rating", highest ? rating_word(*highest) : tr().text("assess.not_assessed")}}));
    }
    if (fallback)
        reasons.push_back(tr().format("assess.fallback", {{"type", site_type}, {"profile", p.type}}));
    // Coverage: the criteria the profile's material drivers are rated against (all five when none
    // says). A low verdict says how many of them were assessed (docs/leap.md, "coverage").
    std::set<Criterion> needed;
    for (const auto& d : p.drivers)
        if (d.materiality != Materiality::None) needed.insert(d.receptors.begin(), d.receptors.end());
    if (needed.empty()) needed.insert(kTnfdCriteria.begin(), kTnfdCriteria.end());
    Json missing = Json::array();
    int assessed = 0;
    for (Criterion c : kTnfdCriteria) {
        if (!needed.count(c)) continue;
        if (a.criteria[criterion_index(c)].assessed) ++assessed;
        else missing.push_back(to_string(c));
    }
    const int of = static_cast<int>(needed.size());
    const bool complete = assessed == of;
    std::string level_text = covered ? to_string(a.level) : "not_covered";
    if (covered && a.level == Level::Low && !complete) {
        level_text = fmt::format("low ({} of {} criteria assessed)", assessed, of);
        std::string missing_text;  // the criteria's names for people (the record's not_assessed keeps the keys)
        for (const Json& m : missing) {
            const std::string key = m.get<std::string>();
            missing_text += (missing_text.empty() ? "" : tr().text("assess.list_sep")) + tr().text_or("assess.criterion." + key, key);
        }
        reasons.push_back(tr().format("assess.coverage", {{"assessed", std::to_string(assessed)},
                                                          {"needed", std::to_string(of)},
                                                          {"missing", missing_text}}));
    }
    if (a.jurisdiction == rules::Jurisdiction::Unknown && !p.rules.empty())
        reasons.push_back(tr().text("assess.no_jurisdiction"));
    return {{"level", covered ? to_string(a.level) : "not_covered"},
            {"level_text", level_text},
            {"coverage", {{"criteria_assessed", assessed}, {"criteria_needed", of}, {"complete", complete}, {"not_assessed", missing}}},
            {"covered", covered},
            {"profile", p.type},
            {"reasons", std::move(reasons)},
            {"rules_fired", std::move(fired_rules)},
            {"conditions", std::move(conditions)},
            {"jurisdiction", rules::to_string(a.jurisdiction)},
            {"rule_sets", std::vector<std::string>(sets.begin(), sets.end())},
            {"findings", std::move(findings)}};
}

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

Json mitigation_json(const Analysis& a, const Profile& p, const SiteFigures& f, const SearchResult* search) {
    struct Item {
        std::string key, action, because;
    };
    std::vector<Item> items;
    std::map<std::string, std::string> base = {
        {"bws_cat", a.bws ? std::to_string(*a.bws) : tr().text("assess.unknown")},
        {"bws_label", a.bws_label.empty() ? tr().text("assess.unknown") : a.bws_label},
        {"withdrawal_m3", f.withdrawal_m3 ? fmt_thousands(*f.withdrawal_m3) : tr().text("assess.withdrawal_not_estimated")},
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
    } else if (a.level == Level::High && search && search->found) {
        std::vector<std::string> high_features, high_reasons;
        for (const auto& x : a.fired)
            if (x.level == Level::High) {
                high_features.push_back(x.features_text);
                high_reasons.push_back(x.reason);
            }
        add("move", {{"features", join_texts(high_features)}, {"alternative", search->text}}, join_texts(high_reasons, 10));
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
    const bool bio_driver = (luc && luc->materiality != Materiality::None) || (pol && pol->materiality != Materiality::None);
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
            tr().format("assess.because.setback",
                        {{"band", fmt_distance(band)}, {"features", join_texts(texts)}, {"distance", fmt_distance(dmin)}}));
    }
    if (pol && pol->rating && *pol->rating >= Rating::High) {
        std::vector<std::string> texts;
        for (const auto& n : a.inside_bio) texts.push_back(n.text);
        for (const auto& n : a.moderate) texts.push_back(n.text);
        add("pollution_control", {{"features", texts.empty() ? tr().text("assess.nearby_habitats") : join_texts(texts)}},
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
        const std::string because = tr().text(natural ? "assess.because.residual_natural" : "assess.because.stays_inside");
        add("restore", {}, because);
        add("offset", {}, because);
    }

    static const std::map<std::string, int> kStepRank = {{"avoid", 0}, {"minimise", 1}, {"restore", 2}, {"offset", 3}};
    std::stable_sort(items.begin(), items.end(), [&](const Item& x, const Item& y) {
        return kStepRank.at(p.mitigation.at(x.key).step) < kStepRank.at(p.mitigation.at(y.key).step);
    });
    Json out = Json::array();
    for (auto& it : items)
        out.push_back({{"step", p.mitigation.at(it.key).step},
                       {"action", std::move(it.action)},
                       {"because", std::move(it.because)},
                       {"trigger", std::move(it.key)}});
    return out;
}

}  // namespace

// ------------------------------------------------------------------ Assessor

Assessor::Assessor(std::map<std::string, Profile> profiles, std::shared_ptr<const LayerSet> layers, AssessOptions options)
    : profiles_(std::move(profiles)), layers_(std::move(layers)), options_(std::move(options)) {
    if (!profiles_.count(options_.fallback_type)) {
        std::string known;
        for (const auto& [t, p] : profiles_) known += (known.empty() ? "" : ", ") + t;
        throw InputError("profiles: fallback type '" + options_.fallback_type + "' has no profile (profiles: " +
                         (known.empty() ? "none" : known) + ")");
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
        o.ecosystems = std::make_shared<const EcosystemMap>(
            EcosystemMap::load(o.ecosystems_path.empty() ? default_ecosystems_path() : o.ecosystems_path, *o.activities));
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
        const char* from = !option_path.empty() && file == option_path          ? "option"
                           : option_path.empty() && env_value && file == env_value ? "environment"
                           : file == shipped                                       ? "shipped"
                                                                                   : "other";
        out.push_back({{"role", role}, {"file", path}, {"sha256", sha256_file(path)}, {"from", from}});
    };
    add("activities", options_.activities->file, options_.activities_path, "SITESCREEN_ACTIVITIES", default_activities_path());
    add("ecosystems", options_.ecosystems->file, options_.ecosystems_path, "SITESCREEN_ECOSYSTEMS", default_ecosystems_path());
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
        search = AvoidanceSearch(r, p, figures, a, *layers_, screener).run();

    r.locate = locate_json(r, p, fallback, a, figures);
    r.evaluate = evaluate_json(a, p, figures);
    const ActivityChoice activity = choose_activity(*options_.activities, r.site, p);
    if (!activity.warning.empty()) r.warnings.push_back(activity.warning);
    r.locate["activity"] = activity_locate_json(*options_.activities, activity);
    r.evaluate["e2_activity"] = activity_evaluate_json(*options_.activities, activity, r.locate["l4"]["criteria"]);
    const EcosystemMap& ecosystems = *options_.ecosystems;
    r.locate["l3"]["ecosystems"] = ecosystems_json(r, ecosystems);
    r.evaluate["e1"]["services"] = ecosystem_services_json(r.locate["l3"]["ecosystems"], ecosystems, *options_.activities,
                                                           activity, p.land_cover.radius_m);
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
    r.evaluate["metrics"] =
        site_metrics_json(r, metric_inputs, footprint_land_cover(r, metric_inputs.declared_footprint_ha, screener));
    add_e4_factors(*options_.materiality, r.locate, r.evaluate);
    r.verdict = verdict_json(a, p, fallback, r.site.type);
    r.mitigation = mitigation_json(a, p, figures, search ? &*search : nullptr);
    r.alternative = search ? search->json : Json(nullptr);
}

// ------------------------------------------------------------------ Portfolio

namespace {
const char* const kLevelOrder[] = {"low", "medium", "high", "no-go"};
constexpr const char* kNotCovered = "not_covered";
int level_rank(const std::string& s) {
    for (int i = 0; i < 4; ++i)
        if (s == kLevelOrder[i]) return i;
    return -1;
}
}  // namespace

void Portfolio::add(const SiteResult& r) {
    static const Json none;
    const auto m = r.evaluate.is_object() ? r.evaluate.find("metrics") : r.evaluate.end();
    add_fields(r.site.error.has_value(), r.site.id, r.site.type, r.verdict, r.locate, r.alternative,
               r.evaluate.is_object() && m != r.evaluate.end() ? *m : none);
}

void Portfolio::add_record(const Json& rec) {
    static const Json none;
    auto field = [&](const char* key) -> const Json& {
        const auto it = rec.find(key);
        return it == rec.end() ? none : *it;
    };
    const Json& id = field("id");
    const Json& type = field("type");
    const Json& evaluate = field("evaluate");
    const auto metrics = evaluate.is_object() ? evaluate.find("metrics") : evaluate.end();
    add_fields(field("status") == "error", id.is_string() ? id.get<std::string>() : std::string(),
               type.is_string() ? type.get<std::string>() : std::string(), field("verdict"), field("locate"),
               field("alternative"), evaluate.is_object() && metrics != evaluate.end() ? *metrics : none);
}

void Portfolio::digest_record(const Json& rec, Json& into) {
    for (const char* key : {"id", "type", "status", "alternative"}) {
        const auto it = rec.find(key);
        if (it != rec.end()) into[key] = *it;
    }
    // The roll-up needs whether an alternative was found and how far: not the ranked list.
    if (into.contains("alternative") && into["alternative"].is_object())
        for (const char* key : {"alternatives", "remaining"}) into["alternative"].erase(key);
    const auto verdict = rec.find("verdict");
    if (verdict != rec.end()) {
        const auto level = verdict->is_object() ? verdict->find("level") : verdict->end();
        into["verdict"] = level != verdict->end() ? Json{{"level", *level}} : Json(nullptr);
        const auto text = verdict->is_object() ? verdict->find("level_text") : verdict->end();
        if (level != verdict->end() && text != verdict->end()) into["verdict"]["level_text"] = *text;
    }
    const auto evaluate = rec.find("evaluate");
    if (evaluate != rec.end() && evaluate->is_object() && evaluate->contains("metrics"))
        into["evaluate"]["metrics"] = (*evaluate)["metrics"];
    const auto locate = rec.find("locate");
    if (locate != rec.end()) {
        Json& l = into["locate"];
        l = nullptr;
        if (locate->is_object()) {
            const auto l4 = locate->find("l4");
            if (l4 != locate->end() && l4->is_object()) {
                const auto met = l4->find("criteria_met");
                l = Json::object();
                if (met != l4->end()) l["l4"]["criteria_met"] = *met;
                else l["l4"] = Json::object();
            }
        }
    }
}

void Portfolio::add_fields(bool error, const std::string& id, const std::string& type, const Json& verdict,
                           const Json& locate, const Json& alternative, const Json& metrics) {
    ++total_;
    if (error) {
        ++errors_;
        return;
    }
    if (!verdict.is_object() || !verdict.contains("level")) return;
    ++assessed_;
    tnfd_.add(metrics);
    const std::string level = verdict["level"].get<std::string>();
    ++by_level_[level];
    if (level == "low" && verdict.contains("level_text") && verdict["level_text"] != "low") ++low_partial_;
    ++by_type_[type.empty() ? std::string("(none)") : type][level];
    const int rank = level_rank(level);  // -1 for not_covered: outside the worst-of roll-up
    if (rank > worst_) {
        worst_ = rank;
        worst_sites_.clear();
    }
    if (rank >= 0 && rank == worst_ && worst_sites_.size() < 20) worst_sites_.push_back(id);
    if (locate.is_object()) {
        const Json& met = locate["l4"]["criteria_met"];
        for (const auto& c : met) ++by_criterion_[c.get<std::string>()];
    }
    if (alternative.is_object()) {
        ++searched_;
        if (alternative.value("found", false)) {
            ++found_;
            alternative_distances_m_.push_back(alternative["distance_m"].get<double>());
        }
    }
}

Json Portfolio::summary() const {
    Json j;
    j["sites"] = total_;
    j["assessed"] = assessed_;
    j["errors"] = errors_;
    Json by = Json::object(), share = Json::object();
    for (int i = 3; i >= 0; --i) {
        auto it = by_level_.find(kLevelOrder[i]);
        const std::size_t n = it == by_level_.end() ? 0 : it->second;
        by[kLevelOrder[i]] = n;
        share[kLevelOrder[i]] = assessed_ ? round3(static_cast<double>(n) / assessed_) : 0.0;
    }
    {
        auto it = by_level_.find(kNotCovered);
        const std::size_t n = it == by_level_.end() ? 0 : it->second;
        by[kNotCovered] = n;
        share[kNotCovered] = assessed_ ? round3(static_cast<double>(n) / assessed_) : 0.0;
    }
    j["by_verdict"] = by;
    j["share_by_verdict"] = share;
    // Low verdicts for which some criterion the profile needs was not assessed, counted apart
    // (they are among by_verdict.low): "low (3 of 5 criteria assessed)".
    j["low_partial_coverage"] = low_partial_;
    Json crit = Json::object();
    for (Criterion c : kTnfdCriteria) {
        auto it = by_criterion_.find(to_string(c));
        crit[to_string(c)] = it == by_criterion_.end() ? 0 : it->second;
    }
    j["by_criterion"] = crit;
    Json types = Json::object();
    for (const auto& [t, levels] : by_type_) {
        Json e = Json::object();
        for (int i = 3; i >= 0; --i) {
            auto it = levels.find(kLevelOrder[i]);
            e[kLevelOrder[i]] = it == levels.end() ? 0 : it->second;
        }
        auto nc = levels.find(kNotCovered);
        e[kNotCovered] = nc == levels.end() ? 0 : nc->second;
        types[t] = e;
    }
    j["by_type"] = types;
    Json alt = {{"searched", searched_}, {"found", found_}};
    if (!alternative_distances_m_.empty()) {
        std::vector<double> d = alternative_distances_m_;
        std::sort(d.begin(), d.end());
        alt["median_distance_m"] = round1(d[d.size() / 2]);
        alt["max_distance_m"] = round1(d.back());
    }
    j["alternatives"] = alt;
    j["tnfd"] = tnfd_.summary();
    j["roll_up"] = {{"rule", "worst"},
                    {"level", worst_ >= 0 ? Json(kLevelOrder[worst_]) : Json(nullptr)},
                    {"sites_at_level", worst_sites_},
                    {"explanation",
                     "the portfolio takes the worst site verdict (one no-go site makes the portfolio no-go); "
                     "share_by_verdict gives the spread; not_covered sites (no layer has data there) are "
                     "counted apart and do not enter the worst-of rule"}};
    return j;
}

}  // namespace sitescreen
