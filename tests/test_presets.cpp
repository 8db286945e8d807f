// Presets map real dataset schemas, and `layers check` failures name the layer and the problem.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "layers/catalog.h"
#include "screen/screener.h"
#include "support/fixtures.h"

using namespace sitescreen;
using sitescreen::testing::TempDir;

namespace {

const std::string kPresets = std::string(SITESCREEN_TEST_DATA) + "/presets";

const LayerOutcome& outcome(const SiteResult& r, const std::string& id) {
    for (const auto& o : r.layers)
        if (o.spec->id == id) return o;
    throw std::runtime_error("no layer " + id);
}

std::string category_inside(const LayerOutcome& o) {
    if (!o.vector() || o.vector()->inside_features.empty()) return "";
    return o.vector_layer->features()[o.vector()->inside_features.front()].category;
}

Site point_site(double lon, double lat) {
    Site s;
    s.id = "s";
    s.where = "test";
    s.lonlat = {lon, lat};
    s.has_coordinates = true;
    return s;
}

}  // namespace

TEST(Presets, EachPresetMapsItsRealSchema) {
    const Catalog cat = load_catalog(kPresets + "/catalog.yaml");
    ASSERT_EQ(cat.layers.size(), 6u);
    const auto& wdpa = cat.layers[0];
    EXPECT_EQ(wdpa.id_field, "WDPAID");
    EXPECT_EQ(wdpa.name_field, "NAME");
    EXPECT_EQ(wdpa.category_field, "IUCN_CAT");
    EXPECT_EQ(wdpa.categories.at("Ia").zone, "iucn_ia");
    EXPECT_EQ(wdpa.criterion, Criterion::BiodiversityImportance);
    EXPECT_EQ(cat.layers[1].category_field, "bws_cat");
    EXPECT_EQ(cat.layers[1].categories.at("4").severity, 4);
    EXPECT_EQ(cat.layers[1].criterion, Criterion::WaterRisk);
    EXPECT_EQ(cat.layers[4].categories.at("核心区").zone, "core");
    EXPECT_TRUE(cat.layers[5].categorical);
    EXPECT_EQ(cat.layers[5].classes.at(10).label.substr(0, 4), "Tree");

    // Every fixture opens with its preset's mapping (fields exist, required fields present).
    auto layers = LayerSet::open(cat);
    Screener screener(layers, ScreenOptions{});

    // S1: in the hole of the Ia WDPA site, aqueduct bws_cat 1, inside the 5000-vertex red line,
    // in the buffer zone of NR-AH-901, built-up land cover (tests/data/presets/README.md).
    const SiteResult s1 = screener.screen(point_site(117.02, 31.03), {1000, 10000, 50000});
    ASSERT_FALSE(s1.site.error) << *s1.site.error;
    const auto& w = outcome(s1, "fx_wdpa");
    EXPECT_FALSE(w.vector()->inside);
    EXPECT_NEAR(*w.vector()->nearest_distance_m, 2200, 300);
    EXPECT_EQ(category_inside(outcome(s1, "fx_aqueduct40")), "1");
    EXPECT_TRUE(outcome(s1, "fx_china_ecrl").vector()->inside);
    const auto& nr = outcome(s1, "fx_china_nature_reserve");
    ASSERT_TRUE(nr.vector()->inside);
    const std::string zone = category_inside(nr);
    EXPECT_EQ(cat.layers[4].categories.at(zone).zone, "buffer");
    EXPECT_EQ(outcome(s1, "fx_worldcover").raster()->value_at_site, 50.0);

    // S2: inside the Ramsar fixture lake, aqueduct bws_cat 4, outside every red line.
    const SiteResult s2 = screener.screen(point_site(116.55, 30.55), {1000});
    const auto& ramsar = outcome(s2, "fx_ramsar");
    ASSERT_TRUE(ramsar.vector()->inside);
    EXPECT_EQ(ramsar.vector_layer->features()[ramsar.vector()->inside_features[0]].id, "99001");
    EXPECT_EQ(category_inside(outcome(s2, "fx_aqueduct40")), "4");
    EXPECT_FALSE(outcome(s2, "fx_china_ecrl").vector()->inside);
    EXPECT_NEAR(*outcome(s2, "fx_china_ecrl").vector()->nearest_distance_m, 7300, 300);
    EXPECT_EQ(outcome(s2, "fx_worldcover").raster()->value_at_site, 70.0);
}

TEST(Presets, RealRamsarDownloadDropsIn) {
    const Catalog cat = load_catalog(std::string(SITESCREEN_TEST_DATA) + "/real/ramsar_ukraine_catalog.yaml");
    auto layers = LayerSet::open(cat);
    const VectorLayer* v = layers->vectors()[0].get();
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->info().feature_count, 11u);
    EXPECT_GE(v->info().invalid_repaired, 1u);  // site 2281 is invalid as published
}

class CatalogFaults : public ::testing::Test {
protected:
    TempDir dir;
    std::string catalog(const std::string& layer_yaml) {
        return dir.write("catalog.yaml", "version: 1\nlayers:\n" + layer_yaml);
    }
    std::string open_error(const std::string& path) {
        try {
            LayerSet::open(load_catalog(path));
        } catch (const InputError& e) {
            return e.what();
        }
        return "";
    }
};

TEST_F(CatalogFaults, MissingFileNamesLayerAndPath) {
    const std::string msg = open_error(catalog("  - {id: gone, kind: vector, path: nowhere.gpkg}\n"));
    EXPECT_NE(msg.find("layer 'gone'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
}

TEST_F(CatalogFaults, MissingCrsAsksForCrsKey) {
    // A shapefile without .prj: write one with GDAL from a GeoJSON, then drop the .prj.
    const std::string gj = dir.write("a.geojson", sitescreen::testing::feature_collection(
                                                      {{R"({"n":"a"})", R"({"type":"Point","coordinates":[1,2]})"}}));
    ASSERT_EQ(sitescreen::testing::run_command("ogr2ogr -q '" + dir.file("a.shp") + "' '" + gj + "'"), 0);
    std::remove(dir.file("a.prj").c_str());
    const std::string msg = open_error(catalog("  - {id: nocrs, kind: vector, path: a.shp}\n"));
    EXPECT_NE(msg.find("layer 'nocrs'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("no CRS"), std::string::npos) << msg;
    EXPECT_NE(msg.find("crs:"), std::string::npos) << msg;
}

TEST_F(CatalogFaults, UnknownPresetListsKnownOnes) {
    try {
        load_catalog(catalog("  - {id: x, kind: vector, path: a.gpkg, preset: wdpa2}\n"));
        FAIL();
    } catch (const InputError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("unknown preset 'wdpa2'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("wdpa"), std::string::npos) << msg;
    }
}

TEST_F(CatalogFaults, MissingMappedFieldIsNamed) {
    // The Aqueduct preset on a file that lacks bws_cat.
    dir.write("aq.geojson", sitescreen::testing::feature_collection(
                                {{R"({"aq30_id":1,"name_1":"x"})", R"({"type":"Point","coordinates":[1,2]})"}}));
    const std::string msg = open_error(catalog("  - {id: aq, kind: vector, path: aq.geojson, preset: aqueduct40}\n"));
    EXPECT_NE(msg.find("layer 'aq'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("bws"), std::string::npos) << msg;
}

TEST_F(CatalogFaults, UnreadableRasterIsNamed) {
    dir.write("broken.tif", "II*\0 this is not a TIFF");
    const std::string msg = open_error(catalog("  - {id: lc, kind: raster, path: broken.tif, categorical: true}\n"));
    EXPECT_NE(msg.find("lc"), std::string::npos) << msg;
}

TEST_F(CatalogFaults, UnknownKeyAndCriterionAreNamed) {
    try {
        load_catalog(catalog("  - {id: x, kind: vector, path: a.gpkg, critrion: water_risk}\n"));
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown key 'critrion'"), std::string::npos) << e.what();
    }
    try {
        load_catalog(catalog("  - {id: x, kind: vector, path: a.gpkg, criterion: water}\n"));
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown criterion 'water'"), std::string::npos) << e.what();
    }
}

TEST_F(CatalogFaults, RenderingsInTheReportLanguagesAreReadAndOthersNamed) {
    // title_zh and label_zh are read; a language without a report catalog is an unknown key.
    const Catalog cat = load_catalog(catalog(
        "  - id: x\n    kind: vector\n    path: a.gpkg\n    title: Reserves\n    title_zh: 保护区\n"
        "    category_field: zone\n    categories:\n      core: {label: Core zone, label_zh: 核心区, severity: 3}\n"
        "      buffer: {label: Buffer zone}\n"));
    ASSERT_EQ(cat.layers.size(), 1u);
    const LayerSpec& l = cat.layers[0];
    EXPECT_EQ(l.title_for(i18n::Lang::En), "Reserves");
    EXPECT_EQ(l.title_for(i18n::Lang::Zh), "保护区");
    EXPECT_EQ(l.categories.at("core").label_for(i18n::Lang::Zh), "核心区");
    EXPECT_EQ(l.categories.at("core").label_for(i18n::Lang::En), "Core zone");
    // No rendering: the label as written, in every language.
    EXPECT_EQ(l.categories.at("buffer").label_for(i18n::Lang::Zh), "Buffer zone");
    try {
        load_catalog(catalog("  - {id: x, kind: vector, path: a.gpkg, title_fr: Réserves}\n"));
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown key 'title_fr'"), std::string::npos) << e.what();
    }
    try {
        load_catalog(catalog(
            "  - {id: x, kind: vector, path: a.gpkg, category_field: z, categories: {a: {label: A, label_fr: B}}}\n"));
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown key 'categories.a.label_fr'"), std::string::npos) << e.what();
    }
}

TEST_F(CatalogFaults, IncludeAddsLayersAndRejectsDuplicates) {
    dir.write("base.yaml", "version: 1\nlayers:\n  - {id: a, kind: vector, path: a.gpkg}\n");
    const Catalog cat = load_catalog(
        dir.write("top.yaml", "version: 1\ninclude: [base.yaml]\nlayers:\n  - {id: b, kind: vector, path: b.gpkg}\n"));
    ASSERT_EQ(cat.layers.size(), 2u);
    EXPECT_EQ(cat.layers[0].id, "a");
    EXPECT_EQ(cat.layers[1].id, "b");
    EXPECT_THROW(
        load_catalog(dir.write("dup.yaml",
                               "version: 1\ninclude: [base.yaml]\nlayers:\n  - {id: a, kind: vector, path: c.gpkg}\n")),
        InputError);
}
