// cn_drinking_water: 水污染防治法 arts. 64-67 (docs/rules/cn_drinking_water.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleCnDrinkingWater, ZoneClasses) {
    const auto plant = configured("cn_drinking_water", "discharges_pollutants: true");
    const auto charger = configured("cn_drinking_water", "discharges_pollutants: false");
    const Case plant_cases[] = {
        {"art. 65: first-class zone, nothing unrelated to water supply", hit("drinking_water", "first_class"), facts(),
         Outcome::Forbidden, "cn_drinking_water.first_class"},
        {"art. 65: a water-supply facility", hit("drinking_water", "first_class"), facts("water_supply"),
         Outcome::Conditional, "cn_drinking_water.first_class.water_supply"},
        {"art. 66: second-class zone, a discharging project", hit("drinking_water", "second_class"), facts(),
         Outcome::Forbidden, "cn_drinking_water.second_class"},
        {"art. 67: quasi zone, no seriously polluting project", hit("drinking_water", "quasi"), facts(),
         Outcome::Conditional, "cn_drinking_water.quasi"},
        {"zone class not given: first-class (stricter reading)", hit("drinking_water", ""), facts(), Outcome::Forbidden,
         "cn_drinking_water.zone_not_given"},
    };
    for (const auto& c : plant_cases) check(*plant, c);
    check(*charger,
          {"art. 66: second-class zone, a project that discharges nothing", hit("drinking_water", "second_class"),
           facts(), Outcome::Conditional, "cn_drinking_water.second_class"});
}
