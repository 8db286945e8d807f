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
#include "screen/profile.h"
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
        ASSERT_TRUE(r.evaluate);
        for (const DriverRating& d : r.evaluate->ratings.drivers) {
            if (!d.verdict_level) {  // not rated against the place (GHG, not material)
                EXPECT_FALSE(d.factors) << to_string(d.driver);
                continue;
            }
            SCOPED_TRACE(to_string(d.driver));
            ++rated;
            ASSERT_TRUE(d.factors);
            const RatingFactors& x = *d.factors;
            // Severity: the band of the affected share.
            const double share = x.affected_share;
            EXPECT_EQ(x.severity, share >= f.severity_high     ? ImpactLevel::High
                                  : share >= f.severity_medium ? ImpactLevel::Medium
                                                               : ImpactLevel::Low);
            // Extent: footprint x affected share.
            const std::optional<double>& fp = r.evaluate->figures.site.footprint_ha;
            if (fp) {
                ASSERT_TRUE(x.area_ha);
                EXPECT_NEAR(*x.area_ha, *fp * share, 0.001);
            } else {
                EXPECT_FALSE(x.area_ha);
            }
            // Irreversibility: the theme's, as data.
            const auto it = f.irreversibility.find(x.theme);
            EXPECT_EQ(x.irreversibility, it == f.irreversibility.end() ? f.irreversibility_default : it->second);
            EXPECT_EQ(x.irreversibility_by_theme, it != f.irreversibility.end());
            // Likelihood: from the exposure of the rating's receptor, which is the E2 pair's.
            EXPECT_EQ(x.likelihood, f.likelihood[static_cast<std::size_t>(x.exposure)]);
            bool pair_found = false;
            for (const DriverPair& p : r.evaluate->pairs)
                if (p.driver == d.driver && p.rating == d.rating && p.exposure == x.exposure) pair_found = true;
            EXPECT_TRUE(pair_found);
            // The trace states all four.
            ASSERT_EQ(x.trace.size(), 4u);
            for (const std::string& t : x.trace) EXPECT_NE(d.trace.find(t), std::string::npos) << t;
            EXPECT_NE(d.trace.find("severity"), std::string::npos);
            EXPECT_NE(d.trace.find("extent"), std::string::npos);
            EXPECT_NE(d.trace.find("irreversibility"), std::string::npos);
            EXPECT_NE(d.trace.find("likelihood"), std::string::npos);
            if (x.severity_from == SeverityBasis::Inside) {
                ++inside;
                EXPECT_EQ(share, 1.0);
                EXPECT_EQ(x.severity, ImpactLevel::High);
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
