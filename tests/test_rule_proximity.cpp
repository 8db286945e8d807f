// proximity: distance bands to biodiversity-important features -> exposure, and the TNFD
// sensitive-location criterion "in or near" (docs/rules/proximity.md).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "screen/profile.h"
#include "screen/rules/measured.h"
#include "support/rule_cases.h"

using namespace sitescreen;

namespace {

// The plant and mine profiles' bands (IFC PS6 screening practice, verify) and the charger's.
const char* kPlant =
    "{sensitive_within_m: 2000, high_within_m: 2000, moderate_within_m: 5000, species_screen_m: 10000}";
const char* kCharger =
    "{sensitive_within_m: 2000, high_within_m: 500, moderate_within_m: 1000, species_screen_m: 5000}";

rules::Proximity configured(const std::string& yaml) {
    return rule_cases::configured_measured<rules::Proximity>(yaml, "proximity");
}

std::string config_error(const std::string& yaml) {
    return rule_cases::error_of([&] { configured(yaml); });
}

struct Case {
    const char* source;
    bool inside;
    double distance_m;
    const char* id;
    Rating exposure;
    bool met;
};

void check(const rules::Proximity& p, const Case& c) {
    SCOPED_TRACE(c.source);
    rule_cases::check_band(p.band(c.inside, c.distance_m), "proximity", c.id, c.exposure, c.met);
}

}  // namespace

TEST(RuleProximity, PlantBandsInsideNearAndFar) {
    const rules::Proximity p = configured(kPlant);
    const Case cases[] = {
        {"TNFD: in a sensitive location (inside the feature)", true, 0, "proximity.inside", Rating::VeryHigh, true},
        {"within the high band (<= 2 km): near a sensitive location", false, 1500, "proximity.high", Rating::High,
         true},
        {"at the edge of the high band: the band is closed", false, 2000, "proximity.high", Rating::High, true},
        {"moderate band (2-5 km): not near", false, 3500, "proximity.moderate", Rating::Medium, false},
        {"beyond 5 km: low", false, 8000, "proximity.far", Rating::Low, false},
    };
    for (const auto& c : cases) check(p, c);
}

TEST(RuleProximity, ChargerBandsAreNarrowerButThePlaceStaysSensitive) {
    // A charger's reach is short (bands 0.5 / 1 km) but whether the place is sensitive does not
    // depend on the site type: 1.5 km from a reserve is still "met" (sensitive_within_m 2 km).
    const rules::Proximity p = configured(kCharger);
    const Case cases[] = {
        {"inside", true, 0, "proximity.inside", Rating::VeryHigh, true},
        {"<= 500 m: high", false, 400, "proximity.high", Rating::High, true},
        {"500 m - 1 km: moderate", false, 800, "proximity.moderate", Rating::Medium, true},
        {"1.5 km: low exposure, still near a sensitive location", false, 1500, "proximity.far", Rating::Low, true},
        {"3 km: low, not near", false, 3000, "proximity.far", Rating::Low, false},
    };
    for (const auto& c : cases) check(p, c);
}

TEST(RuleProximity, ErrorsNameTheRule) {
    EXPECT_EQ(config_error(
                  "{sensitive_within_m: 2000, high_within_m: 2000, moderate_within_m: 1500, species_screen_m: 10000}"),
              "test.yaml: rules.proximity: moderate_within_m must be >= high_within_m");
    EXPECT_EQ(config_error(
                  "{sensitive_within_m: 2000, high_within_m: 2000, moderate_within_m: 5000, species_screen_m: 4000}"),
              "test.yaml: rules.proximity: species_screen_m must be >= moderate_within_m");
    EXPECT_EQ(config_error("{sensitive_within_m: 2000, moderate_within_m: 5000, species_screen_m: 10000}"),
              "test.yaml: rules.proximity: high_within_m: missing");
    EXPECT_EQ(
        config_error("{sensitive_within_m: 0, high_within_m: 2000, moderate_within_m: 5000, species_screen_m: 10000}"),
        "test.yaml: rules.proximity: sensitive_within_m must be greater than 0");
}
