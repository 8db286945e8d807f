// TNFD core global disclosure metrics (docs/leap.md, "TNFD metrics"): a site's metrics from
// hand-made inputs, and the portfolio table for three sample sites against a hand computation.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "geo/site_geometry.h"
#include "i18n/messages.h"
#include "report/record_line.h"
#include "screen/assess.h"
#include "screen/profile.h"
#include "screen/tnfd_metrics.h"
#include "support/require.h"
#include "support/sample_sites.h"

using namespace sitescreen;
using sitescreen::testing::read_all;
using sitescreen::testing::shipped_layers;
namespace fs = std::filesystem;

namespace {

constexpr double kPi = 3.14159265358979323846;

// A bare point site with no layers measured.
SiteResult bare_point() {
    SiteResult r;
    r.site.id = "x";
    r.site.lonlat = {110.0, 30.0};
    r.geometry = make_site_geometry(r.site.lonlat, nullptr, {1000.0});
    return r;
}

const Json& row(const Json& table, const std::string& metric) {
    for (const auto& r : table["metrics"])
        if (r["metric"] == metric) return r;
    static const Json none;
    return none;
}

// Sum of the class shares of zone `natural` of the land-cover layer, measured by the public
// screen() with one buffer of `radius_m` (a polygon site's footprint grown by it).
double natural_share_by_screen(Screener& screener, const Site& site, double radius_m) {
    const SiteResult m = screener.screen(site, {radius_m});
    for (const auto& o : m.layers)
        if (o.spec->id == "landcover_modis" && o.raster()) {
            double share = 0;
            for (const auto& [value, frac] : o.raster()->buffers.front().class_shares)
                if (o.spec->classes.at(value).zone == "natural") share += frac;
            return share;
        }
    ADD_FAILURE() << "no landcover_modis layer";
    return 0;
}

}  // namespace

TEST(TnfdMetrics, BarePointHasNoAreaMetricAndSaysWhatIsMissing) {
    MetricInputs in;
    in.footprint_attribute = "footprint_ha";
    const SiteMetrics m = site_metrics(bare_point(), in, std::nullopt);
    for (TnfdMetric k :
         {TnfdMetric::TotalSpatialFootprint, TnfdMetric::LandUseChangeNatural, TnfdMetric::LandUseChangeSensitive}) {
        EXPECT_FALSE(m[k].value) << static_cast<int>(k);
        EXPECT_EQ(m[k].not_available.rfind("not available: a point site without a footprint", 0), 0u)
            << static_cast<int>(k);
    }
    EXPECT_FALSE(m[TnfdMetric::WaterWithdrawalScarce].value);
    EXPECT_NE(m[TnfdMetric::WaterWithdrawalScarce].not_available.find("no annual withdrawal"), std::string::npos);
    // The record says the same (result.cpp's serializer).
    const Json j = to_json(m);
    EXPECT_TRUE(j["total_spatial_footprint"]["value"].is_null());
    EXPECT_EQ(j["total_spatial_footprint"]["not_available"], m[TnfdMetric::TotalSpatialFootprint].not_available);
    EXPECT_FALSE(j["total_spatial_footprint"].contains("from"));
    EXPECT_TRUE(j["water_withdrawal_scarce"]["scarce"].is_null());
}

TEST(TnfdMetrics, WithdrawalCountsOnlyWhereWaterIsScarce) {
    MetricInputs in;
    in.withdrawal_m3 = 1.5e6;
    in.high_bws_cat = 3;
    in.bws_cat = 3;  // high: 40-80 % of supply withdrawn
    const auto withdrawal = [&] { return site_metrics(bare_point(), in, std::nullopt); };
    EXPECT_EQ(withdrawal()[TnfdMetric::WaterWithdrawalScarce].value, 1.5e6);
    EXPECT_EQ(withdrawal().scarce, true);
    in.bws_cat = 2;  // medium-high: not scarce
    EXPECT_EQ(withdrawal()[TnfdMetric::WaterWithdrawalScarce].value, 0.0);
    EXPECT_EQ(withdrawal().scarce, false);
    EXPECT_EQ(to_json(withdrawal())["water_withdrawal_scarce"]["scarce"], false);
    in.bws_cat = -1;
    in.arid = true;  // arid and low water use: scarce
    EXPECT_EQ(withdrawal()[TnfdMetric::WaterWithdrawalScarce].value, 1.5e6);
    in.bws_cat.reset();
    in.arid = false;  // outside every water-stress unit
    const SiteMetrics m = withdrawal();
    EXPECT_FALSE(m[TnfdMetric::WaterWithdrawalScarce].value);
    EXPECT_FALSE(m.scarce);
    EXPECT_NE(m[TnfdMetric::WaterWithdrawalScarce].not_available.find("no water-stress unit"), std::string::npos);
}

TEST(TnfdMetrics, DeclaredFootprintTimesNaturalShare) {
    MetricInputs in;
    in.declared_footprint_ha = 80.0;
    FootprintLandCover land;
    land.layer = "lc";
    land.valid_share = 1.0;
    land.natural_share = 0.25;
    const SiteMetrics m = site_metrics(bare_point(), in, land);
    EXPECT_EQ(m[TnfdMetric::TotalSpatialFootprint].value, 80.0);
    EXPECT_EQ(m[TnfdMetric::LandUseChangeNatural].value, 20.0);  // 80 ha x 0.25
    // No layer measured: nothing is known to be near the point, so a disc of 80 ha is outside all.
    EXPECT_EQ(m[TnfdMetric::LandUseChangeSensitive].value, 0.0);
    EXPECT_EQ(m.sensitive_upper_ha, 0.0);
    const Json j = to_json(m);
    EXPECT_EQ(j["land_use_change_natural"]["value"], 20.0);
    EXPECT_EQ(j["land_use_change_natural"]["land_cover_layer"], "lc");
    EXPECT_EQ(j["land_use_change_natural"]["natural_share"], 0.25);
    EXPECT_EQ(j["land_use_change_sensitive"]["upper_bound"], 0.0);
}

TEST(TnfdMetrics, TheReportStatesEachMethodAsRunJsonDoes) {
    const Json table = to_json(TnfdTable().summary());
    ASSERT_EQ(table["metrics"].size(), 4u);
    for (const auto& r : table["metrics"])
        EXPECT_EQ(i18n::catalog(i18n::Lang::En).text("portfolio.tnfd.method_text." + r["metric"].get<std::string>()),
                  r["method"])
            << r["metric"];
}

TEST(TnfdMetrics, PortfolioTableMatchesAHandComputationForThreeSampleSites) {
    const std::string dir = std::string(SITESCREEN_SOURCE_DIR);
    const std::string csv = dir + "/sample_sites/candidates.csv",
                      polys = dir + "/sample_sites/candidates_polygons.geojson";
    SITESCREEN_REQUIRE(fs::exists(csv), csv, "the sample sites ship in the repository: restore them with git");
    SITESCREEN_REQUIRE(shipped_layers() != nullptr, "layers/catalog.yaml", "the shipped pack: restore it with git");
    auto layers = shipped_layers();
    const Assessor assessor(load_profiles(dir + "/config/profiles"), layers);
    Screener screener(layers, ScreenOptions{});
    std::vector<Site> sites = read_all(csv);
    for (auto& s : read_all(polys)) sites.push_back(s);
    auto site = [&](const std::string& id) {
        for (const auto& s : sites)
            if (s.id == id) return s;
        ADD_FAILURE() << id;
        return Site{};
    };

    Portfolio portfolio;
    std::map<std::string, Json> rec;
    for (const char* id : {"C01", "C07", "P01"}) {
        const Site s = site(id);
        SiteResult r = screener.screen(s, assessor.radii_for(s.type));
        assessor.assess(r, screener);
        portfolio.add(r);
        rec[id] = site_record(r, ScreenOptions{});
        ASSERT_EQ(rec[id]["status"], "ok") << id;
    }
    const Json table = portfolio.summary()["tnfd"];

    // Inputs read from the records themselves.
    double p01_area_m2 = 0, p01_largest_overlap_m2 = 0;
    for (const auto& l : rec["P01"]["layers"])
        if (l["kind"] == "vector" && l.contains("footprint")) {
            p01_area_m2 = l["footprint"]["area_m2"].get<double>();
            if (l["criterion"] == "biodiversity_importance")
                p01_largest_overlap_m2 =
                    std::max(p01_largest_overlap_m2, l["footprint"]["overlap_area_m2"].get<double>());
        }
    ASSERT_GT(p01_area_m2, 0);
    ASSERT_GT(p01_largest_overlap_m2, 0) << "P01 straddles a red line";
    const double c07_bws = rec["C07"]["evaluate"]["e3"]["bws_cat"].get<double>();
    const double c01_bws = rec["C01"]["evaluate"]["e3"]["bws_cat"].get<double>();
    ASSERT_EQ(c07_bws, 4) << "C07 is in an extremely high water-stress unit";
    ASSERT_LT(c01_bws, 3) << "C01 is not in a water-scarce unit";

    // C1.0: C01 declares 60 ha, C07 70 ha; P01 is a polygon of p01_area_m2 / 1e4 ha.
    const double footprint = 60.0 + 70.0 + p01_area_m2 / 1e4;
    EXPECT_NEAR(row(table, "total_spatial_footprint")["value"].get<double>(), footprint, 0.01);
    EXPECT_EQ(row(table, "total_spatial_footprint")["sites_with_value"], 3);

    // C1.1 natural: each footprint x its natural share, re-measured here through screen(): C01 and C07
    // as discs of their declared areas (r = sqrt(A / pi): 437.0 m for 60 ha, 472.0 m for 70 ha), P01 as
    // its footprint grown by 1 m.
    const double s01 = natural_share_by_screen(screener, site("C01"), std::sqrt(60.0e4 / kPi));
    const double s07 = natural_share_by_screen(screener, site("C07"), std::sqrt(70.0e4 / kPi));
    const double sp1 = natural_share_by_screen(screener, site("P01"), 1.0);
    const double natural = 60.0 * s01 + 70.0 * s07 + p01_area_m2 / 1e4 * sp1;
    EXPECT_NEAR(row(table, "land_use_change_natural")["value"].get<double>(), natural, 0.01);
    EXPECT_GT(s01, 0.5) << "C01 is on the forested Qinling south slope";

    // C1.1 sensitive: C01 is a point inside a red line (not available); C07's nearest biodiversity
    // feature is farther than 472 m (0 ha); P01: its largest single-layer footprint overlap.
    double c07_nearest = 1e300;
    for (const auto& l : rec["C07"]["layers"])
        if (l["criterion"] == "biodiversity_importance" && l["nearest"]["distance_m"].is_number())
            c07_nearest = std::min(c07_nearest, l["nearest"]["distance_m"].get<double>());
    ASSERT_GT(c07_nearest, std::sqrt(70.0e4 / kPi));
    EXPECT_NEAR(row(table, "land_use_change_sensitive")["value"].get<double>(), 0.0 + p01_largest_overlap_m2 / 1e4,
                0.01);
    EXPECT_EQ(row(table, "land_use_change_sensitive")["sites_not_available"], 1);

    // C3.0: C01 withdraws 150,000 x 2.9 = 435,000 m3 in a unit below high (0); C07 withdraws
    // 100,000 x 15 = 1,500,000 m3 at bws_cat 4 (all of it); P01 declares no output (not available).
    EXPECT_NEAR(row(table, "water_withdrawal_scarce")["value"].get<double>(), 0.0 + 1500000.0, 0.1);
    EXPECT_EQ(row(table, "water_withdrawal_scarce")["sites_with_value"], 2);
    EXPECT_EQ(row(table, "water_withdrawal_scarce")["sites_not_available"], 1);

    // Sensitive-location counts: C01 and P01 are inside a red line.
    EXPECT_EQ(table["sensitive_locations"]["themes"]["red_line"]["sites_inside"], 2);
    EXPECT_NEAR(table["sensitive_locations"]["themes"]["red_line"]["footprint_ha_of_sites_inside"].get<double>(),
                60.0 + p01_area_m2 / 1e4, 0.01);
}
