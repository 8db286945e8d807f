// cn_ecrl: ecological conservation red lines (生态保护红线) under 自然资发〔2022〕142号 一(一):
// no development or production construction outside the core protection zones of protected
// areas, except the listed limited activities, each with its conditions (docs/rules/cn_ecrl.md).
#include <map>

#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

Citation notice(const std::string& article, bool verified = true) {
    return {"关于加强生态保护红线管理的通知（试行）", "自然资发〔2022〕142号", article, "2022-08-16", verified};
}

struct Item {
    std::string article;   // 一(一)N
    std::string what;      // the item in English
    bool verified;         // the item's wording was found in a stored copy of the notice
    std::vector<std::string> conditions;
};

// The activity keys a site may name in its project-category attribute, and the item of the notice
// each one claims. Items 1-6 were read in stored copies; item 7 (geological survey and mineral
// exploration / mining), item 8 (ecological restoration) and the national major projects of part
// 二 were not found word for word: those are conditional with a verification condition.
const std::map<std::string, Item>& items() {
    static const std::map<std::string, Item> k = {
        {"patrol_research_monitoring",
         {"一(一)1", "patrol, law enforcement, scientific research, survey and monitoring, disaster prevention and the necessary facilities", true, {}}},
        {"resident_farming",
         {"一(一)2", "farming, grazing, fishing by original residents without enlarging existing construction land, farmland or grazing intensity", true, {}}},
        {"archaeology", {"一(一)3", "lawfully approved archaeology, fossil survey, specimen collection and relic protection", true, {}}},
        {"forestry_tending", {"一(一)4", "tending and regeneration of planted commercial forest, bamboo harvesting", true, {}}},
        {"eco_tourism_facility",
         {"一(一)5", "moderate sightseeing and nature education with the necessary public facilities that conform to the relevant plans", true,
          {"the facility serves visitors and conforms to the relevant plans (符合相关规划的配套性服务设施)"}}},
        {"linear_infrastructure",
         {"一(一)6", "linear infrastructure, communications, flood-control and water-supply facilities that must be built there and cannot avoid the red line, in conformity with a county-level or higher territorial spatial plan", true,
          {"demonstration that the line cannot avoid the red line (必须且无法避让, 不可避让论证)",
           "conformity with a county-level or higher territorial spatial plan (符合县级以上国土空间规划)"}}},
        {"existing_facility_operation",
         {"一(一)6", "operation, maintenance and upgrading of existing lawful water-conservancy and transport facilities", false,
          {"the facility exists and is lawful; operation, maintenance or upgrading only, no new land take (verify the wording of item 6)"}}},
        {"geological_survey",
         {"一(一)7", "public-interest geological survey", false,
          {"verify the scope of item 7 in the notice (its wording was not found in the stored copies)"}}},
        {"mineral_exploration",
         {"一(一)7", "mineral exploration (commentaries read item 7 as allowing exploration for strategic minerals such as lithium, nickel and cobalt)", false,
          {"verify the scope of item 7 in the notice (its wording was not found in the stored copies)",
           "green exploration under the stricter standards for red lines (自然资源部 国家林草局 关于在新一轮找矿突破战略行动中全面实施绿色勘查的通知, 2024)",
           "temporary land use approved and restored after the work"}}},
        {"strategic_mineral_mining",
         {"一(一)7", "mining of strategic minerals where the state needs it (commentaries' reading of item 7)", false,
          {"verify the scope of item 7 in the notice (its wording was not found in the stored copies)",
           "a national strategic need for the mineral, recognised by the competent authority",
           "mitigation of ecological impacts and mine restoration (矿山生态修复)"}}},
        {"ecological_restoration",
         {"一(一)8", "ecological restoration under county-level or higher plans", false,
          {"verify the wording of item 8 (not found in the stored copies)"}}},
        {"national_major_project",
         {"二", "a national major project (国家重大项目) occupying red-line land", false,
          {"the project is on the national major project list",
           "demonstration that it cannot avoid the red line (不可避让论证)",
           "verify the approval procedure in part 二 of the notice (not found in the stored copies)"}}},
    };
    return k;
}

class CnEcrl final : public Rule {
public:
    CnEcrl() : Rule("cn_ecrl") {}
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"red_line"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts& f) const override {
        if (!h.inside) return std::nullopt;
        Judgement j;
        j.id = name() + ".inside";
        j.outcome = Outcome::Forbidden;
        j.cite = notice("一(一)");
        j.says = "no development or production construction (开发性、生产性建设活动) inside a red line outside the "
                 "core protection zones; only the limited activities listed in 一(一) 1-10";
        if (f.in_protected_core) {
            j.id = name() + ".core_zone";
            j.says = "the site is also in a core zone of a protected area: the list of limited activities applies only "
                     "outside core protection zones (自然保护地核心保护区原则上禁止人为活动)";
            return j;
        }
        const std::string activity = normalise_key(f.activity);
        if (activity.empty()) {
            j.says += "; no activity given (set the site's '" + f.activity_attribute + "' attribute to one of: " + list(allowed_) + ")";
            return j;
        }
        const auto it = items().find(activity);
        if (it == items().end() || !allowed_.count(activity)) {
            j.says += it == items().end() ? "; activity '" + activity + "' is not on the list"
                                          : "; activity '" + activity + "' is not one this site type can claim under its profile";
            j.says += " (claimable: " + list(allowed_) + ")";
            return j;
        }
        const Item& item = it->second;
        j.id = name() + "." + activity;
        j.outcome = Outcome::Conditional;
        j.listed_activity = true;
        j.cite = notice(item.article, item.verified);
        j.conservative = !item.verified;
        j.says = "activity '" + activity + "' is item " + item.article + " (" + item.what + "): a limited activity allowed outside "
                 "core protection zones under conditions";
        j.conditions = item.conditions;
        j.conditions.push_back("no damage to the red line's ecological function (对生态功能不造成破坏)");
        j.conditions.push_back("where new construction land is approved: the provincial government's determination that it is an "
                               "allowed limited activity (省级人民政府认定意见; 142号 一(二), wording not verified)");
        j.conditions.push_back("where the red line overlaps a nature reserve, scenic area or drinking-water source protection zone, "
                               "that area's own law applies as well (142号 一(一))");
        return j;
    }

protected:
    std::set<std::string> own_keys() const override { return {"activities"}; }
    void read(const Section& s) override {
        if (!s.has("activities")) return;
        for (const auto& a : s.texts("activities")) {
            const std::string k = normalise_key(a);
            if (!items().count(k)) s.fail("activities: '" + a + "' is not an item of the notice (known: " + all() + ")");
            allowed_.insert(k);
        }
    }

public:
    Json json() const override {
        Json j = Rule::json();
        j["activities"] = std::vector<std::string>(allowed_.begin(), allowed_.end());
        return j;
    }

private:
    std::set<std::string> allowed_;
    static std::string list(const std::set<std::string>& s) {
        std::string out;
        for (const auto& k : s) out += (out.empty() ? "" : ", ") + k;
        return out.empty() ? "none" : out;
    }
    static std::string all() {
        std::string out;
        for (const auto& [k, v] : items()) out += (out.empty() ? "" : ", ") + k;
        return out;
    }
};

}  // namespace

std::unique_ptr<Rule> make_cn_ecrl() { return std::make_unique<CnEcrl>(); }

}  // namespace sitescreen::rules
