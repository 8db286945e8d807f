// intl_recognised_area: internationally recognised areas other than World Heritage (Ramsar sites,
// Key Biodiversity Areas) and mapped critical habitat, under IFC PS6 paras. 16-20
// (docs/rules/intl_recognised_area.md).
#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

class IntlRecognisedArea final : public Rule {
public:
    IntlRecognisedArea() : Rule("intl_recognised_area") {}
    RuleSet set() const override { return RuleSet::International; }
    std::vector<std::string> themes() const override { return {"wetland", "kba", "critical_habitat"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts&) const override {
        if (!h.inside) return std::nullopt;
        std::string kind;
        if (h.theme == "kba")
            kind = "kba";
        else if (h.theme == "critical_habitat")
            kind = "critical_habitat";
        else if (h.zone == "ramsar" || h.preset == "ramsar")
            kind = "ramsar";
        else
            return std::nullopt;  // a wetland that is not a Ramsar site: natural habitat, judged by land cover and
                                  // proximity
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        j.id = name() + "." + kind;
        j.outcome = Outcome::Conditional;
        j.cite = cite_clause("IFC Performance Standard 6", "",
                             kind == "critical_habitat" ? "ps6_critical_habitat" : "ps6_recognised_area", "2012-01-01",
                             false);
        j.says = tr.text("rule.intl_recognised_area." + kind);
        for (const char* c : {"alternative", "no_impact", "no_reduction", "monitoring"})
            j.conditions.push_back(tr.text(std::string("rule.intl_recognised_area.condition_") + c));
        return j;
    }
};

}  // namespace

std::unique_ptr<Rule> make_intl_recognised_area() { return std::make_unique<IntlRecognisedArea>(); }

}  // namespace sitescreen::rules
