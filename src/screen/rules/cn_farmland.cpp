// cn_farmland: permanent basic farmland (永久基本农田) under the Land Administration Law (土地管理法,
// 2019 revision) art. 35: no occupation or change of use except national key energy, transport,
// water-conservancy and military projects approved by the State Council (docs/rules/cn_farmland.md).
#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

class CnFarmland final : public Rule {
public:
    CnFarmland() : Rule("cn_farmland") {}
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"basic_farmland"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts& f) const override {
        if (!h.inside) return std::nullopt;
        Judgement j;
        j.cite =
            cite_clause("中华人民共和国土地管理法", "", "art_35", "2019-08-26", true, {}, "land_administration_law");
        j.id = name() + ".permanent_basic_farmland";
        const i18n::Catalog& tr = i18n::current();
        j.says = tr.text("rule.cn_farmland.inside");
        if (normalise_key(f.activity) == "national_key_project") {
            j.id += ".national_key_project";
            j.outcome = Outcome::Conditional;
            j.listed_activity = true;
            j.conditions = {tr.text("rule.cn_farmland.condition_project"), tr.text("rule.cn_farmland.condition_avoid"),
                            tr.text("rule.cn_farmland.condition_approval")};
        } else {
            j.outcome = Outcome::Forbidden;
            j.says += tr.format("rule.cn_farmland.hint", {{"attribute", f.activity_attribute}});
        }
        return j;
    }
};

}  // namespace

std::unique_ptr<Rule> make_cn_farmland() { return std::make_unique<CnFarmland>(); }

}  // namespace sitescreen::rules
