// land_cover: the natural share of land cover around the site and the class at the site ->
// exposure of ecosystem_integrity, and the TNFD "high integrity ecosystems" criterion
// (docs/rules/land_cover.md).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "screen/profile.h"
#include "screen/rules/measured.h"
#include "support/rule_cases.h"

using namespace sitescreen;

namespace {

const std::vector<double> kBuffers = {1000, 5000, 10000};

rules::LandCover configured(const std::string& yaml) {
    return rule_cases::configured_measured<rules::LandCover>(yaml, "land_cover", kBuffers);
}

std::string config_error(const std::string& yaml) {
    return rule_cases::error_of([&] { configured(yaml); });
}

struct Case {
    const char* source;
    std::optional<double> share;
    bool natural_at_site;
    const char* id;
    Rating exposure;
    bool met;
};

}  // namespace

TEST(RuleLandCover, NaturalShareAndClassGiveTheirBands) {
    const rules::LandCover l = configured("{radius_m: 1000, natural_share_threshold: 0.5}");
    const Case cases[] = {
        {"natural site in mostly natural surroundings: high integrity, high exposure", 0.8, true,
         "land_cover.natural_site_and_surroundings", Rating::High, true},
        {"built-up site in mostly natural surroundings: met, medium", 0.8, false, "land_cover.natural_surroundings",
         Rating::Medium, true},
        {"share exactly at the threshold: met (>=)", 0.5, false, "land_cover.natural_surroundings", Rating::Medium,
         true},
        {"natural patch in modified surroundings: medium, not met", 0.2, true, "land_cover.natural_site",
         Rating::Medium, false},
        {"modified site and surroundings: low", 0.2, false, "land_cover.modified", Rating::Low, false},
        {"no valid cell around, natural class at the site: the site alone decides", std::nullopt, true,
         "land_cover.natural_site", Rating::Medium, true},
        {"no valid cell around, modified class at the site", std::nullopt, false, "land_cover.modified_site",
         Rating::Low, false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.source);
        rule_cases::check_band(l.band(c.share, c.natural_at_site), "land_cover", c.id, c.exposure, c.met);
    }
}

TEST(RuleLandCover, ErrorsNameTheRule) {
    EXPECT_EQ(
        config_error("{radius_m: 2500, natural_share_threshold: 0.5}"),
        "test.yaml: rules.land_cover: radius_m 2500 must be one of buffers_m (1000, 5000, 10000): the buffer whose "
        "class shares are rated");
    EXPECT_EQ(config_error("{radius_m: 1000, natural_share_threshold: 1.5}"),
              "test.yaml: rules.land_cover: natural_share_threshold must be between 0 and 1");
    EXPECT_EQ(config_error("{radius_m: 1000}"), "test.yaml: rules.land_cover: natural_share_threshold: missing");
}
