// The layer cache (src/layers/vector/layer_cache.cpp, docs/layers.md, "Checksums"): a vector layer
// read back from the cache is the layer read from its data, bit for bit; an entry is used only for
// the same data and settings; a damaged entry is a miss, never a layer.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "io/disk_cache.h"
#include "layers/vector/vector_layer.h"
#include "support/fixtures.h"

namespace fs = std::filesystem;
using namespace sitescreen;
using sitescreen::testing::feature_collection;
using sitescreen::testing::ScopedEnv;
using sitescreen::testing::TempDir;
using sitescreen::testing::vector_spec;

namespace {

// A layer with what a cache entry must carry: large polygons split into pieces (cuts, areas), an
// invalid bow tie (repaired), a feature without geometry, a point, a line, attributes of every
// JSON type, names with a demonstration marker, a feature across the antimeridian.
std::string varied_layer(std::mt19937_64& rng) {
    std::vector<std::pair<std::string, std::string>> f;
    std::string big = R"({"type":"Polygon","coordinates":[[)";
    const int n = 3000;
    char buf[80];
    for (int i = 0; i <= n; ++i) {
        const double a = 2 * M_PI * (i % n) / n;
        const double r = 0.3 * (1 + 0.2 * std::sin(7 * a));
        std::snprintf(buf, sizeof buf, "%s[%.12f,%.12f]", i ? "," : "", 110 + r * std::cos(a), 30 + r * std::sin(a));
        big += buf;
    }
    big += "]]}";
    f.push_back({R"({"fid":"big","name":"Big","cat":"Ia","n":7,"u":1.5e-7,"flag":true,"none":null})", big});
    f.push_back({R"({"fid":"bow","name":"Bow tie","cat":"II","n":-3,"u":2.5,"flag":false,"none":null})",
                 R"({"type":"Polygon","coordinates":[[[111,31],[111.1,31.1],[111.1,31],[111,31.1],[111,31]]]})"});
    f.push_back({R"({"fid":"empty","name":"No geometry","cat":"","n":0,"u":0,"flag":false,"none":null})", "null"});
    f.push_back({R"({"fid":"pt","name":"湿地 point","cat":"V","n":1,"u":0.1,"flag":true,"none":null})",
                 R"({"type":"Point","coordinates":[112.5,29.5]})"});
    f.push_back({R"({"fid":"line","name":"Line","cat":"VI","n":2,"u":0.2,"flag":true,"none":null})",
                 R"({"type":"LineString","coordinates":[[109.6,29.6],[109.9,29.7],[110.2,29.65]]})"});
    f.push_back(
        {R"({"fid":"am","name":"Across 180","cat":"Ib","n":3,"u":0.3,"flag":true,"none":null})",
         R"({"type":"Polygon","coordinates":[[[179.5,-17],[-179.5,-17],[-179.5,-16],[179.5,-16],[179.5,-17]]]})"});
    std::uniform_real_distribution<double> lon(109, 111), lat(29, 31);
    for (int i = 0; i < 200; ++i) {
        std::string ring = R"({"type":"Polygon","coordinates":[[)";
        const double x = lon(rng), y = lat(rng), r = 0.01 + 0.02 * (i % 5);
        const int m = 8 + i % 40;
        for (int k = 0; k <= m; ++k) {
            const double a = 2 * M_PI * (k % m) / m;
            std::snprintf(buf, sizeof buf, "%s[%.12f,%.12f]", k ? "," : "", x + r * std::cos(a), y + r * std::sin(a));
            ring += buf;
        }
        ring += "]]}";
        f.push_back({R"({"fid":"s)" + std::to_string(i) + R"(","name":"Star","cat":"IV","n":)" + std::to_string(i) +
                         R"(,"u":0.5,"flag":false,"none":null})",
                     ring});
    }
    return feature_collection(f);
}

LayerSpec varied_spec(const TempDir& dir, std::mt19937_64& rng) {
    LayerSpec spec = vector_spec("varied", dir.write("varied.geojson", varied_layer(rng)));
    spec.id_field = "fid";
    spec.name_field = "name";
    spec.category_field = "cat";
    spec.report_fields = {"n", "u", "flag", "none"};
    spec.provenance.demo = true;
    return spec;
}

void expect_same_layer(const VectorLayer& a, const VectorLayer& b) {
    const VectorLayerInfo &x = a.info(), &y = b.info();
    EXPECT_EQ(x.crs_name, y.crs_name);
    EXPECT_EQ(x.geometry_type, y.geometry_type);
    EXPECT_EQ(x.feature_count, y.feature_count);
    EXPECT_EQ(x.piece_count, y.piece_count);
    EXPECT_EQ(x.vertex_count, y.vertex_count);
    EXPECT_EQ(x.invalid_repaired, y.invalid_repaired);
    EXPECT_EQ(x.without_geometry, y.without_geometry);
    EXPECT_EQ(x.unrepairable, y.unrepairable);
    EXPECT_EQ(x.fields, y.fields);
    EXPECT_EQ(x.west, y.west);
    EXPECT_EQ(x.east, y.east);
    EXPECT_EQ(x.south, y.south);
    EXPECT_EQ(x.north, y.north);
    ASSERT_EQ(a.features().size(), b.features().size());
    for (std::size_t f = 0; f < a.features().size(); ++f) {
        const VectorFeature &p = a.features()[f], &q = b.features()[f];
        EXPECT_EQ(p.id, q.id);
        EXPECT_EQ(p.name, q.name);
        EXPECT_EQ(p.category, q.category);
        EXPECT_EQ(p.fid, q.fid);
        EXPECT_EQ(p.attributes.dump(), q.attributes.dump());
        // Types too: an integer stays an integer of the same signedness.
        for (auto it = p.attributes.begin(); it != p.attributes.end(); ++it)
            EXPECT_EQ(it.value().type(), q.attributes.at(it.key()).type()) << it.key();
        const auto fi = static_cast<std::uint32_t>(f);
        const MultiPolygon pa = a.feature_polygons(fi), pb = b.feature_polygons(fi);
        ASSERT_EQ(pa.size(), pb.size()) << f;
        for (std::size_t k = 0; k < pa.size(); ++k) {
            ASSERT_EQ(pa[k].outer().size(), pb[k].outer().size());
            for (std::size_t v = 0; v < pa[k].outer().size(); ++v) {
                EXPECT_EQ(pa[k].outer()[v].x(), pb[k].outer()[v].x());
                EXPECT_EQ(pa[k].outer()[v].y(), pb[k].outer()[v].y());
            }
        }
        const std::vector<Point> ta = a.feature_points(fi), tb = b.feature_points(fi);
        ASSERT_EQ(ta.size(), tb.size());
        for (std::size_t k = 0; k < ta.size(); ++k) EXPECT_TRUE(bg::equals(ta[k], tb[k]));
    }
}

void expect_same_measure(const VectorMeasurement& x, const VectorMeasurement& y, const std::string& where) {
    EXPECT_EQ(x.inside, y.inside) << where;
    EXPECT_EQ(x.nearest_distance_m, y.nearest_distance_m) << where;
    EXPECT_EQ(x.nearest_feature, y.nearest_feature) << where;
    EXPECT_EQ(x.inside_features, y.inside_features) << where;
    ASSERT_EQ(x.buffers.size(), y.buffers.size()) << where;
    for (std::size_t k = 0; k < x.buffers.size(); ++k) {
        EXPECT_EQ(x.buffers[k].overlap_area_m2, y.buffers[k].overlap_area_m2) << where << " buffer " << k;
        EXPECT_EQ(x.buffers[k].feature_count, y.buffers[k].feature_count) << where << " buffer " << k;
    }
    ASSERT_EQ(x.hits.size(), y.hits.size()) << where;
    for (std::size_t h = 0; h < x.hits.size(); ++h) {
        EXPECT_EQ(x.hits[h].feature, y.hits[h].feature) << where;
        EXPECT_EQ(x.hits[h].distance_m, y.hits[h].distance_m) << where;
        EXPECT_EQ(x.hits[h].overlap_area_m2, y.hits[h].overlap_area_m2) << where;
    }
}

std::vector<fs::path> entries(const fs::path& folder) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec))
        if (e.path().extension() == ".bin") out.push_back(e.path());
    return out;
}

}  // namespace

TEST(LayerCache, ALayerReadBackFromTheCacheIsTheLayerReadFromItsData) {
    TempDir dir;
    ScopedEnv cache("SITESCREEN_CHECKSUM_CACHE", (dir.path() + "/cache/checksums.tsv").c_str());
    std::mt19937_64 rng(5);
    const LayerSpec spec = varied_spec(dir, rng);
    std::shared_ptr<const VectorLayer> fresh;
    {
        ScopedEnv off("SITESCREEN_LAYER_CACHE", "off");
        fresh = VectorLayer::load(spec, 2);
        EXPECT_TRUE(entries(dir.path() + "/cache/layer-cache").empty()) << "SITESCREEN_LAYER_CACHE=off writes nothing";
    }
    EXPECT_EQ(fresh->info().invalid_repaired, 1u);
    EXPECT_EQ(fresh->info().without_geometry, 1u);
    EXPECT_GT(fresh->info().piece_count, fresh->features().size());  // the large polygon is split

    const auto first = VectorLayer::load(spec, 2);  // reads the data, stores the entry
    ASSERT_EQ(entries(dir.path() + "/cache/layer-cache").size(), 1u);
    const auto cached = VectorLayer::load(spec, 1);  // from the entry
    EXPECT_FALSE(fresh->info().from_cache);
    EXPECT_FALSE(first->info().from_cache);
    EXPECT_TRUE(cached->info().from_cache);
    expect_same_layer(*fresh, *first);
    expect_same_layer(*fresh, *cached);

    // And it measures the same, to the last bit, inside, across and beyond the features, by the
    // dissolved tiles and by the union per site (which reads which features may overlap: the
    // entry keeps those marks, the index does not make them again).
    const std::vector<double> radii{1000, 10000, 50000};
    for (const double tiles_from_m : {VectorLayer::kTileUnionMinRadiusM, 0.0})
        for (const LonLat p :
             {LonLat{110, 30}, LonLat{110.3, 30.0}, LonLat{111.05, 31.02}, LonLat{112.5, 29.51}, LonLat{179.9, -16.5},
              LonLat{-179.9, -16.5}, LonLat{100, 10}, LonLat{109.5, 29.5}, LonLat{110.6, 30.6}}) {
            expect_same_measure(fresh->measure(make_site_geometry(p, nullptr, radii), 0, tiles_from_m),
                                cached->measure(make_site_geometry(p, nullptr, radii), 0, tiles_from_m),
                                std::to_string(p.lon) + " " + std::to_string(p.lat));
        }
}

// The dissolved tiles a run built are kept in tile-cache/ when it ends, and the next run that
// loads the layer reads them instead of dissolving them: the same figures to the last bit. A
// damaged record is dissolved again; a later run adds its tiles to those kept.
TEST(LayerCache, DissolvedTilesKeptBetweenRunsMeasureTheSame) {
    TempDir dir;
    ScopedEnv cache("SITESCREEN_CHECKSUM_CACHE", (dir.path() + "/cache/checksums.tsv").c_str());
    const fs::path folder = dir.path() + "/cache/tile-cache";
    std::mt19937_64 rng(9);
    const LayerSpec spec = varied_spec(dir, rng);
    const std::vector<double> radii{1000, 30000};
    const std::vector<LonLat> west{{109.5, 29.6}, {109.9, 30.1}, {110.0, 30.0}};
    const std::vector<LonLat> east{{110.6, 30.6}, {110.9, 30.9}};
    auto measure_all = [&](const VectorLayer& layer, const std::vector<LonLat>& sites) {
        std::vector<VectorMeasurement> out;
        for (const LonLat& p : sites)
            out.push_back(layer.measure(make_site_geometry(p, nullptr, radii), 0, VectorLayer::kTileUnionMinRadiusM));
        return out;
    };
    auto expect_same = [](const std::vector<VectorMeasurement>& a, const std::vector<VectorMeasurement>& b) {
        ASSERT_EQ(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) expect_same_measure(a[i], b[i], "site " + std::to_string(i));
    };

    std::vector<VectorMeasurement> dissolved;
    {
        ScopedEnv off("SITESCREEN_TILE_CACHE", "off");
        const auto layer = VectorLayer::load(spec);
        dissolved = measure_all(*layer, west);
        layer->save_tiles();
        EXPECT_TRUE(entries(folder).empty()) << "SITESCREEN_TILE_CACHE=off writes nothing";
    }
    ASSERT_GT(dissolved[0].buffers[1].overlap_area_m2, 0.0);
    std::size_t west_tiles = 0;
    {
        const auto layer = VectorLayer::load(spec);
        expect_same(dissolved, measure_all(*layer, west));
        west_tiles = layer->tile_counts().built;
        EXPECT_GT(west_tiles, 0u);
        EXPECT_EQ(layer->tile_counts().read, 0u);
        layer->save_tiles();
        ASSERT_EQ(entries(folder).size(), 1u);
        // Nothing new since: a second save (a service's next job) leaves the file alone.
        const auto written = fs::last_write_time(entries(folder).at(0));
        fs::last_write_time(entries(folder).at(0), written - std::chrono::hours(1));
        layer->save_tiles();
        EXPECT_EQ(fs::last_write_time(entries(folder).at(0)), written - std::chrono::hours(1));
    }
    {
        const auto layer = VectorLayer::load(spec);
        expect_same(dissolved, measure_all(*layer, west));
        EXPECT_EQ(layer->tile_counts().built, 0u) << "every tile read from the cache";
        EXPECT_EQ(layer->tile_counts().read, west_tiles);
        measure_all(*layer, east);  // new tiles, added to those kept
        EXPECT_GT(layer->tile_counts().built, 0u);
        layer->save_tiles();
    }
    {
        const auto layer = VectorLayer::load(spec);
        expect_same(dissolved, measure_all(*layer, west));
        measure_all(*layer, east);
        EXPECT_EQ(layer->tile_counts().built, 0u) << "the west's and the east's tiles both kept";
    }
    // A damaged record: its tile is dissolved again, with the same figures.
    const fs::path file = entries(folder).at(0);
    {
        std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
        const auto at = static_cast<std::streamoff>(fs::file_size(file) / 3);
        f.seekg(at);
        const char c = static_cast<char>(f.get());
        f.seekp(at);
        f.put(static_cast<char>(~c));
    }
    {
        const auto layer = VectorLayer::load(spec);
        expect_same(dissolved, measure_all(*layer, west));
        measure_all(*layer, east);
        EXPECT_GE(layer->tile_counts().built, 1u);
        EXPECT_GE(layer->tile_counts().read + layer->tile_counts().built, west_tiles);
    }
    // A file cut short is no file: every tile dissolved again.
    fs::resize_file(file, fs::file_size(file) / 2);
    const auto layer = VectorLayer::load(spec);
    expect_same(dissolved, measure_all(*layer, west));
    EXPECT_EQ(layer->tile_counts().read, 0u);
}

TEST(LayerCache, OtherDataOrSettingsMakeTheirOwnEntry) {
    TempDir dir;
    ScopedEnv cache("SITESCREEN_CHECKSUM_CACHE", (dir.path() + "/cache/checksums.tsv").c_str());
    const fs::path folder = dir.path() + "/cache/layer-cache";
    LayerSpec spec = vector_spec(
        "zones",
        dir.write("z.geojson",
                  feature_collection({{R"({"fid":"a","name":"A"})",
                                       R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]})"}})));
    spec.name_field = "name";
    EXPECT_EQ(VectorLayer::load(spec)->features()[0].name, "A");
    EXPECT_EQ(entries(folder).size(), 1u);
    // The same file rewritten with another name: the checksum differs, so the entry is not used.
    dir.write("z.geojson",
              feature_collection({{R"({"fid":"a","name":"B"})",
                                   R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]})"}}));
    EXPECT_EQ(VectorLayer::load(spec)->features()[0].name, "B");
    EXPECT_EQ(entries(folder).size(), 2u);
    // A setting that changes what is read: a demonstration layer marks its names.
    spec.provenance.demo = true;
    EXPECT_EQ(VectorLayer::load(spec)->features()[0].name, "B [DEMO]");
    EXPECT_EQ(entries(folder).size(), 3u);
    spec.provenance.demo = false;
    const auto again = VectorLayer::load(spec);
    EXPECT_EQ(again->features()[0].name, "B");
    EXPECT_TRUE(again->info().from_cache);
    EXPECT_EQ(entries(folder).size(), 3u);  // found again
}

TEST(LayerCache, ADamagedOrCutEntryIsReadAgainFromTheData) {
    TempDir dir;
    ScopedEnv cache("SITESCREEN_CHECKSUM_CACHE", (dir.path() + "/cache/checksums.tsv").c_str());
    std::mt19937_64 rng(9);
    const LayerSpec spec = varied_spec(dir, rng);
    const auto fresh = VectorLayer::load(spec);
    const std::vector<fs::path> files = entries(dir.path() + "/cache/layer-cache");
    ASSERT_EQ(files.size(), 1u);
    std::string bytes;
    {
        std::ifstream in(files[0], std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    ASSERT_GT(bytes.size(), 10000u);
    auto damaged_load = [&](const std::string& content, const char* what) {
        {
            std::ofstream out(files[0], std::ios::binary | std::ios::trunc);
            out << content;
        }
        const auto again = VectorLayer::load(spec);
        SCOPED_TRACE(what);
        EXPECT_FALSE(again->info().from_cache);
        expect_same_layer(*fresh, *again);
    };
    std::string flipped = bytes;
    flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x10);  // a coordinate's bit
    damaged_load(flipped, "one bit flipped");
    damaged_load(bytes.substr(0, bytes.size() - 100), "cut short");
    damaged_load(bytes.substr(0, bytes.find('\n') + 5), "only part of the key");
    damaged_load("", "empty");
    damaged_load(bytes + "trailing", "bytes after the end");
    // After each miss the entry was written again, whole: the last load left it as it was at first.
    std::ifstream in(files[0], std::ios::binary);
    const std::string now((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(now.size(), bytes.size());
    const auto at = std::mismatch(now.begin(), now.end(), bytes.begin()).first - now.begin();
    EXPECT_EQ(static_cast<std::size_t>(at), now.size()) << "first differing byte at " << at;
    EXPECT_TRUE(VectorLayer::load(spec)->info().from_cache);
}

TEST(LayerCache, KeepsTheEntriesUsedLast) {
    TempDir dir;
    const DiskCache cache(dir.path() + "/c", ".bin", 3);
    for (int i = 0; i < 5; ++i) {
        cache.put("key " + std::to_string(i), "payload " + std::to_string(i));
        // File times have a resolution: make the order of use unambiguous.
        for (const auto& p : entries(dir.path() + "/c"))
            fs::last_write_time(p, fs::last_write_time(p) - std::chrono::seconds(10));
    }
    EXPECT_EQ(entries(dir.path() + "/c").size(), 3u);
    EXPECT_FALSE(cache.get("key 0"));
    EXPECT_FALSE(cache.get("key 1"));
    EXPECT_EQ(cache.get("key 4").value_or(""), "payload 4");
    // A key is compared whole, not by its digest alone.
    const std::string file = cache.file_of("key 4");
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << "5\nkey 5payload";
    }
    EXPECT_FALSE(cache.get("key 4"));
    const DiskCache off("", ".bin", 3);
    off.put("k", "v");
    EXPECT_FALSE(off.get("k"));
}
