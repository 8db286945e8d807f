// cn_urban_boundary: the urban development boundary (城镇开发边界), one of the three control lines
// of territorial spatial planning: concentrated urban construction, development zones and
// industrial parks go inside it; outside, construction is admitted project by project from an
// admission list (docs/rules/cn_urban_boundary.md). A plant outside every boundary of the layers
// users hold is conditional; inside, allowed.
#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

// The national measures were found only as reported (2026-02-28, the ministry's planning bureau
// quoted), without their article numbers; a province's notice (Guangdong) only as summarised:
// verified false.
Citation measures() {
    return cite_clause("自然资源部 城镇开发边界管理办法（试行）", "", "urban_boundary_outside", "2026-02", false);
}

class CnUrbanBoundary final : public Rule {
public:
    CnUrbanBoundary() : Rule("cn_urban_boundary") {}
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"urban_boundary"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts&) const override {
        if (!h.inside) return std::nullopt;
        Judgement j;
        j.id = name() + ".inside";
        j.outcome = Outcome::Allowed;
        j.cite = measures();
        j.conservative = true;
        j.says = i18n::current().text("rule.cn_urban_boundary.inside");
        return j;
    }

    std::optional<Judgement> judge_outside(const std::string&, const SiteFacts&) const override {
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        j.id = name() + ".outside";
        j.outcome = Outcome::Conditional;
        j.cite = measures();
        j.conservative = true;
        // No avoid step: the profiles' conditional step reads "prefer a location outside
        // {features}", the opposite of the advice here; the conditions say what to obtain.
        j.advisory = true;
        j.says = tr.text("rule.cn_urban_boundary.outside");
        j.conditions = {tr.text("rule.cn_urban_boundary.condition_admission"),
                        tr.text("rule.cn_urban_boundary.condition_no_zone"),
                        tr.text("rule.cn_urban_boundary.condition_verify")};
        return j;
    }
};

}  // namespace

std::unique_ptr<Rule> make_cn_urban_boundary() { return std::make_unique<CnUrbanBoundary>(); }

}  // namespace sitescreen::rules
