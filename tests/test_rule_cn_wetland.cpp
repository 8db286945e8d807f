// cn_wetland: 湿地保护法 (2021): important wetlands and the exempt kinds of projects
// (docs/rules/cn_wetland.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleCnWetland, ImportantWetlandsAndExemptProjects) {
    const auto r = configured("cn_wetland");
    const Case cases[] = {
        {"national important wetland: occupation banned", hit("wetland", "national"), facts(), Outcome::Forbidden,
         "cn_wetland.national"},
        {"Ramsar site: managed as national important wetland", hit("wetland", "ramsar"), facts(), Outcome::Forbidden,
         "cn_wetland.ramsar"},
        {"important wetland of unstated level: taken as national", hit("wetland", "wetland"), facts(),
         Outcome::Forbidden, "cn_wetland.important"},
        {"exempt kind: water-conservancy project, with restoration", hit("wetland", "national"),
         facts("water_conservancy"), Outcome::Conditional, "cn_wetland.national.water_conservancy"},
        {"exempt kind: national major project", hit("wetland", ""), facts("national_major_project"),
         Outcome::Conditional, "cn_wetland.important.national_major_project"},
        {"provincial important wetland: approval and restoration", hit("wetland", "provincial"), facts(),
         Outcome::Conditional, "cn_wetland.provincial"},
        {"general wetland: avoid, minimise, restore", hit("wetland", "general"), facts(), Outcome::Conditional,
         "cn_wetland.general"},
    };
    for (const auto& c : cases) check(*r, c);
    const auto p = r->judge(hit("wetland", "provincial"), facts());
    std::string all;
    for (const auto& c : p->conditions) all += c;
    EXPECT_NE(all.find("湿地恢复费"), std::string::npos) << "other wetlands carry the restoration duty";
}
