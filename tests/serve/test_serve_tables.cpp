// `sitescreen serve --activities / --ecosystems / --materiality` (#23): the tables named are the ones
// the service's requests use, and its batch jobs run `screen` with the same files.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "serve/serve_fixture.h"

using namespace sitescreen;
using namespace sitescreen::testing;

namespace {

// The disturbances rating of a record's activity (vehicle_assembly, the plant profile's default).
std::string disturbances(const Json& record) {
    for (const Json& i : record["locate"]["activity"]["impacts"])
        if (i["pressure"] == "disturbances") return i["encore_rating"];
    return "";
}

}  // namespace

TEST(ServeTables, RequestsAndJobsUseTheTablesTheServiceWasGiven) {
    TempDir dir;
    std::string text = read_file(std::string(SITESCREEN_SOURCE_DIR) + "/config/activities.yaml");
    const std::string from = "generation_and_release_of_solid_waste: L, disturbances: VH";  // vehicle_assembly
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, from.size(), "generation_and_release_of_solid_waste: L, disturbances: L");
    const std::string activities = dir.write("my_activities.yaml", text);

    ServeProcess server(SITESCREEN_BINARY, {"--jobs-dir", dir.file("jobs"), "--activities", activities},
                        dir.file("serve.log"));
    ASSERT_NE(server.port(), 0) << server.log();
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(120, 0);

    // A request: the record's activity comes from the table given.
    auto res = c.Post("/v1/screen", R"({"id":"C01","lon":108.50,"lat":33.90,"type":"plant"})", "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    const Json record = Json::parse(res->body)["records"][0];
    EXPECT_EQ(record["locate"]["activity"]["source"]["file"], activities);
    EXPECT_EQ(disturbances(record), "L");

    // A job: `screen` in a child process, given the same file.
    res = c.Post("/v1/jobs?type=plant&formats=jsonl,run", "id,lon,lat\nC01,108.50,33.90\n", "text/csv");
    ASSERT_TRUE(res);
    ASSERT_LT(res->status, 300) << res->body;
    const std::string id = Json::parse(res->body)["id"];
    Json job;
    for (int i = 0; i < 1200; ++i) {
        auto r = c.Get("/v1/jobs/" + id);
        ASSERT_TRUE(r);
        job = Json::parse(r->body);
        if (job["status"] != "queued" && job["status"] != "running") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(job["status"], "done") << job.dump();
    auto run = c.Get("/v1/jobs/" + id + "/files/run.json");
    ASSERT_TRUE(run);
    ASSERT_EQ(run->status, 200) << run->body;
    bool recorded = false;
    const Json run_json = Json::parse(run->body);
    for (const Json& f : run_json["config_files"])
        if (f["role"] == "activities") {
            recorded = true;
            EXPECT_EQ(f["file"], std::filesystem::absolute(activities).lexically_normal().string());
            EXPECT_EQ(f["from"], "option");
        }
    EXPECT_TRUE(recorded) << run->body.substr(0, 2000);
    auto sites = c.Get("/v1/jobs/" + id + "/files/sites.jsonl");
    ASSERT_TRUE(sites);
    EXPECT_EQ(disturbances(Json::parse(sites->body.substr(0, sites->body.find('\n')))), "L");
}
