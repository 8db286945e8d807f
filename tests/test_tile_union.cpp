// --tile-union auto (issue #25 item 4): per layer, the dissolved tiles only where the first sites'
// wide buffers reach them often enough to pay, the choice and its figures in run.json, and the same
// areas whichever way is taken.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "run/pipeline.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;

namespace {

// 1,000 overlapping 40-vertex stars over 108-112 E x 28-32 N, as GeoJSON, and a catalog for it.
std::string write_star_catalog(const TempDir& dir) {
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> lon(108.0, 112.0), lat(28.0, 32.0), rad(0.03, 0.08), jitter(-0.3, 0.3);
    std::vector<std::pair<std::string, std::string>> features;
    for (int f = 0; f < 1000; ++f) {
        const double cx = lon(rng), cy = lat(rng), r = rad(rng);
        std::string ring, first;
        for (int i = 0; i < 40; ++i) {
            const double a = 2 * M_PI * i / 40, rr = r * (1 + jitter(rng));
            char buf[64];
            std::snprintf(buf, sizeof buf, "[%.8f,%.8f]", cx + rr * std::cos(a) / std::cos(cy * M_PI / 180),
                          cy + rr * std::sin(a));
            ring += (i ? "," : "") + std::string(buf);
            if (i == 0) first = buf;
        }
        ring += "," + first;  // closed on its first vertex
        features.push_back({R"({"sid":")" + std::to_string(f) + R"(","name":"star"})",
                            R"({"type":"Polygon","coordinates":[[)" + ring + "]]}"});
    }
    dir.write("stars.geojson", feature_collection(features));
    return dir.write("stars.yaml", R"(version: 1
layers:
  - id: stars
    title: Overlapping stars
    kind: vector
    path: stars.geojson
    id_field: sid
    name_field: name
    criterion: biodiversity_importance
    theme: protected_area
    crs: "EPSG:4326"
)");
}

std::string sites_csv(const std::vector<std::pair<double, double>>& at) {
    std::string csv = "id,lon,lat\n";
    for (std::size_t i = 0; i < at.size(); ++i)
        csv += "s" + std::to_string(i) + "," + std::to_string(at[i].first) + "," + std::to_string(at[i].second) + "\n";
    return csv;
}

}  // namespace

TEST(TileUnion, AutoDissolvesForADenseBatchNotForAFewSitesAndTheAreasAgree) {
    TempDir dir;
    const std::string catalog = write_star_catalog(dir);
    const std::string buffers = "--formats data --buffers 1km,10km,50km --no-avoidance --type plant --threads 2";

    // Two sites far apart: each box holds about 60 stars; dissolving their tiles costs more
    // than the two unions.
    const std::string few = dir.write("few.csv", sites_csv({{108.6, 28.6}, {111.4, 31.4}}));
    const Screening a = screen_cli(dir, "--sites " + shell_quote(few), catalog, dir.file("few"), buffers);
    ASSERT_EQ(a.cmd.exit_code, 0) << a.cmd.err;
    EXPECT_EQ(a.run["options"]["tile_union"], "auto");
    const Json& few_choice = a.run["options"]["tile_union_choice"];
    ASSERT_EQ(few_choice.size(), 1u);
    EXPECT_EQ(few_choice[0]["layer"], "stars");
    EXPECT_EQ(few_choice[0]["sites_probed"], 2);
    EXPECT_FALSE(few_choice[0]["dissolved_tiles"].get<bool>()) << few_choice.dump();
    EXPECT_GT(few_choice[0]["per_site_vertices"].get<double>(), 0);

    // 300 sites within one degree: every tile is reached by many boxes, so dissolving pays.
    std::vector<std::pair<double, double>> dense;
    for (int i = 0; i < 300; ++i) dense.push_back({109.5 + (i % 20) * 0.05, 29.5 + (i / 20) * 0.066});
    const std::string many = dir.write("many.csv", sites_csv(dense));
    const Screening b = screen_cli(dir, "--sites " + shell_quote(many), catalog, dir.file("many"), buffers);
    ASSERT_EQ(b.cmd.exit_code, 0) << b.cmd.err;
    const Json& dense_choice = b.run["options"]["tile_union_choice"];
    ASSERT_EQ(dense_choice.size(), 1u);
    EXPECT_EQ(dense_choice[0]["sites_probed"], 300);
    EXPECT_TRUE(dense_choice[0]["dissolved_tiles"].get<bool>()) << dense_choice.dump();
    // The choice follows the rule stated in run/pipeline.h from the figures recorded.
    for (const Json* c : {&few_choice[0], &dense_choice[0]}) {
        const double lhs = kDissolveVertexCost * (*c)["dissolve_vertices"].get<double>() +
                           kTileSiteCost * (*c)["sites_probed"].get<double>();
        EXPECT_EQ((*c)["dissolved_tiles"].get<bool>(), lhs < (*c)["per_site_vertices"].get<double>());
    }

    // The same dense batch with the tiles off: the same areas, to 1e-5 of the buffer.
    const Screening c =
        screen_cli(dir, "--sites " + shell_quote(many) + " --tile-union off", catalog, dir.file("off"), buffers);
    ASSERT_EQ(c.cmd.exit_code, 0) << c.cmd.err;
    EXPECT_EQ(c.run["options"]["tile_union"], "off");
    EXPECT_FALSE(c.run["options"].contains("tile_union_choice"));
    ASSERT_EQ(b.sites.size(), c.sites.size());
    int partial = 0;
    for (std::size_t i = 0; i < b.sites.size(); ++i) {
        const Json& bb = b.sites[i]["layers"][0]["buffers"];
        const Json& cb = c.sites[i]["layers"][0]["buffers"];
        ASSERT_EQ(bb.size(), 3u);
        for (std::size_t k = 0; k < 3; ++k) {
            const double area = bb[k]["buffer_area_m2"].get<double>();
            EXPECT_NEAR(bb[k]["overlap_area_m2"].get<double>(), cb[k]["overlap_area_m2"].get<double>(), 1e-5 * area)
                << b.sites[i]["id"] << " buffer " << k;
            const double share = bb[k]["overlap_share"].get<double>();
            if (share > 0.02 && share < 0.98) ++partial;
        }
    }
    EXPECT_GT(partial, 300) << "the buffers should be partly covered";
}
