// cn_cropland: cultivated land (耕地) under the Land Administration Law (土地管理法, 2019 revision)
// art. 37: non-agricultural construction may not take cultivated land where waste land will do,
// nor good land where poor land will do; mining on cultivated land without approval is prohibited
// (docs/rules/cn_cropland.md). Judged on the land-cover class at the site (zone `cropland`).
#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

class CnCropland final : public Rule {
public:
    CnCropland() : Rule("cn_cropland") {}
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"land_cover"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts& f) const override {
        if (!h.inside || h.zone != "cropland") return std::nullopt;
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        j.id = name() + ".cultivated_land";
        j.outcome = Outcome::Conditional;
        j.cite =
            cite_clause("中华人民共和国土地管理法", "", "art_37", "2019-08-26", true, {}, "land_administration_law");
        j.says = tr.text("rule.cn_cropland.inside");
        j.conditions = {tr.text("rule.cn_cropland.condition_waste_land"),
                        tr.text("rule.cn_cropland.condition_basic_farmland")};
        // Para. 2 names mining (采矿) among what may not be done on cultivated land without approval.
        if (f.site_type == "mine") {
            j.id += ".mining";
            j.says += tr.text("rule.cn_cropland.mining");
            j.conditions.push_back(tr.text("rule.cn_cropland.condition_approval"));
        }
        return j;
    }
};

}  // namespace

std::unique_ptr<Rule> make_cn_cropland() { return std::make_unique<CnCropland>(); }

}  // namespace sitescreen::rules
