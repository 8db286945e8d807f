// cn_cropland: 土地管理法 (2019) art. 37, cultivated land (docs/rules/cn_cropland.md).
#include "support/rule_cases.h"

using namespace rule_cases;

namespace {
SiteFacts of_type(const std::string& type) {
    SiteFacts f = facts();
    f.site_type = type;
    return f;
}
}  // namespace

TEST(RuleCnCropland, CultivatedLand) {
    const auto r = configured("cn_cropland", "levels: {conditional: medium}");
    Hit near = hit("land_cover", "cropland");
    near.inside = false;
    const Case cases[] = {
        {"art. 37 para. 1: no cultivated land where waste land will do", hit("land_cover", "cropland"),
         of_type("plant"), Outcome::Conditional, "cn_cropland.cultivated_land"},
        {"art. 37 para. 2: no mining on cultivated land without approval", hit("land_cover", "cropland"),
         of_type("mine"), Outcome::Conditional, "cn_cropland.cultivated_land.mining"},
        {"art. 37: built-up land is no cultivated land", hit("land_cover", "modified"), of_type("plant"), std::nullopt,
         ""},
        {"art. 37: natural land is no cultivated land", hit("land_cover", "natural"), of_type("plant"), std::nullopt,
         ""},
        {"art. 37: the class at the site decides, not land nearby", near, of_type("plant"), std::nullopt, ""},
    };
    for (const auto& c : cases) check(*r, c);
}

TEST(RuleCnCropland, ConditionsNameWasteLandBasicFarmlandAndApproval) {
    const auto r = configured("cn_cropland");
    const auto plant = r->judge(hit("land_cover", "cropland"), of_type("plant"));
    ASSERT_TRUE(plant);
    EXPECT_EQ(plant->cite.article, "art. 37");
    EXPECT_EQ(plant->cite.date, "2019-08-26");
    EXPECT_TRUE(plant->cite.verified);
    ASSERT_EQ(plant->conditions.size(), 2u);
    EXPECT_NE(plant->conditions[0].find("荒地"), std::string::npos) << plant->conditions[0];
    EXPECT_NE(plant->conditions[1].find("永久基本农田"), std::string::npos) << plant->conditions[1];
    const auto mine = r->judge(hit("land_cover", "cropland"), of_type("mine"));
    ASSERT_TRUE(mine);
    ASSERT_EQ(mine->conditions.size(), 3u);
    EXPECT_NE(mine->conditions[2].find("采矿"), std::string::npos) << mine->conditions[2];
}
