// The named rules inside the assessment, on a small two-country world: which rule set applies
// (from the admin layer), the conditional outcome with its conditions, no-go in a core zone, and
// international reasons only for a site outside China (docs/rules/).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "screen/assess.h"
#include "support/fixtures.h"

using namespace sitescreen;
using sitescreen::testing::feature_collection;
using sitescreen::testing::TempDir;

namespace {

const std::string kProfiles = std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles";

std::string box(double w, double s, double e, double n) {
    return fmt::format(R"({{"type":"Polygon","coordinates":[[[{0},{1}],[{2},{1}],[{2},{3}],[{0},{3}],[{0},{1}]]]}})", w,
                       s, e, n);
}

// "China" (iso_n3 156) west of 10 E, "Chile" (iso_n3 152) east of it; both at 0..2 N.
//   red line      1.0..1.6 E x 0.5..1.5 N (China)
//   reserve core  1.4..1.8 E x 0.8..1.2 N (China; overlaps the red line's east edge)
//   reserve exp.  3.0..3.4 E x 0.8..1.2 N (China, outside the red line)
//   WDPA II       12..13 E x 0.5..1.5 N (Chile), WDPA Ia 14..15 E (Chile)
//   land cover    4.5..17 E x 0..2 N, 0.01 degree: cropland (40) at 5..6 E (China) and 16..17 E
//                 (Chile), built-up (50) elsewhere
//   urban development boundary 7..8 E x 0.5..1.5 N (China)
struct TwoCountries {
    TempDir dir;
    std::shared_ptr<const LayerSet> layers;
    std::map<std::string, Profile> profiles;

    TwoCountries() {
        Catalog cat;
        cat.file = "test";
        LayerSpec admin = sitescreen::testing::vector_spec(
            "countries",
            dir.write("countries.geojson",
                      feature_collection({{R"({"fid":"1","name":"China","iso_n3":"156"})", box(0, 0, 10, 2)},
                                          {R"({"fid":"2","name":"Chile","iso_n3":"152"})", box(10, 0, 20, 2)}})));
        admin.criterion = Criterion::Context;
        admin.theme = "admin";
        admin.id_field = "fid";
        admin.name_field = "name";
        admin.report_fields = {"iso_n3"};
        cat.layers.push_back(admin);

        LayerSpec red = sitescreen::testing::vector_spec(
            "redline",
            dir.write("redline.geojson",
                      feature_collection({{R"({"fid":"RL","name":"Test red line"})", box(1.0, 0.5, 1.6, 1.5)}})));
        red.theme = "red_line";
        red.id_field = "fid";
        red.name_field = "name";
        cat.layers.push_back(red);

        LayerSpec nr = sitescreen::testing::vector_spec(
            "reserves",
            dir.write("reserves.geojson",
                      feature_collection(
                          {{R"({"fid":"NR-c","name":"Test reserve","zone":"核心区"})", box(1.4, 0.8, 1.8, 1.2)},
                           {R"({"fid":"NR2-e","name":"Other reserve","zone":"实验区"})", box(3.0, 0.8, 3.4, 1.2)}})));
        nr.theme = "protected_area";
        nr.id_field = "fid";
        nr.name_field = "name";
        nr.category_field = "zone";
        nr.categories["核心区"] = ClassInfo{"Core zone (核心区)", 3, "core"};
        nr.categories["实验区"] = ClassInfo{"Experimental zone (实验区)", 1, "experimental"};
        cat.layers.push_back(nr);

        LayerSpec wdpa = sitescreen::testing::vector_spec(
            "wdpa",
            dir.write(
                "wdpa.geojson",
                feature_collection(
                    {{R"({"WDPAID":"555","NAME":"Test National Park","IUCN_CAT":"II"})", box(12, 0.5, 13, 1.5)},
                     {R"({"WDPAID":"556","NAME":"Test Strict Reserve","IUCN_CAT":"Ia"})", box(14, 0.5, 15, 1.5)}})));
        wdpa.theme = "protected_area";
        wdpa.preset = "wdpa";
        wdpa.id_field = "WDPAID";
        wdpa.name_field = "NAME";
        wdpa.category_field = "IUCN_CAT";
        wdpa.categories["Ia"] = ClassInfo{"Strict nature reserve", 4, "iucn_ia"};
        wdpa.categories["II"] = ClassInfo{"National park", 4, "iucn_ii"};
        cat.layers.push_back(wdpa);

        LayerSpec udb = sitescreen::testing::vector_spec(
            "udb", dir.write("udb.geojson",
                             feature_collection({{R"({"fid":"UDB-1","name":"Test town"})", box(7.0, 0.5, 8.0, 1.5)}})));
        udb.criterion = Criterion::Context;
        udb.theme = "urban_boundary";
        udb.id_field = "fid";
        udb.name_field = "name";
        cat.layers.push_back(udb);

        LayerSpec lc;
        lc.id = "landcover";
        lc.title = "land cover";
        lc.kind = "raster";
        lc.path = lc.path_as_written = dir.file("landcover.tif");
        sitescreen::testing::write_wgs84_raster(lc.path, 1250, 200, GDT_Byte, 4.5, 2.0, 0.01, [](int x, int) {
            const double lon = 4.5 + (x + 0.5) * 0.01;
            return (lon > 5 && lon < 6) || (lon > 16 && lon < 17) ? 40.0 : 50.0;
        });
        lc.catalog_file = "test";
        lc.criterion = Criterion::EcosystemIntegrity;
        lc.theme = "land_cover";
        lc.categorical = true;
        lc.classes[40] = ClassInfo{"Cropland", std::nullopt, "cropland"};
        lc.classes[50] = ClassInfo{"Built-up", std::nullopt, "modified"};
        cat.layers.push_back(lc);

        layers = LayerSet::open(cat);
        profiles = load_profiles(kProfiles);
    }
};

TwoCountries& world() {
    static TwoCountries w;
    return w;
}

SiteResult assess(const std::string& type, LonLat p, Json attrs = Json::object()) {
    static const Assessor assessor(world().profiles, world().layers, AssessOptions{"plant", false});
    Site s;
    s.id = "s";
    s.where = "test";
    s.type = type;
    s.lonlat = p;
    s.has_coordinates = true;
    s.attributes = std::move(attrs);
    Screener screener(world().layers, ScreenOptions{});
    SiteResult r = screener.screen(s, assessor.radii_for(type));
    assessor.assess(r, screener);
    return r;
}

// The site's verdict as its sites.jsonl record writes it: these tests check the record's findings.
Json verdict(const SiteResult& r) { return to_json(r.verdict.value()); }

std::string reasons(const SiteResult& r) {
    std::string s;
    for (const auto& x : r.verdict.value().reasons) s += x + "\n";
    return s;
}

bool fired(const SiteResult& r, const std::string& rule) {
    const auto& names = r.verdict.value().rules_fired;
    return std::find(names.begin(), names.end(), rule) != names.end();
}

}  // namespace

// 自然资发〔2022〕142号 一(一)7: exploration inside a red line, outside core protection zones.
TEST(RulesAssess, LithiumExplorationInsideARedLineIsConditionalWithItsConditions) {
    const SiteResult r = assess("mine", {1.2, 1.0}, {{"project_category", "mineral exploration"}});
    EXPECT_EQ(verdict(r)["level"], "high") << reasons(r);
    EXPECT_EQ(verdict(r)["jurisdiction"], "China");
    EXPECT_TRUE(fired(r, "cn_ecrl.mineral_exploration")) << reasons(r);
    const std::string conditions = verdict(r)["conditions"].dump();
    EXPECT_NE(conditions.find("verify the scope of item 7"), std::string::npos) << conditions;
    EXPECT_NE(conditions.find("绿色勘查"), std::string::npos) << conditions;
    EXPECT_NE(conditions.find("省级人民政府"), std::string::npos) << conditions;
    bool seen = false;
    const Json r_verdict = verdict(r);
    for (const auto& f : r_verdict["findings"])
        if (f["rule"] == "cn_ecrl.mineral_exploration") {
            seen = true;
            EXPECT_EQ(f["outcome"], "conditional");
            EXPECT_EQ(f["set"], "China");
            EXPECT_EQ(f["citation"]["number"], "自然资发〔2022〕142号");
            EXPECT_EQ(f["citation"]["article"], "一(一)7");
        }
    EXPECT_TRUE(seen);
    bool permit = false;
    for (const auto& m : r.mitigation.value()) permit = permit || m.trigger == "permit";
    EXPECT_TRUE(permit) << to_json(r.mitigation.value()).dump(1);
    // Without the activity the same place is no-go: nothing on the list was claimed.
    EXPECT_EQ(verdict(assess("mine", {1.2, 1.0}))["level"], "no-go");
}

TEST(RulesAssess, TheSameExplorationInsideAReserveCoreZoneIsNoGo) {
    const SiteResult r = assess("mine", {1.5, 1.0}, {{"project_category", "mineral_exploration"}});
    EXPECT_EQ(verdict(r)["level"], "no-go") << reasons(r);
    EXPECT_TRUE(fired(r, "cn_ecrl.core_zone")) << reasons(r);
    EXPECT_TRUE(fired(r, "cn_nature_reserve.core")) << reasons(r);
    EXPECT_FALSE(fired(r, "cn_ecrl.mineral_exploration"));
}

TEST(RulesAssess, AnOverseasMineInAnIucnIIParkGetsInternationalReasonsOnly) {
    const SiteResult r = assess("mine", {12.5, 1.0});
    EXPECT_EQ(verdict(r)["level"], "no-go") << reasons(r);
    EXPECT_EQ(verdict(r)["jurisdiction"], "outside China");
    EXPECT_TRUE(fired(r, "intl_protected_area.iucn_II")) << reasons(r);
    EXPECT_EQ(verdict(r)["rule_sets"], Json::array({"international"}));
    const Json r_verdict = verdict(r);
    for (const auto& f : r_verdict["findings"]) EXPECT_EQ(f["set"], "international") << f.dump();
    // No Chinese law quoted: no CJK character and no China rule anywhere in the reasons.
    const std::string text = reasons(r);
    EXPECT_EQ(text.find("[China]"), std::string::npos) << text;
    bool cjk = false;  // UTF-8 lead bytes 0xE4-0xE9 start the CJK unified ideographs
    for (char c : text) cjk = cjk || (static_cast<unsigned char>(c) >= 0xE4 && static_cast<unsigned char>(c) <= 0xE9);
    EXPECT_FALSE(cjk) << text;
    for (const auto& x : r_verdict["rules_fired"]) EXPECT_NE(x.get<std::string>().rfind("cn_", 0), 0u) << x;
}

TEST(RulesAssess, APlantInIucnIaIsNeverMilderThanInII) {
    const SiteResult ia = assess("plant", {14.5, 1.0}), ii = assess("plant", {12.5, 1.0});
    const auto rank = [](const Json& l) {
        const std::string s = l.get<std::string>();
        return s == "no-go" ? 3 : s == "high" ? 2 : s == "medium" ? 1 : 0;
    };
    EXPECT_GE(rank(verdict(ia)["level"]), rank(verdict(ii)["level"])) << reasons(ia) << reasons(ii);
    EXPECT_EQ(verdict(ia)["level"], "no-go") << reasons(ia);
}

TEST(RulesAssess, ASiteInChinaGetsBothSetsAndTheReasonsSayWhich) {
    const SiteResult r = assess("plant", {3.2, 1.0});  // experimental zone of a Chinese reserve
    EXPECT_EQ(verdict(r)["level"], "high") << reasons(r);
    EXPECT_EQ(verdict(r)["rule_sets"], Json::array({"China", "international"}));
    const std::string text = reasons(r);
    EXPECT_NE(text.find("[China] cn_nature_reserve.experimental"), std::string::npos) << text;
    EXPECT_NE(text.find("[international] intl_protected_area.category_unknown"), std::string::npos) << text;
}

// 土地管理法 (2019) art. 37: non-agricultural construction takes cultivated land only where no waste
// land will do; mining on it needs approval. Judged on the land-cover class at the site, China only.
TEST(RulesAssess, APlantOnCroplandInChinaGetsTheArt37Finding) {
    const SiteResult r = assess("plant", {5.5, 1.0});
    EXPECT_TRUE(fired(r, "cn_cropland.cultivated_land")) << reasons(r);
    EXPECT_EQ(verdict(r)["level"], "medium") << reasons(r);
    bool seen = false;
    const Json r_verdict = verdict(r);
    for (const auto& f : r_verdict["findings"])
        if (f["rule"] == "cn_cropland.cultivated_land") {
            seen = true;
            EXPECT_EQ(f["outcome"], "conditional");
            EXPECT_EQ(f["set"], "China");
            EXPECT_EQ(f["layer"], "landcover");
            EXPECT_EQ(f["citation"]["article"], "art. 37");
            EXPECT_EQ(f["citation"]["instrument"], "中华人民共和国土地管理法");
            EXPECT_TRUE(f["citation"]["verified"].get<bool>());
        }
    EXPECT_TRUE(seen) << verdict(r).dump(1);
    EXPECT_NE(verdict(r)["conditions"].dump().find("荒地"), std::string::npos) << verdict(r)["conditions"].dump();

    // A mine on the same land: para. 2 names mining without approval.
    const SiteResult m = assess("mine", {5.5, 1.0});
    EXPECT_TRUE(fired(m, "cn_cropland.cultivated_land.mining")) << reasons(m);
    EXPECT_NE(verdict(m)["conditions"].dump().find("approved before any mining"), std::string::npos);

    // Built-up land in China, and cropland outside China: no finding.
    EXPECT_FALSE(fired(assess("plant", {6.2, 1.0}), "cn_cropland.cultivated_land"));
    const SiteResult abroad = assess("plant", {16.5, 1.0});
    EXPECT_EQ(verdict(abroad)["jurisdiction"], "outside China");
    EXPECT_FALSE(fired(abroad, "cn_cropland.cultivated_land")) << reasons(abroad);
}

// 城镇开发边界 (urban development boundary): outside every boundary a plant is admitted only from the
// admission lists, no development zone or industrial park; inside, concentrated urban
// construction belongs. A finding about being outside, which the inside/near interface lacked.
TEST(RulesAssess, APlantOutsideTheUrbanDevelopmentBoundaryIsConditional) {
    const SiteResult out = assess("plant", {9.5, 1.0});
    EXPECT_TRUE(fired(out, "cn_urban_boundary.outside")) << reasons(out);
    EXPECT_EQ(verdict(out)["level"], "medium") << reasons(out);
    EXPECT_NE(reasons(out).find("outside every urban development boundary of the catalog"), std::string::npos)
        << reasons(out);
    EXPECT_NE(verdict(out)["conditions"].dump().find("空间准入正负面清单"), std::string::npos)
        << verdict(out)["conditions"].dump();
    const Json out_verdict = verdict(out);
    for (const auto& f : out_verdict["findings"])
        if (f["rule"] == "cn_urban_boundary.outside") {
            EXPECT_EQ(f["layer"], "udb");
            EXPECT_EQ(f["outcome"], "conditional");
            EXPECT_FALSE(f["citation"]["verified"].get<bool>());
            EXPECT_TRUE(f["conservative"].get<bool>());
        }

    for (const auto& m : out.mitigation.value())
        EXPECT_NE(m.trigger, "conditional") << m.action;  // advisory: no avoid step

    const SiteResult in = assess("plant", {7.5, 1.0});
    EXPECT_TRUE(fired(in, "cn_urban_boundary.inside")) << reasons(in);
    EXPECT_FALSE(fired(in, "cn_urban_boundary.outside"));
    EXPECT_EQ(verdict(in)["level"], "low") << reasons(in);

    // The mine profile does not apply the rule (mining is no urban construction), nor does the
    // China set apply abroad.
    EXPECT_FALSE(fired(assess("mine", {9.5, 1.0}), "cn_urban_boundary.outside"));
    EXPECT_FALSE(fired(assess("plant", {12.0, 1.8}), "cn_urban_boundary.outside"));
}
