// Site-type profiles (plant, mine, charger): buffers, impact drivers, rule thresholds and mitigation texts, loaded from
// YAML (docs/leap.md).
#pragma once
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/site.h"
#include "layers/catalog.h"
#include "screen/result.h"
#include "screen/rules/measured.h"

namespace sitescreen {

// Exposure of a site to a receptor, and the rating of a driver x receptor pair.
enum class Rating { Low = 0, Medium = 1, High = 2, VeryHigh = 3 };
const char* to_string(Rating r);
std::optional<Rating> rating_from_string(const std::string& s);

// How material an impact driver is for a kind of site (source report's value-chain table).
enum class Materiality { None = 0, Low = 1, Medium = 2, High = 3 };
const char* to_string(Materiality m);
std::optional<Materiality> materiality_from_string(const std::string& s);

enum class Driver { LandUseChange, WaterUse, Pollution, Ghg };
const char* to_string(Driver d);
constexpr std::array<Driver, 4> kAllDrivers{Driver::LandUseChange, Driver::WaterUse, Driver::Pollution, Driver::Ghg};

// The five TNFD sensitive-location criteria, in TNFD order.
constexpr std::array<Criterion, 5> kTnfdCriteria{Criterion::BiodiversityImportance, Criterion::EcosystemIntegrity,
                                                 Criterion::RapidDecline, Criterion::WaterRisk,
                                                 Criterion::EcosystemServices};

struct DriverSpec {
    Driver driver = Driver::LandUseChange;
    Materiality materiality = Materiality::None;
    std::vector<Criterion>
        receptors;       // criteria whose findings this driver is rated against; empty: location-independent
    std::string source;  // where the materiality comes from
    std::map<std::string, std::string> source_in;  // source_zh: the source in a report's language
};

// What being inside a feature of a layer with a given theme means, e.g. a red line or a nature reserve zone.
struct InsideRule {
    std::string theme;
    std::string rule;                                     // rule id reported in rules_fired
    Level level = Level::High;                            // when no zone matches
    std::string because;                                  // the regulation or standard behind it
    std::map<std::string, Level> zone_levels;             // ClassInfo.zone -> level (nature reserve zoning)
    std::map<std::string, std::string> zone_conditions;   // zone -> condition to meet when the level is not no-go
    std::string condition;                                // condition when the level is not no-go (no zone)
    std::vector<std::string> allowed_project_categories;  // project categories exempt from a no-go
    std::optional<Level> allowed_level;                   // level for an allowed category
    std::string allowed_condition;                        // what an allowed category must still obtain
    // The texts in the other languages of the reports (because_zh, condition_zh, allowed_condition_zh,
    // zone_conditions_zh), by language code; a text without one is printed as written.
    std::map<std::string, std::string> because_in, condition_in, allowed_condition_in;
    std::map<std::string, std::map<std::string, std::string>> zone_conditions_in;  // language -> zone -> condition

    // The texts in `lang` (profile_text below); zone_condition_for: "" for a zone without a condition.
    const std::string& because_for(i18n::Lang lang) const;
    const std::string& condition_for(i18n::Lang lang) const;
    const std::string& allowed_condition_for(i18n::Lang lang) const;
    std::string zone_condition_for(const std::string& zone, i18n::Lang lang) const;
};

// The measured rules (docs/rules/proximity.md, water_stress.md, land_cover.md): their settings and
// bands, each read from its own section rules.<name> (src/screen/rules/measured.h).
using ProximityRule = rules::Proximity;
using WaterStressRule = rules::WaterStress;
using LandCoverRule = rules::LandCover;

struct OtherLayersRule {
    int raster_min_severity = 3;  // categorical raster classes at or above this severity "meet" their criterion
    std::map<std::string, double> continuous_min;  // theme -> value at or above which a continuous raster "meets"
};

struct FiguresSpec {
    // Site attribute names (the user's columns).
    std::string project_category = "project_category";
    std::string annual_output = "annual_output";
    std::string water_intensity = "water_intensity_m3_per_unit";
    std::string annual_water = "annual_water_m3";
    std::string footprint = "footprint_ha";
    std::string capacity = "capacity_mw";
    // Thresholds that raise or lower a driver's materiality for this site.
    std::optional<double> large_withdrawal_m3_per_year;
    std::optional<double> small_withdrawal_m3_per_year;
    std::optional<double> large_footprint_ha;
    std::optional<double> reference_water_intensity_m3_per_unit;  // quoted in texts, never used to invent a figure
};

struct RatingSpec {
    // materiality (low, medium, high) -> rating per exposure (low, medium, high, very_high)
    std::map<Materiality, std::array<Rating, 4>> matrix;
    std::array<Level, 4> verdict_from_rating{Level::Low, Level::Low, Level::Medium, Level::High};
};

struct AvoidanceSpec {
    double search_radius_m = 20000;
    double step_m = 500;
    bool lower_verdict = false;  // a no-go site's alternative must also be below "high"
    // Distance the site's footprint keeps from every feature that fails it (0: may touch).
    double setback_m = 0;
    int alternatives = 3;  // alternatives returned, ranked by verdict then distance
    std::string note;
    std::map<std::string, std::string> note_in;  // note_zh: the note in a report's language
    // Layer ids (admin units): the alternative stays inside the features of these layers that
    // the site is inside (the country, a province); ids not in the catalog are ignored.
    std::vector<std::string> stay_within;
};

struct MitigationText {
    MitigationStage step = MitigationStage::Avoid;
    std::string action;  // may hold {placeholders}, see docs/leap.md
    // The action in the other languages of the reports, from action_<lang> ("zh": action_zh), with
    // the same placeholders; a language without one falls back to `action` (docs/reports.md).
    std::map<std::string, std::string> action_in;
};

// The mitigation entries every profile must define.
extern const std::vector<std::string> kMitigationKeys;

struct Profile {
    std::string file;  // where it was loaded from (for messages and run.json)
    std::string type;
    std::string title;
    std::map<std::string, std::string> title_in;  // title_zh: the title in a report's language
    std::string value_chain;                      // upstream | midstream | downstream
    std::string activity;  // default row of config/activities.yaml for sites without an activity attribute
    std::vector<double> buffers_m;
    std::vector<DriverSpec> drivers;  // in kAllDrivers order
    FiguresSpec figures;
    RatingSpec rating;
    ProximityRule proximity;
    std::map<std::string, InsideRule> inside;  // by theme: the profile's own inside rules
    // The named rules the profile applies (rules.apply), each configured from its rules.<name>
    // section (docs/rules/README.md).
    std::vector<std::shared_ptr<const rules::Rule>> rules;
    WaterStressRule water_stress;
    LandCoverRule land_cover;
    OtherLayersRule other_layers;
    AvoidanceSpec avoidance;
    std::map<std::string, MitigationText> mitigation;

    const DriverSpec* driver(Driver d) const;
};

// A profile text in `lang`: its <key>_<lang> rendering from `in` where the profile gives one, else
// `text` as written (English).
const std::string& profile_text(const std::string& text, const std::map<std::string, std::string>& in, i18n::Lang lang);

// Loads and validates one profile; throws InputError "<file>: <key>: <problem>".
Profile load_profile(const std::string& path);
// Loads every *.yaml in a folder (README and other files ignored), keyed by type;
// throws when two files declare the same type or the folder has none.
std::map<std::string, Profile> load_profiles(const std::string& dir);
// $SITESCREEN_PROFILES, else <exe>/../share/sitescreen/config/profiles, else the source tree's config/profiles.
std::string default_profiles_dir();

// The profile as recorded in run.json.
Json profile_json(const Profile& p);

}  // namespace sitescreen
