// cn_urban_boundary: 城镇开发边界管理办法（试行） (2026), outside the urban development boundary
// (docs/rules/cn_urban_boundary.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleCnUrbanBoundary, InsideAllowedNearNothing) {
    const auto r = configured("cn_urban_boundary", "levels: {conditional: medium}");
    Hit near = hit("urban_boundary", "");
    near.inside = false;
    near.distance_m = 800;
    const Case cases[] = {
        {"inside the boundary: the area for concentrated urban construction", hit("urban_boundary", ""), facts(),
         Outcome::Allowed, "cn_urban_boundary.inside"},
        {"near a boundary says nothing: outside is judged over every feature of the theme", near, facts(), std::nullopt,
         ""},
    };
    for (const auto& c : cases) check(*r, c);
}

TEST(RuleCnUrbanBoundary, OutsideEveryBoundaryIsConditionalOnTheAdmissionList) {
    const auto r = configured("cn_urban_boundary", "levels: {conditional: medium}");
    const auto j = r->judge_outside("urban_boundary", facts());
    ASSERT_TRUE(j);
    EXPECT_EQ(j->id, "cn_urban_boundary.outside");
    EXPECT_EQ(j->outcome, Outcome::Conditional);
    EXPECT_FALSE(j->cite.verified);
    EXPECT_TRUE(j->conservative);
    EXPECT_TRUE(j->advisory);  // no "prefer a location outside" step for being outside
    ASSERT_EQ(j->conditions.size(), 3u);
    EXPECT_NE(j->conditions[0].find("空间准入正负面清单"), std::string::npos) << j->conditions[0];
    EXPECT_NE(j->conditions[1].find("industrial park"), std::string::npos) << j->conditions[1];
    EXPECT_NE(j->says.find("不得规划建设各类新城新区、开发区、非农产业园区"), std::string::npos) << j->says;
    EXPECT_EQ(r->level_of(Outcome::Conditional), sitescreen::Level::Medium);
    // A rule that says nothing of "outside" keeps the default.
    EXPECT_FALSE(configured("cn_farmland")->judge_outside("basic_farmland", facts()));
}
