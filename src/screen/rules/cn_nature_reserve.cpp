// cn_nature_reserve: nature reserves (自然保护区) in both zone schemes: 核心区 / 缓冲区 / 实验区 of the
// Regulations on Nature Reserves (1994) and 核心保护区 / 一般控制区 of the 2019 protected-area
// system; an unzoned reserve is managed as core and buffer (docs/rules/cn_nature_reserve.md).
#include "i18n/messages.h"
#include "screen/rules/rule.h"

namespace sitescreen::rules {
namespace {

Citation regs(const std::string& article_key, bool verified = true) {
    // Article numbers of the 1994 text as revised in 2017; a 2026 revision (国务院令第830号, in force
    // 2026-03-15) was not read: its numbering may differ.
    return cite_clause("中华人民共和国自然保护区条例", "", article_key, "1994-10-09", verified, {}, "nature_reserve");
}
Citation notice142(const std::string& article) {
    return cite_as_written("关于加强生态保护红线管理的通知（试行）", "自然资发〔2022〕142号", article, "2022-08-16",
                           true);
}

class CnNatureReserve final : public Rule {
public:
    CnNatureReserve() : Rule("cn_nature_reserve") { flag("mining", &mining_); }
    RuleSet set() const override { return RuleSet::China; }
    std::vector<std::string> themes() const override { return {"protected_area", "nature_reserve"}; }

    std::optional<Judgement> judge(const Hit& h, const SiteFacts& f) const override {
        if (!h.inside) return std::nullopt;
        // WDPA polygons are judged by intl_protected_area: WDPA does not say which are reserves.
        if (h.preset == "wdpa" || h.zone.rfind("iucn_", 0) == 0) return std::nullopt;
        const i18n::Catalog& tr = i18n::current();
        Judgement j;
        j.outcome = Outcome::Forbidden;
        const std::string& z = h.zone;
        if (z == "core" || z == "buffer") {
            j.id = name() + "." + z;
            j.cite = regs("arts_18_27_32");
            j.says = tr.text(z == "core" ? "rule.cn_nature_reserve.core" : "rule.cn_nature_reserve.buffer");
            if (z == "buffer") j.cite.verified = false;  // art. 32's wording was not found; art. 18 was
            j.conservative = z == "buffer";
        } else if (z == "experimental") {
            j.id = name() + ".experimental";
            if (mining_) {
                j.cite = regs("art_26");
                j.says = tr.text("rule.cn_nature_reserve.mining");
            } else {
                j.outcome = Outcome::Conditional;
                j.cite = regs("arts_18_32", false);
                j.conservative = true;
                j.says = tr.text("rule.cn_nature_reserve.experimental");
                j.conditions = {tr.text("rule.cn_nature_reserve.experimental_facility"),
                                tr.text("rule.cn_nature_reserve.experimental_consent")};
            }
        } else if (z == "core_protection") {
            j.id = name() + ".core_protection";
            j.cite = notice142("一(一)");
            j.says = tr.text("rule.cn_nature_reserve.core_protection");
        } else if (z == "general_control") {
            j.id = name() + ".general_control";
            j.cite = notice142("一(一)");
            j.says = tr.text("rule.cn_nature_reserve.general_control");
            if (mining_) j.says += tr.text("rule.cn_nature_reserve.mining_every_zone");
        } else if (z.empty() || z == "unzoned") {
            j.id = name() + ".unzoned";
            j.cite = regs("art_30", false);
            j.conservative = z.empty();
            j.says = tr.text(z.empty() ? "rule.cn_nature_reserve.no_zone" : "rule.cn_nature_reserve.unzoned");
        } else {
            return std::nullopt;  // a zone of another scheme (e.g. a land-cover class): not a reserve zone
        }
        (void)f;
        return j;
    }

private:
    bool mining_ = false;  // the site type mines or quarries (art. 26 bans it in every zone)
};

}  // namespace

std::unique_ptr<Rule> make_cn_nature_reserve() { return std::make_unique<CnNatureReserve>(); }

}  // namespace sitescreen::rules
