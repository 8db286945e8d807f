// intl_recognised_area: Ramsar sites, KBAs and critical habitat under IFC PS6
// (docs/rules/intl_recognised_area.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleIntlRecognisedArea, RamsarKbaCriticalHabitat) {
    const auto r = configured("intl_recognised_area");
    const Case cases[] = {
        {"PS6 para. 20: Ramsar site (preset)", hit("wetland", "", "ramsar"), facts(), Outcome::Conditional,
         "intl_recognised_area.ramsar"},
        {"PS6 para. 20: Ramsar site (zone)", hit("wetland", "ramsar"), facts(), Outcome::Conditional,
         "intl_recognised_area.ramsar"},
        {"PS6 para. 20: Key Biodiversity Area", hit("kba", ""), facts(), Outcome::Conditional,
         "intl_recognised_area.kba"},
        {"PS6 para. 17: critical habitat", hit("critical_habitat", ""), facts(), Outcome::Conditional,
         "intl_recognised_area.critical_habitat"},
        {"a wetland that is not internationally recognised", hit("wetland", "wetland"), facts(), std::nullopt, ""},
    };
    for (const auto& c : cases) check(*r, c);
}
