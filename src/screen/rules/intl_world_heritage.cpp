// intl_world_heritage: World Heritage properties: ICMM members do not explore or mine in them (ICMM
// position statement, 2003); for other site types IFC PS6 treats them as internationally
// recognised areas (docs/rules/intl_world_heritage.md).
#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

class IntlWorldHeritage final : public Rule {
public:
    IntlWorldHeritage() : Rule("intl_world_heritage") { flag("mining", &mining_); }
    RuleSet set() const override { return RuleSet::International; }
    std::vector<std::string> themes() const override { return {"heritage"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts&) const override {
        if (!h.inside) return std::nullopt;
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        if (mining_) {
            j.id = name() + ".icmm_no_go";
            j.outcome = Outcome::Forbidden;
            j.cite = cite_clause("ICMM Mining and Protected Areas Position Statement", "", "icmm_world_heritage",
                                 "2003-08-20", true);
            j.says = tr.text("rule.intl_world_heritage.icmm");
            return j;
        }
        j.id = name() + ".recognised_area";
        j.outcome = Outcome::Conditional;
        j.cite = cite_clause("IFC Performance Standard 6", "", "ps6_recognised_area_paragraph", "2012-01-01", false);
        j.says = tr.text("rule.intl_world_heritage.recognised_area");
        j.conditions = {tr.text("rule.intl_world_heritage.condition_hia"),
                        tr.text("rule.intl_world_heritage.condition_plan")};
        return j;
    }

private:
    bool mining_ = false;
};

}  // namespace

std::unique_ptr<Rule> make_intl_world_heritage() { return std::make_unique<IntlWorldHeritage>(); }

}  // namespace sitescreen::rules
