// The per-site report's dedicated LEAP tables (#23, src/report/leap_tables.cpp): L2 the activity's
// dependencies and impacts, L3 the ecosystems and their mix per buffer, E1 the services, E4 each
// rating with its four factors; in English and in Chinese, each cell checked against the record.
// Also the portfolio PDF's TNFD table and the screen / serve options naming the assessment's tables.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "io/checksum.h"
#include "report/formats.h"
#include "report/leap_stages.h"
#include "report/leap_tables.h"
#include "report/markdown_report.h"
#include "report/record_line.h"
#include "screen/assess.h"
#include "support/fixtures.h"
#include "support/require.h"
#include "support/sample_sites.h"

using namespace sitescreen;
using namespace sitescreen::testing;
namespace fs = std::filesystem;

namespace {

const std::string kSource = SITESCREEN_SOURCE_DIR;

const i18n::Catalog& en() { return i18n::catalog(i18n::Lang::En); }
const i18n::Catalog& zh() { return i18n::catalog(i18n::Lang::Zh); }

// A sample site screened and assessed in the run's language, its record and its Markdown report.
struct Report {
    SiteResult result;
    Json record;
    std::string md;
};

Report report_of(const std::string& id, i18n::Lang lang, const std::string& activity = "") {
    auto layers = shipped_layers();
    AssessOptions ao;
    ao.lang = lang;
    const Assessor assessor(load_profiles(kSource + "/config/profiles"), layers, ao);
    ScreenOptions so;
    so.lang = lang;
    Screener screener(layers, so);
    const std::vector<Site> sites = read_all(kSource + "/sample_sites/candidates.csv");
    auto it = std::find_if(sites.begin(), sites.end(), [&](const Site& s) { return s.id == id; });
    EXPECT_NE(it, sites.end()) << id;
    Site site = *it;
    if (!activity.empty()) site.attributes["activity"] = activity;
    Report r;
    r.result = screener.screen(site, assessor.radii_for(site.type));
    assessor.assess(r.result, screener);
    r.record = site_record(r.result, screener.options());
    RunContext ctx;
    ctx.out_dir = "unused";
    ctx.layers = layers.get();
    ctx.options = so;
    ctx.tool_version = "0.0.0-test";
    ctx.any_demo = true;
    report::ProvenanceTable prov;
    prov.begin(ctx);
    r.md = markdown_site_report(report::site_report_doc(r.result, ctx, prov.rows(r.result), ""));
    return r;
}

// The Markdown section from a heading to the next heading of the same or a higher level.
std::string section(const std::string& md, const std::string& heading) {
    const auto at = md.find(heading + "\n");
    if (at == std::string::npos) return "";
    const std::size_t level = heading.find(' ');
    std::size_t end = at + heading.size();
    while (true) {
        end = md.find("\n#", end);
        if (end == std::string::npos) break;
        const std::size_t hashes = md.find(' ', end + 1) - (end + 1);
        if (hashes <= level) break;
        ++end;
    }
    return md.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string enum_in(const i18n::Catalog& tr, const std::string& field, const Json& v) {
    return v.is_string() ? tr.text_or("value." + field + "." + v.get<std::string>(), v.get<std::string>()) : "—";
}

std::string share(double s) { return report::format_share(s); }

// Every row of the record's locate.activity is a row of the L2 tables, with its rating, materiality,
// driver and location dependence in the report's words.
void expect_activity_rows(const Report& r, const i18n::Catalog& tr) {
    const Json& a = r.record["locate"]["activity"];
    const std::string l2 = section(r.md, "### " + tr.text("report.stage.l2"));
    ASSERT_FALSE(l2.empty()) << r.md;
    EXPECT_TRUE(
        has(l2, "| **" + tr.text("report.activity.activity") + "** | **" + a["title"].get<std::string>() + "** |"))
        << l2;
    EXPECT_TRUE(has(l2, "`" + a["id"].get<std::string>() + "`")) << l2;
    ASSERT_EQ(a["dependencies"].size(), 12u);
    for (const Json& d : a["dependencies"]) {
        const bool high = d["materiality"] == "high";
        const std::string m = d["materiality"].is_null() ? d["not_found"].get<std::string>()
                                                         : enum_in(tr, "materiality", d["materiality"]);
        const std::string row = "| **" + d["title"].get<std::string>() + "** | " +
                                enum_in(tr, "encore_rating", d["encore_rating"]) + " | " +
                                (high ? "**" + m + "**" : m) + " | " +
                                tr.text(d["location_dependent"].get<bool>() ? "report.yes" : "report.no") + " |";
        EXPECT_TRUE(has(l2, row)) << row << "\n" << l2;
    }
    for (const Json& d : a["impacts"]) {
        const bool high = d["materiality"] == "high";
        const std::string m = d["materiality"].is_null() ? d["not_found"].get<std::string>()
                                                         : enum_in(tr, "materiality", d["materiality"]);
        const std::string driver =
            d["driver"].is_string() ? tr.text("report.e4.driver_name." + d["driver"].get<std::string>()) : "—";
        const std::string row = "| **" + d["title"].get<std::string>() + "** | " +
                                enum_in(tr, "encore_rating", d["encore_rating"]) + " | " +
                                (high ? "**" + m + "**" : m) + " | " + driver + " | " +
                                tr.text(d["location_dependent"].get<bool>() ? "report.yes" : "report.no") + " |";
        EXPECT_TRUE(has(l2, row)) << row << "\n" << l2;
    }
}

}  // namespace

// C01 (a 60 ha plant inside a demonstration red line in the Qinling): each table as the record says.
TEST(LeapTables, EnglishReportShowsTheRecordsActivityEcosystemsServicesAndFactors) {
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    const Report r = report_of("C01", i18n::Lang::En);
    ASSERT_TRUE(r.record["locate"].is_object()) << r.record.dump();

    // L2: the row used, where it came from, and its ratings (the plant profile's default).
    expect_activity_rows(r, en());
    const std::string l2 = section(r.md, "### L2 · Dependency and impact screening");
    EXPECT_TRUE(has(l2, "| **Row chosen by** | the default of the plant profile (the site names no activity) |")) << l2;
    EXPECT_TRUE(has(l2, "| **ENCORE row** | C_29_291 Manufacture of motor vehicles (group) |")) << l2;
    EXPECT_TRUE(has(l2, "| **Match** | exact: ENCORE rates this activity's own ISIC group or class |")) << l2;
    EXPECT_TRUE(has(l2, "not checked against ENCORE's own download")) << l2;
    EXPECT_TRUE(has(l2, "| **Disturbances (noise, light)** | VH | **high** | Pollution | yes |"))
        << l2;  // ENCORE C_29_291
    EXPECT_TRUE(has(l2, "| **Global climate regulation** | VL | low | no |")) << l2;
    // The table replaces the generic listing under its own heading.
    EXPECT_FALSE(has(r.md, "### Activity: ")) << r.md;

    // L3: the unit at the site and the mix per buffer, shares as the record gives them.
    const std::string l3 = section(r.md, "### L3 · Interface with nature");
    const Json& eco = r.record["locate"]["l3"]["ecosystems"][0];
    ASSERT_EQ(eco["at_site"]["get"]["code"], "T");
    EXPECT_TRUE(
        has(l3, "| **Land-cover class at the site** | " + eco["at_site"]["class"].get<std::string>() + " (4) |"))
        << l3;
    EXPECT_TRUE(has(l3, "| **Ecosystem at the site** | **T Terrestrial realm (realm)** |")) << l3;
    EXPECT_TRUE(
        has(l3,
            "| **Possible functional groups** | T2.2 Deciduous temperate forests; T1.2 Tropical/Subtropical dry "
            "forests and thickets |"))
        << l3;
    EXPECT_TRUE(has(l3,
                    "| Ecosystem (IUCN GET) | Level | Possible functional groups | At the site | Within 1 km | Within "
                    "5 km | Within 10 km |"))
        << l3;
    const Json& b = eco["buffers"];
    ASSERT_EQ(b.size(), 3u);
    EXPECT_TRUE(has(
        l3,
        "| **T Terrestrial realm** | realm | T2.2 Deciduous temperate forests; T1.2 Tropical/Subtropical dry forests "
        "and thickets | yes | " +
            share(b[0]["mix"][0]["share"]) + " | " + share(b[1]["mix"][0]["share"]) + " | " +
            share(b[2]["mix"][0]["share"]) + " |"))
        << l3;
    EXPECT_EQ(b[2]["mix"][1]["code"], "T2");
    EXPECT_TRUE(has(
        l3,
        "| **T2 Temperate-boreal forests and woodlands** | biome | T2.1 Boreal and temperate high montane forests and "
        "woodlands; T2.2 Deciduous temperate forests | — | — | " +
            share(b[1]["mix"][1]["share"]) + " | " + share(b[2]["mix"][1]["share"]) + " |"))
        << l3;
    EXPECT_EQ(share(b[2]["mix"][1]["share"]), "10.8 %");
    EXPECT_FALSE(has(l3, "#### Ecosystems\n")) << l3;  // the generic listing is gone

    // E1: each service with its rating, materiality and the ecosystem providing it.
    const std::string e1 = section(r.md, "### E1 · Environmental assets and ecosystem services");
    const Json& services = r.record["evaluate"]["e1"]["services"];
    ASSERT_FALSE(services.empty());
    for (const Json& s : services) {
        const Json& p = s["provided_by"][0];
        const std::string m = enum_in(en(), "materiality", s["materiality"]);
        const std::string row =
            "| **" + s["title"].get<std::string>() + "** | " + s["encore_rating"].get<std::string>() + " | " +
            (s["materiality"] == "high" ? "**" + m + "**" : m) + " | T Terrestrial realm (possibly T2.2 " +
            "Deciduous temperate forests; T1.2 Tropical/Subtropical dry forests and thickets) | " +
            (p["at_site"].get<bool>() ? "yes" : "no") + " | " + share(p["share"]) + " within 1 km |";
        EXPECT_TRUE(has(e1, row)) << row << "\n" << e1;
    }
    EXPECT_TRUE(has(e1, "| **Water flow regulation** | M | medium | T Terrestrial realm")) << e1;

    // E4: each rated driver with its four factors, from the record's values.
    const std::string e4 = section(r.md, "### E4 · Impact materiality assessment");
    const Json& lu = r.record["evaluate"]["e4"]["drivers"]["land_use_change"];
    ASSERT_EQ(lu["severity"]["from"], "inside");
    EXPECT_TRUE(has(
        e4,
        "| Impact driver | Materiality | Rating | Verdict level | Severity | Extent | Irreversibility | Likelihood |"))
        << e4;
    EXPECT_TRUE(has(
        e4, "| **Land-use change** | medium | **high** | medium | high: " + share(lu["severity"]["affected_share"]) +
                " of the site affected (the site is inside the feature) | " +
                fmt::format("{:.1f}", lu["extent"]["area_ha"].get<double>()) + " ha affected<br>the layer covers " +
                share(lu["extent"]["buffer_share"]) +
                " of the 1 km buffer | high (ecological conservation red line) | "
                "almost certain (exposure very high) |"))
        << e4;
    const Json& wu = r.record["evaluate"]["e4"]["drivers"]["water_use"];
    ASSERT_TRUE(wu["extent"]["buffer_share"].is_null());
    EXPECT_TRUE(
        has(e4,
            "| **Water use** | medium | **medium** | low | high: 100.0 % of the site affected (the site draws on the "
            "unit's water) | 60.0 ha affected<br>no buffer share measured | medium (water-stress unit) | possible "
            "(exposure medium) |"))
        << e4;
    // GHG is not rated against the place: no row, its trace says why.
    EXPECT_FALSE(has(e4, "| **GHG emissions** |")) << e4;
    EXPECT_TRUE(has(e4, "- GHG emissions: location-independent driver")) << e4;
    EXPECT_TRUE(
        has(e4, "- Land-use change: materiality medium x exposure very high (inside ecological conservation red line"))
        << e4;
    EXPECT_FALSE(has(e4, "Factors trace")) << e4;
}

// The TNFD metrics (evaluate.metrics) as one table of the four metrics, the classes counted as
// natural, and the sensitive locations by theme, from the typed SiteMetrics: C01 is a point site
// with a declared footprint inside a red line, so C1.1's sensitive figure is not available, said once.
TEST(LeapTables, TheSitesTnfdMetricsAreOneTableAndTheThemesAnother) {
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    const Report r = report_of("C01", i18n::Lang::En);
    const std::string m = section(r.md, "### TNFD metrics");
    EXPECT_TRUE(has(m, "| TNFD | Metric | Value | How it was obtained |")) << m;
    EXPECT_TRUE(has(m, "| C1.0 | **Total spatial footprint** | 60.0 ha | attribute 'footprint_ha' |")) << m;
    EXPECT_TRUE(has(m,
                    "| C1.1 | **Extent of land-use change in natural habitat** | 60.0 ha | landcover_modis over "
                    "the disc of the declared area (radius 437 m): 100.0 % of it with data, 100.0 % of that "
                    "natural |"))
        << m;
    EXPECT_TRUE(has(m,
                    "| C1.1 | **Extent of land-use change in sensitive locations** | not available: a point site "
                    "inside a sensitive location"))
        << m;
    EXPECT_FALSE(has(r.md, "not available: not available")) << m;
    EXPECT_TRUE(has(m,
                    "| C3.0 | **Water withdrawal from areas of water scarcity** | 0 m3/yr | annual withdrawal "
                    "435,000 m3 ("))
        << m;
    EXPECT_TRUE(has(m, "water-stress category 2 (china_water_stress); not scarce: below category 3 |")) << m;
    EXPECT_TRUE(has(m, "*Land-cover classes of landcover_modis counted as natural: Water bodies; ")) << m;
    EXPECT_TRUE(has(m, "| **ecological conservation red line** | **yes** | no | 0 m | china_ecrl | — |")) << m;
    EXPECT_TRUE(has(m, "| protected area | no | no | 51 km | — | — |")) << m;
    // One table per theme no longer: no heading per theme, no list of classes.
    EXPECT_FALSE(has(m, "#### Themes")) << m;
    EXPECT_FALSE(has(m, "- Water bodies")) << m;
    // The same figures as the record.
    const Json& rec = r.record["evaluate"]["metrics"];
    EXPECT_EQ(rec["total_spatial_footprint"]["value"], 60.0);
    EXPECT_GT(rec["sensitive_locations"]["themes"]["protected_area"]["nearest_m"].get<double>(), 50000.0);
}

// The same site's tables in Chinese: the catalog's words for every rating, level and factor.
// An English report names fields and enum values in words (config/i18n/en.yaml field.*, value.*):
// E2 says "Land-use change", "Biodiversity importance" and "very high" as L4 and E4 do, E3 names its
// units. No table cell is an identifier but the data's own: layer ids and the site's attribute names.
TEST(LeapTables, EnglishReportSaysFieldsAndEnumValuesInWords) {
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    const Report r = report_of("C01", i18n::Lang::En);
    const std::string e2 = section(r.md, "### E2 · Dependencies and impacts");
    EXPECT_TRUE(has(e2, "| Land-use change | Biodiversity importance | medium | very high | **high** |")) << e2;
    EXPECT_FALSE(has(e2, "land_use_change |")) << e2;
    const std::string e3 = section(r.md, "### E3 · Dependency and impact measurement");
    EXPECT_TRUE(has(e3, "| **Baseline water-stress category** | 2 |")) << e3;
    EXPECT_TRUE(has(e3, "| **Footprint (ha)** | 60 |")) << e3;
    // L3's layers: a column shows when any layer has it, in the order the layers first give them
    // (the vector layers' distance and feature, the water-stress category, then the raster's).
    const std::string l3 = section(r.md, "### L3 · Interface with nature");
    EXPECT_TRUE(has(l3,
                    "| Layer | Theme | Criterion | Inside | Distance (m) | Feature | Baseline water-stress category "
                    "| Value at the site | Class at the site | Natural land share |"))
        << l3;
    EXPECT_TRUE(has(l3, "| landcover_modis | land cover | Ecosystem integrity |   |   |   |   | 4 | ")) << l3;

    std::set<std::string> data_ids;
    for (const Json& l : r.record["layers"]) data_ids.insert(l["layer"].get<std::string>());
    for (const auto& [name, value] : r.record["attributes"].items()) data_ids.insert(name);
    const std::regex identifier("[a-z][a-z0-9]*(_[a-z0-9]+)+");
    std::istringstream lines(r.md);
    int cells = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] != '|') continue;
        std::istringstream row(line.substr(1));
        for (std::string cell; std::getline(row, cell, '|');) {
            ++cells;
            std::string t = cell;
            t.erase(0, std::min(t.find_first_not_of(" *"), t.size()));
            t.erase(t.find_last_not_of(" *") + 1);
            if (!std::regex_match(t, identifier)) continue;
            EXPECT_TRUE(data_ids.count(t)) << "a cell says '" << t << "': " << line;
        }
    }
    EXPECT_GT(cells, 500);
}

TEST(LeapTables, ChineseReportSaysEveryTableInChinese) {
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    const Report r = report_of("C01", i18n::Lang::Zh);
    expect_activity_rows(r, zh());
    const std::string l2 = section(r.md, "### " + zh().text("report.stage.l2"));
    EXPECT_TRUE(has(l2, "#### 经济活动的依赖与影响（ENCORE）")) << l2;
    EXPECT_TRUE(has(l2, "| **经济活动** | **整车装配工厂** |")) << l2;
    EXPECT_TRUE(has(l2, "| **选用依据** | 工厂类型配置的默认活动（场址未指定活动） |")) << l2;
    EXPECT_TRUE(has(l2, "| **干扰（噪声、光）** | 很高（VH） | **高** | 污染 | 是 |")) << l2;
    EXPECT_TRUE(has(l2, "未与 ENCORE 官方下载版本核对")) << l2;
    const std::string l3 = section(r.md, "### " + zh().text("report.stage.l3"));
    EXPECT_TRUE(has(l3, "| **场址处的生态系统** | **T " + zh().text("ecosystem.get.T") + "（" +
                            zh().text("value.level.realm") + "）** |"))
        << l3;
    EXPECT_TRUE(has(l3, "| **场址处的土地覆盖类型** | " +
                            r.record["locate"]["l3"]["ecosystems"][0]["at_site"]["class"].get<std::string>() +
                            "（4） |"))
        << l3;
    EXPECT_TRUE(has(l3, "| 生态系统（IUCN GET） | 层级 | 可能的生态系统功能组 | 位于场址处 | 1 km 范围内 |")) << l3;
    const std::string e4 = section(r.md, "### " + zh().text("report.stage.e4"));
    const Json& lu = r.record["evaluate"]["e4"]["drivers"]["land_use_change"];
    EXPECT_TRUE(has(
        e4, "| **土地利用变化** | 中 | **高** | 中 | 高：场址受影响比例 " + share(lu["severity"]["affected_share"]) +
                "（场址位于要素内） | 受影响面积 60.0 公顷<br>该图层覆盖 1 km 缓冲区的 " +
                share(lu["extent"]["buffer_share"]) + " | 高（生态保护红线） | 几乎确定（暴露程度 很高） |"))
        << e4;
    // No English text of the new tables is left.
    for (const char* key :
         {"report.activity.heading", "report.activity.from", "report.activity.source_note", "report.ecosystems.heading",
          "report.ecosystems.note", "report.services.heading", "report.services.note", "report.e4.note",
          "report.e4.traces", "report.e4.severity", "report.e4.likelihood"})
        EXPECT_FALSE(has(r.md, en().text(key))) << key;
}

// A site whose `activity` attribute picks the row says so, and ENCORE's stand-in row of a judgement
// activity is marked as the project's judgement.
TEST(LeapTables, TheRowsSourceAndAJudgementRowAreMarked) {
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    const Report by_attribute = report_of("C05", i18n::Lang::En, "lithium_brine");
    ASSERT_EQ(by_attribute.record["locate"]["activity"]["from"], "attribute:activity");
    ASSERT_EQ(by_attribute.record["locate"]["activity"]["encore"]["match"], "judgement");
    expect_activity_rows(by_attribute, en());
    const std::string l2 = section(by_attribute.md, "### L2 · Dependency and impact screening");
    EXPECT_TRUE(has(l2, "| **Row chosen by** | the site's activity attribute |")) << l2;
    EXPECT_TRUE(has(l2, "| **Match** | **project judgement: ENCORE has no row for this activity** |")) << l2;
    EXPECT_TRUE(
        has(l2,
            "*Project judgement: ENCORE has no row for Lithium brine extraction. The ratings below are those of "
            "ENCORE's row B_8_89 (Mining and quarrying n.e.c.)"))
        << l2;
    // The charger's default row is a judgement too (ENCORE has no EV charging row).
    const Report charger = report_of("C09", i18n::Lang::Zh);
    const std::string zl2 = section(charger.md, "### " + zh().text("report.stage.l2"));
    EXPECT_TRUE(has(zl2, "| **匹配方式** | **项目判断：ENCORE 中没有该活动的行** |")) << zl2;
    EXPECT_TRUE(has(zl2, "*项目判断：ENCORE 中没有“电动汽车充电站”的行。")) << zl2;
}

// No service listed: "none of the ecosystems found provides one" only when an ecosystem was named;
// without a land-cover layer mapped to GET units the services are not known, and the report says so.
TEST(LeapTables, AnEmptyServiceListSaysWhetherAnyEcosystemWasNamed) {
    std::vector<report::Block> out;
    report::service_blocks({}, {}, out, en());
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].text, en().text("report.services.heading"));
    EXPECT_EQ(out[1].text, en().text("report.services.unknown"));
    out.clear();
    LayerEcosystems lc;
    lc.layer = "lc";
    lc.why = "no mapping";
    report::service_blocks({}, {lc}, out, zh());
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].text, zh().text("report.services.unknown"));
    out.clear();
    lc.mapped = true;
    lc.why.clear();
    report::service_blocks({}, {lc}, out, en());
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].text, en().text("report.services.none"));
}

// A part with nothing in it says so: L1 is a heading with its three facts as rows, an empty list
// (context, layers, criteria met, assets, drivers) says "none", and E2 with no driver-receptor pair
// says why under its own heading, between E1 and E3, in both languages.
TEST(LeapTables, EmptyPartsSaySoInTheirPlace) {
    Locate l;
    l.site_type = "plant";
    l.value_chain = "midstream";
    l.title = "Manufacturing plant";
    SiteResult r;
    r.locate = l;
    for (const i18n::Catalog* tr : {&en(), &zh()}) {
        std::vector<report::Block> out;
        report::locate_blocks(r, "plant", out, *tr);
        report::evaluate_blocks(Evaluate{}, l, out, *tr);
        using Kind = report::Block::Kind;
        const auto heading_at = [&](const std::string& key) {
            const auto it = std::find_if(out.begin(), out.end(), [&](const report::Block& b) {
                return b.kind == Kind::Heading && b.text == tr->text(key);
            });
            EXPECT_NE(it, out.end()) << key;
            return it - out.begin();
        };
        std::map<std::string, std::string> facts;
        for (const report::Block& b : out)
            if (b.kind == Kind::KeyValues)
                for (const auto& row : b.rows) facts[row.at(0).text] = row.at(1).text;
        const std::string none = tr->text("report.none");
        EXPECT_EQ(facts[tr->text("field.site_type")], tr->text("value.site_type.plant"));
        EXPECT_EQ(facts[tr->text("field.value_chain")], tr->text("value.value_chain.midstream"));
        EXPECT_EQ(facts[tr->text("field.title")], "Manufacturing plant");
        for (const char* key : {"field.context", "field.layers", "field.criteria_met", "field.assets", "field.drivers"})
            EXPECT_EQ(facts[tr->text(key)], none) << key;
        EXPECT_EQ(facts.count(tr->text("report.stage.l1")), 0u) << "L1 is a heading, not a row";
        EXPECT_EQ(facts.count(tr->text("report.stage.e2")), 0u) << "E2 is a heading, not an empty row";

        const auto l1 = heading_at("report.stage.l1"), l2 = heading_at("report.stage.l2");
        EXPECT_EQ(out.at(l1 + 1).kind, Kind::KeyValues);
        EXPECT_EQ(out.at(l1 + 1).rows.size(), 3u);
        EXPECT_LT(l1, l2);
        const auto e1 = heading_at("report.stage.e1"), e2 = heading_at("report.stage.e2"),
                   e3 = heading_at("report.stage.e3");
        EXPECT_LT(e1, e2);
        EXPECT_LT(e2, e3);
        EXPECT_EQ(out.at(e2 + 1).kind, Kind::Note);
        EXPECT_EQ(out.at(e2 + 1).text, tr->text("report.e2_no_pair"));
    }
    EXPECT_EQ(en().text("report.none"), "none");
    EXPECT_EQ(zh().text("report.none"), "无");
}
