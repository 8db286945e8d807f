// The rules a profile may list under rules.apply (docs/rules/README.md). A new clause rule adds
// its factory here; the measured rules (measured.h) are listed by name.
#include <functional>
#include <utility>

#include "screen/rules/measured.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {

std::unique_ptr<Rule> make_cn_ecrl();
std::unique_ptr<Rule> make_cn_nature_reserve();
std::unique_ptr<Rule> make_cn_national_park();
std::unique_ptr<Rule> make_cn_wetland();
std::unique_ptr<Rule> make_cn_eia_sensitive_area();
std::unique_ptr<Rule> make_cn_farmland();
std::unique_ptr<Rule> make_cn_cropland();
std::unique_ptr<Rule> make_cn_drinking_water();
std::unique_ptr<Rule> make_cn_groundwater_overdraft();
std::unique_ptr<Rule> make_cn_urban_boundary();
std::unique_ptr<Rule> make_intl_protected_area();
std::unique_ptr<Rule> make_intl_world_heritage();
std::unique_ptr<Rule> make_intl_recognised_area();

namespace {
const std::vector<std::pair<std::string, std::function<std::unique_ptr<Rule>()>>>& table() {
    static const std::vector<std::pair<std::string, std::function<std::unique_ptr<Rule>()>>> t = {
        {"cn_ecrl", make_cn_ecrl},
        {"cn_nature_reserve", make_cn_nature_reserve},
        {"cn_national_park", make_cn_national_park},
        {"cn_wetland", make_cn_wetland},
        {"cn_eia_sensitive_area", make_cn_eia_sensitive_area},
        {"cn_farmland", make_cn_farmland},
        {"cn_cropland", make_cn_cropland},
        {"cn_drinking_water", make_cn_drinking_water},
        {"cn_groundwater_overdraft", make_cn_groundwater_overdraft},
        {"cn_urban_boundary", make_cn_urban_boundary},
        {"intl_protected_area", make_intl_protected_area},
        {"intl_world_heritage", make_intl_world_heritage},
        {"intl_recognised_area", make_intl_recognised_area},
    };
    return t;
}
}  // namespace

std::vector<std::string> rule_names() {
    std::vector<std::string> out;
    for (const auto& [n, f] : table()) out.push_back(n);
    return out;
}

// The measured rules (measured.h) are classes the assessor reads by type, not factories.
const std::vector<std::string>& measured_rule_names() {
    static const std::vector<std::string> names = {Proximity::name(), WaterStress::name(), LandCover::name()};
    return names;
}

std::unique_ptr<Rule> make_rule(const std::string& name) {
    for (const auto& [n, f] : table())
        if (n == name) return f();
    return nullptr;
}

}  // namespace sitescreen::rules
