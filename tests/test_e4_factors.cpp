// E4 impact materiality factors (config/materiality.yaml, #23 item 4): each rating of a sample site
// shows severity, extent, irreversibility and likelihood, from its evidence, and its trace says all four.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/errors.h"
#include "io/checksum.h"
#include "screen/assess.h"
#include "screen/e4_factors.h"
#include "support/fixtures.h"
#include "support/require.h"
#include "support/sample_sites.h"

using namespace sitescreen;
using sitescreen::testing::read_all;
using sitescreen::testing::shipped_layers;
using sitescreen::testing::TempDir;

namespace {

const std::string kFactors = std::string(SITESCREEN_SOURCE_DIR) + "/config/materiality.yaml";

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST(E4Factors, BadValuesNameTheFileAndTheKey) {
    TempDir dir;
    std::string text = read_text(kFactors);
    text.replace(text.find("high: likely"), 12, "high: sure");
    try {
        (void)E4Factors::load(dir.write("materiality.yaml", text));
        FAIL() << "accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("materiality.yaml: likelihood.high: expected almost_certain"),
                  std::string::npos)
            << e.what();
    }
    text = read_text(kFactors);
    text.replace(text.find("red_line: high"), 14, "red_line: huge");
    try {
        (void)E4Factors::load(dir.write("materiality2.yaml", text));
        FAIL() << "accepted";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("irreversibility.themes.red_line: expected high, medium or low"),
                  std::string::npos)
            << e.what();
    }
}

// Every location-dependent rating of the sample sites carries the four factors, each as the data
// and the evidence say, and its trace states all four.
TEST(E4Factors, EverySampleRatingShowsSeverityExtentIrreversibilityAndLikelihood) {
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    auto layers = shipped_layers();
    const Assessor assessor(load_profiles(std::string(SITESCREEN_SOURCE_DIR) + "/config/profiles"), layers);
    Screener screener(layers, ScreenOptions{});
    const E4Factors f = E4Factors::load(kFactors);
    std::size_t rated = 0, inside = 0;
    std::vector<Site> sites = read_all(std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv");
    for (auto& s : read_all(std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates_polygons.geojson"))
        sites.push_back(s);
    for (const Site& site : sites) {
        SCOPED_TRACE(site.id);
        SiteResult r = screener.screen(site, assessor.radii_for(site.type));
        assessor.assess(r, screener);
        for (const auto& [driver, e] : r.evaluate["e4"]["drivers"].items()) {
            if (!e.contains("verdict_level")) {  // not rated against the place (GHG, not material)
                EXPECT_FALSE(e.contains("severity")) << driver;
                continue;
            }
            SCOPED_TRACE(driver);
            ++rated;
            ASSERT_TRUE(e.contains("severity") && e.contains("extent") && e.contains("irreversibility") &&
                        e.contains("likelihood"))
                << e.dump();
            // Severity: the band of the affected share.
            const double share = e["severity"]["affected_share"].get<double>();
            EXPECT_EQ(e["severity"]["level"], share >= f.severity_high     ? "high"
                                              : share >= f.severity_medium ? "medium"
                                                                           : "low");
            // Extent: footprint x affected share.
            const Json& fp = r.evaluate["e3"]["footprint_ha"];
            if (fp.is_number()) {
                EXPECT_NEAR(e["extent"]["area_ha"].get<double>(), fp.get<double>() * share, 0.001);
            } else {
                EXPECT_TRUE(e["extent"]["area_ha"].is_null());
            }
            // Irreversibility: the theme's, as data.
            const std::string theme = e["irreversibility"]["theme"].get<std::string>();
            const auto it = f.irreversibility.find(theme);
            EXPECT_EQ(e["irreversibility"]["level"],
                      it == f.irreversibility.end() ? f.irreversibility_default : it->second);
            // Likelihood: from the exposure of the rating's receptor, which is the E2 pair's.
            const std::string exposure = e["likelihood"]["exposure"].get<std::string>();
            EXPECT_EQ(e["likelihood"]["level"], f.likelihood.at(exposure));
            bool pair_found = false;
            for (const auto& p : r.evaluate["e2"])
                if (p["driver"] == driver && p["rating"] == e["rating"] && p["exposure"] == exposure) pair_found = true;
            EXPECT_TRUE(pair_found);
            // The trace states all four.
            ASSERT_EQ(e["factors_trace"].size(), 4u);
            const std::string trace = e["trace"].get<std::string>();
            for (const auto& t : e["factors_trace"])
                EXPECT_NE(trace.find(t.get<std::string>()), std::string::npos) << t;
            EXPECT_NE(trace.find("severity"), std::string::npos);
            EXPECT_NE(trace.find("extent"), std::string::npos);
            EXPECT_NE(trace.find("irreversibility"), std::string::npos);
            EXPECT_NE(trace.find("likelihood"), std::string::npos);
            if (e["severity"]["from"] == "inside") {
                ++inside;
                EXPECT_EQ(share, 1.0);
                EXPECT_EQ(e["severity"]["level"], "high");
            }
        }
    }
    EXPECT_GT(rated, 20u);
    EXPECT_GT(inside, 0u);  // the red-line and reserve sites are rated on a feature they are inside
}

// run.json records each table the assessment read, with its checksum (reproducibility): a changed
// materiality file named by $SITESCREEN_MATERIALITY is the one recorded, with its own digest.
TEST(E4Factors, RunJsonRecordsEachAssessmentTableWithItsChecksum) {
    TempDir dir;
    const std::string changed =
        dir.write("materiality.yaml", read_text(kFactors) + "\n# a local change: the digest must follow it\n");
    const std::string sites = dir.write("sites.csv", "id,lon,lat\nA,100.5,30.5\n");
    const std::string cmd = "SITESCREEN_MATERIALITY=" + sitescreen::testing::shell_quote(changed) + " " +
                            std::string(SITESCREEN_BINARY) + " screen -q --sites " +
                            sitescreen::testing::shell_quote(sites) + " --out " +
                            sitescreen::testing::shell_quote(dir.file("out")) +
                            " --formats data --buffers 1000 --no-avoidance --type plant";
    const auto run = sitescreen::testing::run_capture(cmd, dir);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const Json record = Json::parse(read_text(dir.file("out/run.json")));
    const Json& files = record.at("config_files");
    ASSERT_EQ(files.size(), 3u);
    std::map<std::string, Json> by_role;
    for (const Json& f : files) by_role[f.at("role").get<std::string>()] = f;
    ASSERT_EQ(by_role.count("activities") + by_role.count("ecosystems") + by_role.count("materiality"), 3u);
    EXPECT_EQ(by_role["materiality"]["file"], std::filesystem::absolute(changed).lexically_normal().string());
    EXPECT_EQ(by_role["materiality"]["sha256"], sha256_file(changed));
    EXPECT_NE(by_role["materiality"]["sha256"], sha256_file(kFactors));
    for (const char* role : {"activities", "ecosystems"}) {
        const std::string file = by_role[role]["file"];
        EXPECT_TRUE(std::filesystem::exists(file)) << role << ": " << file;
        EXPECT_EQ(by_role[role]["sha256"], sha256_file(file)) << role;
    }
}
