// cn_groundwater_overdraft: groundwater overdraft zones (地下水超采区) and their prohibited and
// restricted extraction zones under the Groundwater Management Regulations (地下水管理条例, 2021)
// (docs/rules/cn_groundwater_overdraft.md).
#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

class CnGroundwaterOverdraft final : public Rule {
public:
    CnGroundwaterOverdraft() : Rule("cn_groundwater_overdraft") {}
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"groundwater_overdraft"}; }
    Level potential() const override { return level_of(Outcome::Conditional); }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts&) const override {
        if (!h.inside) return std::nullopt;
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        j.outcome = Outcome::Conditional;
        // The national regulation's articles on the zones were not found (only its header and
        // arts. 1-7); a regional regulation with the same scheme was: verified = false.
        j.cite = cite_clause("地下水管理条例", "国务院令第748号", "groundwater_zones", "2021-10-21", false);
        j.conservative = true;
        const std::string& z = h.zone;
        if (z == "prohibited") {
            j.id = name() + ".prohibited";
            j.says = tr.text("rule.cn_groundwater_overdraft.prohibited");
            j.conditions = {tr.text("rule.cn_groundwater_overdraft.no_abstraction"),
                            tr.text("rule.cn_groundwater_overdraft.dewatering")};
        } else {
            j.id = name() + (z == "restricted" ? ".restricted" : ".overdraft");
            j.says = tr.text(z == "restricted" ? "rule.cn_groundwater_overdraft.restricted"
                                               : "rule.cn_groundwater_overdraft.overdraft");
            j.conditions = {tr.text("rule.cn_groundwater_overdraft.no_new_abstraction")};
        }
        j.advisory = false;
        return j;
    }
};

}  // namespace

std::unique_ptr<Rule> make_cn_groundwater_overdraft() { return std::make_unique<CnGroundwaterOverdraft>(); }

}  // namespace sitescreen::rules
