// cn_nature_reserve: 自然保护区条例 arts. 18, 26, 27, 30, 32 and the 2019 two-zone scheme
// (docs/rules/cn_nature_reserve.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleCnNatureReserve, BothZoneSchemesAndUnzonedReserves) {
    const auto plant = configured("cn_nature_reserve", "mining: false");
    const auto mine = configured("cn_nature_reserve", "mining: true");
    const Case plant_cases[] = {
        {"art. 18, 27: core zone, no entry", hit("protected_area", "core"), facts(), Outcome::Forbidden,
         "cn_nature_reserve.core"},
        {"art. 18, 32: buffer zone, research only", hit("protected_area", "buffer"), facts(), Outcome::Forbidden,
         "cn_nature_reserve.buffer"},
        {"art. 32: experimental zone, no polluting production facility", hit("protected_area", "experimental"), facts(),
         Outcome::Conditional, "cn_nature_reserve.experimental"},
        {"2019 opinion / 142号: core protection zone", hit("protected_area", "core_protection"), facts(),
         Outcome::Forbidden, "cn_nature_reserve.core_protection"},
        {"142号 一(一): general control zone, no production construction", hit("protected_area", "general_control"),
         facts(), Outcome::Forbidden, "cn_nature_reserve.general_control"},
        {"art. 30: an unzoned reserve is managed as core and buffer", hit("protected_area", "unzoned"), facts(),
         Outcome::Forbidden, "cn_nature_reserve.unzoned"},
        {"art. 30: no zone in the data, taken as unzoned", hit("protected_area", ""), facts(), Outcome::Forbidden,
         "cn_nature_reserve.unzoned"},
        {"WDPA polygons are judged by intl_protected_area", hit("protected_area", "iucn_ii", "wdpa", "II"), facts(),
         std::nullopt, ""},
    };
    for (const auto& c : plant_cases) check(*plant, c);
    const Case mine_cases[] = {
        {"art. 26: mining and quarrying banned in every zone, the experimental zone too",
         hit("protected_area", "experimental"), facts(), Outcome::Forbidden, "cn_nature_reserve.experimental"},
        {"art. 26 + 142号: general control zone", hit("protected_area", "general_control"),
         facts("mineral_exploration"), Outcome::Forbidden, "cn_nature_reserve.general_control"},
    };
    for (const auto& c : mine_cases) check(*mine, c);
}

TEST(RuleCnNatureReserve, NoZoneIsMarkedConservative) {
    const auto j = configured("cn_nature_reserve")->judge(hit("protected_area", ""), facts());
    ASSERT_TRUE(j);
    EXPECT_TRUE(j->conservative);
    EXPECT_NE(j->says.find("core and buffer"), std::string::npos);
}
