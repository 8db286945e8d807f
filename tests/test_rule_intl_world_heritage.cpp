// intl_world_heritage: ICMM 2003 (no exploration or mining) and IFC PS6 para. 20
// (docs/rules/intl_world_heritage.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleIntlWorldHeritage, MinesAndOtherSites) {
    check(*configured("intl_world_heritage", "mining: true"),
          {"ICMM 2003: no exploration or mining in World Heritage properties", hit("heritage", ""),
           facts("mineral_exploration"), Outcome::Forbidden, "intl_world_heritage.icmm_no_go"});
    check(*configured("intl_world_heritage", "mining: false"),
          {"IFC PS6 para. 20: internationally recognised area", hit("heritage", ""), facts(), Outcome::Conditional,
           "intl_world_heritage.recognised_area"});
}
