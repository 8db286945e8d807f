// POST /v1/screen through a real HTTP client against `sitescreen serve`: the records equal those
// of `sitescreen screen` for the sample sites, one at a time, as a list, as CSV and as GeoJSON.
#include <gtest/gtest.h>

#include "serve/serve_fixture.h"

using namespace sitescreen;
using namespace sitescreen::testing;

namespace {

const std::string kSamples = std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/";

class ServeApi : public ServeTest {};

// The sample sites as JSON objects, every field as the text the CSV holds.
std::vector<Json> sample_sites_as_json(const std::string& csv_path) {
    const auto rows = parse_csv(read_file(csv_path));
    std::vector<Json> sites;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        Json site = Json::object();
        for (std::size_t c = 0; c < rows[0].size() && c < rows[r].size(); ++c) site[rows[0][c]] = rows[r][c];
        sites.push_back(site);
    }
    return sites;
}

TEST_F(ServeApi, SingleAndListRequestsEqualTheCliRecords) {
    const std::vector<Json> cli = cli_records("--sites " + shell_quote(kSamples + "candidates.csv"));
    const std::vector<Json> sites = sample_sites_as_json(kSamples + "candidates.csv");
    ASSERT_EQ(cli.size(), sites.size());
    ASSERT_GE(cli.size(), 19u);

    // One site per request: the CLI's record, but for where it came from.
    for (std::size_t i = 0; i < sites.size(); ++i) {
        const auto [status, answer] = screen(Json{{"site", sites[i]}}.dump());
        ASSERT_EQ(status, cli[i]["status"] == "ok" ? 200 : 422) << answer.dump();
        ASSERT_EQ(answer["records"].size(), 1u);
        const Json& rec = answer["records"][0];
        EXPECT_EQ(figures(rec), figures(cli[i])) << "site " << cli[i]["id"];
        EXPECT_EQ(rec["source"], "sites[0]");
    }

    // All of them in one request: the same records, in the same order, with their index.
    const auto [status, answer] = screen(Json{{"sites", sites}}.dump());
    ASSERT_EQ(status, 200) << answer.dump();
    ASSERT_EQ(answer["records"].size(), cli.size());
    for (std::size_t i = 0; i < cli.size(); ++i) {
        EXPECT_EQ(figures(answer["records"][i]), figures(cli[i])) << "site " << cli[i]["id"];
        EXPECT_EQ(answer["records"][i]["index"], i);
        EXPECT_EQ(answer["records"][i]["source"], "sites[" + std::to_string(i) + "]");
    }
    EXPECT_EQ(answer["sites"]["total"], cli.size());

    // The file itself as text/csv, asking for JSON Lines: the lines of sites.jsonl, byte for
    // byte, but for the file's name in `source` (the line numbers are the file's).
    auto res = client().Post("/v1/screen", {{"Accept", "application/x-ndjson"}}, read_file(kSamples + "candidates.csv"),
                             "text/csv");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const CommandResult raw = run_capture(std::string(SITESCREEN_BINARY) + " screen -q --out -" + kServeScreenOptions +
                                              " --sites " + shell_quote(kSamples + "candidates.csv"),
                                          dir());
    std::string expected = raw.out;
    const std::string file = kSamples + "candidates.csv:";
    for (std::size_t p; (p = expected.find(file)) != std::string::npos;) expected.replace(p, file.size(), "request:");
    EXPECT_EQ(res->body, expected);
}

TEST_F(ServeApi, NumbersGeoJsonAndCoordsOptionsGoThroughTheSameReader) {
    // C01 (inside a red line) with its coordinates as JSON numbers: the same figures; only the
    // attributes hold the numbers' shortest text ("108.5" for the CSV's "108.50").
    const std::vector<Json> cli = cli_records("--sites " + shell_quote(kSamples + "candidates.csv"));
    Json c01 = sample_sites_as_json(kSamples + "candidates.csv")[0];
    ASSERT_EQ(c01["id"], "C01");
    c01["lon"] = std::stod(c01["lon"].get<std::string>());
    c01["lat"] = std::stod(c01["lat"].get<std::string>());
    const auto [status, answer] = screen(c01.dump());  // the bare form: the object is the site
    ASSERT_EQ(status, 200) << answer.dump();
    Json rec = answer["records"][0], want = cli[0];
    EXPECT_EQ(rec["verdict"]["level"], "no-go");
    for (const char* key : {"lon", "lat", "layers", "locate", "evaluate", "verdict", "mitigation", "alternative"})
        EXPECT_EQ(rec[key].dump(), want[key].dump()) << key;
    EXPECT_EQ(rec["attributes"]["lon"], "108.5");

    // GeoJSON footprints: the polygons sample, as a FeatureCollection body.
    const std::vector<Json> cli_polygons =
        cli_records("--sites " + shell_quote(kSamples + "candidates_polygons.geojson"));
    const auto [gstatus, ganswer] = screen(read_file(kSamples + "candidates_polygons.geojson"), "application/geo+json");
    ASSERT_EQ(gstatus, 200) << ganswer.dump();
    ASSERT_EQ(ganswer["records"].size(), cli_polygons.size());
    for (std::size_t i = 0; i < cli_polygons.size(); ++i) {
        EXPECT_EQ(figures(ganswer["records"][i]), figures(cli_polygons[i])) << i;
        EXPECT_EQ(ganswer["records"][i]["source"], "features[" + std::to_string(i) + "]");
    }

    // --coords gcj02 as a field: the first chargers of the Shenzhen sample (GCJ-02 coordinates).
    const auto rows = sample_sites_as_json(kSamples + "shenzhen_ev_chargers_gcj02.csv");
    const std::vector<Json> first(rows.begin(), rows.begin() + 4);
    std::string csv = "station_id,latitude,longitude,fast,slow,count,type\n";
    for (const auto& s : first)
        for (const char* k : {"station_id", "latitude", "longitude", "fast", "slow", "count", "type"})
            csv += s[k].get<std::string>() + (std::string(k) == "type" ? "\n" : ",");
    const std::string four = dir().write("four_chargers.csv", csv);
    const std::vector<Json> cli_gcj = cli_records("--coords gcj02 --sites " + shell_quote(four));
    const auto [cstatus, canswer] = screen(Json{{"sites", first}, {"coords", "gcj02"}}.dump());
    ASSERT_EQ(cstatus, 200) << canswer.dump();
    ASSERT_EQ(canswer["records"].size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(figures(canswer["records"][i]), figures(cli_gcj[i])) << i;
    // The conversion happened: the record's WGS 84 point is not the GCJ-02 input.
    EXPECT_NE(canswer["records"][0]["lon"].get<double>(), std::stod(first[0]["longitude"].get<std::string>()));

    // "layers": only the entries asked for; the verdict still weighs every layer.
    const auto [lstatus, lanswer] = screen(Json{{"site", c01}, {"layers", {"china_ecrl"}}}.dump());
    ASSERT_EQ(lstatus, 200) << lanswer.dump();
    ASSERT_EQ(lanswer["records"][0]["layers"].size(), 1u);
    EXPECT_EQ(lanswer["records"][0]["layers"][0]["layer"], "china_ecrl");
    EXPECT_EQ(lanswer["records"][0]["verdict"].dump(), want["verdict"].dump());
}

// The map page names the criteria met as the reports do (criterion.<id> of the catalog), for
// every id a record's locate.criteria_met can hold, with the id kept beside the name.
TEST_F(ServeApi, TheMapPageNamesTheCriteriaMet) {
    auto page = client().Get("/");
    ASSERT_TRUE(page);
    ASSERT_EQ(page->status, 200);
    const std::string& html = page->body;
    const std::string marker = "window.sitescreenTexts = ";
    const auto at = html.find(marker);
    ASSERT_NE(at, std::string::npos);
    const auto end = html.find(";</script>", at);
    ASSERT_NE(end, std::string::npos);
    const Json texts = Json::parse(html.substr(at + marker.size(), end - at - marker.size()));
    const std::pair<const char*, const char*> names[] = {{"biodiversity_importance", "Biodiversity importance"},
                                                         {"ecosystem_integrity", "Ecosystem integrity"},
                                                         {"rapid_decline", "Rapid decline"},
                                                         {"water_risk", "Water risk"},
                                                         {"ecosystem_services", "Ecosystem services"}};
    for (const auto& [id, name] : names)
        EXPECT_EQ(texts.value(std::string("criterion.") + id, std::string()), name) << id;
    EXPECT_EQ(texts["criterion_item"], "{name} ({id})");
    // The script maps each id of locate.criteria_met through them.
    EXPECT_NE(html.find("T['criterion.' + id]"), std::string::npos);
    // A record's ids are among those named.
    const auto [status, answer] = screen(R"({"id":"C01","lon":108.50,"lat":33.90,"type":"plant"})");
    ASSERT_EQ(status, 200) << answer.dump();
    const Json& record = answer.contains("records") ? answer["records"][0] : answer;
    ASSERT_TRUE(record["locate"]["criteria_met"].is_array()) << record.dump();
    EXPECT_FALSE(record["locate"]["criteria_met"].empty()) << "C01 lies inside a red line";
    for (const auto& id : record["locate"]["criteria_met"])
        EXPECT_TRUE(texts.contains("criterion." + id.get<std::string>())) << id;
}

TEST_F(ServeApi, LayersHealthAndOpenApiDescribeTheService) {
    auto c = client();
    auto health = c.Get("/v1/health");
    ASSERT_TRUE(health);
    ASSERT_EQ(health->status, 200);
    const Json h = Json::parse(health->body);
    EXPECT_EQ(h["status"], "ok");
    EXPECT_GT(h["layers"].get<int>(), 0);

    auto layers = c.Get("/v1/layers");
    ASSERT_TRUE(layers);
    ASSERT_EQ(layers->status, 200);
    const Json cat = Json::parse(layers->body);
    ASSERT_EQ(cat["layers"].size(), h["layers"].get<std::size_t>());
    bool saw_demo = false;
    for (const auto& l : cat["layers"]) {
        EXPECT_FALSE(l["licence"].get<std::string>().empty()) << l["id"];
        EXPECT_EQ(l["sha256"].get<std::string>().size(), 64u) << l["id"];
        if (l["demo"].get<bool>()) {
            saw_demo = true;
            EXPECT_NE(std::find(cat["demo_layers"].begin(), cat["demo_layers"].end(), l["id"]),
                      cat["demo_layers"].end());
        }
    }
    EXPECT_TRUE(saw_demo) << "the shipped pack has demonstration layers; the catalog must say so";
    auto one = c.Get("/v1/layers/china_ecrl");
    ASSERT_TRUE(one);
    EXPECT_EQ(Json::parse(one->body)["id"], "china_ecrl");

    auto api = c.Get("/v1/openapi.json");
    ASSERT_TRUE(api);
    const Json doc = Json::parse(api->body);
    EXPECT_EQ(doc["openapi"], "3.0.3");
    for (const char* path : {"/v1/screen", "/v1/jobs", "/v1/jobs/{id}", "/v1/layers", "/v1/health"})
        EXPECT_TRUE(doc["paths"].contains(path)) << path;

    // One log line per request, with method, path and status (written just after the answer).
    std::size_t logged = 0;
    for (int attempt = 0; attempt < 50 && logged < 4; ++attempt) {
        if (attempt) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        logged = 0;
        for (const auto& l : split_lines(server().log()))
            if (l.find("\"GET /v1/") != std::string::npos && l.find(" 200 ") != std::string::npos) ++logged;
    }
    EXPECT_EQ(logged, 4u) << server().log();
}

}  // namespace
