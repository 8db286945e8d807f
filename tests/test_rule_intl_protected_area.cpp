// intl_protected_area: IFC PS6 para. 20 and the IUCN categories, Ia strictest
// (docs/rules/intl_protected_area.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleIntlProtectedArea, IucnCategoriesInOrder) {
    const auto plant =
        configured("intl_protected_area",
                   "categories: {Ia: forbidden, Ib: forbidden, II: forbidden, III: conditional, IV: conditional, "
                   "V: conditional, VI: conditional, unknown: conditional}");
    const Case cases[] = {
        {"IUCN Ia strict nature reserve", hit("protected_area", "iucn_ia", "wdpa", "Ia"), facts(), Outcome::Forbidden,
         "intl_protected_area.iucn_Ia"},
        {"IUCN II national park", hit("protected_area", "iucn_ii", "wdpa", "II"), facts(), Outcome::Forbidden,
         "intl_protected_area.iucn_II"},
        {"IUCN IV, PS6 para. 20 conditions", hit("protected_area", "iucn_iv", "wdpa", "IV"), facts(),
         Outcome::Conditional, "intl_protected_area.iucn_IV"},
        {"raw WDPA category without the preset's zone", hit("protected_area", "", "wdpa", "Ib"), facts(),
         Outcome::Forbidden, "intl_protected_area.iucn_Ib"},
        {"a Chinese reserve zone: legally protected, category not given", hit("protected_area", "experimental"),
         facts(), Outcome::Conditional, "intl_protected_area.category_unknown"},
    };
    for (const auto& c : cases) check(*plant, c);
    // Ia must never be milder than II, whatever the defaults.
    const auto d = configured("intl_protected_area");
    EXPECT_GE(d->judge(hit("protected_area", "iucn_ia"), facts())->outcome,
              d->judge(hit("protected_area", "iucn_ii"), facts())->outcome);
}

TEST(RuleIntlProtectedArea, AProfileMayNotMakeAStricterCategoryMilder) {
    const std::string e = config_error("intl_protected_area", "categories: {Ia: conditional, II: forbidden}");
    EXPECT_NE(
        e.find("test.yaml: rules.intl_protected_area: categories.Ib: forbidden is stricter than Ia (conditional)"),
        std::string::npos)
        << e;
    EXPECT_NE(config_error("intl_protected_area", "categories: {VII: forbidden}").find("not an IUCN category"),
              std::string::npos);
}
