// The assessment's typed results: Locate and Evaluate, the verdict with its findings, the
// mitigation steps and the avoidance search's answer (docs/leap.md). The assessment builds these
// structs; result.cpp is the one place that turns them into the sites.jsonl keys (docs/output.md,
// docs/site-record.schema.json). They live in screen/ rather than core/ because they name the rule
// sets and criteria the screen defines.
#pragma once
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/site.h"
#include "core/types.h"
#include "layers/catalog.h"
#include "screen/rules/citation.h"

namespace sitescreen {

enum class Rating;       // screen/profile.h
enum class Materiality;  // screen/profile.h
enum class Driver;       // screen/profile.h

// ----------------------------------------------- Locate L4: the sensitive-location criteria

enum class CriterionStatus { Met, NotMet, NotAssessed };
const char* to_string(CriterionStatus s);  // "met", "not_met", "not_assessed"

// A feature an evidence entry names.
struct EvidenceFeature {
    std::string id, name, category;
    std::string zone;  // the category's zone (core, ...); written when not empty
};

// A raster's value at the site, as the evidence gives it: the class of a categorical layer, the
// value of a continuous one, or no cell (written as null).
struct CellValue {
    enum class Kind { NoCell, Class, Value };
    Kind kind = Kind::NoCell;
    long long class_value = 0;
    double value = 0;
};

// One layer's evidence for a criterion (locate.l4.criteria.<criterion>.evidence[]): the layer, the
// figures its kind measured, and what they say. A layer kind sets only the facts it measures;
// to_json writes the set ones, in the order of the members.
struct Evidence {
    std::string layer, theme;
    bool demo = false;  // written when true
    std::optional<bool> inside;
    std::optional<double> distance_m;  // rounded to 0.1 m
    std::optional<EvidenceFeature> feature;
    std::vector<EvidenceFeature> inside_features;  // inside more than one: the first ten (no zone)
    std::optional<int> bws_cat;
    std::string bws_label;  // written when not empty
    bool arid = false;      // written when true
    std::optional<CellValue> value_at_site;
    std::optional<std::string> class_at_site;
    std::string zone_at_site;  // written when not empty
    std::optional<double> radius_m;
    std::optional<double> overlap_share;            // of the buffer; rounded to 0.001
    std::optional<double> footprint_overlap_share;  // of the footprint; rounded to 0.001
    std::optional<double> natural_share;            // of the buffer; rounded to 0.001
    std::optional<std::string> resolution;
    CriterionStatus status = CriterionStatus::NotAssessed;
    std::optional<Rating> exposure;
    std::string why;  // in the run's language, with the demonstration marker and the band's trace
};
Json to_json(const Evidence& e);

// One TNFD sensitive-location criterion at a site (locate.l4.criteria.<criterion>).
struct CriterionFinding {
    Criterion criterion = Criterion::BiodiversityImportance;
    CriterionStatus status = CriterionStatus::NotAssessed;
    std::optional<Rating> exposure;  // the highest a layer of the criterion gave
    std::vector<Evidence> evidence;  // one entry per layer read
    std::string why;                 // when there is no evidence: why, in the run's language
};

// The verdict scale, in increasing order of concern.
enum class Level { Low = 0, Medium = 1, High = 2, NoGo = 3 };
const char* to_string(Level l);  // "low", "medium", "high", "no-go"
std::optional<Level> level_from_string(const std::string& s);

// ------------------------------------- Evaluate E2 and E4: each driver rated against the place

// One pair of a driver and a receptor criterion (evaluate.e2[]): the driver's materiality rated
// against the criterion's exposure at the site by the profile's matrix.
struct DriverPair {
    Driver driver{};
    Criterion receptor = Criterion::BiodiversityImportance;
    Materiality materiality{};
    std::optional<Rating> exposure;  // nullopt: no layer of the criterion was read (and no rating)
    std::optional<Rating> rating;
    std::string trace;  // in the run's language
};

// The levels of E4's severity and irreversibility (config/materiality.yaml's names).
enum class ImpactLevel { Low, Medium, High };
const char* to_string(ImpactLevel l);  // "low", "medium", "high"
std::optional<ImpactLevel> impact_level_from_string(const std::string& s);

// E4's likelihood, from the receptor's exposure (config/materiality.yaml's names).
enum class Likelihood { Unlikely, Possible, Likely, AlmostCertain };
const char* to_string(Likelihood l);  // "unlikely", "possible", "likely", "almost_certain"
std::optional<Likelihood> likelihood_from_string(const std::string& s);

// What the severity's affected share was read from.
enum class SeverityBasis { FootprintOverlap, NaturalShare, WaterStressUnit, Inside, Near };
const char* to_string(SeverityBasis b);  // "footprint_overlap_share", ..., "inside", "near"

// The four E4 factors behind a driver's highest rating (docs/leap.md, "E4 factors"), from the
// evidence of its receptor (screen/e4_factors.h).
struct RatingFactors {
    ImpactLevel severity = ImpactLevel::Low;
    double affected_share = 0;  // rounded to 0.001
    SeverityBasis severity_from = SeverityBasis::Near;
    std::string layer;              // the evidence's layer
    std::optional<double> area_ha;  // the footprint times the share; rounded to 0.001
    std::optional<double> buffer_share, radius_m;
    ImpactLevel irreversibility = ImpactLevel::Medium;
    std::string theme;
    bool irreversibility_by_theme = false;  // else the configuration's default
    Likelihood likelihood = Likelihood::Possible;
    Rating exposure{};
    std::vector<std::string> trace;  // one sentence per factor, in the run's language
};

// One driver in E4 (evaluate.e4.drivers.<driver>).
struct DriverRating {
    Driver driver{};
    Materiality materiality{};
    std::optional<Rating> rating;        // nullopt: not rated against the place (its trace says why)
    std::string trace;                   // the rating's trace, then the factors' (run's language)
    std::optional<Level> verdict_level;  // location-dependent rated drivers: the profile's level
    std::optional<RatingFactors> factors;
};

// Evaluate's E4 (evaluate.e4).
struct RiskRatings {
    std::vector<DriverRating> drivers;  // the profile's order
    std::optional<Rating> highest;      // of the location-dependent rated drivers
    Level verdict_from_rating{};        // low without one
};

// One finding of a named rule (rules.apply): what its clause says of the site at one feature.
struct Finding {
    std::string rule;  // "<rule>.<case>", e.g. cn_ecrl.item7
    rules::RuleSet set = rules::RuleSet::International;
    rules::Outcome outcome = rules::Outcome::Forbidden;
    Level level = Level::Low;
    std::string layer;    // the layer id
    std::string feature;  // the feature as people read it
    rules::Citation citation;
    std::vector<std::string> conditions;
    bool conservative = false;  // the stricter reading was taken (clause or data open)
};

// How many of the criteria the profile's material drivers are rated against were assessed.
struct CriteriaCoverage {
    int assessed = 0;
    int needed = 0;
    std::vector<Criterion> not_assessed;  // in kTnfdCriteria order
    bool complete() const { return assessed == needed; }
};

struct Verdict {
    Level level = Level::Low;  // meaningful only when covered
    bool covered = true;       // false: no layer has data where the site is (level "not_covered")
    CriteriaCoverage coverage;
    std::string profile;               // the profile the site was assessed with
    std::vector<std::string> reasons;  // "NO-GO: ...", in the run's language
    std::vector<std::string> rules_fired;
    std::vector<std::string> conditions;  // what a site below no-go must still obtain
    rules::Jurisdiction jurisdiction = rules::Jurisdiction::Unknown;
    std::vector<rules::RuleSet> rule_sets;  // the sets of the findings, each once, China first
    std::vector<Finding> findings;
};

// The mitigation hierarchy, in its order.
enum class MitigationStage { Avoid, Minimise, Restore, Offset };
const char* to_string(MitigationStage s);  // "avoid", "minimise", "restore", "offset"
std::optional<MitigationStage> mitigation_stage_from_string(const std::string& s);

struct MitigationStep {
    MitigationStage step = MitigationStage::Avoid;
    std::string action;   // the profile's text with its placeholders filled
    std::string because;  // the findings behind it
    std::string trigger;  // the profile's mitigation key: relocate, move, permit, setback, ...
};

// A finding of the site that an alternative location clears.
struct ClearedFinding {
    std::string rule;
    Level level = Level::Low;
    std::string layer;
    std::optional<std::string> feature_id, feature_name;  // both or neither
    std::string what;
};

// One location the avoidance search found.
struct AlternativeLocation {
    LonLat at;
    double distance_m = 0, bearing_deg = 0;  // geodesic, from the site; rounded to 0.1
    std::vector<ClearedFinding> clears;
    Level level_at_alternative = Level::Low;  // the verdict of a full screening there
    bool lowers_verdict = false;
    std::vector<std::string> remaining;  // the reasons still fired there
};

// The avoidance search's answer (docs/leap.md, "Avoidance search").
struct AlternativeSearch {
    Level aim_below = Level::High;  // the level the search aimed below (no-go or high)
    // Ranked (by the verdict there, then distance); the first is the record's answer. Empty: none.
    std::vector<AlternativeLocation> alternatives;
    // Said when nothing below high was found and the answer only clears no-go ("" otherwise), in
    // the run's language.
    std::string note;
    double search_radius_m = 0, step_m = 0, resolution_m = 0;
    // The shape moved: the site's point, its footprint polygon, or a disc of its declared area.
    enum class Shape { Point, Footprint, DeclaredArea } shape = Shape::Point;
    double footprint_radius_m = 0;  // the declared area's disc (DeclaredArea only)
    double setback_m = 0, reach_m = 0, separation_m = 0;
    bool stopped_at_budget = false;  // else every nearer position was covered
    bool certified = false;
    std::vector<std::string> layers_checked;
    std::size_t candidates_evaluated = 0, areas_closed = 0, verified = 0, rejected_by_full_screen = 0;
    std::vector<std::string> stays_within;  // the profile's stay_within ("" none)
    std::size_t rejected_outside_units = 0;
    bool moved_footprint = false;  // the footprint was translated rigidly (else a point was moved)
    std::string profile_note;      // the profile's note in the run's language ("" none)

    bool found() const { return !alternatives.empty(); }
};

// ------------------------------------- TNFD core global disclosure metrics (docs/leap.md, "TNFD metrics")

// The metrics location data supports (TNFD Recommendations 2023, annex 1), in the order of the
// portfolio table.
enum class TnfdMetric { TotalSpatialFootprint, LandUseChangeNatural, LandUseChangeSensitive, WaterWithdrawalScarce };
inline constexpr std::size_t kTnfdMetricCount = 4;
struct TnfdMetricDef {
    TnfdMetric metric;
    const char* key;     // evaluate.metrics.<key>, run.json portfolio.tnfd.metrics[].metric
    const char* tnfd;    // "C1.0", ...
    const char* title;   // run.json's title
    const char* unit;    // "ha", "m3/yr"
    const char* method;  // run.json's method (the report's text is the catalog's)
};
const std::array<TnfdMetricDef, kTnfdMetricCount>& tnfd_metric_defs();

// What the assessment knows about a site that the metrics use. Every figure is optional: a
// metric whose input is missing is reported `not available: <what is missing>`, never guessed.
struct MetricInputs {
    std::optional<double> declared_footprint_ha;  // the profile's footprint attribute (point sites)
    std::string footprint_attribute;              // its name, for the not-available text
    std::optional<double> withdrawal_m3;          // annual withdrawal (attribute, or output x intensity)
    std::string withdrawal_from;
    std::optional<int> bws_cat;  // Aqueduct baseline water stress category at the site
    bool arid = false;           // an "arid and low water use" unit
    std::string bws_layer;
    int high_bws_cat = 3;  // the profile's rules.water_stress.high_bws_cat
    double near_m = 0;     // the profile's rules.proximity.sensitive_within_m
};

// The land cover over the footprint (a polygon site's footprint, or a disc of a point site's
// declared area), measured by footprint_land_cover() (screen/tnfd_metrics.h).
struct FootprintLandCover {
    std::string layer;                         // the land-cover layer measured; empty: none in the catalog
    double valid_share = 0;                    // share of the footprint covered by valid cells
    std::optional<double> natural_share;       // share of the valid area in classes of zone `natural`
    std::vector<std::string> natural_classes;  // labels of those classes, as the catalog gives them
    std::string shape;                         // "polygon" or "disc of the declared area"
};

// One metric of a site: its value as reported (rounded), or why there is none.
struct MetricValue {
    std::optional<double> value;
    std::string not_available;  // "not available: <why>" in the run's language; "" with a value
};

// A theme of sensitive locations (vector layers of criterion biodiversity_importance) at a site.
struct SensitiveTheme {
    std::string theme;
    bool inside = false;              // the site's point or footprint intersects a feature of the theme
    bool near = false;                // not inside, and the nearest feature is within MetricInputs::near_m
    std::optional<double> nearest_m;  // the theme's nearest feature (unrounded)
    std::vector<std::string> layers_inside;
    std::optional<double> footprint_overlap_ha;  // polygon sites: the largest layer's overlap, as reported
};

// A site's metrics (evaluate.metrics), made by site_metrics() (screen/tnfd_metrics.h).
struct SiteMetrics {
    MetricInputs inputs;
    std::array<MetricValue, kTnfdMetricCount> values;  // by TnfdMetric
    std::string footprint_from;                        // how the footprint is known ("" without one)
    std::optional<FootprintLandCover> land_cover;      // the measurement behind C1.1 natural, if any
    std::optional<double> sensitive_upper_ha;          // C1.1 sensitive: the sum over layers, capped
    std::optional<bool> scarce;                        // the site's water-stress unit is scarce; nullopt: no unit known
    std::vector<SensitiveTheme> themes;                // in the order of each theme's first layer in the catalog

    MetricValue& operator[](TnfdMetric m) { return values[static_cast<std::size_t>(m)]; }
    const MetricValue& operator[](TnfdMetric m) const { return values[static_cast<std::size_t>(m)]; }
};

// ------------------------------------------------------------------ Evaluate E3: the site's figures

// The figures a site's attributes give, as its profile reads them (assess.cpp, read_figures).
struct SiteFigures {
    std::string project_category;  // normalised
    std::optional<double> annual_output, water_intensity, withdrawal_m3, footprint_ha, capacity_mw;
    std::string withdrawal_from;  // how withdrawal_m3 was obtained
    std::string footprint_from;
    std::vector<std::string> notes;
};

// Evaluate E3 (evaluate.e3): the site's figures and what Locate measured that E3 reports.
// Unrounded; the serializer rounds as docs/output.md says.
struct EvaluateFigures {
    SiteFigures site;
    std::optional<double> nearest_biodiversity_m;  // the nearest feature of a biodiversity layer
    std::string nearest_biodiversity_feature;
    std::optional<int> bws_cat;           // the highest water-stress category at the site
    std::optional<double> natural_share;  // of the land-cover buffer
    double natural_share_radius_m = 0;
};

// ------------------------------------------------------------------ Locate and Evaluate

// The profile a site was assessed with (locate.profile).
struct ProfileUse {
    std::string type, file;
    bool fallback = false;  // the site's type has no profile of its own: this is the fallback
};

// A driver's materiality for the site (locate.l2[]): the profile's, and the one the site's
// figures made it.
struct DriverMateriality {
    Driver driver{};
    Materiality materiality{}, profile_materiality{};
    bool location_dependent = true;  // the profile rates it against receptor criteria
    std::vector<std::string> why;    // the profile's source, then what the figures changed
};

// A context layer (criterion context) with features at the site (locate.l3.context[]).
struct ContextLayer {
    std::string layer, theme;
    std::vector<std::string> inside;  // the features the site is inside, by name (id without one)
};

// What L3 lists of a layer the assessment read (locate.l3.layers[]). A vector layer's entry has
// `inside` and always a distance (null: no feature within reach); a raster's has the value at
// the site (null: no cell). The other facts are written when set.
struct LayerInterface {
    std::string layer, theme;
    Criterion criterion = Criterion::BiodiversityImportance;
    std::optional<bool> inside;           // set for vector layers only
    std::optional<double> value_at_site;  // raster layers
    std::optional<double> distance_m;     // rounded to 0.1
    std::optional<std::string> feature;   // the nearest feature, by name (id without one)
    std::optional<int> bws_cat;
    std::optional<std::string> class_at_site;
    std::optional<double> natural_share;  // rounded to 0.001
};

// An IUCN Global Ecosystem Typology unit as L3 names it (config/ecosystems.yaml): its code, level
// and name in the run's language, and the units a land-cover class may be.
struct EcosystemCandidate {
    std::string code, name;
};
struct EcosystemUnit {
    std::string code;                            // "T7.1", "T2", "T", "TF1"
    std::string level;                           // realm, biome, functional_group (get_level)
    std::string name;                            // in the run's language
    std::vector<EcosystemCandidate> candidates;  // at the site: code and name; in a mix: the codes
};

// The class of a land-cover layer at the site and its unit (locate.l3.ecosystems[].at_site).
struct EcosystemAtSite {
    long long value = 0;
    std::optional<std::string> class_label;  // null: a class the catalog does not name
    std::optional<EcosystemUnit> get;        // null: a class the map does not map
};

// A buffer's ecosystem mix (locate.l3.ecosystems[].buffers[]): the units by share, largest first.
struct EcosystemBuffer {
    double radius_m = 0;
    double valid_share = 0;  // rounded to 0.001
    struct Share {
        EcosystemUnit unit;
        double share = 0;  // rounded to 0.001
    };
    std::vector<Share> mix;
    std::optional<double> unmapped_share;  // of classes the map does not map; rounded to 0.001
};

// The ecosystems one land-cover layer shows at a site (locate.l3.ecosystems[]).
struct LayerEcosystems {
    std::string layer;
    std::string preset;                      // the layer's class preset ("" none: written null)
    std::string resolution;                  // in the run's language; written when not empty
    bool mapped = false;                     // config/ecosystems.yaml maps the preset
    std::string why;                         // when not mapped, in the run's language
    std::optional<EcosystemAtSite> at_site;  // mapped: null when there is no cell at the site
    std::vector<EcosystemBuffer> buffers;    // mapped only
};

// A service the activity depends on that an ecosystem at the site provides (evaluate.e1.services[]).
struct EcosystemService {
    std::string service, title;  // the ENCORE service; its title in the run's language
    Materiality materiality{};
    std::string encore_rating;
    struct Provider {
        std::string code, name;
        std::vector<std::string> candidates;
        bool at_site = false;
        std::string layer;
        double radius_m = 0;  // 0: only at the site (radius and share not written)
        double share = 0;     // rounded to 0.001
    };
    std::vector<Provider> provided_by;
};

// ------------------------------------------ the activity: its ENCORE row (L2) and its pairs (E2)

// Where a site's activity row came from (locate.activity.from).
enum class ActivityFrom { Activity, Isic, ProfileDefault, None };
const char* to_string(ActivityFrom f);  // "attribute:activity", "attribute:isic", "profile_default", "none"

// An ENCORE dependency (a service) or impact (a pressure) as the activity's row rates it.
struct TopicRating {
    std::string id;                          // the service or pressure
    std::string encore_rating;               // VH .. VL, ND, N/A
    std::optional<Materiality> materiality;  // null: ENCORE has no data (ND)
    std::optional<Driver> driver;            // pressures: the profile driver it belongs to (null: none)
};

// locate.activity.dependencies[] and impacts[]: a rating, named, and whether its place matters.
struct ActivityTopicUse : TopicRating {
    std::string title;      // in the run's language
    std::string not_found;  // when materiality is null: why, in the run's language
    bool location_dependent = false;
};

// locate.activity: the row the site's activity uses, where it came from, and its ratings.
struct ActivityUse {
    ActivityFrom from = ActivityFrom::None;
    std::string warning;  // an attribute naming no row (written when not empty)
    std::string id;       // "": no row (written null, with nothing else)
    std::string title, profile, value_chain;
    std::vector<std::string> isic;
    std::string encore_code, encore_name, encore_level, match;
    std::string encore_version, licence, file;  // the table's source
    std::vector<ActivityTopicUse> dependencies, impacts;
};

// What Locate found for a topic's criteria (evaluate.e2_activity.*[].found).
enum class TopicFound { LocationIndependent, Met, NotMet, NotAssessed };
const char* to_string(TopicFound f);  // "location_independent", "met", "not_met", "not_assessed"

// evaluate.e2_activity.dependencies[] and impacts[]: a rating paired with L4's findings for its
// criteria.
struct TopicPairing : TopicRating {
    struct Located {  // one criterion: L4's status and exposure
        Criterion criterion{};
        CriterionStatus status = CriterionStatus::NotAssessed;
        std::optional<Rating> exposure;
    };
    std::vector<Located> locate;
    TopicFound found = TopicFound::NotAssessed;
    std::optional<Rating> highest_exposure;
    std::string why;  // in the run's language
};

// evaluate.e2_activity: the activity's dependencies and impacts that ENCORE finds applicable.
struct ActivityPairs {
    std::string activity;  // the row; "": none (written null)
    std::vector<TopicPairing> dependencies, impacts;
};

// Locate (TNFD LEAP L1-L4; docs/leap.md).
struct Locate {
    ProfileUse profile;
    std::string site_type, value_chain, title;  // L1; the title in the run's language
    std::vector<DriverMateriality> drivers;     // L2, in the profile's order
    std::vector<ContextLayer> context;          // L3: the context layers at the site
    std::vector<LayerInterface> layers;         // L3: the interface with each layer read
    std::vector<LayerEcosystems> ecosystems;    // L3: the ecosystems (IUCN GET), per land-cover layer
    std::vector<CriterionFinding> criteria;     // L4, in kTnfdCriteria order
    ActivityUse activity;                       // L2: the activity's dependencies and impacts
};

// Evaluate (TNFD LEAP E1-E4 and the TNFD metrics; docs/leap.md). E1's assets and drivers are
// Locate's met evidence and material drivers.
struct Evaluate {
    std::vector<EcosystemService> services;  // E1: the services the activity depends on at the site
    std::vector<DriverPair> pairs;           // E2
    EvaluateFigures figures;                 // E3
    RiskRatings ratings;                     // E4
    ActivityPairs activity;                  // e2_activity: the activity's dependencies and impacts paired with L4
    SiteMetrics metrics;                     // the TNFD core global disclosure metrics
};

// ------------------------------------------------------------------ the serializer (result.cpp)

Json to_json(const Finding& f);
Json to_json(const Verdict& v);
// The record's verdict.level: the level, or "not_covered".
const char* level_key(const Verdict& v);
// A covered low verdict with a criterion the profile needs not assessed (its level_text() says so).
bool partial_coverage(const Verdict& v);
// "low (3 of 5 criteria assessed)" for a low verdict with criteria missing; else level_key().
std::string level_text(const Verdict& v);
Json to_json(const std::vector<MitigationStep>& steps);
Json to_json(const AlternativeSearch& a);
// What the search did, the same for every location it found, in the record's keys: the answer
// without "found", the locations' keys and the ranked list (sites.gpkg's alternatives.details).
Json search_settings(const AlternativeSearch& a);
Json to_json(const std::vector<ClearedFinding>& clears);
Json to_json(const rules::Citation& c);  // the English texts, whatever the report's language
Json to_json(const SiteMetrics& m);      // evaluate.metrics
Json l4_json(const std::vector<CriterionFinding>& criteria);
Json criteria_met_json(const std::vector<CriterionFinding>& criteria);
Json to_json(const std::vector<DriverPair>& pairs);    // evaluate.e2
Json to_json(const RiskRatings& r);                    // evaluate.e4
Json to_json(const EvaluateFigures& f);                // evaluate.e3
Json to_json(const std::vector<LayerEcosystems>& e);   // locate.l3.ecosystems
Json to_json(const std::vector<EcosystemService>& s);  // evaluate.e1.services
Json to_json(const ActivityUse& u);                    // locate.activity
Json to_json(const ActivityPairs& p);                  // evaluate.e2_activity
Json to_json(const Locate& l);                         // locate
Json to_json(const Evaluate& e, const Locate& l);      // evaluate (E1 reads Locate)

}  // namespace sitescreen
