// cn_national_park: 国家公园管理暂行办法 (2022) zones and limited activities; the National Park Law
// (2025) was not read, so every finding is marked conservative (docs/rules/cn_national_park.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleCnNationalPark, ZonesAndLimitedActivities) {
    const auto r = configured("cn_national_park");
    const Case cases[] = {
        {"core protection zone: human activity banned in principle", hit("national_park", "core_protection"),
         facts("mineral_exploration"), Outcome::Forbidden, "cn_national_park.core_protection"},
        {"general control zone: no development or production construction", hit("national_park", "general_control"),
         facts(), Outcome::Forbidden, "cn_national_park.general_control"},
        {"general control zone item (二): strategic mineral exploration", hit("national_park", "general_control"),
         facts("mineral_exploration"), Outcome::Conditional, "cn_national_park.general_control.mineral_exploration"},
        {"general control zone item (七): unavoidable linear infrastructure", hit("national_park", "general_control"),
         facts("linear_infrastructure"), Outcome::Conditional,
         "cn_national_park.general_control.linear_infrastructure"},
        {"no zone in the data: taken as core protection", hit("national_park", ""), facts(), Outcome::Forbidden,
         "cn_national_park.unzoned"},
    };
    for (const auto& c : cases) check(*r, c);
    EXPECT_TRUE(r->judge(hit("national_park", "general_control"), facts())->conservative);
}
