// Helpers for the table-driven rule tests (tests/test_rule_*.cpp): a rule configured from a YAML
// section, a hit, site facts, and the check of one case against the clause it names.
#pragma once
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <string>

#include "screen/profile.h"
#include "screen/rules/measured.h"
#include "screen/rules/rule.h"

namespace rule_cases {

using sitescreen::rules::Hit;
using sitescreen::rules::Outcome;
using sitescreen::rules::SiteFacts;

inline std::unique_ptr<sitescreen::rules::Rule> configured(const std::string& name, const std::string& yaml = "") {
    auto r = sitescreen::rules::make_rule(name);
    if (!r) ADD_FAILURE() << "no rule " << name;
    if (r) r->configure(sitescreen::rules::Section(yaml.empty() ? YAML::Node() : YAML::Load(yaml), "test.yaml", name));
    return r;
}

inline Hit hit(const std::string& theme, const std::string& zone, const std::string& preset = "",
               const std::string& category = "") {
    Hit h;
    h.theme = theme;
    h.zone = zone;
    h.preset = preset;
    h.category = category;
    h.what = theme + " feature";
    return h;
}

inline SiteFacts facts(const std::string& activity = "", bool in_core = false) {
    SiteFacts f;
    f.site_type = "test";
    f.activity = activity;
    f.activity_attribute = "project_category";
    f.in_protected_core = in_core;
    f.jurisdiction = sitescreen::rules::Jurisdiction::China;
    return f;
}

// One row of a rule's table: the clause it exercises, the input, the outcome the clause gives.
struct Case {
    const char* clause;  // e.g. "142号 一(一)7: mineral exploration"
    Hit hit;
    SiteFacts facts;
    std::optional<Outcome> outcome;  // nullopt: the rule has nothing to say
    const char* id;                  // expected judgement id ("" when outcome is nullopt)
};

inline void check(const sitescreen::rules::Rule& rule, const Case& c) {
    SCOPED_TRACE(c.clause);
    const auto j = rule.judge(c.hit, c.facts);
    ASSERT_EQ(j.has_value(), c.outcome.has_value()) << (j ? j->id : std::string("nothing"));
    if (!j) return;
    EXPECT_EQ(sitescreen::rules::to_string(j->outcome), std::string(sitescreen::rules::to_string(*c.outcome)))
        << j->says;
    EXPECT_EQ(j->id, c.id);
    EXPECT_EQ(j->id.rfind(rule.name() + ".", 0), 0u) << "a finding names its rule";
    EXPECT_FALSE(j->cite.instrument.empty());
    EXPECT_FALSE(j->cite.article.empty());
    EXPECT_FALSE(j->cite.date.empty());
    EXPECT_FALSE(j->says.empty());
    if (j->outcome == Outcome::Conditional) {
        EXPECT_FALSE(j->conditions.empty()) << "a conditional outcome lists its conditions";
    }
}

// What `f` throws, or "" when it does not.
template <typename F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

// The error a bad section gives, or "" when it loads.
inline std::string config_error(const std::string& name, const std::string& yaml) {
    return error_of([&] { configured(name, yaml); });
}

// A measured rule (screen/rules/measured.h) configured from its section of a profile; `extra`
// follows the section in configure() (the land-cover rule takes the profile's buffers).
template <typename R, typename... Extra>
R configured_measured(const std::string& yaml, const char* section, const Extra&... extra) {
    R r;
    r.configure(sitescreen::rules::Section(YAML::Load(yaml), "test.yaml", section), extra...);
    return r;
}

// One case of a measured rule: the band it gave against the one expected; the band names its rule.
inline void check_band(const sitescreen::rules::Band& b, const std::string& rule, const char* id,
                       sitescreen::Rating exposure, bool met) {
    EXPECT_EQ(b.id, id);
    EXPECT_EQ(sitescreen::to_string(b.exposure), std::string(sitescreen::to_string(exposure)));
    EXPECT_EQ(b.met, met);
    EXPECT_EQ(b.id.rfind(rule + ".", 0), 0u) << "a band names its rule";
}

}  // namespace rule_cases
