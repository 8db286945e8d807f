// Site input faults (issue 7): each bad site becomes an error row naming its line or feature and field,
// every other site is still screened; faults of the file as a whole stop the run with exit 1.
#include <gtest/gtest.h>

#include <iconv.h>

#include <any>
#include <filesystem>
#include <string>
#include <vector>

#include "io/gdal_handles.h"
#include "io/site_reader.h"
#include "report/record_line.h"
#include "run/pipeline.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;
namespace fs = std::filesystem;

namespace {

// Every CSV case is framed by two good rows: A inside the square reserve and
// Z about 96 km east of it. Their results must come out right whatever fails between them.
constexpr const char* kGoodFirst = "A,100.5,30.5";
constexpr const char* kGoodLast = "Z,102,30.5";

void expect_inside(const Screening& s, const std::string& id) {
    const Json* r = s.site(id);
    ASSERT_NE(r, nullptr) << "no row for site " << id;
    ASSERT_EQ((*r)["status"], "ok") << (*r)["error"];
    ASSERT_EQ((*r)["layers"].size(), 1u);
    const Json& layer = (*r)["layers"][0];
    EXPECT_EQ(layer["layer"], "reserve");
    EXPECT_EQ(layer["inside"], true);
    EXPECT_EQ(layer["nearest"]["distance_m"], 0.0);
    EXPECT_EQ(layer["nearest"]["feature_id"], "R1");
}

void expect_outside_96km(const Screening& s, const std::string& id) {
    const Json* r = s.site(id);
    ASSERT_NE(r, nullptr) << "no row for site " << id;
    ASSERT_EQ((*r)["status"], "ok") << (*r)["error"];
    ASSERT_EQ((*r)["layers"].size(), 1u);
    const Json& layer = (*r)["layers"][0];
    EXPECT_EQ(layer["inside"], false);
    // One degree of longitude at 30.5 N on WGS 84 is 96.0 km.
    EXPECT_NEAR(layer["nearest"]["distance_m"].get<double>(), 96000.0, 300.0);
    EXPECT_EQ(layer["nearest"]["feature_id"], "R1");
}

// All rows present, in input order, in sites.jsonl and summary.csv, and counted in run.json.
void expect_rows(const Screening& s, const std::string& out_dir, std::size_t n, std::size_t errors) {
    ASSERT_EQ(s.sites.size(), n) << s.cmd.err;
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(s.sites[i]["index"], i);
    EXPECT_EQ(split_lines(read_file(out_dir + "/summary.csv")).size(), n + 1);
    ASSERT_TRUE(s.run.is_object());
    EXPECT_EQ(s.run["sites"]["total"], n);
    EXPECT_EQ(s.run["sites"]["error"], errors);
    EXPECT_EQ(s.run["sites"]["ok"], n - errors);
}

const Json& row(const Screening& s, std::size_t index) { return s.sites.at(index); }

std::string utf8_to_gbk(const std::string& utf8) {
    iconv_t cd = iconv_open("GBK", "UTF-8");
    EXPECT_NE(cd, reinterpret_cast<iconv_t>(-1));
    std::string out(utf8.size() * 2 + 4, '\0');
    char* src = const_cast<char*>(utf8.data());
    std::size_t src_left = utf8.size();
    char* dst = out.data();
    std::size_t dst_left = out.size();
    EXPECT_NE(iconv(cd, &src, &src_left, &dst, &dst_left), static_cast<std::size_t>(-1));
    iconv_close(cd);
    out.resize(out.size() - dst_left);
    return out;
}

class SiteInput : public ::testing::Test {
protected:
    TempDir dir;
    std::string catalog = write_square_catalog(dir);
    std::string out = dir.file("out");

    Screening screen(const std::string& sites_path, const std::string& args = "") {
        return screen_cli(dir, "--sites " + shell_quote(sites_path) + " " + args, catalog, out);
    }
    // A CSV of the good first row, `middle` rows, and the good last row.
    std::string framed_csv(const std::string& middle, const std::string& header = "id,lon,lat") {
        return dir.write("sites.csv", header + "\n" + kGoodFirst + "\n" + middle + "\n" + kGoodLast + "\n");
    }
};

// ---------------------------------------------------------------- the file as a whole

TEST_F(SiteInput, EmptyFileCannotRun) {
    const Screening s = screen(dir.write("sites.csv", ""));
    EXPECT_EQ(s.cmd.exit_code, 1);
    EXPECT_NE(s.cmd.err.find("sites.csv: the file is empty (expected a header line such as id,lon,lat)"),
              std::string::npos)
        << s.cmd.err;
    EXPECT_FALSE(fs::exists(out + "/sites.jsonl"));
}

TEST_F(SiteInput, HeaderOnlyGivesEmptyButCompleteOutputs) {
    const Screening s = screen(dir.write("sites.csv", "id,lon,lat\r\n"));
    EXPECT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_NE(s.cmd.err.find("screened 0 sites"), std::string::npos) << s.cmd.err;
    expect_rows(s, out, 0, 0);
    EXPECT_TRUE(fs::exists(out + "/sites.jsonl"));
    EXPECT_EQ(read_file(out + "/sites.jsonl"), "");
}

TEST_F(SiteInput, MissingCoordinateColumnsListsTheColumnsFound) {
    const Screening s = screen(dir.write("sites.csv", "id,easting,northing,名称\nA,100.5,30.5,x\n"));
    EXPECT_EQ(s.cmd.exit_code, 1);
    EXPECT_NE(s.cmd.err.find("sites.csv:1: no longitude column"), std::string::npos) << s.cmd.err;
    EXPECT_NE(s.cmd.err.find("columns found: 'id', 'easting', 'northing', '名称'"), std::string::npos) << s.cmd.err;
    EXPECT_NE(s.cmd.err.find("--lon-field"), std::string::npos) << s.cmd.err;
    EXPECT_FALSE(fs::exists(out + "/sites.jsonl"));
}

TEST_F(SiteInput, NamedColumnsAreUsedAndAMissingOneIsNamed) {
    const std::string path = dir.write("sites.csv", "id,easting,northing\nA,100.5,30.5\nZ,102,30.5\n");
    const Screening ok = screen(path, "--lon-field easting --lat-field Northing");
    EXPECT_EQ(ok.cmd.exit_code, 0) << ok.cmd.err;
    expect_inside(ok, "A");
    expect_outside_96km(ok, "Z");

    const Screening bad = screen(path, "--overwrite --lon-field easting --lat-field lat");
    EXPECT_EQ(bad.cmd.exit_code, 1);
    EXPECT_NE(bad.cmd.err.find(
                  "sites.csv:1: no column named 'lat' for the latitude (columns found: 'id', 'easting', 'northing')"),
              std::string::npos)
        << bad.cmd.err;
}

TEST_F(SiteInput, FileThatDoesNotExist) {
    for (const std::string name : {"nothere.csv", "nothere.geojson"}) {
        const Screening s = screen(dir.file(name));
        EXPECT_EQ(s.cmd.exit_code, 1) << name;
        EXPECT_NE(s.cmd.err.find(name + ": file not found"), std::string::npos) << s.cmd.err;
    }
}

// Tests run as root, so chmod 000 does not stop reading: a folder where a file is expected does.
TEST_F(SiteInput, FileThatCannotBeRead) {
    fs::create_directories(dir.file("folder.csv"));
    const Screening csv = screen(dir.file("folder.csv"));
    EXPECT_EQ(csv.cmd.exit_code, 1);
    EXPECT_NE(csv.cmd.err.find("folder.csv: is a folder, not a CSV file"), std::string::npos) << csv.cmd.err;

    fs::create_directories(dir.file("folder.geojson"));
    const Screening gj = screen(dir.file("folder.geojson"));
    EXPECT_EQ(gj.cmd.exit_code, 1);
    EXPECT_NE(gj.cmd.err.find("folder.geojson: not a readable vector dataset"), std::string::npos) << gj.cmd.err;
    EXPECT_FALSE(fs::exists(out + "/sites.jsonl"));
}

TEST_F(SiteInput, GeoJsonThatIsNotJsonNamesTheFile) {
    const std::string path =
        dir.write("sites.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature",)");
    const Screening s = screen(path);
    EXPECT_EQ(s.cmd.exit_code, 1);
    EXPECT_NE(s.cmd.err.find("sitescreen: error: " + path + ": not a readable vector dataset"), std::string::npos)
        << s.cmd.err;
    EXPECT_FALSE(fs::exists(out + "/sites.jsonl"));
}

// ---------------------------------------------------------------- bad coordinates: one error row each

struct BadRow {
    const char* name;
    const char* row;      // the CSV row (line 3 of the file)
    const char* message;  // the expected error, after "<file>:3: "
};

// Test names in ctest show the case, not the struct's bytes.
void PrintTo(const BadRow& r, std::ostream* os) { *os << r.name << ": " << r.row; }

class BadCoordinate : public SiteInput, public ::testing::WithParamInterface<BadRow> {};

TEST_P(BadCoordinate, BecomesAnErrorRowNamingLineAndField) {
    const BadRow& c = GetParam();
    const std::string path = framed_csv(c.row);
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 3, 1);
    const Json& bad = row(s, 1);
    EXPECT_EQ(bad["status"], "error");
    EXPECT_EQ(bad["id"], "B");
    EXPECT_EQ(bad["source"], path + ":3");
    EXPECT_EQ(bad["error"], path + ":3: " + c.message);
    EXPECT_TRUE(bad["lon"].is_null());
    EXPECT_TRUE(bad["layers"].empty());
    EXPECT_EQ(s.run["sites"]["errors"], Json::array({path + ":3: " + c.message}));
    EXPECT_NE(s.cmd.err.find("site errors (1):\n  " + path + ":3: " + c.message), std::string::npos) << s.cmd.err;
    expect_inside(s, "A");
    expect_outside_96km(s, "Z");
}

INSTANTIATE_TEST_SUITE_P(
    Csv, BadCoordinate,
    ::testing::Values(
        BadRow{"NonNumeric", "B,east,30.5", "field 'lon': 'east' is not a number"},
        BadRow{"TrailingText", "B,100.5,30.5N", "field 'lat': '30.5N' is not a number"},
        BadRow{"Empty", "B,,30.5", "field 'lon': is empty"}, BadRow{"Blank", "B,100.5,   ", "field 'lat': is empty"},
        BadRow{"NaN", "B,NaN,30.5", "field 'lon': 'NaN' is not a coordinate"},
        BadRow{"Infinite", "B,100.5,inf", "field 'lat': 'inf' is not a coordinate"},
        BadRow{"NegativeInfinity", "B,-Infinity,30.5", "field 'lon': '-Infinity' is not a coordinate"},
        BadRow{"Overflow", "B,1e999,30.5", "field 'lon': '1e999' is not a number"},
        BadRow{"LatitudeOutOfRangeColumnsSwapped", "B,30.5,100.5",
               "field 'lat': latitude '100.5' is outside [-90, 90] (columns swapped?)"},
        BadRow{"LatitudeOutOfRangeProjected", "B,500000,3300000",
               "field 'lat': latitude '3300000' is outside [-90, 90] (projected coordinates? give --crs)"},
        BadRow{"LongitudeOutOfRange", "B,180.5,30.5",
               "field 'lon': longitude '180.5' is outside [-180, 180] (projected coordinates? give --crs)"},
        BadRow{"ExtraField", "B,100.5,30.5,x", "4 fields, the header has 3 (a delimiter inside an unquoted field?)"},
        BadRow{"MissingField", "B,100.5", "2 fields, the header has 3 (a delimiter inside an unquoted field?)"}),
    [](const ::testing::TestParamInfo<BadRow>& p) { return std::string(p.param.name); });

// ---------------------------------------------------------------- numbers and text as spreadsheets write them

TEST(ParseCoordinate, SpreadsheetNumbers) {
    std::string why;
    EXPECT_EQ(parse_coordinate(" 116.39 ", why), 116.39);
    EXPECT_EQ(parse_coordinate("\xE2\x88\x92"
                               "33.5",
                               why),
              -33.5);  // U+2212 MINUS SIGN
    EXPECT_EQ(parse_coordinate("\xE2\x80\x93"
                               "33.5",
                               why),
              -33.5);                                    // U+2013 EN DASH
    EXPECT_EQ(parse_coordinate("116,39", why), 116.39);  // comma decimal separator
    EXPECT_EQ(parse_coordinate("\xE2\x88\x92"
                               "0,5",
                               why),
              -0.5);
    EXPECT_EQ(parse_coordinate("1.5e1", why), 15.0);
    for (const char* bad :
         {"", "  ", "1,234.5", "1,2,3", "nan", "NaN", "inf", "-inf", "Infinity", "#N/A", "1e400", "0x", "12abc"}) {
        why.clear();
        EXPECT_FALSE(parse_coordinate(bad, why)) << bad;
        EXPECT_FALSE(why.empty()) << bad;
    }
}

TEST_F(SiteInput, UnicodeMinusAndCommaDecimalsAreParsed) {
    // Western hemisphere site typed with a Unicode minus; European decimals in quotes.
    const std::string path = framed_csv(
        "B,\xE2\x88\x92"
        "100.5,30.5\nC,\"100,75\",\"30,25\"");
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 4, 0);
    EXPECT_EQ(row(s, 1)["lon"], -100.5);
    EXPECT_EQ(row(s, 1)["attributes"]["lon"],
              "\xE2\x88\x92"
              "100.5");  // kept as typed
    EXPECT_EQ(row(s, 2)["lon"], 100.75);
    EXPECT_EQ(row(s, 2)["lat"], 30.25);
    EXPECT_EQ(row(s, 2)["layers"][0]["inside"], true);
    expect_inside(s, "A");
    expect_outside_96km(s, "Z");
}

TEST_F(SiteInput, SemicolonCsvWithCommaDecimals) {
    const std::string path = dir.write("sites.csv", "id;lon;lat\nA;100,5;30,5\nZ;102;30,5\n");
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 2, 0);
    expect_inside(s, "A");
    expect_outside_96km(s, "Z");
}

TEST_F(SiteInput, DuplicateIdsAreReportedAndBothKept) {
    const std::string path = framed_csv("A,102,30.5");  // a second "A", outside
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 3, 0);
    EXPECT_EQ(row(s, 0)["id"], "A");
    EXPECT_EQ(row(s, 1)["id"], "A");
    EXPECT_EQ(row(s, 0)["layers"][0]["inside"], true);  // each keeps its own result
    EXPECT_EQ(row(s, 1)["layers"][0]["inside"], false);
    EXPECT_EQ(row(s, 1)["source"], path + ":3");
    EXPECT_EQ(s.run["sites"]["duplicate_ids"], 1);
    EXPECT_EQ(s.run["sites"]["duplicate_id_examples"], Json::array({"A"}));
    EXPECT_NE(s.cmd.err.find("warning: 1 site(s) reuse an id seen earlier; each is kept as its own row (see index):\n"
                             "  id 'A' at " +
                             path + ":3 (first at " + path + ":2)\n"),
              std::string::npos)
        << s.cmd.err;
    EXPECT_EQ(s.run["sites"]["duplicate_id_lines"],
              Json::parse("[{\"id\": \"A\", \"where\": \"" + path + ":3\", \"first\": \"" + path + ":2\"}]"));
    const auto summary = split_lines(read_file(out + "/summary.csv"));
    ASSERT_EQ(summary.size(), 4u);
    EXPECT_EQ(summary[1].rfind("A,100.5,30.5,plant,ok,,true,0,", 0), 0u) << summary[1];
    EXPECT_EQ(summary[2].rfind("A,102,30.5,plant,ok,,false,", 0), 0u) << summary[2];
    expect_outside_96km(s, "Z");
}

TEST_F(SiteInput, BomCrlfAndQuotedFieldsKeepLineNumbers) {
    const std::string path = dir.write("sites.csv",
                                       "\xEF\xBB\xBFid,name,lon,lat\r\n"
                                       "A,\"Plant, north\",100.5,30.5\r\n"
                                       "B,\"two\r\nline \"\"name\"\"\nthree\",100.6,30.6\r\n"  // lines 3-5
                                       "C,c,east,30.5\r\n"                                     // line 6
                                       "\r\n"                                                  // blank: not a site
                                       "Z,z,102,30.5\r\n");                                    // line 8
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 4, 1);
    EXPECT_EQ(row(s, 0)["attributes"], Json::parse(R"({"id":"A","name":"Plant, north","lon":"100.5","lat":"30.5"})"));
    EXPECT_EQ(row(s, 1)["attributes"]["name"], "two\r\nline \"name\"\nthree");
    EXPECT_EQ(row(s, 1)["status"], "ok");
    EXPECT_EQ(row(s, 1)["source"], path + ":3");
    EXPECT_EQ(row(s, 2)["error"], path + ":6: field 'lon': 'east' is not a number");
    EXPECT_EQ(row(s, 3)["source"], path + ":8");
    expect_inside(s, "A");
    expect_inside(s, "B");
    expect_outside_96km(s, "Z");
}

TEST_F(SiteInput, UnclosedQuoteAtEndOfFileIsAnErrorRow) {
    const std::string path = dir.write("sites.csv", std::string("id,name,lon,lat\n") + "A,a,100.5,30.5\n" +
                                                        "Z,z,102,30.5\n" + "B,\"never closed,100.6,30.6\n");
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 3, 1);
    EXPECT_EQ(row(s, 2)["error"], path + ":4: a quoted field is not closed before the end of the file");
    expect_inside(s, "A");
    expect_outside_96km(s, "Z");
}

TEST_F(SiteInput, GbkNamesAreDecodedWithANote) {
    const std::string path = dir.write("sites.csv", utf8_to_gbk("id,名称,lon,lat\nA,秦岭电池厂,100.5,30.5\n"
                                                                "B,卧龙,100.6,30.6\nZ,长白,102,30.5\n"));
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 3, 0);
    EXPECT_EQ(row(s, 0)["attributes"]["名称"], "秦岭电池厂");
    EXPECT_EQ(row(s, 1)["attributes"]["名称"], "卧龙");
    EXPECT_EQ(row(s, 2)["attributes"]["名称"], "长白");
    const std::string note = path + ": 4 field(s) were not UTF-8 and were decoded as GBK/GB18030";
    EXPECT_EQ(s.run["notes"], Json::array({note}));
    EXPECT_NE(s.cmd.err.find("note: " + note), std::string::npos) << s.cmd.err;
    expect_inside(s, "A");
    expect_outside_96km(s, "Z");
}

TEST_F(SiteInput, TextThatIsNeitherUtf8NorGbkIsAnErrorRow) {
    // 0xFF never occurs in UTF-8 or GB18030.
    const std::string path =
        dir.write("sites.csv", "id,lon,lat,name\nA,100.5,30.5,a\nB,100.6,30.6,\xFF\xFE\nZ,102,30.5,z\n");
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 3, 1);
    EXPECT_EQ(row(s, 1)["error"], path + ":3: field 'name' is neither UTF-8 nor GBK text; save the file as UTF-8");
    expect_inside(s, "A");
    expect_outside_96km(s, "Z");
}

// A 1 GB line is not written here: the limit (SiteReaderOptions::max_record_bytes,
// 1 MiB by default) is what protects against it, and a 2.5 MiB line proves it works.
TEST_F(SiteInput, OverlongLineIsSkippedToItsEnd) {
    const std::string long_name(2 * 1024 * 1024 + 512 * 1024, 'x');
    const std::string path = dir.write("sites.csv", std::string("id,name,lon,lat\n") + "A,a,100.5,30.5\n" + "B,\"" +
                                                        long_name + "\n" + long_name + "\",100.6,30.6\n" +  // lines 3-4
                                                        "C,c,100.7,30.7\n" + "Z,z,102,30.5\n");
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 4, 1);
    EXPECT_EQ(row(s, 1)["id"], "line-3");
    EXPECT_EQ(row(s, 1)["type"], "plant");
    EXPECT_EQ(row(s, 1)["error"],
              path + ":3: record longer than 1048576 bytes (skipped; is this really a CSV of sites?)");
    EXPECT_EQ(row(s, 2)["source"], path + ":5");
    expect_inside(s, "A");
    expect_inside(s, "C");
    expect_outside_96km(s, "Z");
}

TEST(SiteReaderLimits, RecordLimitIsAnOption) {
    TempDir dir;
    SiteReaderOptions o;
    o.path = dir.write("s.csv", "id,lon,lat,note\nA,100.5,30.5," + std::string(100, 'n') + "\nB,1,2,n\n");
    o.max_record_bytes = 64;
    auto src = open_sites(o);
    Site s;
    ASSERT_TRUE(src->next(s));
    ASSERT_TRUE(s.error);
    EXPECT_NE(s.error->find("s.csv:2: record longer than 64 bytes"), std::string::npos) << *s.error;
    ASSERT_TRUE(src->next(s));
    EXPECT_FALSE(s.error);
    EXPECT_EQ(s.id, "B");
    EXPECT_EQ(s.lonlat.lat, 2.0);
    EXPECT_FALSE(src->next(s));
}

// ---------------------------------------------------------------- GIS files

TEST_F(SiteInput, NullAndEmptyGeometriesAreErrorRows) {
    const std::string path = dir.write(
        "sites.geojson", feature_collection({{R"({"id":"A"})", R"({"type":"Point","coordinates":[100.5,30.5]})"},
                                             {R"({"id":"N"})", "null"},
                                             {R"({"id":"E"})", R"({"type":"GeometryCollection","geometries":[]})"},
                                             {R"({"id":"M"})", R"({"type":"MultiPolygon","coordinates":[]})"},
                                             {R"({"id":"Z"})", R"({"type":"Point","coordinates":[102,30.5]})"}}));
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 5, 3);
    EXPECT_EQ(row(s, 1)["error"], path + ": feature 1: has no geometry (null)");
    EXPECT_EQ(row(s, 2)["error"], path + ": feature 2: has an empty geometry");
    EXPECT_EQ(row(s, 3)["error"], path + ": feature 3: has an empty geometry");
    EXPECT_EQ(row(s, 3)["id"], "M");
    // The record's geometry is what the input gave: nothing here, so null, not a made-up "point".
    EXPECT_EQ(row(s, 0)["geometry"], "point");
    for (int i : {1, 2, 3}) EXPECT_TRUE(row(s, i)["geometry"].is_null()) << row(s, i).dump();
    expect_inside(s, "A");
    expect_outside_96km(s, "Z");
}

TEST_F(SiteInput, ALineIsAnErrorRowWhoseGeometryIsNull) {
    const std::string path = dir.write(
        "sites.geojson",
        feature_collection({{R"({"id":"L"})", R"({"type":"LineString","coordinates":[[100.5,30.5],[100.6,30.6]]})"},
                            {R"({"id":"Z"})", R"({"type":"Point","coordinates":[102,30.5]})"}}));
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 2, 1);
    EXPECT_EQ(row(s, 0)["error"], path + ": feature 0: geometry type 'Line String' is not a point or polygon");
    EXPECT_TRUE(row(s, 0)["geometry"].is_null()) << row(s, 0).dump();
    EXPECT_EQ(row(s, 1)["geometry"], "point");
}

TEST_F(SiteInput, InvalidPolygonsAreErrorRowsWithTheReason) {
    const std::string path = dir.write(
        "sites.geojson",
        feature_collection(
            {{R"({"id":"A"})",
              R"({"type":"Polygon","coordinates":[[[100.4,30.4],[100.6,30.4],[100.6,30.6],[100.4,30.6],[100.4,30.4]]]})"},
             {R"({"id":"bowtie"})",
              R"({"type":"Polygon","coordinates":[[[100,30],[100.2,30.2],[100.2,30],[100,30.2],[100,30]]]})"},
             {R"({"id":"unclosed"})",
              R"({"type":"Polygon","coordinates":[[[100,30],[100.2,30],[100.2,30.2],[100,30.2]]]})"},
             {R"({"id":"Z"})", R"({"type":"Point","coordinates":[102,30.5]})"}}));
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 4, 2);
    EXPECT_EQ(row(s, 1)["error"], path +
                                      ": feature 1: invalid polygon (Self-intersection[100.1 30.1]); repair it (e.g. "
                                      "ogr2ogr -makevalid) and run again");
    EXPECT_EQ(row(s, 2)["error"], path +
                                      ": feature 2: invalid polygon (outer ring is not closed (its last point differs "
                                      "from its first)); repair it (e.g. ogr2ogr -makevalid) and run again");
    // Refused polygons are still polygons in the record.
    EXPECT_EQ(row(s, 1)["geometry"], "polygon");
    EXPECT_EQ(row(s, 2)["geometry"], "polygon");
    // The valid polygon site: inside, with its footprint fully covered.
    expect_inside(s, "A");
    EXPECT_EQ(row(s, 0)["geometry"], "polygon");
    EXPECT_NEAR(row(s, 0)["layers"][0]["footprint"]["overlap_share"].get<double>(), 1.0, 1e-9);
    expect_outside_96km(s, "Z");
}

// A shapefile written without its .prj: the CRS must be given.
std::string write_shapefile_without_prj(const TempDir& dir) {
    gdal_init();
    const std::string path = dir.file("sites.shp");
    DatasetPtr ds(GDALCreate(GDALGetDriverByName("ESRI Shapefile"), path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    EXPECT_TRUE(ds);
    OGRLayerH layer = GDALDatasetCreateLayer(ds.get(), "sites", nullptr, wkbPoint, nullptr);
    OGRFieldDefnH fd = OGR_Fld_Create("id", OFTString);
    OGR_L_CreateField(layer, fd, TRUE);
    OGR_Fld_Destroy(fd);
    for (auto [id, lon, lat] : {std::tuple{"A", 100.5, 30.5}, std::tuple{"Z", 102.0, 30.5}}) {
        FeaturePtr f(OGR_F_Create(OGR_L_GetLayerDefn(layer)));
        OGR_F_SetFieldString(f.get(), 0, id);
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, lon, lat);
        OGR_F_SetGeometryDirectly(f.get(), g);
        EXPECT_EQ(OGR_L_CreateFeature(layer, f.get()), OGRERR_NONE);
    }
    ds.reset();
    EXPECT_FALSE(fs::exists(dir.file("sites.prj")));
    return path;
}

TEST_F(SiteInput, VectorSitesWithoutCrsAskForCrs) {
    const std::string path = write_shapefile_without_prj(dir);
    const Screening s = screen(path);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 2, 2);
    EXPECT_EQ(row(s, 0)["error"],
              path + ": feature 0: the layer has no CRS; give it with --crs (e.g. --crs EPSG:4326)");

    const Screening given = screen(path, "--overwrite --crs EPSG:4326");
    ASSERT_EQ(given.cmd.exit_code, 0) << given.cmd.err;
    expect_rows(given, out, 2, 0);
    expect_inside(given, "A");
    expect_outside_96km(given, "Z");
}

TEST_F(SiteInput, ProjectedCsvWithCrs) {
    // UTM 47N (EPSG:32647) coordinates of (100.5, 30.5) and (102, 30.5), rounded to the metre.
    // B's northing (100 000 km) wraps around to a plausible-looking point unless checked.
    const std::string path =
        dir.write("sites.csv", "id,x,y\nA,643949,3375148\nB,500000,99999999\nC,1e30,-1e30\nZ,787946,3378020\n");
    const Screening s = screen(path, "--crs EPSG:32647");
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    expect_rows(s, out, 4, 2);
    EXPECT_EQ(row(s, 1)["error"], path +
                                      ":3: coordinates (500000, 99999999) are outside the area where EPSG:32647 is "
                                      "defined (wrong --crs, or columns swapped?)");
    EXPECT_EQ(row(s, 2)["error"],
              path + ":4: coordinates (1e30, -1e30) cannot be transformed from EPSG:32647 to WGS 84");
    EXPECT_NEAR(row(s, 0)["lon"].get<double>(), 100.5, 1e-4);
    EXPECT_NEAR(row(s, 0)["lat"].get<double>(), 30.5, 1e-4);
    expect_inside(s, "A");
    expect_outside_96km(s, "Z");
}

// ---------------------------------------------------------------- a site that throws

class CollectRows : public OutputWriter {
public:
    std::vector<Json> rows;  // the sites' records
    WriterPlan begin(const RunContext&) override {
        WriterPlan plan;
        plan.reads_result = true;
        return plan;
    }
    void write(const SiteOutput& s) override { rows.push_back(site_record(*s.result, ScreenOptions{})); }
    void finish(const RunSummary&) override {}
    void abort() noexcept override {}
};

// Whatever one site throws while it is screened or assessed, on any worker
// thread, becomes that site's error row; the others are screened.
TEST(SitePipeline, ASiteThatThrowsBecomesAnErrorRow) {
    TempDir dir;
    const auto layers = LayerSet::open(load_catalog(write_square_catalog(dir)));
    SiteReaderOptions o;
    o.path = dir.write("s.csv", "id,lon,lat\nA,100.5,30.5\nBOOM,100.6,30.6\nASSESS,100.7,30.7\nZ,102,30.5\n");
    o.default_type = "plant";
    auto sites = open_sites(o);
    ScreenOptions options;
    options.radii_m = {1000};
    PipelineConfig pc;
    pc.threads = 2;
    pc.radii_for = [](const Site& s) -> std::vector<double> {
        if (s.id == "BOOM") throw std::runtime_error("simulated failure");
        return {1000};
    };
    pc.assess = [](SiteResult& r, Screener&) {
        if (r.site.id == "ASSESS") throw std::logic_error("simulated assessment failure");
    };
    CollectRows out;
    const PipelineStats stats = run_pipeline(*sites, layers, options, pc, {{&out, out.begin(RunContext{})}});
    ASSERT_EQ(out.rows.size(), 4u);
    EXPECT_EQ(stats.total, 4u);
    EXPECT_EQ(stats.error, 2u);
    EXPECT_EQ(out.rows[1]["error"], o.path + ":3: cannot be screened: simulated failure");
    EXPECT_EQ(out.rows[2]["error"], o.path + ":4: assessment failed: simulated assessment failure");
    for (std::size_t i : {1, 2}) {
        EXPECT_EQ(out.rows[i]["status"], "error");
        EXPECT_TRUE(out.rows[i]["layers"].empty()) << i;  // error rows carry no findings
    }
    EXPECT_EQ(out.rows[0]["status"], "ok");
    EXPECT_EQ(out.rows[0]["layers"][0]["inside"], true);
    EXPECT_EQ(out.rows[3]["status"], "ok");
    EXPECT_NEAR(out.rows[3]["layers"][0]["nearest"]["distance_m"].get<double>(), 96000.0, 300.0);
}

// A writer whose write() reads only its digest: digest() sees the site's whole result and its typed
// answer on the screening thread; write() gets neither (its plan does not read the result).
class DigestLevels : public OutputWriter {
public:
    std::vector<std::string> seen;  // per site, in input order: what the digest saw
    std::vector<bool> result_in_write;
    WriterPlan begin(const RunContext&) override {
        WriterPlan plan;
        plan.digest = [](const SiteOutput& s) {
            std::string d = s.site.id + ":";
            d += s.result ? "result:" + std::to_string(s.result->layers.size()) + "-layers" : "no-result";
            d += s.answer.verdict ? std::string(":") + level_key(*s.answer.verdict) : ":no-verdict";
            d += s.answer.alternative ? ":searched" : "";
            return std::any(d);
        };
        return plan;
    }
    void write(const SiteOutput& s) override {
        seen.push_back(std::any_cast<const std::string&>(s.digest));
        result_in_write.push_back(s.result != nullptr);
    }
    void finish(const RunSummary&) override {}
    void abort() noexcept override {}
};

// digest() sees the whole result and its typed answer on the screening thread; write() gets the
// result only where its plan reads it, and then the whole of it (kept for it past the screening).
TEST(SitePipeline, DigestsSeeTheResultAndWriteOnlyWhereItsPlanReadsIt) {
    TempDir dir;
    const auto layers = LayerSet::open(load_catalog(write_square_catalog(dir)));
    SiteReaderOptions o;
    o.path = dir.write("s.csv", "id,lon,lat\nA,100.5,30.5\nZ,102,30.5\n");
    o.default_type = "plant";
    ScreenOptions options;
    options.radii_m = {1000};
    PipelineConfig pc;
    pc.threads = 2;
    pc.assess = [](SiteResult& r, Screener&) {
        if (r.site.id != "A") return;  // Z is left unassessed
        Verdict v;
        v.level = Level::High;
        r.verdict = v;
        r.alternative = AlternativeSearch{};
    };
    {
        auto sites = open_sites(o);
        DigestLevels digests;
        run_pipeline(*sites, layers, options, pc, {{&digests, digests.begin(RunContext{})}});
        EXPECT_EQ(digests.seen,
                  (std::vector<std::string>{"A:result:1-layers:high:searched", "Z:result:1-layers:no-verdict"}));
        EXPECT_EQ(digests.result_in_write, (std::vector<bool>{false, false}));  // freed on its thread
    }
    {
        auto sites = open_sites(o);
        DigestLevels digests;
        CollectRows rows;  // reads the whole result in write(): it stays
        run_pipeline(*sites, layers, options, pc,
                     {{&digests, digests.begin(RunContext{})}, {&rows, rows.begin(RunContext{})}});
        EXPECT_EQ(digests.seen.size(), 2u);
        EXPECT_EQ(digests.result_in_write, (std::vector<bool>{false, false}));  // not asked for
        ASSERT_EQ(rows.rows.size(), 2u);
        EXPECT_EQ(rows.rows[0]["verdict"]["level"], "high");
        EXPECT_EQ(rows.rows[0]["layers"].size(), 1u);  // the findings, kept to write()
    }
}

}  // namespace
