// cn_groundwater_overdraft: 地下水管理条例 (2021) prohibited and restricted extraction zones
// (docs/rules/cn_groundwater_overdraft.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleCnGroundwaterOverdraft, ZonesGiveWaterSourceConditions) {
    const auto r = configured("cn_groundwater_overdraft", "levels: {conditional: high}");
    const Case cases[] = {
        {"禁止开采区: no groundwater taken", hit("groundwater_overdraft", "prohibited"), facts(), Outcome::Conditional,
         "cn_groundwater_overdraft.prohibited"},
        {"限制开采区: no new abstraction", hit("groundwater_overdraft", "restricted"), facts(), Outcome::Conditional,
         "cn_groundwater_overdraft.restricted"},
        {"超采区 without zone class: taken as restricted", hit("groundwater_overdraft", ""), facts(),
         Outcome::Conditional, "cn_groundwater_overdraft.overdraft"},
    };
    for (const auto& c : cases) check(*r, c);
    EXPECT_EQ(sitescreen::to_string(r->potential()), std::string("high"));
}
