// Screening rules as named units (docs/rules/): each rule reads its own section of a profile
// (rules.<name>), judges the features a site is inside or near, and cites its clause in every
// finding. A profile lists the rules it applies under rules.apply.
#pragma once
#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/site.h"
#include "i18n/messages.h"
#include "screen/rules/citation.h"

namespace sitescreen {
enum class Level;  // screen/profile.h
}

namespace sitescreen::rules {

// One feature of a layer the site is inside (or near), as the rules see it.
struct Hit {
    std::string theme;     // the layer's theme (red_line, protected_area, wetland, ...)
    std::string zone;      // the category's zone key ("" when the layer gives none)
    std::string category;  // the raw category value
    std::string preset;    // the layer's preset ("" when none)
    std::string what;      // "protected area 'Wolong' (NR-01), Core zone (核心区)"
    bool inside = true;
    double distance_m = 0;
};

// What a rule knows of the site besides the hit.
struct SiteFacts {
    std::string site_type;
    std::string activity;            // normalised value of the profile's project-category attribute
    std::string activity_attribute;  // that attribute's name, for messages
    Jurisdiction jurisdiction = Jurisdiction::Unknown;
    // Inside a core zone of a protected area (核心区 / 缓冲区 / 核心保护区 of a reserve or national
    // park): the red-line list of limited activities applies only outside these (142号 一(一)).
    bool in_protected_core = false;
};

// A rule's answer for one hit.
struct Judgement {
    std::string id;  // "<rule>.<case>", e.g. cn_ecrl.item7
    Outcome outcome = Outcome::Forbidden;
    std::string says;                     // what the clause says here, in English
    std::vector<std::string> conditions;  // what a conditional outcome must still obtain
    Citation cite;
    bool conservative = false;     // the stricter reading was taken (clause or data open)
    bool listed_activity = false;  // the site's activity is on the clause's list
    bool advisory = false;         // names the area (reasons, conditions) without an avoid step
};

// Reads the rules.<name> section of a profile; every error names the file and the rule:
//   config/profiles/mine.yaml: rules.intl_protected_area: categories.II: must not be milder than Ib
class Section {
public:
    Section(YAML::Node node, std::string file, std::string rule)
        : node_(std::move(node)), file_(std::move(file)), rule_(std::move(rule)) {}
    [[noreturn]] void fail(const std::string& msg) const;
    bool has(const std::string& key) const { return node_ && node_.IsMap() && node_[key]; }
    YAML::Node node(const std::string& key) const { return node_[key]; }
    void only(const std::set<std::string>& keys) const;  // the section's own keys
    std::string text(const std::string& key) const;
    std::vector<std::string> texts(const std::string& key) const;
    bool boolean(const std::string& key) const;
    double number(const std::string& key) const;
    int integer(const std::string& key) const;
    // The key must be given: "<key>: missing" otherwise.
    void require(const std::string& key) const;
    Level level(const YAML::Node& n, const std::string& key) const;
    Outcome outcome(const YAML::Node& n, const std::string& key) const;
    const std::string& rule() const { return rule_; }

private:
    YAML::Node node_;
    std::string file_, rule_;
};

class Rule {
public:
    virtual ~Rule() = default;
    Rule(const Rule&) = delete;  // flag() holds pointers into the rule
    Rule& operator=(const Rule&) = delete;
    const std::string& name() const { return name_; }
    virtual RuleSet set() const = 0;
    // The layer themes this rule judges.
    virtual std::vector<std::string> themes() const = 0;
    // Features within this distance are judged too (0: only those the site is inside).
    virtual double reach_m() const { return 0; }
    // Reads rules.<name>: `levels` (forbidden, conditional, allowed) and the rule's own keys.
    void configure(const Section& s);
    // What the rule says of one hit; nullopt when it has nothing to say.
    virtual std::optional<Judgement> judge(const Hit& h, const SiteFacts& f) const = 0;
    // What the rule says where the site lies outside every feature of every layer of `theme` that
    // holds features (a boundary that admits construction inside and restricts it outside, e.g. the
    // urban development boundary); nullopt (the default) when being outside says nothing. A theme
    // with no such layer in the catalog is never judged: no layer is no finding.
    virtual std::optional<Judgement> judge_outside(const std::string& theme, const SiteFacts& f) const {
        (void)theme;
        (void)f;
        return std::nullopt;
    }
    Level level_of(Outcome o) const;
    // The most serious level this rule can give (for the avoidance search's layer list).
    virtual Level potential() const;
    bool judges(const std::string& theme) const;
    // The rule's settings as recorded in run.json.
    virtual Json json() const;

protected:
    explicit Rule(std::string name) : name_(std::move(name)) {}
    virtual std::set<std::string> own_keys() const { return {}; }
    virtual void read(const Section&) {}
    // Declares a yes/no setting of the rule's section (e.g. `mining: true`): configure() reads it
    // into *value when the profile sets it (the member's initial value otherwise), json() records
    // it. Called from the rule's constructor.
    void flag(std::string key, bool* value) { flags_.emplace_back(std::move(key), value); }

private:
    std::vector<std::pair<std::string, bool*>> flags_;
    std::string name_;
    int levels_[3] = {0, 2, 3};  // Level per Outcome: allowed low, conditional high, forbidden no-go
};

// The registry (registry.cpp): every rule a profile may list under rules.apply.
std::vector<std::string> rule_names();
std::unique_ptr<Rule> make_rule(const std::string& name);  // nullptr for an unknown name

// The jurisdiction of a site from the attributes of the admin features it is inside: a country
// code (iso_n3 156, ISO3 / iso_a3 / adm0_a3 / GID_0 CHN) says China; any other country code says
// elsewhere; none says unknown (docs/rules/jurisdiction.md).
Jurisdiction jurisdiction_of(const std::vector<Json>& admin_attributes);

// "Linear infrastructure" / "linear-infrastructure" -> "linear_infrastructure"
std::string normalise_key(const std::string& s);

}  // namespace sitescreen::rules
