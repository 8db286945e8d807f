// cn_ecrl: 自然资发〔2022〕142号 一(一), each case naming its item (docs/rules/cn_ecrl.md).
#include "support/rule_cases.h"

using namespace rule_cases;

TEST(RuleCnEcrl, TheNoticeItemsGiveTheirOutcomes) {
    const auto mine =
        configured("cn_ecrl", "activities: [geological_survey, mineral_exploration, strategic_mineral_mining]");
    const auto charger =
        configured("cn_ecrl", "activities: [existing_facility_operation, eco_tourism_facility, linear_infrastructure]");
    const Hit red = hit("red_line", "red_line");
    const Case mine_cases[] = {
        {"一(一) preamble: no development or production construction; no activity given", red, facts(),
         Outcome::Forbidden, "cn_ecrl.inside"},
        {"一(一) preamble: plain mining is on no item", red, facts("mining"), Outcome::Forbidden, "cn_ecrl.inside"},
        {"一(一)7: mineral exploration (lithium) outside core zones", red, facts("mineral_exploration"),
         Outcome::Conditional, "cn_ecrl.mineral_exploration"},
        {"一(一)7: geological survey", red, facts("Geological survey"), Outcome::Conditional,
         "cn_ecrl.geological_survey"},
        {"一(一)7: strategic mining where the state needs it", red, facts("strategic_mineral_mining"),
         Outcome::Conditional, "cn_ecrl.strategic_mineral_mining"},
        {"一(一) preamble: the list applies only outside core protection zones", red,
         facts("mineral_exploration", true), Outcome::Forbidden, "cn_ecrl.core_zone"},
        {"一(一)6: an item the mine profile does not let a mine claim", red, facts("existing_facility_operation"),
         Outcome::Forbidden, "cn_ecrl.inside"},
    };
    for (const auto& c : mine_cases) check(*mine, c);
    const Case charger_cases[] = {
        {"一(一)6: operation and upgrading of an existing lawful transport facility (expressway service area)", red,
         facts("existing_facility_operation"), Outcome::Conditional, "cn_ecrl.existing_facility_operation"},
        {"一(一)5: necessary public facility of moderate eco-tourism", red, facts("eco_tourism_facility"),
         Outcome::Conditional, "cn_ecrl.eco_tourism_facility"},
        {"一(一) preamble: 'necessary public facility' is not an item of its own", red,
         facts("necessary_public_facility"), Outcome::Forbidden, "cn_ecrl.inside"},
    };
    for (const auto& c : charger_cases) check(*charger, c);
}

TEST(RuleCnEcrl, ConditionsNameTheDemonstrationAndTheProvincialDetermination) {
    const auto charger = configured("cn_ecrl", "activities: [linear_infrastructure]");
    const auto j = charger->judge(hit("red_line", "red_line"), facts("linear_infrastructure"));
    ASSERT_TRUE(j);
    std::string all;
    for (const auto& c : j->conditions) all += c + "\n";
    EXPECT_NE(all.find("不可避让论证"), std::string::npos) << all;
    EXPECT_NE(all.find("县级以上国土空间规划"), std::string::npos) << all;
    EXPECT_NE(all.find("省级人民政府"), std::string::npos) << all;
    EXPECT_EQ(j->cite.number, "自然资发〔2022〕142号");
    EXPECT_EQ(j->cite.article, "一(一)6");
    EXPECT_TRUE(j->cite.verified);
    // Item 7's wording was not found: the judgement says so and lists a verification condition.
    const auto mine = configured("cn_ecrl", "activities: [mineral_exploration]");
    const auto e = mine->judge(hit("red_line", "red_line"), facts("mineral_exploration"));
    ASSERT_TRUE(e);
    EXPECT_FALSE(e->cite.verified);
    EXPECT_TRUE(e->conservative);
    EXPECT_NE(e->cite.text().find("not verified"), std::string::npos);
    // 一(一)7 covers named minerals only (uranium, oil and gas, geothermal and mineral water and
    // eight more, as reported in 2023): exploration for any other mineral is not on the item.
    std::string mineral;
    for (const auto& c : e->conditions) mineral += c + "\n";
    EXPECT_NE(mineral.find("uranium, oil and gas, geothermal water, mineral water"), std::string::npos) << mineral;
    EXPECT_NE(mineral.find("eight further minerals"), std::string::npos) << mineral;
}

TEST(RuleCnEcrl, NearIsNotInside) {
    Hit near = hit("red_line", "red_line");
    near.inside = false;
    near.distance_m = 300;
    EXPECT_FALSE(configured("cn_ecrl")->judge(near, facts()));
}

TEST(RuleCnEcrl, AnUnknownActivityInTheProfileIsAnErrorNamingTheRule) {
    const std::string e = config_error("cn_ecrl", "activities: [necessary_public_facility]");
    EXPECT_NE(e.find("test.yaml: rules.cn_ecrl: activities: 'necessary_public_facility' is not an item"),
              std::string::npos)
        << e;
    EXPECT_NE(config_error("cn_ecrl", "levels: {conditional: no-go, forbidden: high}").find("rules.cn_ecrl: levels"),
              std::string::npos);
    EXPECT_NE(config_error("cn_ecrl", "activity: [x]").find("rules.cn_ecrl: activity: unknown key"), std::string::npos);
}
