// cn_eia_sensitive_area: the environmentally sensitive areas of art. 3 of the EIA classification
// directory (建设项目环境影响评价分类管理名录, 2021): names the list a site meets. The directory sets the
// EIA category per industry line; an area alone does not decide it (docs/rules/cn_eia_sensitive_area.md).
#include <map>

#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

struct Listed {
    const char* list;  // (一) (二) (三)
    const char* name;  // the directory's words
};

// Layer theme -> the directory's item. Themes follow docs/rules/cn_eia_sensitive_area.md.
const std::map<std::string, Listed>& listed() {
    static const std::map<std::string, Listed> k = {
        {"national_park", {"(一)", "国家公园"}},
        {"protected_area", {"(一)", "自然保护区"}},
        {"nature_reserve", {"(一)", "自然保护区"}},
        {"scenic_area", {"(一)", "风景名胜区"}},
        {"heritage", {"(一)", "世界文化和自然遗产地"}},
        {"marine_special_protected_area", {"(一)", "海洋特别保护区"}},
        {"drinking_water", {"(一)", "饮用水水源保护区"}},
        {"red_line", {"(二)", "生态保护红线管控范围"}},
        {"basic_farmland", {"(二)", "永久基本农田"}},
        {"basic_grassland", {"(二)", "基本草原"}},
        {"natural_park", {"(二)", "自然公园（森林公园、地质公园、海洋公园等）"}},
        {"wetland", {"(二)", "重要湿地"}},
        {"natural_forest", {"(二)", "天然林"}},
        {"key_habitat", {"(二)", "重点保护野生动物栖息地"}},
        {"key_plant_habitat", {"(二)", "重点保护野生植物生长繁殖地"}},
        {"spawning_ground", {"(二)", "重要水生生物的自然产卵场、索饵场、越冬场"}},
        {"migration_route", {"(二)", "重要水生生物的洄游通道"}},
        {"fishing_ground", {"(二)", "天然渔场"}},
        {"soil_erosion_zone", {"(二)", "水土流失重点预防区和重点治理区"}},
        {"desertified_land_closed", {"(二)", "沙化土地封禁保护区"}},
        {"enclosed_sea", {"(二)", "封闭及半封闭海域"}},
        {"residential", {"(三)", "以居住为主要功能的区域"}},
        {"health_care", {"(三)", "以医疗卫生为主要功能的区域"}},
        {"education", {"(三)", "以文化教育为主要功能的区域"}},
        {"research", {"(三)", "以科研为主要功能的区域"}},
        {"administrative", {"(三)", "以行政办公为主要功能的区域"}},
        {"cultural_relic", {"(三)", "文物保护单位"}},
    };
    return k;
}

class CnEiaSensitiveArea final : public Rule {
public:
    CnEiaSensitiveArea() : Rule("cn_eia_sensitive_area") {}
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override {
        std::vector<std::string> t;
        for (const auto& [k, v] : listed()) t.push_back(k);
        return t;
    }
    double reach_m() const override { return near_m_; }
    Level potential() const override { return level_of(Outcome::Conditional); }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts&) const override {
        const auto it = listed().find(h.theme);
        if (it == listed().end()) return std::nullopt;
        if (!h.inside && h.distance_m > near_m_) return std::nullopt;
        const std::string list = it->second.list;
        Judgement j;
        j.id = name() + (list == "(一)" ? ".list1" : list == "(二)" ? ".list2" : ".list3");
        j.outcome = Outcome::Conditional;
        j.advisory = true;
        j.cite = cite_as_written("建设项目环境影响评价分类管理名录（2021年版）", "生态环境部令第16号", "第三条" + list,
                                 "2020-11-30", true);
        const i18n::Catalog& tr = i18n::current();
        j.says = tr.format(h.inside ? "rule.cn_eia_sensitive_area.inside" : "rule.cn_eia_sensitive_area.near",
                           {{"list", list}, {"name", it->second.name}});
        j.conditions = {tr.format("rule.cn_eia_sensitive_area.condition", {{"name", it->second.name}})};
        return j;
    }

protected:
    std::set<std::string> own_keys() const override { return {"near_m"}; }
    void read(const Section& s) override {
        if (s.has("near_m")) {
            near_m_ = s.number("near_m");
            if (near_m_ < 0) s.fail("near_m: must be 0 or more");
        }
    }

public:
    Json json() const override {
        Json j = Rule::json();
        j["near_m"] = near_m_;
        return j;
    }

private:
    double near_m_ = 0;
};

}  // namespace

std::unique_ptr<Rule> make_cn_eia_sensitive_area() { return std::make_unique<CnEiaSensitiveArea>(); }

}  // namespace sitescreen::rules
