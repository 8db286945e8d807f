// LEAP assessment on hand-built layers: verdicts, China rules, mitigation order, the avoidance
// search (checked against a brute-force grid) and the portfolio roll-up.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "geo/geodesic.h"
#include "geo/local_frame.h"
#include "io/site_reader.h"
#include "layers/catalog.h"
#include "report/record_line.h"
#include "screen/assess.h"
#include "support/fixtures.h"
#include "support/require.h"
#include "support/sample_sites.h"

using namespace sitescreen;
namespace fs = std::filesystem;
using sitescreen::testing::read_all;
using sitescreen::testing::shipped_layers;
using sitescreen::testing::theme_spec;

namespace {

const std::string kProfiles = std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles";

// Degrees per km near latitude 30 (good to ~0.1 %, enough for placing test features).
constexpr double kLat0 = 30.0;
double dlat(double km) { return km / 110.85; }
double dlon(double km) { return km / (111.32 * std::cos(kLat0 * 3.14159265358979323846 / 180.0)); }

// Point `east_km` / `north_km` from `c`, along geodesics (exact distances for the assertions).
LonLat offset(LonLat c, double east_km, double north_km) {
    LonLat p = c;
    if (east_km != 0) p = geodesic::direct(p, east_km > 0 ? 90.0 : 270.0, std::fabs(east_km) * 1000.0);
    if (north_km != 0) p = geodesic::direct(p, north_km > 0 ? 0.0 : 180.0, std::fabs(north_km) * 1000.0);
    return p;
}

// A lon/lat box around c, half sizes in km, as a closed CCW ring of [lon, lat] pairs.
std::vector<LonLat> box(LonLat c, double half_w_km, double half_h_km) {
    const double w = dlon(half_w_km), h = dlat(half_h_km);
    return {{c.lon - w, c.lat - h},
            {c.lon + w, c.lat - h},
            {c.lon + w, c.lat + h},
            {c.lon - w, c.lat + h},
            {c.lon - w, c.lat - h}};
}
std::vector<LonLat> lonlat_box(double w, double s, double e, double n) {
    return {{w, s}, {e, s}, {e, n}, {w, n}, {w, s}};
}

std::string ring_json(const std::vector<LonLat>& r, bool reverse = false) {
    std::vector<LonLat> v = r;
    if (reverse) std::reverse(v.begin(), v.end());
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + fmt::format("[{:.9f},{:.9f}]", v[i].lon, v[i].lat);
    return s + "]";
}
std::string polygon_json(const std::vector<LonLat>& outer, const std::vector<LonLat>* hole = nullptr) {
    std::string s = R"({"type":"Polygon","coordinates":[)" + ring_json(outer);
    if (hole) s += "," + ring_json(*hole, true);
    return s + "]}";
}
std::string collection(const std::vector<std::pair<std::string, std::string>>& features) {
    std::string s = R"({"type":"FeatureCollection","features":[)";
    for (std::size_t i = 0; i < features.size(); ++i)
        s += (i ? "," : "") + std::string(R"({"type":"Feature","properties":)") + features[i].first +
             R"(,"geometry":)" + features[i].second + "}";
    return s + "]}";
}

Polygon to_polygon(const std::vector<LonLat>& outer, const std::vector<LonLat>* hole = nullptr) {
    Polygon p;
    for (const auto& q : outer) p.outer().push_back(Point(q.lon, q.lat));
    if (hole) {
        p.inners().resize(1);
        for (auto it = hole->rbegin(); it != hole->rend(); ++it) p.inners()[0].push_back(Point(it->lon, it->lat));
    }
    bg::correct(p);
    return p;
}

struct Scratch {
    fs::path dir;
    Scratch() {
        std::string tmpl = (fs::temp_directory_path() / "sitescreen-assess-XXXXXX").string();
        dir = ::mkdtemp(tmpl.data());
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream((dir / name).string(), std::ios::binary) << text;
        return (dir / name).string();
    }
};

// Test world near (100..103.5 E, 29..32 N):
//   red line      box 10 km x 3 km around A = (100.0, 30.0)
//   reserve       core +-1 km, buffer +-2 km, experimental +-3 km around B = (100.5, 30.0)
//   wetland       box +-1 km around C = (101.0, 30.0)
//   water stress  bws_cat 1 west of 101.5 E, 4 from 101.5 to 102.5, 3 from 102.5 to 103.5
//   land cover    tree cover (natural) west of 101.0 E, cropland east, around (101.0, 31.0)
//   admin         one province over everything
struct World {
    Scratch scratch;
    LonLat a{100.0, 30.0}, b{100.5, 30.0}, c{101.0, 30.0};
    std::vector<Polygon> no_go;  // the plant profile's no-go features, for brute-force checks
    std::shared_ptr<const LayerSet> layers;
    std::map<std::string, Profile> profiles;

    World() {
        Catalog cat;
        cat.file = "test";
        const auto red = box(a, 5, 1.5);
        cat.layers.push_back(
            theme_spec("t_redline",
                       scratch.write("redline.geojson",
                                     collection({{R"({"fid":"RL-1","name":"Test red line"})", polygon_json(red)}})),
                       Criterion::BiodiversityImportance, "red_line"));
        no_go.push_back(to_polygon(red));

        const auto core = box(b, 1, 1), buf = box(b, 2, 2), exp = box(b, 3, 3);
        LayerSpec nr = theme_spec(
            "t_reserves",
            scratch.write(
                "reserves.geojson",
                collection(
                    {{R"({"fid":"NR-1c","name":"Test reserve","zone_en":"core"})", polygon_json(core)},
                     {R"({"fid":"NR-1b","name":"Test reserve","zone_en":"buffer"})", polygon_json(buf, &core)},
                     {R"({"fid":"NR-1e","name":"Test reserve","zone_en":"experimental"})", polygon_json(exp, &buf)}})),
            Criterion::BiodiversityImportance, "protected_area");
        nr.category_field = "zone_en";
        nr.categories["core"] = ClassInfo{"Core zone", 3, "core"};
        nr.categories["buffer"] = ClassInfo{"Buffer zone", 2, "buffer"};
        nr.categories["experimental"] = ClassInfo{"Experimental zone", 1, "experimental"};
        cat.layers.push_back(nr);
        no_go.push_back(to_polygon(buf));  // core and buffer together

        cat.layers.push_back(theme_spec(
            "t_wetlands",
            scratch.write("wetlands.geojson",
                          collection({{R"({"fid":"WL-1","name":"Test marsh"})", polygon_json(box(c, 1, 1))}})),
            Criterion::BiodiversityImportance, "wetland"));

        LayerSpec ws =
            theme_spec("t_water",
                       scratch.write("water.geojson", collection({{R"({"fid":"W-1","name":"West basin","bws_cat":1})",
                                                                   polygon_json(lonlat_box(99, 29, 101.5, 32))},
                                                                  {R"({"fid":"W-2","name":"Dry basin","bws_cat":4})",
                                                                   polygon_json(lonlat_box(101.5, 29, 102.5, 32))},
                                                                  {R"({"fid":"W-3","name":"East basin","bws_cat":3})",
                                                                   polygon_json(lonlat_box(102.5, 29, 103.5, 32))}})),
                       Criterion::WaterRisk, "water_stress");
        ws.category_field = "bws_cat";
        const char* labels[] = {"Arid and low water use", "Low", "Low-medium", "Medium-high", "High", "Extremely high"};
        for (int k = -1; k <= 4; ++k) ws.categories[std::to_string(k)] = ClassInfo{labels[k + 1], std::max(0, k), ""};
        cat.layers.push_back(ws);

        LayerSpec admin =
            theme_spec("t_admin",
                       scratch.write("admin.geojson", collection({{R"({"fid":"P-1","name":"Testprovince"})",
                                                                   polygon_json(lonlat_box(99, 29, 103.5, 32))}})),
                       Criterion::Context, "admin");
        cat.layers.push_back(admin);

        LayerSpec lc;
        lc.id = "t_landcover";
        lc.title = "land cover";
        lc.kind = "raster";
        lc.path = lc.path_as_written = write_landcover(scratch.dir / "landcover.tif");
        lc.catalog_file = "test";
        lc.criterion = Criterion::EcosystemIntegrity;
        lc.theme = "land_cover";
        lc.categorical = true;
        lc.classes[10] = ClassInfo{"Tree cover", std::nullopt, "natural"};
        lc.classes[40] = ClassInfo{"Cropland", std::nullopt, "modified"};
        cat.layers.push_back(lc);

        layers = LayerSet::open(cat);
        profiles = load_profiles(kProfiles);
    }

    // 0.001-degree GeoTIFF over (100.9..101.1, 30.9..31.1): tree cover west of 101.0, cropland east.
    static std::string write_landcover(const fs::path& path) {
        GDALAllRegister();
        GDALDriverH drv = GDALGetDriverByName("GTiff");
        const int n = 200;
        GDALDatasetH ds = GDALCreate(drv, path.string().c_str(), n, n, 1, GDT_Byte, nullptr);
        double gt[6] = {100.9, 0.001, 0, 31.1, 0, -0.001};
        GDALSetGeoTransform(ds, gt);
        OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
        OSRImportFromEPSG(srs, 4326);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        GDALSetSpatialRef(ds, srs);
        OSRDestroySpatialReference(srs);
        std::vector<unsigned char> row(n);
        for (int x = 0; x < n; ++x) row[x] = x < n / 2 ? 10 : 40;
        GDALRasterBandH band = GDALGetRasterBand(ds, 1);
        for (int y = 0; y < n; ++y)
            if (GDALRasterIO(band, GF_Write, 0, y, n, 1, row.data(), n, 1, GDT_Byte, 0, 0) != CE_None) break;
        GDALClose(ds);
        return path.string();
    }
};

World& world() {
    static World w;
    return w;
}

Site make_site(const std::string& id, LonLat p, const std::string& type = "plant", Json attributes = Json::object()) {
    Site s;
    s.id = id;
    s.where = "test:" + id;
    s.type = type;
    s.lonlat = p;
    s.has_coordinates = true;
    s.attributes = std::move(attributes);
    return s;
}

SiteResult assess_with(const Assessor& assessor, const Site& s) {
    Screener screener(world().layers, ScreenOptions{});
    SiteResult r = screener.screen(s, assessor.radii_for(s.type));
    assessor.assess(r, screener);
    return r;
}

SiteResult assess_site(const Site& s) {
    static const Assessor assessor(world().profiles, world().layers);
    return assess_with(assessor, s);
}

std::string level(const SiteResult& r) { return to_json(r.verdict.value())["level"].get<std::string>(); }

bool has_rule(const SiteResult& r, const std::string& rule) {
    const auto& fired = r.verdict.value().rules_fired;
    return std::find(fired.begin(), fired.end(), rule) != fired.end();
}

std::vector<std::string> steps(const SiteResult& r) {
    std::vector<std::string> out;
    for (const auto& m : r.mitigation.value()) out.push_back(std::string(to_string(m.step)) + ":" + m.trigger);
    return out;
}

bool has_step(const SiteResult& r, const std::string& step_trigger) {
    const auto s = steps(r);
    return std::find(s.begin(), s.end(), step_trigger) != s.end();
}

bool any_avoid(const SiteResult& r) {
    for (const auto& m : r.mitigation.value())
        if (m.step == MitigationStage::Avoid) return true;
    return false;
}

std::string criterion_status(const SiteResult& r, const char* c) {
    return l4_json(r.locate.value().criteria).at("criteria").at(c).at("status").get<std::string>();
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string joined_reasons(const SiteResult& r) {
    std::string s;
    for (const auto& x : r.verdict.value().reasons) s += x + "\n";
    return s;
}

// Mitigation steps must follow the hierarchy avoid -> minimise -> restore -> offset.
void expect_hierarchy_order(const SiteResult& r) {
    int last = -1;
    for (const auto& m : r.mitigation.value()) {
        const int rank = static_cast<int>(m.step);
        EXPECT_GE(rank, last) << to_json(*r.mitigation).dump(1);
        last = rank;
        EXPECT_FALSE(m.because.empty());
        EXPECT_EQ(m.action.find('{'), std::string::npos) << "unfilled placeholder";
    }
}

bool inside_any(const std::vector<Polygon>& polys, LonLat p) {
    for (const auto& poly : polys)
        if (bg::covered_by(Point(p.lon, p.lat), poly)) return true;
    return false;
}

}  // namespace

TEST(Assess, InsideRedLineIsNoGoWithAnAvoidStep) {
    const SiteResult r = assess_site(make_site("A", offset(world().a, 0, -0.5)));
    EXPECT_EQ(level(r), "no-go") << joined_reasons(r);
    EXPECT_TRUE(has_rule(r, "cn_ecrl.inside"));
    EXPECT_TRUE(has_rule(r, "cn_eia_sensitive_area.list2"));  // red lines are (二) sensitive areas
    EXPECT_NE(joined_reasons(r).find("生态保护红线"), std::string::npos);
    ASSERT_FALSE(r.mitigation.value().empty());
    EXPECT_EQ(r.mitigation->at(0).step, MitigationStage::Avoid);
    EXPECT_EQ(r.mitigation->at(0).trigger, "relocate");
    EXPECT_NE(r.mitigation->at(0).action.find("Nearest location clear"), std::string::npos);
    EXPECT_EQ(criterion_status(r, "biodiversity_importance"), "met");
    EXPECT_EQ(criterion_status(r, "water_risk"), "not_met");
    EXPECT_EQ(criterion_status(r, "rapid_decline"), "not_assessed");
    EXPECT_EQ(r.locate.value().context.at(0).inside.at(0), "Testprovince");
    ASSERT_TRUE(r.alternative);
    EXPECT_TRUE(r.alternative->found());
    expect_hierarchy_order(r);
}

// 自然资发〔2022〕142号 一(一)6: unavoidable linear infrastructure is a listed limited activity.
TEST(Assess, RedLineListedActivityNeedsTheUnavoidabilityDemonstration) {
    const SiteResult r = assess_site(
        make_site("A-linear", offset(world().a, 0, -0.5), "charger", {{"project_category", "Linear infrastructure"}}));
    EXPECT_EQ(level(r), "high") << joined_reasons(r);
    EXPECT_TRUE(has_rule(r, "cn_ecrl.linear_infrastructure"));
    EXPECT_NE(to_json(r.verdict.value())["conditions"].dump().find("不可避让论证"), std::string::npos);
    EXPECT_TRUE(has_step(r, "avoid:permit"));
    EXPECT_FALSE(has_step(r, "avoid:natural_land"));
    // A plant cannot claim the item: its profile lists no such activity.
    const SiteResult plant = assess_site(make_site("A-linear-plant", offset(world().a, 0, -0.5), "plant",
                                                   {{"project_category", "Linear infrastructure"}}));
    EXPECT_EQ(level(plant), "no-go") << joined_reasons(plant);
    EXPECT_TRUE(has_rule(plant, "cn_ecrl.inside"));
}

TEST(Assess, ReserveCoreAndBufferZonesAreNoGo) {
    const SiteResult core = assess_site(make_site("B-core", world().b));
    EXPECT_EQ(level(core), "no-go");
    EXPECT_TRUE(has_rule(core, "cn_nature_reserve.core"));
    EXPECT_TRUE(has_rule(core, "cn_eia_sensitive_area.list1"));
    EXPECT_TRUE(has_step(core, "avoid:relocate"));

    const SiteResult buffer = assess_site(make_site("B-buffer", offset(world().b, 1.5, 0)));
    EXPECT_EQ(level(buffer), "no-go");
    EXPECT_TRUE(has_rule(buffer, "cn_nature_reserve.buffer"));
    // The alternative for a buffer-zone site must also avoid the core: it goes outward.
    ASSERT_TRUE(buffer.alternative && buffer.alternative->found());
    EXPECT_FALSE(inside_any(world().no_go, buffer.alternative->alternatives.at(0).at));
}

TEST(Assess, ExperimentalZoneIsConditionalForPlantsAndNoGoForMines) {
    const LonLat p = offset(world().b, 2.5, 0);
    const SiteResult plant = assess_site(make_site("B-exp", p));
    EXPECT_EQ(level(plant), "high") << joined_reasons(plant);
    EXPECT_TRUE(has_rule(plant, "cn_nature_reserve.experimental"));
    EXPECT_NE(to_json(plant.verdict.value())["conditions"].dump().find("experimental zone"), std::string::npos);
    EXPECT_TRUE(has_step(plant, "avoid:conditional"));
    EXPECT_FALSE(has_step(plant, "avoid:relocate") && !(plant.alternative && plant.alternative->found()));
    expect_hierarchy_order(plant);

    const SiteResult mine = assess_site(make_site("B-exp-mine", p, "mine"));
    EXPECT_EQ(level(mine), "no-go") << joined_reasons(mine);
    EXPECT_TRUE(has_rule(mine, "cn_nature_reserve.experimental"));
}

TEST(Assess, NearWetlandGetsASetback) {
    const SiteResult r = assess_site(make_site("C-near", offset(world().c, 2.5, 0)));
    const Json l4 = l4_json(r.locate.value().criteria);
    const Json& ev = l4["criteria"]["biodiversity_importance"]["evidence"];
    double d = -1;
    for (const auto& e : ev)
        if (e["layer"] == "t_wetlands") d = e["distance_m"].get<double>();
    EXPECT_NEAR(d, 1500, 30);
    EXPECT_EQ(level(r), "medium") << joined_reasons(r);
    EXPECT_EQ(criterion_status(r, "biodiversity_importance"), "met");
    EXPECT_TRUE(has_step(r, "minimise:setback"));
    EXPECT_FALSE(any_avoid(r));
    EXPECT_FALSE(r.alternative);
    for (const auto& m : r.mitigation.value())
        if (m.trigger == "setback") {
            EXPECT_NE(m.action.find("2000 m from wetland 'Test marsh'"), std::string::npos) << m.action;
        }
}

TEST(Assess, ExtremeWaterStressAndLargeWithdrawalIsHigh) {
    const Json figures = {{"annual_output", "500,000"}, {"water_intensity_m3_per_unit", "3"}};
    const SiteResult r = assess_site(make_site("D-water", {102.0, 30.0}, "plant", figures));
    EXPECT_EQ(level(r), "high") << joined_reasons(r);
    EXPECT_EQ(criterion_status(r, "water_risk"), "met");
    ASSERT_TRUE(r.evaluate && r.locate);
    EXPECT_DOUBLE_EQ(r.evaluate->figures.site.withdrawal_m3.value(), 1.5e6);
    const auto water = std::find_if(r.evaluate->ratings.drivers.begin(), r.evaluate->ratings.drivers.end(),
                                    [](const DriverRating& d) { return d.driver == Driver::WaterUse; });
    ASSERT_NE(water, r.evaluate->ratings.drivers.end());
    EXPECT_EQ(water->rating, Rating::VeryHigh);
    ASSERT_GT(r.locate->drivers.size(), 1u);
    EXPECT_EQ(r.locate->drivers[1].materiality, Materiality::High);  // raised from the profile's medium by the figures
    EXPECT_TRUE(has_step(r, "minimise:water"));
    for (const auto& m : r.mitigation.value())
        if (m.trigger == "water") {
            EXPECT_NE(m.action.find("1,500,000 m3/yr"), std::string::npos);
        }

    // Without figures the profile's medium materiality holds: one level lower.
    const SiteResult plain = assess_site(make_site("D-plain", {102.0, 30.0}));
    EXPECT_EQ(level(plain), "medium") << joined_reasons(plain);
    EXPECT_TRUE(has_step(plain, "minimise:water"));
}

TEST(Assess, CleanSiteIsLowWithoutAvoidStep) {
    const SiteResult r = assess_site(make_site("E-clean", {100.0, 31.0}));
    EXPECT_EQ(level(r), "low") << joined_reasons(r);
    EXPECT_FALSE(any_avoid(r));
    EXPECT_FALSE(r.alternative);
    EXPECT_TRUE(r.verdict.value().rules_fired.empty());
    EXPECT_FALSE(l4_json(r.locate.value().criteria)["sensitive"].get<bool>());
    EXPECT_EQ(criterion_status(r, "biodiversity_importance"), "not_met");
    EXPECT_EQ(criterion_status(r, "ecosystem_integrity"), "not_assessed");  // outside the land-cover raster
    EXPECT_EQ(criterion_status(r, "ecosystem_services"), "not_assessed");
}

TEST(Assess, NaturalLandCoverLeadsToAvoidRestoreOffset) {
    const SiteResult r = assess_site(make_site("H-forest", {100.95, 31.0}));
    EXPECT_EQ(criterion_status(r, "ecosystem_integrity"), "met");
    EXPECT_NEAR(r.evaluate.value().figures.natural_share.value(), 1.0, 0.0005);
    EXPECT_EQ(steps(r), (std::vector<std::string>{"avoid:natural_land", "restore:restore", "offset:offset"}));
    expect_hierarchy_order(r);

    const SiteResult crop = assess_site(make_site("H-crop", {101.05, 31.0}));
    EXPECT_EQ(criterion_status(crop, "ecosystem_integrity"), "not_met");
    EXPECT_TRUE(crop.mitigation.value().empty());
}

TEST(Assess, ErrorRowsStayNullAndUnknownTypesFallBack) {
    Site bad = make_site("bad", {0, 0});
    bad.error = "test:bad: latitude missing";
    Screener screener(world().layers, ScreenOptions{});
    const Assessor assessor(world().profiles, world().layers);
    SiteResult r = screener.screen(bad, {1000});
    assessor.assess(r, screener);
    EXPECT_FALSE(r.verdict);
    EXPECT_FALSE(r.locate);
    EXPECT_FALSE(r.alternative);

    const SiteResult smelter = assess_site(make_site("E-smelter", {100.0, 31.0}, "smelter"));
    EXPECT_EQ(smelter.verdict.value().profile, "plant");
    EXPECT_TRUE(smelter.locate.value().profile.fallback);
    EXPECT_NE(joined_reasons(smelter).find("site type 'smelter' has no profile"), std::string::npos);
    EXPECT_EQ(assessor.radii_for("smelter"), assessor.radii_for("plant"));
}

TEST(Assess, EditingAThresholdInAProfileFileChangesTheVerdict) {
    const Json figures = {{"annual_output", 500000}, {"water_intensity_m3_per_unit", 3}};
    const Site site = make_site("G-east", {103.0, 30.0}, "plant", figures);  // bws_cat 3
    EXPECT_EQ(level(assess_site(site)), "medium");

    Scratch s;
    std::ifstream in(kProfiles + "/plant.yaml");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const std::string from = "extreme_bws_cat: 4", to = "extreme_bws_cat: 3";
    ASSERT_NE(text.find(from), std::string::npos);
    text.replace(text.find(from), from.size(), to);
    std::map<std::string, Profile> edited = world().profiles;
    edited["plant"] = load_profile(s.write("plant.yaml", text));
    const Assessor assessor(edited, world().layers);
    const SiteResult r = assess_with(assessor, site);
    EXPECT_EQ(level(r), "high") << joined_reasons(r);
}

TEST(Avoid, RedLineAlternativeIsTheNearestClearLocation) {
    const LonLat site = offset(world().a, 0, -0.5);  // red line edge 1.0 km south, 2.0 km north
    const SiteResult r = assess_site(make_site("A-avoid", site));
    ASSERT_EQ(level(r), "no-go");
    ASSERT_TRUE(r.alternative);
    const AlternativeSearch& alt = *r.alternative;
    ASSERT_TRUE(alt.found()) << to_json(alt).dump(1);
    const AlternativeLocation& first = alt.alternatives.front();
    const LonLat at = first.at;
    const double found_m = first.distance_m;
    const double radius_m = alt.search_radius_m, step_m = alt.step_m;

    EXPECT_FALSE(inside_any(world().no_go, at)) << to_json(alt).dump();
    EXPECT_LE(found_m, radius_m);
    EXPECT_NEAR(geodesic::distance_m(site, at), found_m, 1.0);
    EXPECT_NEAR(found_m, 1000, 0.25 * step_m);  // due south
    EXPECT_GT(first.bearing_deg, 135);
    EXPECT_LT(first.bearing_deg, 225);
    ASSERT_EQ(first.clears.size(), 1u);
    EXPECT_EQ(first.clears[0].rule, "cn_ecrl.inside");
    EXPECT_LT(alt.candidates_evaluated, 400u);

    // Brute force on a 25 m grid: every point closer than the answer (less the ring and bearing
    // discretisation, a quarter step) is still inside a no-go feature.
    const double tol_m = 0.25 * step_m, grid_m = 25;
    const LocalFrame frame(site);
    int checked = 0;
    for (double x = -found_m; x <= found_m; x += grid_m)
        for (double y = -found_m; y <= found_m; y += grid_m) {
            if (std::hypot(x, y) >= found_m - tol_m) continue;
            const LonLat p = frame.inverse(Point(x, y));
            ASSERT_TRUE(inside_any(world().no_go, p))
                << "clear point at " << std::hypot(x, y) << " m, closer than " << found_m;
            ++checked;
        }
    EXPECT_GT(checked, 1000);
}

TEST(Avoid, PolygonFootprintMovesWhole) {
    // A 600 m square footprint at the red line's centre: the whole square must leave the red line,
    // so the answer is about 1.5 + 0.3 km (north or south).
    Site s = make_site("A-poly", world().a);
    Polygon fp = to_polygon(box(world().a, 0.3, 0.3));
    s.footprint_ll.push_back(fp);
    const SiteResult r = assess_site(s);
    ASSERT_EQ(level(r), "no-go");
    ASSERT_TRUE(r.alternative);
    const AlternativeSearch& alt = *r.alternative;
    ASSERT_TRUE(alt.found()) << to_json(alt).dump(1);
    EXPECT_NEAR(alt.alternatives[0].distance_m, 1800, 0.25 * alt.step_m);
    EXPECT_TRUE(alt.moved_footprint);
    EXPECT_EQ(to_json(alt)["moved"], "footprint (translated rigidly)");

    const LonLat at = alt.alternatives[0].at;
    const MultiPolygon moved = LocalFrame(at).inverse(LocalFrame(world().a).forward(s.footprint_ll));
    for (const auto& poly : world().no_go) EXPECT_FALSE(bg::intersects(moved, poly));
    // A point one metre inside the footprint's near edge would still be inside: the footprint,
    // not the centre, decides.
    EXPECT_GT(alt.alternatives[0].distance_m, 1500 + 100);
}

TEST(Avoid, NothingWithinASmallRadiusIsReported) {
    std::ifstream in(kProfiles + "/plant.yaml");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const std::string from = "search_radius_m: 20000\n  step_m: 500";
    ASSERT_NE(text.find(from), std::string::npos);
    text.replace(text.find(from), from.size(), "search_radius_m: 600\n  step_m: 200");
    Scratch s;
    std::map<std::string, Profile> edited = world().profiles;
    edited["plant"] = load_profile(s.write("plant.yaml", text));
    const Assessor assessor(edited, world().layers);
    const SiteResult r = assess_with(assessor, make_site("A-small", world().a));
    ASSERT_TRUE(r.alternative);
    EXPECT_FALSE(r.alternative->found());
    EXPECT_TRUE(to_json(*r.alternative)["lon"].is_null());
    EXPECT_NE(r.mitigation.value().at(0).action.find("No location within 600 m"), std::string::npos)
        << r.mitigation->at(0).action;

    AssessOptions off;
    off.avoidance_search = false;
    const Assessor no_search(world().profiles, world().layers, off);
    EXPECT_FALSE(assess_with(no_search, make_site("A-off", world().a)).alternative);
}

TEST(Assess, PortfolioRollsUpTheWorstVerdict) {
    // Fed with the results, or (as the pipeline does) with entries of the typed answer left after
    // the record took the rest (what a --formats data run keeps).
    Portfolio portfolio, from_records;
    std::vector<SiteResult> results = {assess_site(make_site("p1", {100.0, 31.0})),
                                       assess_site(make_site("p2", offset(world().c, 2.5, 0))),
                                       assess_site(make_site("p3", world().b))};
    Site bad = make_site("p4", {0, 0});
    bad.error = "bad row";
    SiteResult err;
    err.site = bad;
    results.push_back(err);
    for (const SiteResult& r : results) {
        portfolio.add(r);
        // As a --formats data run does: the record takes Locate and Evaluate; the entry is made
        // of what the result keeps, its typed answer.
        SiteResult moved = r;
        const Json record = site_record(std::move(moved), ScreenOptions{});
        EXPECT_EQ(record["status"], r.site.error ? "error" : "ok");
        from_records.add(Portfolio::entry(moved.site, answer_of(moved)));
    }
    const Json s = portfolio.summary();
    EXPECT_EQ(from_records.summary(), s);
    EXPECT_EQ(s["sites"], 4);
    EXPECT_EQ(s["assessed"], 3);
    EXPECT_EQ(s["errors"], 1);
    EXPECT_EQ(s["by_verdict"]["no-go"], 1);
    EXPECT_EQ(s["by_verdict"]["medium"], 1);
    EXPECT_EQ(s["by_verdict"]["low"], 1);
    EXPECT_EQ(s["by_verdict"]["high"], 0);
    EXPECT_NEAR(s["share_by_verdict"]["low"].get<double>(), 0.333, 1e-3);
    EXPECT_EQ(s["by_criterion"]["biodiversity_importance"], 2);
    EXPECT_EQ(s["roll_up"]["rule"], "worst");
    EXPECT_EQ(s["roll_up"]["level"], "no-go");
    EXPECT_EQ(s["roll_up"]["sites_at_level"][0], "p3");
    EXPECT_EQ(s["alternatives"]["searched"], 1);
}

// ---------------------------------------------------------------- golden: hand-made sample sites

namespace {

struct Golden {
    const char* id;
    const char* level;
    std::vector<std::string> rules;     // must be among rules_fired
    std::vector<std::string> steps;     // the whole mitigation list, "step:trigger", in order
    std::vector<std::string> criteria;  // criteria_met, exactly
};

const char* kBio = "biodiversity_importance";
const char* kEco = "ecosystem_integrity";
const char* kWater = "water_risk";

// sample_sites/candidates.csv and candidates_polygons.geojson against the shipped catalog (demo
// layers, seed 20261128, and the real MODIS MCD12C1 2019 land cover, which is global: C18 in
// Mongolia is covered by it and comes out low, C11 in the Qaidam basin is barren, natural land);
// each site's `note` says what it was placed to hit.
const std::vector<Golden> kGolden = {
    {"C01",
     "no-go",
     {"cn_ecrl.inside", "cn_eia_sensitive_area.list2"},
     {"avoid:relocate", "avoid:natural_land", "minimise:pollution_control", "restore:restore", "offset:offset"},
     {kBio, kEco}},
    // In a reserve core zone: the red-line list does not apply (142号 一(一)), the reserve's core is no-go.
    {"C02",
     "no-go",
     {"cn_ecrl.core_zone", "cn_nature_reserve.core", "intl_protected_area.category_unknown",
      "cn_eia_sensitive_area.list1"},
     {"avoid:relocate", "avoid:natural_land", "minimise:pollution_control", "restore:restore", "offset:offset"},
     {kBio, kEco}},
    {"C03",
     "no-go",
     {"cn_nature_reserve.buffer", "cn_ecrl.core_zone", "intl_protected_area.category_unknown"},
     {"avoid:relocate", "avoid:natural_land", "minimise:pollution_control", "restore:restore", "offset:offset"},
     {kBio, kEco}},
    // Experimental zone: conditional under both sets, one avoid step for the feature.
    {"C04",
     "high",
     {"cn_nature_reserve.experimental", "intl_protected_area.category_unknown"},
     {"avoid:move", "avoid:conditional", "avoid:natural_land", "minimise:pollution_control", "restore:restore",
      "offset:offset"},
     {kBio, kEco}},
    {"C05",
     "medium",
     {"rating.pollution", "cn_eia_sensitive_area.list2"},
     {"avoid:natural_land", "minimise:setback", "minimise:pollution_control", "restore:restore", "offset:offset"},
     {kBio, kEco}},
    // An important wetland whose level the demo layer does not give: taken as national (湿地保护法), no-go.
    {"C06",
     "no-go",
     {"cn_wetland.important"},
     {"avoid:relocate", "avoid:natural_land", "minimise:pollution_control", "restore:restore", "offset:offset"},
     {kBio, kEco}},
    {"C07", "high", {"rating.water_use"}, {"minimise:water"}, {kWater}},
    {"C08", "low", {}, {}, {}},
    {"C09", "low", {}, {}, {}},
    {"C10",
     "medium",
     {"rating.land_use_change"},
     {"avoid:natural_land", "minimise:setback", "minimise:pollution_control", "restore:restore", "offset:offset"},
     {kBio, kEco}},
    // 1.2 million m3/yr in an arid unit: never low.
    // Barren land (MODIS IGBP 16) is natural habitat: the land-use-change steps too.
    {"C11",
     "medium",
     {"water_use.large_withdrawal_scarce_water"},
     {"avoid:natural_land", "minimise:water", "restore:restore", "offset:offset"},
     {kEco}},
    // The mangrove reserve 1.4 km away meets biodiversity importance: the setback step, though the verdict is low.
    {"C12", "low", {}, {"minimise:setback"}, {kBio}},
    {"C13",
     "medium",
     {"rating.water_use"},
     {"avoid:natural_land", "minimise:water", "restore:restore", "offset:offset"},
     {kEco, kWater}},
    // 142号 一(一)6: operation of an existing lawful transport facility, conditional.
    {"C14",
     "high",
     {"cn_ecrl.existing_facility_operation"},
     {"avoid:permit", "avoid:natural_land", "minimise:pollution_control", "restore:restore", "offset:offset"},
     {kBio, kEco}},
    {"C15", "medium", {"rating.land_use_change"}, {"avoid:natural_land", "restore:restore", "offset:offset"}, {kEco}},
    {"C16",
     "medium",
     {"cn_eia_sensitive_area.list2"},
     {"avoid:natural_land", "minimise:setback", "minimise:pollution_control", "restore:restore", "offset:offset"},
     {kBio, kEco}},
    // At 0.05 degree MODIS sees the mine town (urban), not natural land.
    {"C17", "high", {"rating.water_use"}, {"avoid:move", "minimise:water"}, {kWater}},
    // Outside China, covered only by the global land cover: low, stating what was not assessed.
    {"C18", "low", {}, {}, {}},
    // 142号 一(一)7: lithium exploration inside a red line, outside core zones: conditional.
    {"C19",
     "high",
     {"cn_ecrl.mineral_exploration"},
     {"avoid:move", "avoid:permit", "avoid:natural_land", "minimise:pollution_control", "restore:restore",
      "offset:offset"},
     {kBio, kEco}},
    {"P01",
     "no-go",
     {"cn_ecrl.inside"},
     {"avoid:relocate", "avoid:natural_land", "minimise:pollution_control", "restore:restore", "offset:offset"},
     {kBio, kEco}},
    {"P02", "low", {}, {}, {}},
    {"P03",
     "high",
     {"cn_nature_reserve.experimental"},
     {"avoid:move", "avoid:conditional", "avoid:natural_land", "minimise:pollution_control", "restore:restore",
      "offset:offset"},
     {kBio, kEco}},
    {"P04",
     "medium",
     {"rating.pollution"},
     {"avoid:natural_land", "minimise:setback", "minimise:pollution_control", "restore:restore", "offset:offset"},
     {kBio, kEco}},
};

}  // namespace

TEST(Assess, GoldenSampleSitesGetTheirExpectedVerdictsAndRecommendations) {
    const std::string dir = std::string(SITESCREEN_SOURCE_DIR);
    const std::string csv = dir + "/sample_sites/candidates.csv",
                      polys = dir + "/sample_sites/candidates_polygons.geojson";
    SITESCREEN_REQUIRE(fs::exists(csv), csv, "the sample sites ship in the repository: restore them with git");
    SITESCREEN_REQUIRE(fs::exists(polys), polys, "the sample sites ship in the repository: restore them with git");
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    auto layers = shipped_layers();
    const Assessor assessor(load_profiles(kProfiles), layers);
    Screener screener(layers, ScreenOptions{});
    std::vector<Site> sites = read_all(csv);
    for (auto& s : read_all(polys)) sites.push_back(s);
    ASSERT_EQ(sites.size(), kGolden.size());

    Portfolio portfolio;
    for (const Golden& g : kGolden) {
        SCOPED_TRACE(g.id);
        auto it = std::find_if(sites.begin(), sites.end(), [&](const Site& s) { return s.id == g.id; });
        ASSERT_NE(it, sites.end());
        SiteResult r = screener.screen(*it, assessor.radii_for(it->type));
        assessor.assess(r, screener);
        portfolio.add(r);
        ASSERT_TRUE(r.verdict) << r.site.error.value_or("");
        EXPECT_EQ(level(r), g.level) << joined_reasons(r);
        for (const auto& rule : g.rules) EXPECT_TRUE(has_rule(r, rule)) << rule << "\n" << joined_reasons(r);
        EXPECT_EQ(steps(r), g.steps) << to_json(r.mitigation.value()).dump(1);
        std::vector<std::string> met;
        const Json rec = site_record(r, ScreenOptions{});
        for (const auto& c : rec["locate"]["l4"]["criteria_met"]) met.push_back(c.get<std::string>());
        EXPECT_EQ(met, g.criteria);
        EXPECT_EQ(rec["locate"]["criteria_met"], rec["locate"]["l4"]["criteria_met"]);
        expect_hierarchy_order(r);
        const bool searched = std::string(g.level) == "no-go" || std::string(g.level) == "high";
        EXPECT_EQ(r.alternative.has_value(), searched);
        if (searched && r.alternative->found()) {
            EXPECT_LE(r.alternative->alternatives[0].distance_m, r.alternative->search_radius_m);
            EXPECT_FALSE(r.alternative->alternatives[0].clears.empty());
        }
        if (std::string(g.level) == "low") {
            EXPECT_FALSE(any_avoid(r));
        }
    }
    // Spot checks of the evidence behind some verdicts.
    const Json s = portfolio.summary();
    EXPECT_EQ(s["roll_up"]["level"], "no-go");
    EXPECT_EQ(s["by_verdict"]["no-go"], 5);
    EXPECT_EQ(s["by_verdict"]["not_covered"], 0);  // the global land cover covers every site, C18 in Mongolia too
    EXPECT_EQ(s["by_verdict"]["low"], 5);
    EXPECT_EQ(s["low_partial_coverage"], 5);  // counted apart: rapid decline and ecosystem services have no layer
}

TEST(Assess, GoldenEvidenceNamesTheFeatureDistanceAndClass) {
    const std::string dir = std::string(SITESCREEN_SOURCE_DIR);
    const std::string csv = dir + "/sample_sites/candidates.csv";
    SITESCREEN_REQUIRE(fs::exists(csv), csv, "the sample sites ship in the repository: restore them with git");
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    auto layers = shipped_layers();
    const Assessor assessor(load_profiles(kProfiles), layers);
    Screener screener(layers, ScreenOptions{});
    std::map<std::string, SiteResult> by_id;
    for (const Site& site : read_all(csv)) {
        if (site.id != "C11" && site.id != "C13" && site.id != "C14" && site.id != "C05" && site.id != "C19" &&
            site.id != "C08")
            continue;
        SiteResult r = screener.screen(site, assessor.radii_for(site.type));
        assessor.assess(r, screener);
        by_id[site.id] = std::move(r);
    }
    const auto l4 = [&](const char* id) { return l4_json(by_id[id].locate.value().criteria); };
    // C05: the Taihu wetland about 1 km away, at the 1 km buffer's edge.
    {
        const Json c05 = l4("C05");
        const Json& ev = c05["criteria"][kBio]["evidence"];
        bool seen = false;
        for (const auto& e : ev)
            if (e["theme"] == "wetland") {
                seen = true;
                EXPECT_EQ(e["feature"]["id"], "WL-JS-001");
                EXPECT_NEAR(e["distance_m"].get<double>(), 1000, 100);
                EXPECT_EQ(e["status"], "met");
                EXPECT_TRUE(e.contains("radius_m"));
                // The measured rule that banded it ends the trace (docs/rules/proximity.md).
                EXPECT_TRUE(ends_with(e["why"].get<std::string>(), " [proximity.high]")) << e["why"];
            }
        EXPECT_TRUE(seen);
    }
    // C11: arid unit, rated but not "high water stress".
    {
        const Json c11 = l4("C11");
        const Json& ev = c11["criteria"][kWater]["evidence"][0];
        EXPECT_EQ(ev["bws_cat"], -1);
        EXPECT_TRUE(ev["arid"].get<bool>());
        EXPECT_EQ(ev["status"], "not_met");
        EXPECT_TRUE(ends_with(ev["why"].get<std::string>(), " [water_stress.arid]")) << ev["why"];
        EXPECT_EQ(c11["criteria"][kEco]["status"], "met");  // MODIS: barren, natural
    }
    // C13: Mount Taishan World Heritage point about 4.7 km away: moderate exposure, not "met".
    {
        bool seen = false;
        const Json c13 = l4("C13");
        for (const auto& e : c13["criteria"][kBio]["evidence"])
            if (e["theme"] == "heritage") {
                seen = true;
                EXPECT_NEAR(e["distance_m"].get<double>(), 4700, 300);
                EXPECT_EQ(e["exposure"], "medium");
                EXPECT_TRUE(ends_with(e["why"].get<std::string>(), " [proximity.moderate]")) << e["why"];
            }
        EXPECT_TRUE(seen);
    }
    // C14: a charger at an expressway service area claims 142号 一(一)6; C19 lithium exploration 一(一)7.
    EXPECT_NE(joined_reasons(by_id["C14"]).find("[China] cn_ecrl.existing_facility_operation"), std::string::npos)
        << joined_reasons(by_id["C14"]);
    EXPECT_NE(joined_reasons(by_id["C19"]).find("自然资发〔2022〕142号), 一(一)7"), std::string::npos)
        << joined_reasons(by_id["C19"]);
    EXPECT_NE(to_json(by_id["C19"].verdict.value())["conditions"].dump().find("verify the scope of item 7"),
              std::string::npos);
    // Low verdicts state their coverage.
    EXPECT_EQ(level_text(by_id["C08"].verdict.value()), "low (3 of 5 criteria assessed)");
}
