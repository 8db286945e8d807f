// cn_drinking_water: drinking-water source protection zones (饮用水水源保护区) under the Water
// Pollution Prevention and Control Law (水污染防治法, 2017 revision) arts. 64-67
// (docs/rules/cn_drinking_water.md).
#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

Citation law(const std::string& article_key, bool verified) {
    return cite_clause("中华人民共和国水污染防治法", "2017年修正", article_key, "2017-06-27", verified);
}

class CnDrinkingWater final : public Rule {
public:
    CnDrinkingWater() : Rule("cn_drinking_water") { flag("discharges_pollutants", &discharges_); }
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"drinking_water"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts& f) const override {
        if (!h.inside) return std::nullopt;
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        const std::string& z = h.zone;
        if (z == "second_class") {
            j.id = name() + ".second_class";
            j.cite = law("art_66", true);
            j.says = tr.text("rule.cn_drinking_water.second_class");
            if (discharges_) {
                j.outcome = Outcome::Forbidden;
            } else {
                j.outcome = Outcome::Conditional;
                j.conditions = {tr.text("rule.cn_drinking_water.no_discharge")};
            }
            return j;
        }
        if (z == "quasi") {
            j.id = name() + ".quasi";
            j.cite = law("art_67", false);
            j.conservative = true;
            j.outcome = Outcome::Conditional;
            j.says = tr.text("rule.cn_drinking_water.quasi");
            j.conditions = {tr.text("rule.cn_drinking_water.quasi_condition")};
            return j;
        }
        j.id = name() + (z == "first_class" ? ".first_class" : ".zone_not_given");
        j.cite = law("arts_64_65", true);
        j.conservative = z != "first_class";
        j.says = tr.text(z == "first_class" ? "rule.cn_drinking_water.first_class"
                                            : "rule.cn_drinking_water.zone_not_given");
        if (normalise_key(f.activity) == "water_supply") {
            j.id += ".water_supply";
            j.outcome = Outcome::Conditional;
            j.listed_activity = true;
            j.conditions = {tr.text("rule.cn_drinking_water.water_supply")};
        } else {
            j.outcome = Outcome::Forbidden;
        }
        return j;
    }

private:
    bool discharges_ = true;  // the site type discharges pollutants (a plant, a mine); a charger does not
};

}  // namespace

std::unique_ptr<Rule> make_cn_drinking_water() { return std::make_unique<CnDrinkingWater>(); }

}  // namespace sitescreen::rules
