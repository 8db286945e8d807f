// cn_farmland: 土地管理法 art. 35, permanent basic farmland (docs/rules/cn_farmland.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleCnFarmland, PermanentBasicFarmland) {
    const auto r = configured("cn_farmland");
    const Case cases[] = {
        {"art. 35: no occupation or change of use", hit("basic_farmland", ""), facts(), Outcome::Forbidden,
         "cn_farmland.permanent_basic_farmland"},
        {"art. 35: national key project that cannot avoid it, State Council approval", hit("basic_farmland", ""),
         facts("national_key_project"), Outcome::Conditional,
         "cn_farmland.permanent_basic_farmland.national_key_project"},
    };
    for (const auto& c : cases) check(*r, c);
}
