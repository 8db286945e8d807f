// The shipped land cover is the real NASA MODIS MCD12C1 2019 (IGBP) layer
// (issue 20): a site's land-cover finding comes from it, anywhere on Earth,
// and says the grid's resolution. Checked at known places against the cell
// read independently from the file (the gdallocationinfo arithmetic) and
// against the IGBP class verified with gdallocationinfo (layers/SOURCES.md).
#include <gtest/gtest.h>

#include <gdal.h>

#include <cmath>
#include <string>

#include "io/gdal_handles.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;

namespace {

const std::string kRoot = SITESCREEN_SOURCE_DIR;

// The cell under (lon, lat) of the 0.05 degree global grid, read with GDAL directly.
int cell_value(double lon, double lat) {
    gdal_init();
    const std::string path = kRoot + "/layers/landcover/modis_mcd12c1_2019_igbp_0p05.tif";
    DatasetPtr ds(GDALOpen(path.c_str(), GA_ReadOnly));
    if (!ds) return -1;
    double gt[6];
    GDALGetGeoTransform(ds.get(), gt);
    const int col = static_cast<int>(std::floor((lon - gt[0]) / gt[1]));
    const int row = static_cast<int>(std::floor((lat - gt[3]) / gt[5]));
    unsigned char v = 0;
    if (GDALRasterIO(GDALGetRasterBand(ds.get(), 1), GF_Read, col, row, 1, 1, &v, 1, 1, GDT_Byte, 0, 0) != CE_None)
        return -1;
    return v;
}

struct Place {
    const char* id;
    double lon, lat;
    int igbp;           // verified with gdallocationinfo -valonly -wgs84 (layers/SOURCES.md)
    const char* label;  // config/presets.yaml, modis_igbp
    bool natural;
};

const Place kPlaces[] = {
    {"FOREST_AMAZON", -62.0, -3.5, 2, "Evergreen broadleaf forests", true},
    {"FOREST_XISHUANGBANNA", 101.3, 21.9, 2, "Evergreen broadleaf forests", true},
    {"CITY_BEIJING", 116.40, 39.91, 13, "Urban and built-up lands", false},
    {"CITY_LONDON", -0.12, 51.51, 13, "Urban and built-up lands", false},
    {"DESERT_TAKLIMAKAN", 83.0, 39.0, 16, "Barren", true},
    {"DESERT_SAHARA", 5.0, 25.0, 16, "Barren", true},
    {"CROP_HENGSHUI", 116.0, 37.0, 12, "Croplands", false},
};

}  // namespace

TEST(Modis, ShippedLandCoverAtKnownPlaces) {
    TempDir dir;
    std::string csv = "id,lon,lat\n";
    for (const Place& p : kPlaces)
        csv += std::string(p.id) + "," + std::to_string(p.lon) + "," + std::to_string(p.lat) + "\n";
    dir.write("sites.csv", csv);
    const Screening s = screen_cli(dir, "--sites " + shell_quote(dir.file("sites.csv")), kRoot + "/layers/catalog.yaml",
                                   dir.file("out"), "--formats data --no-avoidance --type plant");
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    for (const Place& p : kPlaces) {
        SCOPED_TRACE(p.id);
        EXPECT_EQ(cell_value(p.lon, p.lat), p.igbp);  // the file itself
        const Json* rec = s.site(p.id);
        ASSERT_NE(rec, nullptr);
        const Json* lc = nullptr;
        for (const auto& l : (*rec)["layers"])
            if (l["layer"] == "landcover_modis") lc = &l;
        ASSERT_NE(lc, nullptr);
        EXPECT_FALSE((*lc)["demo"].get<bool>());
        EXPECT_EQ((*lc)["value_at_site"].get<double>(), p.igbp);
        EXPECT_EQ((*lc)["class_at_site"], p.label);
        // The land-cover evidence: assessed, from this layer, with the grid's resolution said.
        const Json& crit = (*rec)["locate"]["l4"]["criteria"]["ecosystem_integrity"];
        ASSERT_TRUE(crit.is_object()) << (*rec)["locate"].dump();
        bool seen = false;
        for (const auto& e : crit["evidence"])
            if (e["layer"] == "landcover_modis") {
                seen = true;
                EXPECT_NE(e["status"], "not_assessed");
                EXPECT_EQ(e["class_at_site"], p.label);
                EXPECT_EQ(e["zone_at_site"], p.natural ? "natural" : p.igbp == 12 ? "cropland" : "modified");
                EXPECT_EQ(e["resolution"], "0.05 degree, about 5.5 km");
                EXPECT_NE(e["why"].get<std::string>().find("(at 0.05 degree, about 5.5 km)"), std::string::npos)
                    << e["why"];
            }
        EXPECT_TRUE(seen) << crit.dump();
        // 土地管理法 art. 37: a plant on cultivated land in China carries the cropland finding.
        bool cropland = false;
        for (const auto& f : (*rec)["verdict"]["findings"])
            if (f["rule"] == "cn_cropland.cultivated_land") {
                cropland = true;
                EXPECT_EQ(f["citation"]["article"], "art. 37");
                EXPECT_EQ(f["outcome"], "conditional");
            }
        EXPECT_EQ(cropland, p.igbp == 12) << (*rec)["verdict"].dump();
    }
}

// The demonstration marker: `grep -c DEMO` finds it in summary.csv and sites.gpkg
// for a run on the shipped pack (which still has demonstration layers).
TEST(Modis, DemoMarkerInEveryOutputOfTheShippedPack) {
    TempDir dir;
    const std::string out = dir.file("out");
    const CommandResult r =
        run_capture(std::string(SITESCREEN_BINARY) + " screen --layers " + shell_quote(kRoot + "/layers/catalog.yaml") +
                        " --sites " + shell_quote(kRoot + "/sample_sites/candidates.csv") + " --out " +
                        shell_quote(out) + " --formats data,gpkg,portfolio --no-avoidance",
                    dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto grep_count = [&](const std::string& file) {
        const CommandResult g = run_capture("grep -c DEMO " + shell_quote(out + "/" + file), dir);
        return g.out.empty() ? 0 : std::stoi(g.out);
    };
    EXPECT_GT(grep_count("summary.csv"), 0);
    EXPECT_GT(grep_count("sites.gpkg"), 0);
    EXPECT_GT(grep_count("report.html"), 0);
    // summary.csv: the demo_data column, on every row (every site was screened against demo layers).
    const auto lines = split_lines(read_file(out + "/summary.csv"));
    ASSERT_GT(lines.size(), 1u);
    EXPECT_NE(lines[0].rfind(",demo_data"), std::string::npos) << lines[0];
    std::size_t with_findings = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        EXPECT_NE(lines[i].find("DEMO"), std::string::npos) << lines[i];
        with_findings += lines[i].find("DEMO findings: ") != std::string::npos;
    }
    // run.json and the closing line count them.
    const Json run = Json::parse(read_file(out + "/run.json"));
    EXPECT_EQ(run["sites"]["with_demo_data"], lines.size() - 1);
    EXPECT_EQ(run["sites"]["with_demo_findings"], with_findings);
    EXPECT_GT(with_findings, 0u);
    EXPECT_NE(r.err.find(std::to_string(lines.size() - 1) + " with DEMO data (" + std::to_string(with_findings) +
                         " with findings from demonstration layers)"),
              std::string::npos)
        << r.err;
    // A demonstration feature's name never travels without the marker.
    for (const auto& rec : parse_jsonl(read_file(out + "/sites.jsonl"))) {
        for (const auto& l : rec["layers"]) {
            if (!l.value("demo", false)) continue;
            for (const auto& f : l["inside_features"])
                EXPECT_NE(f["name"].get<std::string>().find("[DEMO]"), std::string::npos) << f.dump();
        }
    }
}
