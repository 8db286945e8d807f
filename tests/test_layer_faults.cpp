// Layer faults (issue 7): invalid geometries are repaired and counted; a layer that cannot be used stops the
// run before the first site with a message naming it; empty layers and rasters without nodata just work.
#include <gtest/gtest.h>

#include <gdal.h>
#include <gdal_utils.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "io/gdal_handles.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;
namespace fs = std::filesystem;

namespace {

// A catalog of one vector layer `id` from `path` (relative to the catalog), with optional extra YAML lines.
std::string vector_catalog(const TempDir& dir, const std::string& id, const std::string& path,
                           const std::string& extra = "    crs: \"EPSG:4326\"\n") {
    return dir.write("catalog.yaml", "version: 1\nlayers:\n  - id: " + id + "\n    kind: vector\n    path: " + path +
                                         "\n    criterion: biodiversity_importance\n    theme: protected_area\n" +
                                         extra);
}

// Two good sites: A at (100.5, 30.5), Z at (102, 30.5), plus whatever the test adds.
std::string write_sites(const TempDir& dir, const std::string& more = "") {
    return dir.write("sites.csv", "id,lon,lat\nA,100.5,30.5\nZ,102,30.5\n" + more);
}

const Json& layer_of(const Screening& s, const std::string& id) {
    const Json* r = s.site(id);
    EXPECT_NE(r, nullptr) << id;
    static const Json none;
    if (!r || (*r)["layers"].empty()) return none;
    return (*r)["layers"][0];
}

// An n x n raster over 100..101 E x 30..31 N; cells west of 100.5 E get `west`, the others `east`.
void write_raster(const std::string& path, GDALDataType type, double west, double east, const double* nodata,
                  int n = 10) {
    gdal_init();
    DatasetPtr ds(GDALCreate(GDALGetDriverByName("GTiff"), path.c_str(), n, n, 1, type, nullptr));
    ASSERT_TRUE(ds);
    double gt[6] = {100.0, 1.0 / n, 0.0, 31.0, 0.0, -1.0 / n};
    GDALSetGeoTransform(ds.get(), gt);
    SrsPtr wgs84 = wgs84_srs();
    GDALSetSpatialRef(ds.get(), wgs84.get());
    GDALRasterBandH band = GDALGetRasterBand(ds.get(), 1);
    if (nodata) GDALSetRasterNoDataValue(band, *nodata);
    std::vector<double> cells(static_cast<std::size_t>(n) * n);
    for (int row = 0; row < n; ++row)
        for (int col = 0; col < n; ++col) cells[static_cast<std::size_t>(row) * n + col] = col < n / 2 ? west : east;
    ASSERT_EQ(GDALRasterIO(band, GF_Write, 0, 0, n, n, cells.data(), n, n, GDT_Float64, 0, 0), CE_None);
}

std::string raster_catalog(const TempDir& dir, const std::string& path, const std::string& extra = "") {
    return dir.write("catalog.yaml", "version: 1\nlayers:\n  - id: grid\n    kind: raster\n    path: " + path +
                                         "\n    criterion: water_risk\n    theme: water_stress\n    units: index\n" +
                                         extra);
}

// Sites on the west half (W), the east half (E) and on the line between them (M).
std::string write_raster_sites(const TempDir& dir) {
    return dir.write("sites.csv", "id,lon,lat\nW,100.25,30.5\nM,100.5,30.5\nE,100.75,30.5\n");
}

// Runs with a 1 km buffer: a disc fully inside one half, or cut in two by the 100.5 E meridian for M.
Screening screen_raster(const TempDir& dir, const std::string& catalog) {
    return screen_cli(dir, "--sites " + shell_quote(write_raster_sites(dir)), catalog, dir.file("out"));
}

// ---------------------------------------------------------------- vector layers

TEST(LayerFaults, InvalidGeometriesAreRepairedCountedAndReported) {
    TempDir dir;
    // A bow-tie: MakeValid turns it into two triangles meeting at (100.5, 30.5).
    dir.write(
        "bowtie.geojson",
        feature_collection({{R"({"n":"bowtie"})",
                             R"({"type":"Polygon","coordinates":[[[100,30],[101,31],[101,30],[100,31],[100,30]]]})"},
                            {R"({"n":"fine"})",
                             R"({"type":"Polygon","coordinates":[[[110,30],[111,30],[111,31],[110,31],[110,30]]]})"}}));
    const std::string catalog = vector_catalog(dir, "bowtie", "bowtie.geojson");
    const std::string sites =
        dir.write("sites.csv", "id,lon,lat\nEAST,100.9,30.5\nNORTH,100.5,30.9\nFINE,110.5,30.5\n");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(sites), catalog, dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    ASSERT_EQ(s.sites.size(), 3u);
    const Json& layer = s.run["catalog"]["layers"][0];
    EXPECT_EQ(layer["id"], "bowtie");
    EXPECT_EQ(layer["invalid_repaired"], 1);
    EXPECT_EQ(layer["feature_count"], 2);
    EXPECT_EQ(layer_of(s, "EAST")["inside"], true);    // inside the eastern triangle
    EXPECT_EQ(layer_of(s, "NORTH")["inside"], false);  // between the triangles' tips
    EXPECT_EQ(layer_of(s, "FINE")["inside"], true);

    const CommandResult check =
        run_capture(std::string(SITESCREEN_BINARY) + " layers check --layers " + shell_quote(catalog), dir);
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_NE(check.out.find("2 features (3 pieces), WGS 84 (EPSG:4326), 1 invalid repaired"), std::string::npos)
        << check.out;
}

TEST(LayerFaults, FeaturesWithoutGeometryAreSkippedAndCounted) {
    TempDir dir;
    dir.write(
        "l.geojson",
        feature_collection({{R"({"n":"null"})", "null"},
                            {R"({"n":"sq"})",
                             R"({"type":"Polygon","coordinates":[[[100,30],[101,30],[101,31],[100,31],[100,30]]]})"}}));
    const Screening s = screen_cli(dir, "--sites " + shell_quote(write_sites(dir)),
                                   vector_catalog(dir, "l", "l.geojson"), dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_EQ(s.run["catalog"]["layers"][0]["without_geometry"], 1);
    EXPECT_EQ(layer_of(s, "A")["inside"], true);
    EXPECT_EQ(layer_of(s, "Z")["inside"], false);
}

TEST(LayerFaults, MetresDeclaredAsDegreesNamesTheLayer) {
    TempDir dir;
    // UTM-like metres in a file the catalog says is EPSG:4326.
    dir.write(
        "metres.geojson",
        feature_collection({{R"({"n":"m"})", R"({"type":"Polygon","coordinates":[[[500000,3300000],[510000,3300000],)"
                                             R"([510000,3310000],[500000,3310000],[500000,3300000]]]})"}}));
    const std::string catalog = vector_catalog(dir, "utm_reserves", "metres.geojson");
    const std::string out = dir.file("out");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(write_sites(dir)), catalog, out);
    EXPECT_EQ(s.cmd.exit_code, 1);
    EXPECT_NE(
        s.cmd.err.find("sitescreen: error: " + catalog +
                       ": layer 'utm_reserves' (metres.geojson): feature 0 lies "
                       "outside lon/lat bounds after transformation (features in another CRS than the catalog's crs: "
                       "EPSG:4326?)"),
        std::string::npos)
        << s.cmd.err;
    EXPECT_FALSE(fs::exists(out + "/sites.jsonl"));

    // Without crs: in the catalog the file's own CRS (GeoJSON: WGS 84) is the one that does not fit.
    const std::string catalog2 = vector_catalog(dir, "utm_reserves", "metres.geojson", "");
    const Screening s2 = screen_cli(dir, "--sites " + shell_quote(write_sites(dir)), catalog2, out);
    EXPECT_EQ(s2.cmd.exit_code, 1);
    EXPECT_NE(s2.cmd.err.find("layer 'utm_reserves' (metres.geojson): feature 0 lies outside lon/lat bounds after "
                              "transformation (features in another CRS than the file declares?)"),
              std::string::npos)
        << s2.cmd.err;
}

TEST(LayerFaults, EmptyLayerWorksWithNullNearest) {
    TempDir dir;
    dir.write("empty.geojson", feature_collection({}));
    const Screening s = screen_cli(dir, "--sites " + shell_quote(write_sites(dir)),
                                   vector_catalog(dir, "nothing", "empty.geojson"), dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    ASSERT_EQ(s.sites.size(), 2u);
    for (const std::string id : {"A", "Z"}) {
        const Json& l = layer_of(s, id);
        EXPECT_EQ(l["inside"], false) << id;
        EXPECT_TRUE(l["nearest"]["distance_m"].is_null()) << id;
        EXPECT_TRUE(l["nearest"]["feature_id"].is_null()) << id;
        EXPECT_EQ(l["buffers"][0]["overlap_share"], 0.0) << id;
        EXPECT_EQ(l["buffers"][0]["feature_count"], 0) << id;
    }
    EXPECT_EQ(s.run["catalog"]["layers"][0]["feature_count"], 0);
    const auto summary = split_lines(read_file(dir.file("out/summary.csv")));
    ASSERT_EQ(summary.size(), 3u);
    EXPECT_EQ(summary[1].rfind("A,100.5,30.5,plant,ok,,false,,0,", 0), 0u) << summary[1];
}

// Outputs of an earlier run are left as they were when a layer cannot be opened.
void expect_corrupt_layer_stops_before_sites(const TempDir& dir, const std::string& catalog,
                                             const std::string& message) {
    const std::string out = dir.file("out");
    const std::string sites = write_sites(dir);
    fs::create_directories(out);
    const std::string earlier = "{\"id\":\"earlier\"}\n";
    std::ofstream(out + "/sites.jsonl") << earlier;
    const Screening s = screen_cli(dir, "--overwrite --sites " + shell_quote(sites), catalog, out);
    EXPECT_EQ(s.cmd.exit_code, 1);
    if (!message.empty()) {
        EXPECT_NE(s.cmd.err.find("sitescreen: error: " + catalog + ": " + message), std::string::npos) << s.cmd.err;
    } else {  // rasters: the layer's id and file
        EXPECT_NE(s.cmd.err.find("sitescreen: error: layer 'grid'"), std::string::npos) << s.cmd.err;
        EXPECT_NE(s.cmd.err.find("grid.tif"), std::string::npos) << s.cmd.err;
    }
    EXPECT_EQ(s.cmd.err.find("screened"), std::string::npos) << s.cmd.err;
    EXPECT_EQ(read_file(out + "/sites.jsonl"), earlier);
    EXPECT_FALSE(fs::exists(out + "/summary.csv"));
    EXPECT_FALSE(fs::exists(out + "/run.json"));
    for (const auto& e : fs::directory_iterator(out))
        EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(LayerFaults, TruncatedGeoJsonStopsTheRunNamingTheLayer) {
    TempDir dir;
    std::string text = feature_collection({});
    std::vector<std::pair<std::string, std::string>> features;
    for (int i = 0; i < 20; ++i)
        features.push_back({R"({"n":)" + std::to_string(i) + "}",
                            R"({"type":"Polygon","coordinates":[[[100,30],[101,30],[101,31],[100,31],[100,30]]]})"});
    text = feature_collection(features);
    dir.write("cut.geojson", text.substr(0, text.size() * 2 / 3));
    expect_corrupt_layer_stops_before_sites(dir, vector_catalog(dir, "cut", "cut.geojson"),
                                            "layer 'cut' (cut.geojson): cannot be opened as a vector dataset");
}

TEST(LayerFaults, TruncatedGeoPackageStopsTheRunNamingTheLayer) {
    TempDir dir;
    gdal_init();
    const std::string gj = dir.write(
        "sq.geojson",
        feature_collection({{R"({"n":"sq"})",
                             R"({"type":"Polygon","coordinates":[[[100,30],[101,30],[101,31],[100,31],[100,30]]]})"}}));
    {
        DatasetPtr src(GDALOpenEx(gj.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
        ASSERT_TRUE(src);
        GDALDatasetH srcs[] = {src.get()};
        char* argv[] = {const_cast<char*>("-f"), const_cast<char*>("GPKG"), nullptr};
        GDALVectorTranslateOptions* opts = GDALVectorTranslateOptionsNew(argv, nullptr);
        DatasetPtr dst(GDALVectorTranslate(dir.file("full.gpkg").c_str(), nullptr, 1, srcs, opts, nullptr));
        GDALVectorTranslateOptionsFree(opts);
        ASSERT_TRUE(dst);
    }
    const std::string bytes = read_file(dir.file("full.gpkg"));
    ASSERT_GT(bytes.size(), 8192u);
    dir.write("cut.gpkg", bytes.substr(0, bytes.size() / 5));
    expect_corrupt_layer_stops_before_sites(dir, vector_catalog(dir, "cut_gpkg", "cut.gpkg"),
                                            "layer 'cut_gpkg' (cut.gpkg): cannot be opened as a vector dataset");
}

TEST(LayerFaults, MissingLayerFileStopsTheRunNamingTheLayer) {
    TempDir dir;
    expect_corrupt_layer_stops_before_sites(dir, vector_catalog(dir, "gone", "gone.gpkg"),
                                            "layer 'gone' (gone.gpkg): file not found: " + dir.file("gone.gpkg"));
}

TEST(LayerFaults, TruncatedRasterStopsTheRunNamingTheLayer) {
    TempDir dir;
    write_raster(dir.file("full.tif"), GDT_Float32, 1, 2, nullptr, 200);
    const std::string bytes = read_file(dir.file("full.tif"));
    ASSERT_GT(bytes.size(), 150000u);
    dir.write("grid.tif", bytes.substr(0, bytes.size() / 3));  // header intact, most strips missing
    expect_corrupt_layer_stops_before_sites(dir, raster_catalog(dir, "grid.tif"), "");
}

TEST(LayerFaults, CorruptRasterStopsTheRunNamingTheLayer) {
    TempDir dir;
    const char bad[] = "II*\0garbage where the image file directory should be";
    dir.write("grid.tif", std::string(bad, sizeof bad - 1));
    expect_corrupt_layer_stops_before_sites(dir, raster_catalog(dir, "grid.tif"), "");
}

// ---------------------------------------------------------------- rasters

TEST(LayerFaults, RasterWithoutNodataCountsEveryCellEvenZero) {
    TempDir dir;
    write_raster(dir.file("grid.tif"), GDT_Byte, 0, 4, nullptr);
    const Screening s = screen_raster(dir, raster_catalog(dir, "grid.tif"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    ASSERT_EQ(s.sites.size(), 3u);
    EXPECT_EQ(layer_of(s, "W")["value_at_site"], 0.0);
    EXPECT_EQ(layer_of(s, "E")["value_at_site"], 4.0);
    const Json& west = layer_of(s, "W")["buffers"][0];
    EXPECT_NEAR(west["valid_share"].get<double>(), 1.0, 1e-9);
    EXPECT_NEAR(west["mean"].get<double>(), 0.0, 1e-9);
    // The disc around M is cut in half by the cell edge: mean (0 + 4) / 2.
    const Json& mid = layer_of(s, "M")["buffers"][0];
    EXPECT_NEAR(mid["valid_share"].get<double>(), 1.0, 1e-9);
    EXPECT_NEAR(mid["mean"].get<double>(), 2.0, 1e-3);
    EXPECT_EQ(mid["min"], 0.0);
    EXPECT_EQ(mid["max"], 4.0);
}

TEST(LayerFaults, RasterWithNanAsNodata) {
    TempDir dir;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    write_raster(dir.file("grid.tif"), GDT_Float32, nan, 5, &nan);
    const Screening s = screen_raster(dir, raster_catalog(dir, "grid.tif"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    ASSERT_EQ(s.sites.size(), 3u);
    EXPECT_TRUE(layer_of(s, "W")["value_at_site"].is_null());
    EXPECT_EQ(layer_of(s, "E")["value_at_site"], 5.0);
    const Json& west = layer_of(s, "W")["buffers"][0];
    EXPECT_EQ(west["valid_share"], 0.0);
    EXPECT_TRUE(west["mean"].is_null());
    const Json& mid = layer_of(s, "M")["buffers"][0];
    EXPECT_NEAR(mid["valid_share"].get<double>(), 0.5, 1e-3);
    EXPECT_NEAR(mid["mean"].get<double>(), 5.0, 1e-9);
    EXPECT_EQ(s.sites[1]["status"], "ok");
    // NaN never reaches the outputs as a number.
    EXPECT_EQ(read_file(dir.file("out/sites.jsonl")).find("NaN"), std::string::npos);
    EXPECT_EQ(read_file(dir.file("out/summary.csv")).find("nan"), std::string::npos);
}

TEST(LayerFaults, RasterWithNanCellsButNoDeclaredNodata) {
    TempDir dir;
    write_raster(dir.file("grid.tif"), GDT_Float32, std::numeric_limits<double>::quiet_NaN(), 5, nullptr);
    const Screening s = screen_raster(dir, raster_catalog(dir, "grid.tif"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_TRUE(layer_of(s, "W")["value_at_site"].is_null());
    EXPECT_NEAR(layer_of(s, "M")["buffers"][0]["valid_share"].get<double>(), 0.5, 1e-3);
    EXPECT_NEAR(layer_of(s, "M")["buffers"][0]["mean"].get<double>(), 5.0, 1e-9);
}

TEST(LayerFaults, CatalogNodataOverridesARasterWithNone) {
    TempDir dir;
    write_raster(dir.file("grid.tif"), GDT_Byte, 0, 4, nullptr);
    const Screening s = screen_raster(dir, raster_catalog(dir, "grid.tif", "    nodata: 0\n"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_TRUE(layer_of(s, "W")["value_at_site"].is_null());
    EXPECT_NEAR(layer_of(s, "M")["buffers"][0]["valid_share"].get<double>(), 0.5, 1e-3);
    EXPECT_NEAR(layer_of(s, "M")["buffers"][0]["mean"].get<double>(), 4.0, 1e-9);
}

// ---------------------------------------------------------------- configuration files

// YAML whose keys or scalars are collections: the message must name the file (exit 1, "error:"),
// not surface as "internal error: yaml-cpp: ... bad conversion".
TEST(ConfigFaults, NonScalarYamlNamesTheFile) {
    TempDir dir;
    const std::string sites = write_sites(dir);
    for (const std::string yaml :
         {"version: [1]\nlayers: []\n", "? [a]\n: 1\n", "version: 1\nlayers:\n  - id: x\n    ? [a]\n    : 1\n"}) {
        const std::string catalog = dir.write("catalog.yaml", yaml);
        const CommandResult r =
            run_capture(std::string(SITESCREEN_BINARY) + " layers list --layers " + shell_quote(catalog), dir);
        EXPECT_EQ(r.exit_code, 1) << yaml;
        EXPECT_NE(r.err.find("sitescreen: error: " + catalog + ": "), std::string::npos) << yaml << "\n" << r.err;
    }
    write_square_catalog(dir);
    dir.write("profiles/plant.yaml", "? {a: 1}\n: 2\n");
    const Screening s =
        screen_cli(dir, "--sites " + shell_quote(sites) + " --profiles " + shell_quote(dir.file("profiles")),
                   dir.file("catalog.yaml"), dir.file("out"));
    EXPECT_EQ(s.cmd.exit_code, 1);
    EXPECT_NE(s.cmd.err.find("sitescreen: error: " + dir.file("profiles/plant.yaml") + ": "), std::string::npos)
        << s.cmd.err;
}

}  // namespace
