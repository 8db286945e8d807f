// water_stress: WRI Aqueduct 4.0 baseline water-stress categories -> exposure of water_risk, and
// the TNFD "areas of water stress" criterion (docs/rules/water_stress.md).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>

#include "screen/profile.h"
#include "screen/rules/measured.h"
#include "support/rule_cases.h"

using namespace sitescreen;

namespace {

const char* kShipped = "{medium_bws_cat: 2, high_bws_cat: 3, extreme_bws_cat: 4, arid_exposure: medium}";

rules::WaterStress configured(const std::string& yaml) {
    return rule_cases::configured_measured<rules::WaterStress>(yaml, "water_stress");
}

std::string config_error(const std::string& yaml) {
    return rule_cases::error_of([&] { configured(yaml); });
}

struct Case {
    const char* source;  // the Aqueduct category the row exercises
    int bws_cat;
    bool arid;
    const char* id;
    Rating exposure;
    bool met;
};

}  // namespace

TEST(RuleWaterStress, AqueductCategoriesGiveTheirBands) {
    const rules::WaterStress w = configured(kShipped);
    const Case cases[] = {
        {"Aqueduct bws_cat 0: low (< 10 %)", 0, false, "water_stress.low", Rating::Low, false},
        {"Aqueduct bws_cat 1: low-medium (10-20 %)", 1, false, "water_stress.low", Rating::Low, false},
        {"Aqueduct bws_cat 2: medium-high (20-40 %)", 2, false, "water_stress.medium", Rating::Medium, false},
        {"Aqueduct bws_cat 3: high (40-80 %): TNFD area of water stress", 3, false, "water_stress.high", Rating::High,
         true},
        {"Aqueduct bws_cat 4: extremely high (> 80 %)", 4, false, "water_stress.extremely_high", Rating::VeryHigh,
         true},
        {"Aqueduct bws_cat -1: arid and low water use: its own exposure, not high stress", -1, true,
         "water_stress.arid", Rating::Medium, false},
        {"a unit the catalog marks zone arid, whatever its number", 3, true, "water_stress.arid", Rating::Medium,
         false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.source);
        rule_cases::check_band(w.band(c.bws_cat, c.arid), "water_stress", c.id, c.exposure, c.met);
    }
}

TEST(RuleWaterStress, ThresholdsMoveTheBands) {
    // A stricter profile: high stress from medium-high (20-40 %).
    const rules::WaterStress w =
        configured("{medium_bws_cat: 1, high_bws_cat: 2, extreme_bws_cat: 3, arid_exposure: high}");
    EXPECT_EQ(w.band(1, false).id, "water_stress.medium");
    EXPECT_TRUE(w.band(2, false).met);
    EXPECT_EQ(w.band(3, false).exposure, Rating::VeryHigh);
    EXPECT_EQ(w.band(-1, true).exposure, Rating::High);
    EXPECT_EQ(w.json()["arid_exposure"], "high");
}

TEST(RuleWaterStress, ErrorsNameTheRule) {
    EXPECT_EQ(config_error("{medium_bws_cat: 3, high_bws_cat: 2, extreme_bws_cat: 4}"),
              "test.yaml: rules.water_stress: high_bws_cat must be >= medium_bws_cat");
    EXPECT_EQ(config_error("{medium_bws_cat: 2, high_bws_cat: 3, extreme_bws_cat: 2}"),
              "test.yaml: rules.water_stress: extreme_bws_cat must be >= high_bws_cat");
    EXPECT_EQ(config_error("{medium_bws_cat: 2, high_bws_cat: 3}"),
              "test.yaml: rules.water_stress: extreme_bws_cat: missing");
    EXPECT_EQ(config_error("{medium_bws_cat: 2, high_bws_cat: 3, extreme_bws_cat: 5}"),
              "test.yaml: rules.water_stress: extreme_bws_cat must be an Aqueduct stress category from 0 (low) to 4 "
              "(extremely high), not 5");
    EXPECT_EQ(config_error("{medium_bws_cat: 2, high_bws_cat: three, extreme_bws_cat: 4}"),
              "test.yaml: rules.water_stress: high_bws_cat: expected an integer, not 'three'");
    EXPECT_EQ(config_error("{medium_bws_cat: 2, high_bws_cat: 3, extreme_bws_cat: 4, arid_exposure: severe}"),
              "test.yaml: rules.water_stress: arid_exposure: expected very_high, high, medium or low, not 'severe'");
    EXPECT_NE(config_error("{medium_bws_cat: 2, high_bws_cat: 3, extreme_bws_cat: 4, hihg: 1}")
                  .find("test.yaml: rules.water_stress: hihg: unknown key"),
              std::string::npos);
}
