// intl_protected_area: legally protected areas for lenders and miners: IFC Performance Standard 6
// (2012) para. 20, with the IUCN management categories ordered Ia, Ib, II (strictest) to VI; the
// profile sets the outcome per category and may not make a stricter category milder
// (docs/rules/intl_protected_area.md).
#include <array>

#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

constexpr std::array<const char*, 7> kCategories{"Ia", "Ib", "II", "III", "IV", "V", "VI"};

Citation ps6(const std::string& para_key) {
    // The PS6 text itself was not found in the stored copies; a briefing on PS6 and protected areas
    // was: the content is confirmed, the paragraph numbers are not.
    return cite_clause(
        "IFC Performance Standard 6: Biodiversity Conservation and Sustainable Management of Living Natural Resources",
        "", para_key, "2012-01-01", false);
}

// The IUCN category of a hit: the zone iucn_<cat> (presets.yaml wdpa), else the raw WDPA category.
std::string category_of(const Hit& h) {
    std::string c;
    if (h.zone.rfind("iucn_", 0) == 0)
        c = h.zone.substr(5);
    else if (h.preset == "wdpa")
        c = h.category;
    for (const char* k : kCategories) {
        std::string lower = k;
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (c == k || c == lower) return k;
    }
    return "unknown";
}

class IntlProtectedArea final : public Rule {
public:
    IntlProtectedArea() : Rule("intl_protected_area") {
        flag("mining", &mining_);
        // Defaults: Ia-II forbidden, III-VI and unknown conditional.
        for (std::size_t i = 0; i < kCategories.size(); ++i)
            outcome_[i] = i < 3 ? Outcome::Forbidden : Outcome::Conditional;
    }
    RuleSet set() const override { return RuleSet::International; }
    std::vector<std::string> themes() const override { return {"protected_area", "nature_reserve", "national_park"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts&) const override {
        if (!h.inside) return std::nullopt;
        const std::string cat = category_of(h);
        std::size_t i = 0;
        while (i < kCategories.size() && cat != kCategories[i]) ++i;
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        j.id = name() + "." + (cat == "unknown" ? std::string("category_unknown") : "iucn_" + cat);
        j.outcome = i < kCategories.size() ? outcome_[i] : unknown_;
        j.conservative = cat == "unknown";
        const std::string what = cat == "unknown" ? tr.text("rule.intl_protected_area.unknown_category")
                                                  : tr.format("rule.intl_protected_area.category", {{"category", cat}});
        if (j.outcome == Outcome::Forbidden) {
            j.cite = cite_clause("IUCN Guidelines for Applying Protected Area Management Categories (ed. N. Dudley)",
                                 "", cat == "unknown" ? "iucn_category_unknown" : "iucn_category", "2008", false,
                                 {{"category", cat}});
            j.says = tr.format(
                "rule.intl_protected_area.forbidden",
                {{"what", what}, {"mining", mining_ ? tr.text("rule.intl_protected_area.amman") : std::string()}});
        } else {
            j.cite = ps6("ps6_paras_17_20");
            j.says = tr.format("rule.intl_protected_area.conditional", {{"what", what}});
            for (const char* c : {"permitted", "plan", "consultation", "programmes", "critical_habitat"})
                j.conditions.push_back(tr.text(std::string("rule.intl_protected_area.condition_") + c));
        }
        return j;
    }

protected:
    std::set<std::string> own_keys() const override { return {"categories"}; }
    void read(const Section& s) override {
        if (!s.has("categories")) return;
        const YAML::Node c = s.node("categories");
        if (!c.IsMap()) s.fail("categories: expected a map IUCN category -> forbidden | conditional | allowed");
        for (const auto& kv : c) {
            const std::string k = kv.first.as<std::string>();
            const Outcome o = s.outcome(kv.second, "categories." + k);
            if (k == "unknown") {
                unknown_ = o;
                continue;
            }
            std::size_t i = 0;
            while (i < kCategories.size() && k != kCategories[i]) ++i;
            if (i == kCategories.size())
                s.fail("categories." + k + ": not an IUCN category (Ia, Ib, II, III, IV, V, VI, unknown)");
            outcome_[i] = o;
        }
        // Ia, Ib, II are the strictest: a later category may not be stricter than an earlier one.
        for (std::size_t i = 1; i < kCategories.size(); ++i)
            if (outcome_[i] > outcome_[i - 1])
                s.fail(std::string("categories.") + kCategories[i] + ": " + to_string(outcome_[i]) +
                       " is stricter than " + kCategories[i - 1] + " (" + to_string(outcome_[i - 1]) +
                       "): IUCN categories run from Ia (strictest) to VI");
    }

public:
    Json json() const override {
        Json j = Rule::json();
        Json c = Json::object();
        for (std::size_t i = 0; i < kCategories.size(); ++i) c[kCategories[i]] = to_string(outcome_[i]);
        c["unknown"] = to_string(unknown_);
        j["categories"] = c;
        return j;
    }

private:
    std::array<Outcome, 7> outcome_{};
    Outcome unknown_ = Outcome::Conditional;
    bool mining_ = false;
};

}  // namespace

std::unique_ptr<Rule> make_intl_protected_area() { return std::make_unique<IntlProtectedArea>(); }

}  // namespace sitescreen::rules
