// cn_national_park: national parks (国家公园): 核心保护区 no human activity in principle; 一般控制区 no
// development or production construction except a closed list of limited activities
// (国家公园管理暂行办法 2022; the National Park Law 2025 was not read) (docs/rules/cn_national_park.md).
#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

Citation measures(const std::string& article_key, bool verified) {
    return cite_clause("国家公园管理暂行办法", "", article_key, "2022-06", verified, {}, "national_park");
}

class CnNationalPark final : public Rule {
public:
    CnNationalPark() : Rule("cn_national_park") {}
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"national_park"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts& f) const override {
        if (!h.inside) return std::nullopt;
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        j.outcome = Outcome::Forbidden;
        // The National Park Law (adopted 2025-09-12, in force 2026-01-01) governs now; its articles
        // were not found, so every outcome below rests on the 2022 interim measures and is marked.
        j.conservative = true;
        const std::string& z = h.zone;
        if (z == "core_protection" || z == "core") {
            j.id = name() + ".core_protection";
            j.cite = measures("national_park_core", true);
            j.says = tr.text("rule.cn_national_park.core_protection");
            return j;
        }
        if (z == "general_control") {
            j.id = name() + ".general_control";
            j.cite = measures("national_park_general", true);
            j.says = tr.text("rule.cn_national_park.general_control");
            const std::string a = normalise_key(f.activity);
            if (a == "geological_survey" || a == "mineral_exploration") {
                j.id += "." + a;
                j.outcome = Outcome::Conditional;
                j.listed_activity = true;
                j.says = tr.text("rule.cn_national_park.item2");
                j.conditions = {tr.text("rule.cn_national_park.item2_security"),
                                tr.text("rule.cn_national_park.authority_function"),
                                tr.text("rule.cn_national_park.check_law")};
            } else if (a == "linear_infrastructure") {
                j.id += "." + a;
                j.outcome = Outcome::Conditional;
                j.listed_activity = true;
                j.says = tr.text("rule.cn_national_park.item7");
                j.conditions = {tr.text("rule.cn_national_park.item7_avoid"),
                                tr.text("rule.cn_national_park.item7_plan"),
                                tr.text("rule.cn_national_park.check_law")};
            } else if (a == "eco_tourism_facility") {
                j.id += "." + a;
                j.outcome = Outcome::Conditional;
                j.listed_activity = true;
                j.says = tr.text("rule.cn_national_park.item6");
                j.conditions = {tr.text("rule.cn_national_park.authority"), tr.text("rule.cn_national_park.check_law")};
            }
            return j;
        }
        j.id = name() + ".unzoned";
        j.cite = measures("national_park_zoning", true);
        j.says = tr.text("rule.cn_national_park.unzoned");
        return j;
    }
};

}  // namespace

std::unique_ptr<Rule> make_cn_national_park() { return std::make_unique<CnNationalPark>(); }

}  // namespace sitescreen::rules
