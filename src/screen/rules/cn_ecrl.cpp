// cn_ecrl: ecological conservation red lines (生态保护红线) under 自然资发〔2022〕142号 一(一):
// no development or production construction outside the core protection zones of protected
// areas, except the listed limited activities, each with its conditions (docs/rules/cn_ecrl.md).
#include <map>

#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

Citation notice(const std::string& article, bool verified = true) {
    return cite_as_written("关于加强生态保护红线管理的通知（试行）", "自然资发〔2022〕142号", article, "2022-08-16",
                           verified);
}

// The item's texts (what it allows, its conditions) are in the message catalogs under
// rule.cn_ecrl.item.<key>: what, condition_1 ... condition_N.
struct Item {
    std::string article;  // 一(一)N
    bool verified;        // the item's wording was found in a stored copy of the notice
    int conditions;       // how many conditions the catalogs give
};

// The activity keys a site may name in its project-category attribute, and the item of the notice
// each one claims. Items 1-6 were read in stored copies; item 7 (geological survey and mineral
// exploration / mining: its heading and the minerals it covers only as reported), item 8
// (ecological restoration) and the national major projects of part 二 were not found word for
// word: those are conditional with a verification condition.
const std::map<std::string, Item>& items() {
    static const std::map<std::string, Item> k = {
        {"patrol_research_monitoring", {"一(一)1", true, 0}},
        {"resident_farming", {"一(一)2", true, 0}},
        {"archaeology", {"一(一)3", true, 0}},
        {"forestry_tending", {"一(一)4", true, 0}},
        {"eco_tourism_facility", {"一(一)5", true, 1}},
        {"linear_infrastructure", {"一(一)6", true, 2}},
        {"existing_facility_operation", {"一(一)6", false, 1}},
        {"geological_survey", {"一(一)7", false, 1}},
        {"mineral_exploration", {"一(一)7", false, 4}},
        {"strategic_mineral_mining", {"一(一)7", false, 4}},
        {"ecological_restoration", {"一(一)8", false, 1}},
        {"national_major_project", {"二", false, 3}},
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
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        j.id = name() + ".inside";
        j.outcome = Outcome::Forbidden;
        j.cite = notice("一(一)");
        j.says = tr.text("rule.cn_ecrl.inside");
        if (f.in_protected_core) {
            j.id = name() + ".core_zone";
            j.says = tr.text("rule.cn_ecrl.core_zone");
            return j;
        }
        const std::string activity = normalise_key(f.activity);
        if (activity.empty()) {
            j.says +=
                tr.format("rule.cn_ecrl.no_activity", {{"attribute", f.activity_attribute}, {"list", list(allowed_)}});
            return j;
        }
        const auto it = items().find(activity);
        if (it == items().end() || !allowed_.count(activity)) {
            j.says += tr.format(it == items().end() ? "rule.cn_ecrl.not_listed" : "rule.cn_ecrl.not_claimable",
                                {{"activity", activity}});
            j.says += tr.format("rule.cn_ecrl.claimable", {{"list", list(allowed_)}});
            return j;
        }
        const Item& item = it->second;
        j.id = name() + "." + activity;
        j.outcome = Outcome::Conditional;
        j.listed_activity = true;
        j.cite = notice(item.article, item.verified);
        j.conservative = !item.verified;
        const std::string item_key = "rule.cn_ecrl.item." + activity;
        j.says = tr.format("rule.cn_ecrl.listed",
                           {{"activity", activity}, {"article", item.article}, {"what", tr.text(item_key + ".what")}});
        for (int c = 1; c <= item.conditions; ++c)
            j.conditions.push_back(tr.text(item_key + ".condition_" + std::to_string(c)));
        for (const char* c :
             {"rule.cn_ecrl.condition_function", "rule.cn_ecrl.condition_provincial", "rule.cn_ecrl.condition_overlap"})
            j.conditions.push_back(tr.text(c));
        return j;
    }

protected:
    std::set<std::string> own_keys() const override { return {"activities"}; }
    void read(const Section& s) override {
        if (!s.has("activities")) return;
        for (const auto& a : s.texts("activities")) {
            const std::string k = normalise_key(a);
            if (!items().count(k))
                s.fail("activities: '" + a + "' is not an item of the notice (known: " + all() + ")");
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
        return out.empty() ? i18n::current().text("rule.none") : out;
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
