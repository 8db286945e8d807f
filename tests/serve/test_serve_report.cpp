// POST /v1/report through a real HTTP client: one site's full HTML report is the page
// `sitescreen screen --formats html` writes to sites/<id>.html, and nothing reaches the disk.
#include <gtest/gtest.h>

#include <filesystem>

#include "serve/serve_fixture.h"

using namespace sitescreen;
using namespace sitescreen::testing;

namespace {

const std::string kSamples = std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/";

class ServeReport : public ServeTest {};

TEST_F(ServeReport, TheReportOfASiteIsTheCliPage) {
    // Sample site C01 (inside a red line: the report has findings, a map and an alternative).
    const std::vector<std::string> rows = split_lines(read_file(kSamples + "candidates.csv"));
    ASSERT_GE(rows.size(), 2u);
    ASSERT_EQ(rows[1].rfind("C01,", 0), 0u) << rows[1];
    const std::string csv = rows[0] + "\n" + rows[1] + "\n";
    const std::string one = dir().write("report/one.csv", csv);
    const CommandResult cli =
        run_capture(std::string(SITESCREEN_BINARY) + " screen -q" + kServeScreenOptions + " --formats html --sites " +
                        shell_quote(one) + " --out " + shell_quote(dir().file("report/out")),
                    dir());
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    std::string page = read_file(dir().file("report/out/sites/C01.html"));
    ASSERT_FALSE(page.empty());
    // Byte for byte but where the site came from, as in the records: line 2 of the request.
    const std::string cli_input = "<td class=\"mono\">" + one + ":2</td>";
    const std::size_t at = page.find(cli_input);
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(page.find(cli_input, at + 1), std::string::npos);
    page.replace(at, cli_input.size(), "<td class=\"mono\">request:2</td>");

    const bool cwd_had_sites = std::filesystem::exists("sites");
    auto res = client().Post("/v1/report", csv, "text/csv");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body.substr(0, 500);
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(res->body, page) << "the service's page differs from the CLI's sites/C01.html";
    // Rendered in memory: no sites/ folder made where the service runs.
    if (!cwd_had_sites) {
        EXPECT_FALSE(std::filesystem::exists("sites"));
    }
}

TEST_F(ServeReport, OneSiteOnlyAndBadSitesAreClearErrors) {
    const auto post = [](const std::string& body) {
        auto res = client().Post("/v1/report", body, "application/json");
        return res ? std::make_pair(res->status, Json::parse(res->body, nullptr, false)) : std::make_pair(-1, Json());
    };
    auto [two_status, two] = post(R"({"sites":[{"id":"a","lon":108.5,"lat":33.9},{"id":"b","lon":108.6,"lat":33.9}]})");
    EXPECT_EQ(two_status, 400) << two.dump();
    EXPECT_NE(two.value("error", "").find("POST /v1/report takes one site"), std::string::npos) << two.dump();

    // A drawn footprint (as the map page sends it) has its report too.
    auto footprint = client().Post(
        "/v1/report",
        R"({"type":"Feature","properties":{"id":"fp","type":"charger"},"geometry":{"type":"Polygon","coordinates":)"
        R"([[[114.05,22.55],[114.052,22.55],[114.052,22.552],[114.05,22.552],[114.05,22.55]]]}})",
        "application/geo+json");
    ASSERT_TRUE(footprint);
    EXPECT_EQ(footprint->status, 200) << footprint->body.substr(0, 500);
    EXPECT_EQ(footprint->body.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(footprint->body.find("fp"), std::string::npos);
    // Named as in the request, never by the in-memory file the service read it from.
    EXPECT_NE(footprint->body.find("<td class=\"mono\">features[0]</td>"), std::string::npos);
    EXPECT_EQ(footprint->body.find("/vsimem"), std::string::npos);

    auto [bad_status, bad] = post(R"({"id":"x","lon":108.5,"lat":123.4,"type":"plant"})");
    EXPECT_EQ(bad_status, 422) << bad.dump();
    EXPECT_NE(bad.value("error", "").find("latitude '123.4' is outside [-90, 90]"), std::string::npos) << bad.dump();

    auto [json_status, json] = post(R"({"id":"x","lon":)");
    EXPECT_EQ(json_status, 400) << json.dump();
    EXPECT_NE(json.value("error", "").find("not valid JSON"), std::string::npos) << json.dump();
}

}  // namespace

namespace {

// --lang zh: the map page and the reports speak Chinese, as `screen --lang zh` writes them.
TEST(ServeLang, ThePageAndTheReportFollowLang) {
    TempDir dir;
    ServeProcess server(SITESCREEN_BINARY, {"--jobs-dir", "", "--lang", "zh"}, dir.file("serve.log"));
    ASSERT_NE(server.port(), 0) << server.log();
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(120, 0);
    auto page = c.Get("/");
    ASSERT_TRUE(page);
    ASSERT_EQ(page->status, 200);
    EXPECT_NE(page->body.find("<html lang=\"zh"), std::string::npos);
    EXPECT_NE(page->body.find("绘制占地范围"), std::string::npos);  // serve_page.draw
    EXPECT_EQ(page->body.find(">Draw a footprint<"), std::string::npos);
    // The criteria met are named in Chinese on the page, the id beside the name.
    EXPECT_NE(page->body.find(R"("criterion.biodiversity_importance":"对生物多样性重要的区域")"), std::string::npos);
    EXPECT_NE(page->body.find(R"("criterion_item":"{name}（{id}）")"), std::string::npos);

    const std::string csv = "id,type,lon,lat\nZ1,charger,114.05,22.55\n";
    const std::string input = dir.write("one.csv", csv);
    const CommandResult cli =
        run_capture(std::string(SITESCREEN_BINARY) + " screen -q --lang zh" + kServeScreenOptions +
                        " --formats html --sites " + shell_quote(input) + " --out " + shell_quote(dir.file("out")),
                    dir);
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    std::string expected = read_file(dir.file("out/sites/Z1.html"));
    const std::string cli_input = "<td class=\"mono\">" + input + ":2</td>";
    const std::size_t at = expected.find(cli_input);
    ASSERT_NE(at, std::string::npos);
    expected.replace(at, cli_input.size(), "<td class=\"mono\">request:2</td>");
    auto report = c.Post("/v1/report", csv, "text/csv");
    ASSERT_TRUE(report);
    ASSERT_EQ(report->status, 200) << report->body.substr(0, 300);
    EXPECT_EQ(report->body, expected) << "the zh page differs from screen --lang zh's";
}

}  // namespace
