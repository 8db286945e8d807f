// `sitescreen layers import` through the CLI (issue 20, docs/data.md): each
// importer turns its fixture (tests/data/import, packaged like the publisher's
// download; make_fixtures.sh says how) into a layer that `layers check`
// accepts and that screens a site to the known answer; a fixture with one
// field renamed fails naming that field. And a remote COG behind a local
// range-request server screens a site reading only the blocks it needs.
#include <gtest/gtest.h>

#include <gdal.h>
#include <ogr_api.h>
#include <signal.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "geo/geodesic.h"
#include "io/checksum.h"
#include "io/gdal_handles.h"
#include "io/ogr_geometry.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;
namespace fs = std::filesystem;

namespace {

const std::string kFixtures = std::string(SITESCREEN_SOURCE_DIR) + "/tests/data/import/";

CommandResult tool(const TempDir& dir, const std::string& args) {
    return run_capture(std::string(SITESCREEN_BINARY) + " " + args, dir);
}

CommandResult import(const TempDir& dir, const std::string& preset, const std::string& download,
                     const std::string& extra = "") {
    return tool(dir, "layers import " + preset + " " + shell_quote(download) + " --out " +
                         shell_quote(dir.file("layers")) + " " + extra);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The sites.jsonl entry of layer `id` for the one site screened.
const Json* layer_entry(const Screening& s, const std::string& site, const std::string& id) {
    const Json* rec = s.site(site);
    if (!rec) return nullptr;
    for (const auto& l : (*rec)["layers"])
        if (l["layer"] == id) return &l;
    return nullptr;
}

// Every feature of the first layer of a GeoPackage: (attribute map, geometry clone).
struct Row {
    std::map<std::string, std::string> a;
    GeometryPtr g;
};
std::vector<Row> read_rows(const std::string& path) {
    gdal_init();
    std::vector<Row> rows;
    DatasetPtr ds(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
    if (!ds) {
        ADD_FAILURE() << "cannot open " << path;
        return rows;
    }
    OGRLayerH l = GDALDatasetGetLayer(ds.get(), 0);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
    while (FeaturePtr f{OGR_L_GetNextFeature(l)}) {
        Row r;
        for (int i = 0; i < OGR_FD_GetFieldCount(d); ++i)
            if (OGR_F_IsFieldSetAndNotNull(f.get(), i))
                r.a[OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i))] = OGR_F_GetFieldAsString(f.get(), i);
        if (OGR_F_GetGeometryRef(f.get())) r.g.reset(OGR_G_Clone(OGR_F_GetGeometryRef(f.get())));
        rows.push_back(std::move(r));
    }
    return rows;
}

const Row* by(const std::vector<Row>& rows, const std::string& field, const std::string& value) {
    for (const auto& r : rows)
        if (r.a.count(field) && r.a.at(field) == value) return &r;
    return nullptr;
}

double area_km2(OGRGeometryH g) {
    MultiPolygon mp;
    append_polygons(g, mp);
    double a = 0;
    for (const auto& p : mp) a += geodesic::lonlat_polygon_area_m2(p);
    return a / 1e6;
}

}  // namespace

// ---------------------------------------------------------------- aqueduct40

TEST(Import, Aqueduct40FromTheFileGdbInItsZip) {
    TempDir dir;
    const std::string zip = kFixtures + "aqueduct-4-0-water-risk-data.zip";
    const CommandResult r = import(dir, "aqueduct40", zip);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "3 features")) << r.out;
    const std::string catalog = dir.file("layers/catalog.yaml");
    const std::string cat = read_file(catalog);
    EXPECT_TRUE(contains(cat, "preset: aqueduct40")) << cat;
    EXPECT_TRUE(contains(cat, "source_sha256: \"" + sha256_file(zip) + "\"")) << cat;
    EXPECT_TRUE(contains(cat, "CC BY 4.0")) << cat;
    EXPECT_TRUE(contains(cat, "date: \"2023-07-05\"")) << cat;  // from Aqueduct40_waterrisk_download_Y2023M07D05

    const CommandResult check = tool(dir, "layers check --layers " + shell_quote(catalog));
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

    // Indicators kept, futures joined by pfaf_id.
    const auto rows = read_rows(dir.file("layers/aqueduct40.gpkg"));
    ASSERT_EQ(rows.size(), 3u);
    const Row* bj = by(rows, "aq30_id", "1001");
    ASSERT_NE(bj, nullptr);
    for (const char* f :
         {"bws_raw", "bwd_cat", "iav_score", "sev_label", "gtd_cat", "rfr_cat", "cfr_label", "drr_score"})
        EXPECT_TRUE(bj->a.count(f)) << f;
    EXPECT_EQ(bj->a.at("bau50_ws_x_c"), "4");
    EXPECT_EQ(bj->a.at("bau80_ws_x_l"), "Extremely High (>80%)");
    EXPECT_EQ(by(rows, "aq30_id", "1002")->a.at("bau50_ws_x_c"), "3");
    EXPECT_EQ(by(rows, "aq30_id", "1003")->a.count("bau50_ws_x_c"), 0u);  // no future basin: null

    // A site in the Beijing unit gets its category: extremely high.
    dir.write("sites.csv", "id,lon,lat\nBJ,116.5,39.5\n");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(dir.file("sites.csv")), catalog, dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    const Json* e = layer_entry(s, "BJ", "aqueduct40");
    ASSERT_NE(e, nullptr);
    EXPECT_TRUE((*e)["inside"].get<bool>());
    EXPECT_EQ((*e)["inside_features"][0]["category"], "4");
    EXPECT_EQ((*e)["inside_features"][0]["id"], "1001");
}

TEST(Import, Aqueduct40WithARenamedFieldNamesIt) {
    TempDir dir;
    const CommandResult r = import(dir, "aqueduct40", kFixtures + "aqueduct40_renamed.zip");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(contains(r.err, "missing field 'bws_cat'")) << r.err;
    EXPECT_TRUE(contains(r.err, "baseline_annual")) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("layers/catalog.yaml")));
}

// ---------------------------------------------------------------- wdpa

TEST(Import, WdpaFromNestedShapefileZipsWithPointCircles) {
    TempDir dir;
    const CommandResult r = import(dir, "wdpa", kFixtures + "WDPA_Dec2024_Public_shp.zip");
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "1 records with STATUS 'Proposed' left out")) << r.out;
    EXPECT_TRUE(contains(r.out, "1 point records without a reported area left out")) << r.out;
    const std::string catalog = dir.file("layers/catalog.yaml");
    EXPECT_TRUE(contains(read_file(catalog), "date: \"Dec 2024\"")) << read_file(catalog);
    const CommandResult check = tool(dir, "layers check --layers " + shell_quote(catalog));
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

    const auto rows = read_rows(dir.file("layers/wdpa.gpkg"));
    ASSERT_EQ(rows.size(), 4u);                        // 900001, 900003 polygons; 900004, 900006 circles
    EXPECT_EQ(by(rows, "WDPAID", "900002"), nullptr);  // Proposed
    EXPECT_EQ(by(rows, "WDPAID", "900005"), nullptr);  // point without area
    const Row* poly = by(rows, "WDPAID", "900001");
    ASSERT_NE(poly, nullptr);
    EXPECT_EQ(poly->a.at("approx_boundary"), "0");
    for (const char* f : {"IUCN_CAT", "DESIG", "STATUS", "NO_TAKE", "REP_AREA", "MARINE"})
        EXPECT_TRUE(poly->a.count(f)) << f;
    // The point record: a circle of its reported 100 km², flagged approximate.
    const Row* pt = by(rows, "WDPAID", "900004");
    ASSERT_NE(pt, nullptr);
    EXPECT_EQ(pt->a.at("approx_boundary"), "1");
    EXPECT_NEAR(area_km2(pt->g.get()), 100.0, 0.1);
    OGREnvelope env;
    OGR_G_GetEnvelope(pt->g.get(), &env);
    // radius sqrt(100/pi) = 5.64 km: 0.0507 degree of latitude
    EXPECT_NEAR((env.MaxY - env.MinY) / 2, 5.642 / 110.70, 0.001);
    // Across the antimeridian: two parts inside [-180, 180], together 50 km².
    const Row* atoll = by(rows, "WDPAID", "900006");
    ASSERT_NE(atoll, nullptr);
    OGR_G_GetEnvelope(atoll->g.get(), &env);
    EXPECT_GE(env.MinX, -180.0);
    EXPECT_LE(env.MaxX, 180.0);
    EXPECT_NEAR(env.MinX, -180.0, 1e-9);
    EXPECT_NEAR(area_km2(atoll->g.get()), 50.0, 0.1);

    dir.write("sites.csv", "id,lon,lat\nNP,100.1,20.1\nPT,101.0,21.0\nPR,100.6,20.1\n");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(dir.file("sites.csv")), catalog, dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_EQ((*layer_entry(s, "NP", "wdpa"))["inside_features"][0]["category"], "II");
    EXPECT_EQ((*layer_entry(s, "PT", "wdpa"))["inside_features"][0]["id"], "900004");
    EXPECT_FALSE((*layer_entry(s, "PR", "wdpa"))["inside"].get<bool>());  // the proposed one is gone
}

TEST(Import, WdpaAllStatusKeepsTheProposedOne) {
    TempDir dir;
    const CommandResult r = import(dir, "wdpa", kFixtures + "WDPA_Dec2024_Public_shp.zip", "--all-status");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(by(read_rows(dir.file("layers/wdpa.gpkg")), "WDPAID", "900002"), nullptr);
}

TEST(Import, WdpaWithARenamedFieldNamesIt) {
    TempDir dir;
    const CommandResult r = import(dir, "wdpa", kFixtures + "wdpa_renamed_shp.zip");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(contains(r.err, "missing field 'STATUS'")) << r.err;
}

TEST(Import, RegionClipsToABoundingBox) {
    TempDir dir;
    const CommandResult r = import(dir, "wdpa", kFixtures + "WDPA_Dec2024_Public_shp.zip", "--region 99,19,100.1,21");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rows = read_rows(dir.file("layers/wdpa.gpkg"));
    ASSERT_EQ(rows.size(), 1u);
    OGREnvelope env;
    OGR_G_GetEnvelope(rows[0].g.get(), &env);
    EXPECT_NEAR(env.MaxX, 100.1, 1e-9);  // the 100..100.2 park cut at 100.1
    const CommandResult bad =
        import(dir, "wdpa", kFixtures + "WDPA_Dec2024_Public_shp.zip", "--region Atlantis --id w2");
    EXPECT_EQ(bad.exit_code, 2) << bad.err;
    EXPECT_TRUE(contains(bad.err, "Atlantis")) << bad.err;
}

// ---------------------------------------------------------------- china_nature_reserve

TEST(Import, ChineseReserveShapefileInGbkWithoutCpg) {
    TempDir dir;
    const CommandResult r = import(dir, "china_nature_reserve", kFixtures + "china_reserves_gbk.zip");
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const std::string catalog = dir.file("layers/catalog.yaml");
    const CommandResult check = tool(dir, "layers check --layers " + shell_quote(catalog));
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    const auto rows = read_rows(dir.file("layers/china_nature_reserves.gpkg"));
    ASSERT_EQ(rows.size(), 3u);
    const Row* core = by(rows, "zone", "核心区");
    ASSERT_NE(core, nullptr);
    EXPECT_EQ(core->a.at("nr_name"), "测试山国家级自然保护区");  // decoded from GBK
    EXPECT_EQ(core->a.at("zone_en"), "core");
    EXPECT_EQ(core->a.at("nr_level"), "国家级");

    dir.write("sites.csv", "id,lon,lat\nCORE,110.05,30.05\nEXP,109.92,30.05\n");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(dir.file("sites.csv")), catalog, dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_EQ((*layer_entry(s, "CORE", "china_nature_reserves"))["inside_features"][0]["category"], "核心区");
    EXPECT_EQ((*layer_entry(s, "EXP", "china_nature_reserves"))["inside_features"][0]["category"], "实验区");
}

TEST(Import, ChineseReserveWithARenamedZoneFieldNamesIt) {
    TempDir dir;
    const CommandResult r = import(dir, "china_nature_reserve", kFixtures + "china_reserves_renamed.zip");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(contains(r.err, "missing field '功能区'")) << r.err;
}

// ---------------------------------------------------------------- worldcover

TEST(Import, WorldCoverTilesBecomeOneVrt) {
    TempDir dir;
    const CommandResult r = import(dir, "worldcover", kFixtures + "worldcover_tiles");
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "2 of 2 tiles")) << r.out;
    const std::string catalog = dir.file("layers/catalog.yaml");
    const CommandResult check = tool(dir, "layers check --layers " + shell_quote(catalog));
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    dir.write("sites.csv", "id,lon,lat\nTREE,118.5,37.5\nCROP,115.5,37.5\n");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(dir.file("sites.csv")), catalog, dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_EQ((*layer_entry(s, "TREE", "worldcover"))["class_at_site"], "Tree cover");
    EXPECT_EQ((*layer_entry(s, "CROP", "worldcover"))["class_at_site"], "Cropland");

    // --region keeps only the tiles that touch it.
    const CommandResult west =
        import(dir, "worldcover", kFixtures + "worldcover_tiles", "--region 114,36,116,38 --id wc_west");
    ASSERT_EQ(west.exit_code, 0) << west.err;
    EXPECT_TRUE(contains(west.out, "1 of 2 tiles")) << west.out;
}

// ---------------------------------------------------------------- ramsar

TEST(Import, RamsarBoundariesAndCentroidCircles) {
    TempDir dir;
    const std::string zip = kFixtures + "ramsar_rsis_shp.zip";
    const CommandResult r = import(dir, "ramsar", zip, "--data-version 2025-01");
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "1 sites known only by their centroid became geodesic circles")) << r.out;
    EXPECT_TRUE(contains(r.out, "1 centroids without a boundary or an area left out")) << r.out;
    const std::string catalog = dir.file("layers/catalog.yaml");
    const std::string cat = read_file(catalog);
    EXPECT_TRUE(contains(cat, "preset: ramsar")) << cat;
    EXPECT_TRUE(contains(cat, "source_sha256: \"" + sha256_file(zip) + "\"")) << cat;
    EXPECT_TRUE(contains(cat, "rsis.ramsar.org")) << cat;
    const CommandResult check = tool(dir, "layers check --layers " + shell_quote(catalog));
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

    const auto rows = read_rows(dir.file("layers/ramsar.gpkg"));
    ASSERT_EQ(rows.size(), 3u);  // 990001, 990002 boundaries; 990003 circle; 990004 (no area) left out
    EXPECT_EQ(by(rows, "ramsarid", "990004"), nullptr);
    const Row* lake = by(rows, "ramsarid", "990001");  // its centroid is not added a second time
    ASSERT_NE(lake, nullptr);
    EXPECT_EQ(lake->a.at("approx_boundary"), "0");
    EXPECT_EQ(lake->a.at("source_part"), "boundaries");
    EXPECT_EQ(lake->a.at("officialna"), "Fixture Lake Wetland");
    EXPECT_EQ(lake->a.at("iso3"), "XXX");
    EXPECT_EQ(lake->a.at("country_en"), "Fixtureland");
    EXPECT_EQ(lake->a.at("desig_date"), "2001-02-02");
    EXPECT_DOUBLE_EQ(std::stod(lake->a.at("area_off")), 4840.0);
    // The centroid-only site: a circle of its official 2500 ha = 25 km2, flagged.
    const Row* marsh = by(rows, "ramsarid", "990003");
    ASSERT_NE(marsh, nullptr);
    EXPECT_EQ(marsh->a.at("approx_boundary"), "1");
    EXPECT_EQ(marsh->a.at("source_part"), "centroids");
    EXPECT_NEAR(area_km2(marsh->g.get()), 25.0, 0.025);
    OGREnvelope env;
    OGR_G_GetEnvelope(marsh->g.get(), &env);
    // radius sqrt(25/pi) = 2.821 km; a degree of latitude at 32 N is 110.86 km
    EXPECT_NEAR((env.MaxY - env.MinY) / 2, 2.821 / 110.86, 0.0005);
    EXPECT_NEAR((env.MaxX + env.MinX) / 2, 122.0, 1e-6);

    dir.write("sites.csv", "id,lon,lat\nLAKE,120.05,30.05\nMARSH,122.0,32.01\nOUT,122.0,32.04\n");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(dir.file("sites.csv")), catalog, dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_EQ((*layer_entry(s, "LAKE", "ramsar"))["inside_features"][0]["id"], "990001");
    EXPECT_EQ((*layer_entry(s, "MARSH", "ramsar"))["inside_features"][0]["id"], "990003");
    EXPECT_FALSE((*layer_entry(s, "OUT", "ramsar"))["inside"].get<bool>());  // 4.4 km north: outside the 2.8 km circle
}

TEST(Import, RamsarWithARenamedFieldNamesIt) {
    TempDir dir;
    const CommandResult r = import(dir, "ramsar", kFixtures + "ramsar_renamed_shp.zip");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(contains(r.err, "missing field 'area_off'")) << r.err;
    EXPECT_TRUE(contains(r.err, "features_publishedPolygon.shp")) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("layers/catalog.yaml")));
}

// ---------------------------------------------------------------- kba

TEST(Import, KbaPolygonsFromTheLicensedShapefileZip) {
    TempDir dir;
    const std::string zip = kFixtures + "KBAsGlobal_2024_September_01.zip";
    const CommandResult r = import(dir, "kba", zip);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "2 features")) << r.out;
    EXPECT_TRUE(contains(r.out, "1 point-only KBAs (no mapped boundary) left out")) << r.out;
    const std::string catalog = dir.file("layers/catalog.yaml");
    const std::string cat = read_file(catalog);
    EXPECT_TRUE(contains(cat, "preset: kba")) << cat;
    EXPECT_TRUE(contains(cat, "no redistribution")) << cat;
    EXPECT_TRUE(contains(cat, "date: \"September 2024\"")) << cat;
    EXPECT_TRUE(contains(cat, "source_sha256: \"" + sha256_file(zip) + "\"")) << cat;
    // Only the user's --out folder is written: the layer and the catalog.
    std::vector<std::string> written;
    for (const auto& e : fs::directory_iterator(dir.file("layers"))) written.push_back(e.path().filename().string());
    std::sort(written.begin(), written.end());
    EXPECT_EQ(written, (std::vector<std::string>{"catalog.yaml", "kba.gpkg"}));
    const CommandResult check = tool(dir, "layers check --layers " + shell_quote(catalog));
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;

    const auto rows = read_rows(dir.file("layers/kba.gpkg"));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(by(rows, "SitRecID", "880003"), nullptr);  // the point-only KBA
    const Row* aze = by(rows, "SitRecID", "880002");
    ASSERT_NE(aze, nullptr);
    EXPECT_EQ(aze->a.at("IntName"), "Fixture Crater AZE Site");
    EXPECT_EQ(aze->a.at("NatName"), "Fixture Crater AZE Site (national)");
    EXPECT_EQ(aze->a.at("ISO3"), "XXX");
    EXPECT_EQ(aze->a.at("KbaStatus"), "confirmed");
    EXPECT_EQ(aze->a.at("IbaStatus"), "not IBA");
    EXPECT_EQ(aze->a.at("AzeStatus"), "confirmed");
    EXPECT_EQ(aze->a.at("AddedDate"), "2018-03-15");
    // The 91..91.1 E, 26..26.1 N square, closed form on the authalic sphere
    // (R = 6371.007 km): R^2 * dlon * (sin 26.1 - sin 26) = 111.1 km2; the
    // ellipsoid differs from it by well under 0.5% at this latitude.
    const double R = 6371.007, rad = M_PI / 180;
    EXPECT_NEAR(area_km2(aze->g.get()), R * R * 0.1 * rad * (std::sin(26.1 * rad) - std::sin(26.0 * rad)), 0.55);

    dir.write("sites.csv", "id,lon,lat\nFOREST,90.1,25.1\nAZE,91.05,26.05\nCAVE,92.0,27.0\n");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(dir.file("sites.csv")), catalog, dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_EQ((*layer_entry(s, "FOREST", "kba"))["inside_features"][0]["id"], "880001");
    EXPECT_EQ((*layer_entry(s, "AZE", "kba"))["inside_features"][0]["id"], "880002");
    EXPECT_FALSE((*layer_entry(s, "CAVE", "kba"))["inside"].get<bool>());  // point-only: not in the layer (said above)
}

TEST(Import, KbaWithARenamedFieldNamesIt) {
    TempDir dir;
    const CommandResult r = import(dir, "kba", kFixtures + "kba_renamed.zip");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(contains(r.err, "missing field 'KbaStatus'")) << r.err;
    EXPECT_TRUE(contains(r.err, "KBAsGlobal_2024_September_01_POL.shp")) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("layers/catalog.yaml")));
}

// ---------------------------------------------------------------- gfc

TEST(Import, GfcTilesBecomeOneVrtPerBand) {
    TempDir dir;
    const std::string zip = kFixtures + "Hansen_GFC-2023-v1.11_tiles.zip";
    const CommandResult r = import(dir, "gfc", zip);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_TRUE(contains(r.out, "lossyear: 2 of 2 tiles")) << r.out;
    EXPECT_TRUE(contains(r.out, "treecover2000: 2 of 2 tiles")) << r.out;
    const std::string catalog = dir.file("layers/catalog.yaml");
    const std::string cat = read_file(catalog);
    EXPECT_TRUE(contains(cat, "preset: gfc_lossyear")) << cat;
    EXPECT_TRUE(contains(cat, "preset: gfc_treecover2000")) << cat;
    EXPECT_TRUE(contains(cat, "date: \"GFC-2023-v1.11\"")) << cat;
    EXPECT_TRUE(contains(cat, "23: {label: \"Tree-cover loss in 2023\"")) << cat;  // the version's last year
    EXPECT_FALSE(contains(cat, "24: {label")) << cat;                              // and no later one
    EXPECT_TRUE(contains(cat, "CC BY 4.0")) << cat;
    const CommandResult check = tool(dir, "layers check --layers " + shell_quote(catalog));
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_TRUE(contains(check.out, "rapid_decline            gfc_lossyear")) << check.out;

    // 40N_100E: loss in 2015 on 80 % tree cover; 40N_110E: loss in 2023 on 30 %.
    dir.write("sites.csv", "id,lon,lat\nWEST,105.05,35.05\nEAST,115.05,35.05\n");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(dir.file("sites.csv")), catalog, dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_EQ((*layer_entry(s, "WEST", "gfc_lossyear"))["class_at_site"], "Tree-cover loss in 2015");
    EXPECT_EQ((*layer_entry(s, "EAST", "gfc_lossyear"))["class_at_site"], "Tree-cover loss in 2023");
    EXPECT_DOUBLE_EQ((*layer_entry(s, "WEST", "gfc_treecover2000"))["value_at_site"].get<double>(), 80.0);
    EXPECT_DOUBLE_EQ((*layer_entry(s, "EAST", "gfc_treecover2000"))["value_at_site"].get<double>(), 30.0);

    // --region keeps only the tiles that touch it.
    const CommandResult west = import(dir, "gfc", zip, "--region 101,31,104,34 --id gw");
    ASSERT_EQ(west.exit_code, 0) << west.err;
    EXPECT_TRUE(contains(west.out, "lossyear: 1 of 2 tiles")) << west.out;
}

TEST(Import, GfcWithoutALossyearTileNamesIt) {
    TempDir dir;
    const CommandResult r = import(dir, "gfc", kFixtures + "gfc_renamed.zip");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_TRUE(contains(r.err, "no GFC lossyear tile")) << r.err;
    EXPECT_TRUE(contains(r.err, "loss_year_40N_100E.tif")) << r.err;  // what it found instead
    EXPECT_FALSE(fs::exists(dir.file("layers/catalog.yaml")));
}

// A COG (1000 x 1000 Byte, 256 x 256 blocks, uncompressed: 64 KB a block) behind
// a local server that honours Range requests and logs each one.
TEST(Import, RemoteCogScreensReadingOnlyTheBlocksItNeeds) {
    TempDir dir;
    gdal_init();
    const std::string served = dir.file("www");
    fs::create_directories(served);
    {
        const std::string mem = dir.file("q.tif");
        ASSERT_TRUE(write_wgs84_raster(mem, 1000, 1000, GDT_Byte, 0.0, 10.0, 0.01, [](int x, int y) {
            return x < 500 ? (y >= 500 ? 10 : 50) : (y >= 500 ? 40 : 80);  // SW tree, NW built-up, SE crop, NE water
        }));
        DatasetPtr src(GDALOpen(mem.c_str(), GA_ReadOnly));
        const char* opts[] = {"COMPRESS=NONE", "BLOCKSIZE=256", "OVERVIEWS=NONE", nullptr};
        DatasetPtr cog(GDALCreateCopy(GDALGetDriverByName("COG"), (served + "/wc.tif").c_str(), src.get(), FALSE,
                                      const_cast<char**>(opts), nullptr, nullptr));
        ASSERT_TRUE(cog);
    }
    const auto cog_size = fs::file_size(served + "/wc.tif");
    const std::string log = dir.file("requests.log");
    FILE* p =
        ::popen(("exec python3 " + shell_quote(std::string(SITESCREEN_SOURCE_DIR) + "/tests/support/range_server.py") +
                 " " + shell_quote(served) + " " + shell_quote(log))
                    .c_str(),
                "r");
    ASSERT_NE(p, nullptr);
    int port = 0, pid = 0;
    ASSERT_EQ(std::fscanf(p, "%d %d", &port, &pid), 2);
    struct Stop {
        int pid;
        FILE* p;
        ~Stop() {
            ::kill(pid, SIGTERM);
            ::pclose(p);
        }
    } stop{pid, p};
    const std::string env = "GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR NO_PROXY=127.0.0.1 no_proxy=127.0.0.1 ";
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/wc.tif";
    const CommandResult r = run_capture(
        env + SITESCREEN_BINARY + " layers import worldcover " + url + " --out " + shell_quote(dir.file("layers")),
        dir);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    const std::string catalog = dir.file("layers/catalog.yaml");
    EXPECT_TRUE(contains(read_file(catalog), "/vsicurl/" + url));

    std::remove(log.c_str());  // count the screening's requests only
    dir.write("sites.csv", "id,lon,lat\nSW,2.5,2.5\n");
    Screening s;
    s.cmd = run_capture(env + SITESCREEN_BINARY + " screen --layers " + shell_quote(catalog) + " --sites " +
                            shell_quote(dir.file("sites.csv")) + " --out " + shell_quote(dir.file("out")) +
                            " --formats data --buffers 1000 --no-avoidance --type plant",
                        dir);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    s.sites = parse_jsonl(read_file(dir.file("out/sites.jsonl")));
    EXPECT_EQ((*layer_entry(s, "SW", "worldcover"))["class_at_site"], "Tree cover");

    std::size_t requests = 0, bytes = 0;
    for (const auto& line : split_lines(read_file(log))) {
        ++requests;
        bytes += std::stoul(line.substr(line.find_last_of(' ') + 1));
    }
    // The site's block (64 KB) and the header, not the 16 blocks (1 MB).
    EXPECT_GE(requests, 1u);
    EXPECT_LE(requests, 12u) << read_file(log);  // a HEAD, the header, the block, a few sidecar probes
    EXPECT_GE(bytes, 65536u);
    EXPECT_LT(bytes, cog_size / 4) << read_file(log);
    std::printf("remote COG: %zu requests, %zu bytes of %zu\n", requests, bytes, static_cast<std::size_t>(cog_size));
}
