// cn_national_park: national parks (国家公园): 核心保护区 no human activity in principle; 一般控制区 no
// development or production construction except a closed list of limited activities
// (国家公园管理暂行办法 2022; the National Park Law 2025 was not read) (docs/rules/cn_national_park.md).
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

Citation measures(const std::string& article, bool verified) {
    return {"国家公园管理暂行办法", "国家林业和草原局 (document number not found)", article, "2022-06", verified};
}

class CnNationalPark final : public Rule {
public:
    CnNationalPark() : Rule("cn_national_park") {}
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"national_park"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts& f) const override {
        if (!h.inside) return std::nullopt;
        Judgement j;
        j.outcome = Outcome::Forbidden;
        // The National Park Law (adopted 2025-09-12, in force 2026-01-01) governs now; its articles
        // were not found, so every outcome below rests on the 2022 interim measures and is marked.
        j.conservative = true;
        const std::string& z = h.zone;
        if (z == "core_protection" || z == "core") {
            j.id = name() + ".core_protection";
            j.cite = measures("core protection zone", true);
            j.says = "core protection zone (核心保护区): human activity is in principle banned (原则上禁止人为活动)";
            return j;
        }
        if (z == "general_control") {
            j.id = name() + ".general_control";
            j.cite = measures("general control zone, limited activities (一)-(九)", true);
            j.says = "general control zone (一般控制区): no development or production construction (禁止开发性、生产性建设活动) "
                     "except the listed limited activities";
            const std::string a = normalise_key(f.activity);
            if (a == "geological_survey" || a == "mineral_exploration") {
                j.id += "." + a;
                j.outcome = Outcome::Conditional;
                j.listed_activity = true;
                j.says = "item (二): strategic energy and mineral exploration needed for national energy and resource security, "
                         "public-interest resource survey and geological survey";
                j.conditions = {"the exploration serves national energy or resource security (因国家重大能源资源安全需要)",
                                "the national park authority allows it and the ecological function is not damaged",
                                "check the National Park Law (in force 2026-01-01), which was not read"};
            } else if (a == "linear_infrastructure") {
                j.id += "." + a;
                j.outcome = Outcome::Conditional;
                j.listed_activity = true;
                j.says = "item (七): linear infrastructure that must be built there and cannot avoid the park, conforming to a "
                         "county-level or higher territorial spatial plan";
                j.conditions = {"demonstration that it cannot avoid the park (必须且无法避让)",
                                "conformity with a county-level or higher territorial spatial plan",
                                "check the National Park Law (in force 2026-01-01), which was not read"};
            } else if (a == "eco_tourism_facility") {
                j.id += "." + a;
                j.outcome = Outcome::Conditional;
                j.listed_activity = true;
                j.says = "item (六): eco-tourism that does not damage the ecological function, with the necessary public facilities";
                j.conditions = {"the national park authority allows it", "check the National Park Law (in force 2026-01-01), which was not read"};
            }
            return j;
        }
        j.id = name() + ".unzoned";
        j.cite = measures("zoning", true);
        j.says = "the layer gives no zone: the park is taken as core protection zone (the stricter reading)";
        return j;
    }
};

}  // namespace

std::unique_ptr<Rule> make_cn_national_park() { return std::make_unique<CnNationalPark>(); }

}  // namespace sitescreen::rules
