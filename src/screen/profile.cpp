// Loads and validates site-type profiles (config/profiles/*.yaml); every error names the file and the key.
// Over 600 lines on purpose: it is the one reader of the profile schema (docs/leap.md, "Profiles"), each
// section's reader beside the others, all sharing the Reader that names the file and key; split
// by section, the schema would be read in several places.
#include "screen/profile.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include "core/enum_names.h"
#include "core/errors.h"
#include "io/install_path.h"
#include "screen/screener.h"
#include "screen/rules/rule.h"

namespace fs = std::filesystem;

namespace sitescreen {

const std::vector<std::string> kMitigationKeys = {
    "relocate",          "move",  "permit",       "conditional", "setback",
    "pollution_control", "water", "natural_land", "restore",     "offset"};

namespace {

const std::pair<Rating, const char*> kRatingNames[] = {
    {Rating::Low, "low"}, {Rating::Medium, "medium"}, {Rating::High, "high"}, {Rating::VeryHigh, "very_high"}};
const std::pair<Materiality, const char*> kMaterialityNames[] = {{Materiality::None, "none"},
                                                                 {Materiality::Low, "low"},
                                                                 {Materiality::Medium, "medium"},
                                                                 {Materiality::High, "high"}};
const std::pair<Driver, const char*> kDriverNames[] = {{Driver::LandUseChange, "land_use_change"},
                                                       {Driver::WaterUse, "water_use"},
                                                       {Driver::Pollution, "pollution"},
                                                       {Driver::Ghg, "ghg"}};

// Placeholders a mitigation text may use; the assessor fills them (docs/leap.md).
const std::set<std::string> kPlaceholders = {"features",      "distance_m",  "setback_m",     "bws_cat",   "bws_label",
                                             "withdrawal_m3", "alternative", "natural_share", "condition", "radius_m"};

// Reads a profile, tracking the key path for messages.
class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const std::string& key, const std::string& msg) const {
        throw InputError(file_ + ": " + (key.empty() ? "" : key + ": ") + msg);
    }

    // Every key of `node` must be one of `known`.
    void only(const YAML::Node& node, const std::string& key, const std::set<std::string>& known) const {
        if (!node.IsMap()) fail(key, "expected a map");
        for (const auto& kv : node) {
            const std::string k = kv.first.as<std::string>();
            if (!known.count(k)) {
                std::string list;
                for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
                fail(join(key, k), "unknown key (expected one of: " + list + ")");
            }
        }
    }

    static std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

    YAML::Node required(const YAML::Node& node, const std::string& parent, const std::string& k) const {
        const YAML::Node n = node[k];
        if (!n) fail(join(parent, k), "missing");
        return n;
    }

    std::string text(const YAML::Node& n, const std::string& key) const {
        if (!n.IsScalar()) fail(key, "expected a text value");
        return n.as<std::string>();
    }

    double number(const YAML::Node& n, const std::string& key) const {
        if (!n.IsScalar()) fail(key, "expected a number");
        try {
            const double v = n.as<double>();
            if (!std::isfinite(v)) fail(key, "expected a finite number");
            return v;
        } catch (const YAML::Exception&) {
            fail(key, "expected a number, not '" + n.as<std::string>() + "'");
        }
    }

    double positive(const YAML::Node& n, const std::string& key) const {
        const double v = number(n, key);
        if (v <= 0) fail(key, "must be greater than 0");
        return v;
    }

    int integer(const YAML::Node& n, const std::string& key) const {
        if (!n.IsScalar()) fail(key, "expected an integer");
        try {
            return n.as<int>();
        } catch (const YAML::Exception&) {
            fail(key, "expected an integer, not '" + n.as<std::string>() + "'");
        }
    }

    bool boolean(const YAML::Node& n, const std::string& key) const {
        const std::string s = text(n, key);
        if (s == "true" || s == "yes") return true;
        if (s == "false" || s == "no") return false;
        fail(key, "expected true or false, not '" + s + "'");
    }

    std::vector<std::string> texts(const YAML::Node& n, const std::string& key) const {
        std::vector<std::string> out;
        if (!n.IsSequence()) fail(key, "expected a list");
        for (const auto& e : n) out.push_back(text(e, key));
        return out;
    }

    Level level(const YAML::Node& n, const std::string& key) const {
        const std::string s = text(n, key);
        if (auto l = level_from_string(s)) return *l;
        fail(key, "expected no-go, high, medium or low, not '" + s + "'");
    }

    Rating rating(const YAML::Node& n, const std::string& key) const {
        const std::string s = text(n, key);
        if (auto r = rating_from_string(s)) return *r;
        fail(key, "expected very_high, high, medium or low, not '" + s + "'");
    }

    Materiality materiality(const YAML::Node& n, const std::string& key) const {
        const std::string s = text(n, key);
        if (auto m = materiality_from_string(s)) return *m;
        fail(key, "expected high, medium, low or none, not '" + s + "'");
    }

    Criterion criterion(const YAML::Node& n, const std::string& key) const {
        const std::string s = text(n, key);
        auto c = criterion_from_string(s);
        if (!c || *c == Criterion::Context)
            fail(key,
                 "expected a TNFD criterion (biodiversity_importance, ecosystem_integrity, rapid_decline, "
                 "water_risk, ecosystem_services), not '" +
                     s + "'");
        return *c;
    }

    const std::string& file() const { return file_; }

private:
    std::string file_;
};

// Reads the renderings of n[field] in the other languages (field_zh) into `in`, by language code;
// a rendering of a text the profile does not give is a mistake.
void read_renderings(const Reader& rd, const YAML::Node& n, const std::string& key, const std::string& field,
                     std::map<std::string, std::string>& in) {
    for (i18n::Lang lang : i18n::languages()) {
        if (lang == i18n::Lang::En) continue;
        const std::string k = field + "_" + i18n::to_string(lang);
        if (!n[k]) continue;
        if (!n[field]) rd.fail(Reader::join(key, k), "a rendering of '" + field + "', which is not given");
        in[i18n::to_string(lang)] = rd.text(n[k], Reader::join(key, k));
    }
}

void read_drivers(const Reader& rd, const YAML::Node& node, Profile& p) {
    std::set<std::string> names;
    for (const auto& [d, name] : kDriverNames) names.insert(name);
    rd.only(node, "drivers", names);
    for (const auto& [d, name] : kDriverNames) {
        const std::string key = std::string("drivers.") + name;
        const YAML::Node n = rd.required(node, "drivers", name);
        rd.only(n, key, {"materiality", "receptors", "source", "source_zh"});
        DriverSpec spec;
        spec.driver = d;
        spec.materiality = rd.materiality(rd.required(n, key, "materiality"), key + ".materiality");
        if (n["receptors"]) {
            if (!n["receptors"].IsSequence()) rd.fail(key + ".receptors", "expected a list of TNFD criteria");
            for (const auto& c : n["receptors"]) spec.receptors.push_back(rd.criterion(c, key + ".receptors"));
        }
        if (n["source"]) spec.source = rd.text(n["source"], key + ".source");
        read_renderings(rd, n, key, "source", spec.source_in);
        p.drivers.push_back(spec);
    }
}

void read_rating(const Reader& rd, const YAML::Node& node, Profile& p) {
    rd.only(node, "rating", {"matrix", "verdict_from_rating", "source"});
    const YAML::Node m = rd.required(node, "rating", "matrix");
    rd.only(m, "rating.matrix", {"high", "medium", "low"});
    static const char* kExposures[] = {"low", "medium", "high", "very_high"};
    for (const char* mat : {"low", "medium", "high"}) {
        const std::string key = std::string("rating.matrix.") + mat;
        const YAML::Node row = rd.required(m, "rating.matrix", mat);
        rd.only(row, key, {"low", "medium", "high", "very_high"});
        std::array<Rating, 4> r{};
        for (int e = 0; e < 4; ++e) {
            r[e] = rd.rating(rd.required(row, key, kExposures[e]), key + "." + kExposures[e]);
            if (e > 0 && r[e] < r[e - 1]) rd.fail(key + "." + kExposures[e], "a rating may not fall as exposure rises");
        }
        p.rating.matrix[*materiality_from_string(mat)] = r;
    }
    const YAML::Node v = rd.required(node, "rating", "verdict_from_rating");
    rd.only(v, "rating.verdict_from_rating", {"low", "medium", "high", "very_high"});
    for (int e = 0; e < 4; ++e) {
        const std::string key = std::string("rating.verdict_from_rating.") + kExposures[e];
        p.rating.verdict_from_rating[e] = rd.level(rd.required(v, "rating.verdict_from_rating", kExposures[e]), key);
        if (e > 0 && p.rating.verdict_from_rating[e] < p.rating.verdict_from_rating[e - 1])
            rd.fail(key, "a verdict may not fall as the rating rises");
    }
}

InsideRule read_inside_rule(const Reader& rd, const YAML::Node& n, const std::string& theme) {
    const std::string key = "rules.inside." + theme;
    rd.only(n, key,
            {"rule", "level", "because", "because_zh", "zones", "zone_conditions", "zone_conditions_zh", "condition",
             "condition_zh", "allowed_project_categories", "allowed_level", "allowed_condition", "allowed_condition_zh",
             "source"});
    InsideRule r;
    r.theme = theme;
    r.rule = n["rule"] ? rd.text(n["rule"], key + ".rule") : "inside." + theme;
    r.level = rd.level(rd.required(n, key, "level"), key + ".level");
    r.because = rd.text(rd.required(n, key, "because"), key + ".because");
    read_renderings(rd, n, key, "because", r.because_in);
    if (n["zones"]) {
        // Zone names are free: they match ClassInfo.zone of whatever catalog is in use.
        if (!n["zones"].IsMap()) rd.fail(key + ".zones", "expected a map zone -> level");
        for (const auto& z : n["zones"]) {
            const std::string zone = z.first.as<std::string>();
            r.zone_levels[zone] = rd.level(z.second, key + ".zones." + zone);
        }
    }
    if (n["zone_conditions"]) {
        if (!n["zone_conditions"].IsMap()) rd.fail(key + ".zone_conditions", "expected a map zone -> condition");
        for (const auto& z : n["zone_conditions"]) {
            const std::string zone = z.first.as<std::string>();
            if (!r.zone_levels.count(zone))
                rd.fail(key + ".zone_conditions." + zone, "zone not listed under " + key + ".zones");
            r.zone_conditions[zone] = rd.text(z.second, key + ".zone_conditions." + zone);
        }
    }
    if (n["zone_conditions_zh"]) {
        const std::string k = key + ".zone_conditions_zh";
        if (!n["zone_conditions_zh"].IsMap()) rd.fail(k, "expected a map zone -> condition");
        for (const auto& z : n["zone_conditions_zh"]) {
            const std::string zone = z.first.as<std::string>();
            if (!r.zone_conditions.count(zone))
                rd.fail(k + "." + zone, "zone not listed under " + key + ".zone_conditions");
            r.zone_conditions_in["zh"][zone] = rd.text(z.second, k + "." + zone);
        }
    }
    if (n["condition"]) r.condition = rd.text(n["condition"], key + ".condition");
    read_renderings(rd, n, key, "condition", r.condition_in);
    if (n["allowed_project_categories"])
        r.allowed_project_categories = rd.texts(n["allowed_project_categories"], key + ".allowed_project_categories");
    if (n["allowed_level"]) r.allowed_level = rd.level(n["allowed_level"], key + ".allowed_level");
    if (n["allowed_condition"]) r.allowed_condition = rd.text(n["allowed_condition"], key + ".allowed_condition");
    read_renderings(rd, n, key, "allowed_condition", r.allowed_condition_in);
    if (!r.allowed_project_categories.empty() && !r.allowed_level)
        rd.fail(key + ".allowed_level", "missing (required with allowed_project_categories)");
    return r;
}

void read_rules(const Reader& rd, const YAML::Node& node, Profile& p) {
    std::set<std::string> keys = {"inside", "other_layers", "apply"};
    for (const auto& n : rules::rule_names()) keys.insert(n);
    for (const auto& n : rules::measured_rule_names()) keys.insert(n);
    rd.only(node, "rules", keys);

    const YAML::Node in = rd.required(node, "rules", "inside");
    if (!in.IsMap()) rd.fail("rules.inside", "expected a map theme -> rule");
    for (const auto& kv : in) {
        const std::string theme = kv.first.as<std::string>();
        p.inside[theme] = read_inside_rule(rd, kv.second, theme);
    }

    // Named rules: rules.apply lists them; each reads its own rules.<name> section.
    // The measured rules (proximity, water_stress, land_cover) are listed there too; every profile
    // applies them (src/screen/rules/measured.h).
    const auto& measured = rules::measured_rule_names();
    std::set<std::string> applied;
    if (const YAML::Node ap = node["apply"]) {
        for (const auto& name : rd.texts(ap, "rules.apply")) {
            if (!applied.insert(name).second) rd.fail("rules.apply", "rule '" + name + "' listed twice");
            const rules::Section section(node[name], rd.file(), name);
            if (name == rules::Proximity::name()) {
                p.proximity.configure(section);
                continue;
            }
            if (name == rules::WaterStress::name()) {
                p.water_stress.configure(section);
                continue;
            }
            if (name == rules::LandCover::name()) {
                p.land_cover.configure(section, p.buffers_m);
                continue;
            }
            std::unique_ptr<rules::Rule> r = rules::make_rule(name);
            if (!r) {
                std::string known;
                for (const auto& n : measured) known += (known.empty() ? "" : ", ") + n;
                for (const auto& n : rules::rule_names()) known += ", " + n;
                rd.fail("rules.apply", "unknown rule '" + name + "' (known: " + known + ")");
            }
            r->configure(section);
            for (const auto& [theme, ir] : p.inside)
                if (r->judges(theme))
                    rd.fail("rules.inside." + theme,
                            "theme '" + theme + "' is judged by rule " + name + " (rules.apply): remove one");
            p.rules.push_back(std::shared_ptr<const rules::Rule>(std::move(r)));
        }
    }
    for (const auto& n : rules::rule_names())
        if (node[n] && !applied.count(n))
            rd.fail("rules." + n, "section given but the rule is not listed in rules.apply");
    for (const auto& n : measured)
        if (!applied.count(n))
            rd.fail("rules.apply", "'" + n +
                                       "' missing: every profile applies the measured rules proximity, water_stress "
                                       "and land_cover (docs/rules/" +
                                       n + ".md)");

    if (const YAML::Node ol = node["other_layers"]) {
        rd.only(ol, "rules.other_layers", {"raster_min_severity", "continuous_min", "source"});
        if (ol["raster_min_severity"])
            p.other_layers.raster_min_severity =
                rd.integer(ol["raster_min_severity"], "rules.other_layers.raster_min_severity");
        if (ol["continuous_min"]) {
            if (!ol["continuous_min"].IsMap())
                rd.fail("rules.other_layers.continuous_min", "expected a map theme -> value");
            for (const auto& kv : ol["continuous_min"]) {
                const std::string theme = kv.first.as<std::string>();
                p.other_layers.continuous_min[theme] =
                    rd.number(kv.second, "rules.other_layers.continuous_min." + theme);
            }
        }
    }
}

void read_figures(const Reader& rd, const YAML::Node& node, Profile& p) {
    rd.only(node, "figures",
            {"attributes", "large_withdrawal_m3_per_year", "small_withdrawal_m3_per_year", "large_footprint_ha",
             "reference_water_intensity_m3_per_unit", "source"});
    if (const YAML::Node a = node["attributes"]) {
        rd.only(a, "figures.attributes",
                {"project_category", "annual_output", "water_intensity_m3_per_unit", "annual_water_m3", "footprint_ha",
                 "capacity_mw"});
        auto set = [&](const char* k, std::string& out) {
            if (a[k]) out = rd.text(a[k], std::string("figures.attributes.") + k);
        };
        set("project_category", p.figures.project_category);
        set("annual_output", p.figures.annual_output);
        set("water_intensity_m3_per_unit", p.figures.water_intensity);
        set("annual_water_m3", p.figures.annual_water);
        set("footprint_ha", p.figures.footprint);
        set("capacity_mw", p.figures.capacity);
    }
    auto opt = [&](const char* k, std::optional<double>& out) {
        if (node[k]) out = rd.positive(node[k], std::string("figures.") + k);
    };
    opt("large_withdrawal_m3_per_year", p.figures.large_withdrawal_m3_per_year);
    opt("small_withdrawal_m3_per_year", p.figures.small_withdrawal_m3_per_year);
    opt("large_footprint_ha", p.figures.large_footprint_ha);
    opt("reference_water_intensity_m3_per_unit", p.figures.reference_water_intensity_m3_per_unit);
    if (p.figures.large_withdrawal_m3_per_year && p.figures.small_withdrawal_m3_per_year &&
        *p.figures.small_withdrawal_m3_per_year >= *p.figures.large_withdrawal_m3_per_year)
        rd.fail("figures.small_withdrawal_m3_per_year", "must be below large_withdrawal_m3_per_year");
}

void read_avoidance(const Reader& rd, const YAML::Node& node, Profile& p) {
    rd.only(
        node, "avoidance",
        {"search_radius_m", "step_m", "lower_verdict", "note", "note_zh", "stay_within", "setback_m", "alternatives"});
    p.avoidance.search_radius_m =
        rd.positive(rd.required(node, "avoidance", "search_radius_m"), "avoidance.search_radius_m");
    p.avoidance.step_m = rd.positive(rd.required(node, "avoidance", "step_m"), "avoidance.step_m");
    if (p.avoidance.step_m > p.avoidance.search_radius_m)
        rd.fail("avoidance.step_m", "must not exceed search_radius_m");
    // A bound on the work per site: about pi (R/step)^2 candidate positions.
    if (p.avoidance.search_radius_m / p.avoidance.step_m > 400)
        rd.fail("avoidance.step_m", "too fine for the search radius (at most 400 rings)");
    if (node["lower_verdict"]) p.avoidance.lower_verdict = rd.boolean(node["lower_verdict"], "avoidance.lower_verdict");
    if (node["note"]) p.avoidance.note = rd.text(node["note"], "avoidance.note");
    read_renderings(rd, node, "avoidance", "note", p.avoidance.note_in);
    if (node["setback_m"]) {
        p.avoidance.setback_m = rd.number(node["setback_m"], "avoidance.setback_m");
        if (p.avoidance.setback_m < 0) rd.fail("avoidance.setback_m", "must be 0 or more");
        if (p.avoidance.setback_m > p.avoidance.search_radius_m)
            rd.fail("avoidance.setback_m", "must not exceed search_radius_m");
    }
    if (node["alternatives"]) {
        p.avoidance.alternatives = rd.integer(node["alternatives"], "avoidance.alternatives");
        if (p.avoidance.alternatives < 1 || p.avoidance.alternatives > 10)
            rd.fail("avoidance.alternatives", "must be from 1 to 10");
    }
    if (node["stay_within"]) {
        if (!node["stay_within"].IsSequence()) rd.fail("avoidance.stay_within", "expected a list of layer ids");
        for (const auto& e : node["stay_within"])
            p.avoidance.stay_within.push_back(rd.text(e, "avoidance.stay_within"));
    }
}

void read_mitigation(const Reader& rd, const YAML::Node& node, Profile& p) {
    const std::set<std::string> keys(kMitigationKeys.begin(), kMitigationKeys.end());
    rd.only(node, "mitigation", keys);
    static const std::regex placeholder(R"(\{([A-Za-z_0-9]*)\})");
    for (const auto& k : kMitigationKeys) {
        const std::string key = "mitigation." + k;
        const YAML::Node n = rd.required(node, "mitigation", k);
        rd.only(n, key, {"step", "action", "action_zh"});
        MitigationText m;
        const std::string step = rd.text(rd.required(n, key, "step"), key + ".step");
        const auto stage = mitigation_stage_from_string(step);
        if (!stage) rd.fail(key + ".step", "expected avoid, minimise, restore or offset, not '" + step + "'");
        m.step = *stage;
        m.action = rd.text(rd.required(n, key, "action"), key + ".action");
        const auto names = [&](const std::string& text, const std::string& where) {
            std::set<std::string> found;
            for (std::sregex_iterator it(text.begin(), text.end(), placeholder), end; it != end; ++it) {
                if (!kPlaceholders.count((*it)[1].str()))
                    rd.fail(where, "unknown placeholder {" + (*it)[1].str() + "}");
                found.insert((*it)[1].str());
            }
            return found;
        };
        const std::set<std::string> used = names(m.action, key + ".action");
        if (n["action_zh"]) {
            // The translation fills in the same values: a placeholder dropped or added is a mistake.
            m.action_in["zh"] = rd.text(n["action_zh"], key + ".action_zh");
            if (names(m.action_in["zh"], key + ".action_zh") != used)
                rd.fail(key + ".action_zh", "must use the same placeholders as action");
        }
        p.mitigation[k] = m;
    }
}

}  // namespace

const char* to_string(Rating r) { return enum_name(kRatingNames, r); }
std::optional<Rating> rating_from_string(const std::string& s) { return enum_value(kRatingNames, s); }
const char* to_string(Materiality m) { return enum_name(kMaterialityNames, m); }
std::optional<Materiality> materiality_from_string(const std::string& s) { return enum_value(kMaterialityNames, s); }
const char* to_string(Driver d) { return enum_name(kDriverNames, d); }

const DriverSpec* Profile::driver(Driver d) const {
    for (const auto& s : drivers)
        if (s.driver == d) return &s;
    return nullptr;
}

namespace {
Profile load_profile_unchecked(const std::string& path);
}  // namespace

// A malformed YAML structure (e.g. a non-scalar key) names the file instead
// of surfacing as an internal error.
Profile load_profile(const std::string& path) {
    try {
        return load_profile_unchecked(path);
    } catch (const YAML::Exception& e) {
        throw InputError(path + ": malformed profile: " + e.what());
    }
}

namespace {
Profile load_profile_unchecked(const std::string& path) {
    Reader rd(path);
    std::error_code ec;
    if (!fs::exists(path, ec)) rd.fail("", "file not found");
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        rd.fail("", "not valid YAML: " + std::string(e.what()));
    }
    if (!root.IsMap()) rd.fail("", "a profile must be a map (type, value_chain, buffers_m, drivers, rules, ...)");
    rd.only(root, "",
            {"type", "title", "title_zh", "value_chain", "buffers_m", "drivers", "figures", "rating", "rules",
             "avoidance", "mitigation", "source", "activity"});
    Profile p;
    p.file = path;
    p.type = rd.text(rd.required(root, "", "type"), "type");
    static const std::regex type_re("[a-z0-9_-]+");
    if (!std::regex_match(p.type, type_re)) rd.fail("type", "use lower-case letters, digits, '_' or '-'");
    p.title = root["title"] ? rd.text(root["title"], "title") : p.type;
    read_renderings(rd, root, "", "title", p.title_in);
    p.value_chain = rd.text(rd.required(root, "", "value_chain"), "value_chain");
    if (root["activity"])
        p.activity = rd.text(root["activity"], "activity");  // checked against config/activities.yaml by the Assessor
    if (p.value_chain != "upstream" && p.value_chain != "midstream" && p.value_chain != "downstream")
        rd.fail("value_chain", "expected upstream, midstream or downstream, not '" + p.value_chain + "'");

    const YAML::Node b = rd.required(root, "", "buffers_m");
    if (!b.IsSequence() || b.size() == 0) rd.fail("buffers_m", "expected a list of distances in metres");
    for (const auto& e : b) {
        const double r = rd.positive(e, "buffers_m");
        // The same limits as --buffers: a profile cannot ask a run for more work than the command line may.
        if (r < kMinBufferM || r > kMaxBufferM)
            rd.fail("buffers_m", fmt::format("{:g} m is outside {:g} m to {:g} km (the limits of docs/input.md)", r,
                                             kMinBufferM, kMaxBufferM / 1000));
        if (!p.buffers_m.empty() && r <= p.buffers_m.back()) rd.fail("buffers_m", "distances must be ascending");
        p.buffers_m.push_back(r);
    }
    if (p.buffers_m.size() > kMaxBuffers)
        rd.fail("buffers_m", fmt::format("{} distances; at most {} are allowed", p.buffers_m.size(), kMaxBuffers));

    read_drivers(rd, rd.required(root, "", "drivers"), p);
    if (root["figures"]) read_figures(rd, root["figures"], p);
    read_rating(rd, rd.required(root, "", "rating"), p);
    read_rules(rd, rd.required(root, "", "rules"), p);
    read_avoidance(rd, rd.required(root, "", "avoidance"), p);
    read_mitigation(rd, rd.required(root, "", "mitigation"), p);
    return p;
}
}  // namespace

const std::string& profile_text(const std::string& text, const std::map<std::string, std::string>& in,
                                i18n::Lang lang) {
    const auto it = in.find(i18n::to_string(lang));
    return it == in.end() ? text : it->second;
}

const std::string& InsideRule::because_for(i18n::Lang lang) const { return profile_text(because, because_in, lang); }
const std::string& InsideRule::condition_for(i18n::Lang lang) const {
    return profile_text(condition, condition_in, lang);
}
const std::string& InsideRule::allowed_condition_for(i18n::Lang lang) const {
    return profile_text(allowed_condition, allowed_condition_in, lang);
}
std::string InsideRule::zone_condition_for(const std::string& zone, i18n::Lang lang) const {
    const auto c = zone_conditions.find(zone);
    if (c == zone_conditions.end()) return "";
    const auto in = zone_conditions_in.find(i18n::to_string(lang));
    if (in == zone_conditions_in.end()) return c->second;
    const auto t = in->second.find(zone);
    return t == in->second.end() ? c->second : t->second;
}

std::map<std::string, Profile> load_profiles(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw InputError(dir + ": profile folder not found");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
            files.push_back(e.path());
    std::sort(files.begin(), files.end());  // deterministic order for messages
    std::map<std::string, Profile> out;
    for (const auto& f : files) {
        Profile p = load_profile(f.string());
        auto it = out.find(p.type);
        if (it != out.end())
            throw InputError(f.string() + ": type: '" + p.type + "' is already declared by " + it->second.file);
        out.emplace(p.type, std::move(p));
    }
    if (out.empty()) throw InputError(dir + ": no profile (*.yaml) found");
    return out;
}

std::string default_profiles_dir() { return installed_path("SITESCREEN_PROFILES", "config/profiles"); }

Json profile_json(const Profile& p) {
    Json j;
    j["type"] = p.type;
    j["file"] = p.file;
    j["title"] = p.title;
    j["value_chain"] = p.value_chain;
    j["activity"] = p.activity.empty() ? Json(nullptr) : Json(p.activity);
    j["buffers_m"] = p.buffers_m;
    Json drivers = Json::object();
    for (const auto& d : p.drivers) drivers[to_string(d.driver)] = to_string(d.materiality);
    j["drivers"] = drivers;
    j["proximity"] = p.proximity.json();
    j["water_stress"] = p.water_stress.json();
    j["land_cover"] = p.land_cover.json();
    Json inside = Json::object();
    for (const auto& [theme, r] : p.inside) {
        Json e = {{"rule", r.rule}, {"level", to_string(r.level)}};
        if (!r.zone_levels.empty()) {
            Json z = Json::object();
            for (const auto& [zone, l] : r.zone_levels) z[zone] = to_string(l);
            e["zones"] = z;
        }
        if (!r.allowed_project_categories.empty()) {
            e["allowed_project_categories"] = r.allowed_project_categories;
            e["allowed_level"] = to_string(*r.allowed_level);
        }
        inside[theme] = e;
    }
    j["inside"] = inside;
    Json applied = Json::object();
    for (const auto& r : p.rules) applied[r->name()] = r->json();
    j["rules"] = applied;
    j["avoidance"] = {{"search_radius_m", p.avoidance.search_radius_m},
                      {"step_m", p.avoidance.step_m},
                      {"lower_verdict", p.avoidance.lower_verdict},
                      {"setback_m", p.avoidance.setback_m},
                      {"alternatives", p.avoidance.alternatives}};
    if (!p.avoidance.stay_within.empty()) j["avoidance"]["stay_within"] = p.avoidance.stay_within;
    return j;
}

}  // namespace sitescreen
