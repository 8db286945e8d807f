// cn_wetland: wetlands under the Wetland Protection Law (湿地保护法, 2021): occupying a nationally
// important wetland is banned except for listed kinds of projects; other occupation needs approval
// and restoration of equal area and quality, or a restoration fee (docs/rules/cn_wetland.md).
#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

// The law's text (adopted 2021-12-24, in force 2022-06-01, 主席令第102号) was found only in part
// (arts. 1-4, 29-32); the articles on occupying wetlands were not: verified = false.
Citation law(const std::string& article_key) {
    return cite_clause("中华人民共和国湿地保护法", "主席令第102号", article_key, "2021-12-24", false);
}

bool exempt(const std::string& a) {
    return a == "national_major_project" || a == "disaster_prevention" || a == "water_conservancy" ||
           a == "wetland_protection";
}

class CnWetland final : public Rule {
public:
    CnWetland() : Rule("cn_wetland") {}
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"wetland"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts& f) const override {
        if (!h.inside) return std::nullopt;
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        const std::string& z = h.zone;
        const std::vector<std::string> restore = {tr.text("rule.cn_wetland.approval"),
                                                  tr.text("rule.cn_wetland.restore")};
        if (z == "provincial" || z == "general") {
            j.id = name() + "." + z;
            j.outcome = Outcome::Conditional;
            j.cite = law("wetland_arts_19_21");
            j.conservative = true;
            j.says = tr.text(z == "provincial" ? "rule.cn_wetland.provincial" : "rule.cn_wetland.general");
            j.conditions = {tr.text("rule.cn_wetland.avoid")};
            j.conditions.insert(j.conditions.end(), restore.begin(), restore.end());
            return j;
        }
        // ramsar, national, an important wetland of unstated level, or no zone at all: the national rule.
        const bool stated = z == "ramsar" || z == "national";
        j.id = name() + (stated ? "." + z : std::string(".important"));
        j.cite = law("wetland_art_19");
        j.conservative = true;
        j.says = tr.text(z == "ramsar" ? "rule.cn_wetland.ramsar"
                         : stated      ? "rule.cn_wetland.national"
                                       : "rule.cn_wetland.important");
        const std::string activity = normalise_key(f.activity);
        if (exempt(activity)) {
            j.id += "." + activity;
            j.outcome = Outcome::Conditional;
            j.listed_activity = true;
            j.conditions = restore;
        } else {
            j.outcome = Outcome::Forbidden;
            j.says += tr.text("rule.cn_wetland.exempt_kinds");
        }
        return j;
    }
};

}  // namespace

std::unique_ptr<Rule> make_cn_wetland() { return std::make_unique<CnWetland>(); }

}  // namespace sitescreen::rules
