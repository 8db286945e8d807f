// cn_eia_sensitive_area: 建设项目环境影响评价分类管理名录 (2021) 第三条 lists (一)(二)(三)
// (docs/rules/cn_eia_sensitive_area.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleCnEiaSensitiveArea, EveryListItemIsNamedAndNoCategoryIsClaimed) {
    const auto r = configured("cn_eia_sensitive_area", "near_m: 1000\nlevels: {conditional: medium}");
    const Case cases[] = {
        {"第三条(一) 海洋特别保护区", hit("marine_special_protected_area", ""), facts(), Outcome::Conditional,
         "cn_eia_sensitive_area.list1"},
        {"第三条(一) 饮用水水源保护区", hit("drinking_water", "first_class"), facts(), Outcome::Conditional,
         "cn_eia_sensitive_area.list1"},
        {"第三条(二) 基本草原", hit("basic_grassland", ""), facts(), Outcome::Conditional,
         "cn_eia_sensitive_area.list2"},
        {"第三条(二) 自然公园", hit("natural_park", ""), facts(), Outcome::Conditional, "cn_eia_sensitive_area.list2"},
        {"第三条(二) 洄游通道", hit("migration_route", ""), facts(), Outcome::Conditional,
         "cn_eia_sensitive_area.list2"},
        {"第三条(二) 水土流失重点预防区和重点治理区", hit("soil_erosion_zone", ""), facts(), Outcome::Conditional,
         "cn_eia_sensitive_area.list2"},
        {"第三条(三) 以居住为主要功能的区域", hit("residential", ""), facts(), Outcome::Conditional,
         "cn_eia_sensitive_area.list3"},
        {"第三条(三) 文物保护单位", hit("cultural_relic", ""), facts(), Outcome::Conditional,
         "cn_eia_sensitive_area.list3"},
        {"not on the directory's lists", hit("green_space", ""), facts(), std::nullopt, ""},
    };
    for (const auto& c : cases) check(*r, c);
    EXPECT_EQ(sitescreen::to_string(r->level_of(Outcome::Conditional)), std::string("medium"));
    const auto j = r->judge(hit("heritage", ""), facts());
    ASSERT_TRUE(j);
    EXPECT_TRUE(j->advisory);
    EXPECT_NE(j->says.find("the area alone does not decide the category"), std::string::npos);
    Hit near = hit("wetland", "");
    near.inside = false;
    near.distance_m = 900;
    EXPECT_TRUE(r->judge(near, facts()));
    near.distance_m = 1100;
    EXPECT_FALSE(r->judge(near, facts()));
}
