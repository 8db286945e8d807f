// cn_wetland: wetlands under the Wetland Protection Law (湿地保护法, 2021): occupying a nationally
// important wetland is banned except for listed kinds of projects; other occupation needs approval
// and restoration of equal area and quality, or a restoration fee (docs/rules/cn_wetland.md).
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

// The law's text (adopted 2021-12-24, in force 2022-06-01, 主席令第102号) was found only in part
// (arts. 1-4, 29-32); the articles on occupying wetlands were not: verified = false.
Citation law(const std::string& article) {
    return {"中华人民共和国湿地保护法", "主席令第102号", article, "2021-12-24", false};
}

bool exempt(const std::string& a) {
    return a == "national_major_project" || a == "disaster_prevention" || a == "water_conservancy" || a == "wetland_protection";
}

class CnWetland final : public Rule {
public:
    CnWetland() : Rule("cn_wetland") {}
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"wetland"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts& f) const override {
        if (!h.inside) return std::nullopt;
        Judgement j;
        const std::string& z = h.zone;
        const std::vector<std::string> restore = {
            "approval of the occupation, with the opinion of the forestry and grassland authority",
            "restore or rebuild wetland of equal area and quality, or pay the wetland restoration fee (湿地恢复费)"};
        if (z == "provincial" || z == "general") {
            j.id = name() + "." + z;
            j.outcome = Outcome::Conditional;
            j.cite = law("arts. 19-21 (numbers not verified)");
            j.conservative = true;
            j.says = z == "provincial" ? "provincially important wetland: occupation only with approval, avoiding and minimising it"
                                       : "wetland: a project's site should avoid wetlands and, where it cannot, occupy as little as possible";
            j.conditions = {"siting that avoids the wetland, or occupies as little as possible where it cannot"};
            j.conditions.insert(j.conditions.end(), restore.begin(), restore.end());
            return j;
        }
        // ramsar, national, an important wetland of unstated level, or no zone at all: the national rule.
        const bool stated = z == "ramsar" || z == "national";
        j.id = name() + (stated ? "." + z : std::string(".important"));
        j.cite = law("art. 19 (number not verified)");
        j.conservative = true;
        j.says = std::string(z == "ramsar" ? "wetland of international importance (Ramsar), managed as a nationally important wetland"
                                           : stated ? "nationally important wetland (国家重要湿地)"
                                                    : "important wetland whose level the layer does not give: taken as nationally important")
                 + ": occupying it is banned except for national major, disaster-prevention, important water-conservancy and "
                   "wetland-protection projects";
        const std::string activity = normalise_key(f.activity);
        if (exempt(activity)) {
            j.id += "." + activity;
            j.outcome = Outcome::Conditional;
            j.listed_activity = true;
            j.conditions = restore;
        } else {
            j.outcome = Outcome::Forbidden;
            j.says += " (exempt kinds: national_major_project, disaster_prevention, water_conservancy, wetland_protection)";
        }
        return j;
    }
};

}  // namespace

std::unique_ptr<Rule> make_cn_wetland() { return std::make_unique<CnWetland>(); }

}  // namespace sitescreen::rules
