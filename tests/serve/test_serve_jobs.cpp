// Batch jobs of `sitescreen serve`: an upload runs `screen`, its files are served by listed name
// only, and a job outlives a restart of the service (or is reported lost, never half-written).
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "serve/engine.h"
#include "serve/job_child.h"
#include "serve/jobs.h"
#include "serve/serve_fixture.h"

using namespace sitescreen;
using namespace sitescreen::testing;

namespace {

const std::string kSamples = std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/";

// How many times over the chargers make the job that is stopped while it runs (see below).
#if defined(__SANITIZE_ADDRESS__)
constexpr int kCopies = 1;
#else
constexpr int kCopies = 3;
#endif

Json get_json(httplib::Client& c, const std::string& path, int expect_status = 200) {
    auto res = c.Get(path);
    if (!res) return Json();
    EXPECT_EQ(res->status, expect_status) << path << ": " << res->body;
    return Json::parse(res->body, nullptr, false);
}

// Polls a job until it is neither queued nor running (or 10 minutes pass).
Json wait_for_job(httplib::Client& c, const std::string& id) {
    Json job;
    for (int i = 0; i < 6000; ++i) {
        job = get_json(c, "/v1/jobs/" + id);
        if (job.is_object() && job["status"] != "queued" && job["status"] != "running") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return job;
}

TEST(ServeJobs, AnUploadRunsScreenAndOutlivesARestart) {
    TempDir dir;
    const std::string jobs = dir.file("jobs");
    // A job folder whose state cannot be read: reported lost at start, not guessed at.
    const std::string broken = "0123456789abcdef0123456789abcdef";
    dir.write("jobs/" + broken + "/job.json", "{\"id\": \"" + broken + "\", \"status\": \"runn");

    std::string done_id, restarted_id;
    std::size_t big_sites = 0;
    {
        ServeProcess server(SITESCREEN_BINARY, {"--jobs-dir", jobs}, dir.file("serve1.log"));
        ASSERT_NE(server.port(), 0) << server.log();
        httplib::Client c("127.0.0.1", server.port());
        c.set_read_timeout(60, 0);
        EXPECT_EQ(get_json(c, "/v1/jobs/" + broken)["status"], "lost");

        auto res = c.Post("/v1/jobs?formats=data", read_file(kSamples + "candidates.csv"), "text/csv");
        ASSERT_TRUE(res);
        ASSERT_EQ(res->status, 202) << res->body;
        done_id = Json::parse(res->body)["id"];
        EXPECT_TRUE(std::regex_match(done_id, std::regex("[0-9a-f]{32}"))) << done_id;
        const Json job = wait_for_job(c, done_id);
        ASSERT_EQ(job["status"], "done") << job.dump();
        for (const char* f : {"run.json", "sites.jsonl", "summary.csv"})
            EXPECT_NE(std::find(job["files"].begin(), job["files"].end(), f), job["files"].end()) << f;

        // The job's records are the CLI's.
        auto jsonl = c.Get("/v1/jobs/" + done_id + "/files/sites.jsonl");
        ASSERT_TRUE(jsonl);
        ASSERT_EQ(jsonl->status, 200);
        const std::vector<Json> from_job = parse_jsonl(jsonl->body);
        const CommandResult cli =
            run_capture(std::string(SITESCREEN_BINARY) + " screen -q --out -" + kServeScreenOptions + " --sites " +
                            shell_quote(kSamples + "candidates.csv"),
                        dir);
        const std::vector<Json> from_cli = parse_jsonl(cli.out);
        ASSERT_EQ(from_job.size(), from_cli.size());
        EXPECT_EQ(job["sites_done"], from_cli.size());
        for (std::size_t i = 0; i < from_cli.size(); ++i) EXPECT_EQ(figures(from_job[i]), figures(from_cli[i])) << i;

        // Only the listed names: no path from the request reaches the file system.
        const std::string job_path = "/v1/jobs/" + done_id;
        for (const std::string& bad : std::vector<std::string>{
                 job_path + "/files/../job.json", job_path + "/files/%2e%2e/input.csv", job_path + "/files//etc/passwd",
                 "/v1/jobs/../../etc/passwd", job_path + "/files/input.csv"}) {
            auto r = c.Get(bad);
            ASSERT_TRUE(r) << bad;
            EXPECT_EQ(r->status, 404) << bad << ": " << r->body;
        }
        auto bad_type = c.Post("/v1/jobs", "x", "application/zip");
        ASSERT_TRUE(bad_type);
        EXPECT_EQ(bad_type->status, 415);
        auto bad_option = c.Post("/v1/jobs?coords=gcj03", "lon,lat\n1,2\n", "text/csv");
        ASSERT_TRUE(bad_option);
        EXPECT_EQ(bad_option->status, 400);

        // A larger job, stopped with the service while it runs: the chargers three times over (ids
        // made unique), so that it cannot finish between the moment it is seen running and the
        // stop on a fast machine either. Under the sanitizers every site costs several times more,
        // so once over is as safe and keeps the resumed job from taking minutes.
        const std::vector<std::string> rows = split_lines(read_file(kSamples + "shenzhen_ev_chargers_gcj02.csv"));
        std::string big_input = rows.front() + "\n";
        for (int copy = 0; copy < kCopies; ++copy)
            for (std::size_t i = 1; i < rows.size(); ++i) {
                if (rows[i].empty()) continue;
                big_input += std::to_string(copy) + "-" + rows[i] + "\n";
                ++big_sites;
            }
        ASSERT_EQ(big_sites, static_cast<std::size_t>(kCopies) * 1706u);
        auto big = c.Post("/v1/jobs?formats=data", big_input, "text/csv");
        ASSERT_TRUE(big);
        ASSERT_EQ(big->status, 202) << big->body;
        restarted_id = Json::parse(big->body)["id"];
        for (int i = 0; i < 600 && get_json(c, "/v1/jobs/" + restarted_id)["status"] == "queued"; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        EXPECT_EQ(get_json(c, "/v1/jobs/" + restarted_id)["status"], "running");
        server.stop();
    }
    // Nothing half-written: the stopped job has no sites.jsonl yet, only its input and state.
    EXPECT_FALSE(std::filesystem::exists(jobs + "/" + restarted_id + "/out/sites.jsonl"));

    ServeProcess again(SITESCREEN_BINARY, {"--jobs-dir", jobs}, dir.file("serve2.log"));
    ASSERT_NE(again.port(), 0) << again.log();
    httplib::Client c("127.0.0.1", again.port());
    c.set_read_timeout(60, 0);
    EXPECT_EQ(get_json(c, "/v1/jobs/" + done_id)["status"], "done");
    const Json job = wait_for_job(c, restarted_id);
    ASSERT_EQ(job["status"], "done") << job.dump();
    EXPECT_EQ(job["sites_done"], big_sites);
    auto summary = c.Get("/v1/jobs/" + restarted_id + "/files/summary.csv");
    ASSERT_TRUE(summary);
    EXPECT_EQ(split_lines(summary->body).size(), big_sites + 1);  // header + every charger
    EXPECT_EQ(get_json(c, "/v1/jobs/" + broken)["status"], "lost");
}

}  // namespace

namespace {

// --job-time-limit and --job-retention-hours: a job past its limit is stopped, failed with the
// reason and its outputs removed; a finished job is removed once kept for the retention period,
// by a running service and at start.
TEST(ServeJobs, AJobPastItsTimeLimitFailsAndFinishedJobsAreRemovedAfterTheRetention) {
    TempDir dir;
    const std::string jobs = dir.file("jobs");
    // From an earlier service: a job finished long ago, and a removal cut short.
    const std::string old_id = "00000000000000000000000000000001",
                      half_removed = ".removed-00000000000000000000000000000002";
    dir.write("jobs/" + old_id + "/job.json",
              R"({"id":")" + old_id +
                  R"(","status":"done","input":"input.csv","created_at":"2020-01-01T00:00:00Z",)"
                  R"("finished_at":"2020-01-01T00:00:01Z","sites_done":1,"message":null,"files":[]})");
    dir.write("jobs/" + half_removed + "/out/sites.jsonl", "{}\n");

    // 0.002 h = 7.2 s: long enough to see the failed job, short enough for a test.
    ServeProcess server(
        SITESCREEN_BINARY,
        {"--jobs-dir", jobs, "--job-time-limit", "1", "--job-kill-grace", "2", "--job-retention-hours", "0.002"},
        dir.file("serve.log"));
    ASSERT_NE(server.port(), 0) << server.log();
    httplib::Client c("127.0.0.1", server.port());
    c.set_read_timeout(60, 0);
    auto gone = c.Get("/v1/jobs/" + old_id);
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->status, 404) << "a job finished long ago is removed at start: " << gone->body;
    EXPECT_FALSE(std::filesystem::exists(jobs + "/" + old_id));
    EXPECT_FALSE(std::filesystem::exists(jobs + "/" + half_removed));

    // The Shenzhen chargers take far more than a second (the layers alone take about that).
    auto res = c.Post("/v1/jobs?formats=data&type=charger&coords=gcj02",
                      read_file(kSamples + "shenzhen_ev_chargers_gcj02.csv"), "text/csv");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 202) << res->body;
    const std::string id = Json::parse(res->body)["id"];
    const Json job = wait_for_job(c, id);
    ASSERT_EQ(job["status"], "failed") << job.dump();
    EXPECT_NE(job["message"].get<std::string>().find("time limit of 1 s (--job-time-limit)"), std::string::npos)
        << job.dump();
    EXPECT_EQ(job["files"], Json::array());
    EXPECT_TRUE(job["expires_at"].is_string()) << job.dump();
    EXPECT_FALSE(std::filesystem::exists(jobs + "/" + id + "/out")) << "the stopped job's outputs are removed";
    auto file = c.Get("/v1/jobs/" + id + "/files/run.json");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->status, 404);

    // Kept 7.2 s after it finished, then removed (the clean-up looks every 1.8 s).
    int status = 200;
    for (int i = 0; i < 600 && status == 200; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto r = c.Get("/v1/jobs/" + id);
        ASSERT_TRUE(r);
        status = r->status;
    }
    EXPECT_EQ(status, 404);
    EXPECT_FALSE(std::filesystem::exists(jobs + "/" + id));
    auto health = c.Get("/v1/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
}

}  // namespace

namespace {

// --job-kill-grace: a job that ignores SIGTERM at its time limit is killed the grace later, not
// after the default 10 s. The job is a shell that ignores SIGTERM and sleeps (exec keeps the
// ignored signal), in place of `sitescreen screen`.
TEST(ServeJobs, AJobIgnoringSigtermIsKilledAfterTheGrace) {
    TempDir dir;
    serve::JobLimits limits;
    limits.time_limit_s = 0.3;
    limits.kill_grace_s = 0.5;
    limits.retention_s = 0;
    serve::JobStore store(dir.file("jobs"), {"/bin/sh", "-c", "trap '' TERM; exec sleep 60", "sh"}, limits);
    store.start();
    const auto started = std::chrono::steady_clock::now();
    const Json job = store.submit(
        [](std::ostream& out) {
            const std::string csv = "id,lon,lat\nA,108.5,33.9\n";
            out << csv;
            return csv.size();
        },
        "text/csv", {});
    const std::string id = job["id"];
    Json state;
    for (int i = 0; i < 300; ++i) {  // at most 30 s
        state = store.status(id).value_or(Json());
        if (state.value("status", std::string()) == "failed" || state.value("status", std::string()) == "done") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    store.stop();
    ASSERT_EQ(state.value("status", std::string()), "failed") << state.dump();
    EXPECT_NE(state["message"].get<std::string>().find("time limit of 0.3 s"), std::string::npos) << state.dump();
    // 0.3 s to the limit, 0.5 s of grace: killed well before the 10 s default (or the 60 s sleep).
    EXPECT_GE(took, 0.8);
    EXPECT_LT(took, 5.0) << "the job was not killed after the grace";
}

}  // namespace

namespace {

// Waits up to 30 s for the job to leave "queued"; returns its state.
Json started_job(serve::JobStore& store, const std::string& id) {
    Json state;
    for (int i = 0; i < 300; ++i) {
        state = store.status(id).value_or(Json());
        if (state.value("status", std::string()) != "queued") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return state;
}

std::string submit_one_site(serve::JobStore& store) {
    return store.submit(
        [](std::ostream& out) {
            const std::string csv = "id,lon,lat\nA,108.5,33.9\n";
            out << csv;
            return csv.size();
        },
        "text/csv", {})["id"];
}

// The service stopping (SIGTERM to `serve`) while a job ignores SIGTERM: the job is killed the
// grace later and the service ends, rather than waiting for the job (it waited forever when the
// job's child hung before its exec, under AddressSanitizer).
TEST(ServeJobs, AStoppingServiceKillsAJobIgnoringSigtermAfterTheGrace) {
    TempDir dir;
    serve::JobLimits limits;
    limits.time_limit_s = 0;  // no time limit: only the stop ends the job
    limits.kill_grace_s = 0.5;
    limits.retention_s = 0;
    serve::JobStore store(dir.file("jobs"), {"/bin/sh", "-c", "trap '' TERM; exec sleep 60", "sh"}, limits);
    store.start();
    const std::string id = submit_one_site(store);
    ASSERT_EQ(started_job(store, id).value("status", std::string()), "running");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the shell has set its trap
    const auto stopping = std::chrono::steady_clock::now();
    store.stop();
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - stopping).count();
    EXPECT_GE(took, 0.4) << "the job ended at SIGTERM: it was meant to ignore it";
    EXPECT_LT(took, 5.0) << "stop() waited for the job instead of killing it after the grace";
}

// A job's child gets the service's process id in SITESCREEN_DIE_WITH (serve/job_child.h), its
// signals unblocked and /dev/null as input. (The job command gets --sites FILE --out DIR: $1..$4.)
TEST(ServeJobs, AJobsChildIsToldWhichServiceItEndsWith) {
    TempDir dir;
    serve::JobLimits limits;
    limits.retention_s = 0;
    const std::string seen = dir.file("seen.txt");
    serve::JobStore store(dir.file("jobs"),
                          {"/bin/sh", "-c",
                           "{ echo \"$" + std::string(serve::kDieWithVariable) +
                               "\"; grep SigBlk /proc/self/status; wc -c; } > '" + seen + "'; mkdir \"$4\"",
                           "sh"},
                          limits);
    store.start();
    const std::string id = submit_one_site(store);
    Json state;
    for (int i = 0; i < 300; ++i) {
        state = store.status(id).value_or(Json());
        if (state.value("status", std::string()) == "done" || state.value("status", std::string()) == "failed") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    store.stop();
    ASSERT_EQ(state.value("status", std::string()), "done") << state.dump();
    std::istringstream lines(read_file(seen));
    std::string pid, blocked, input_bytes;
    std::getline(lines, pid);
    std::getline(lines, blocked);
    std::getline(lines, input_bytes);
    EXPECT_EQ(pid, std::to_string(::getpid()));
    EXPECT_EQ(blocked, "SigBlk:\t0000000000000000");
    EXPECT_EQ(input_bytes, "0");
}

// `screen` under a service: told the service's id, it runs while that process is its parent and
// does not run when it is not (the service ended before the child got this far).
TEST(ServeJobs, EndWithServiceChecksTheParent) {
    ::setenv(serve::kDieWithVariable, std::to_string(::getppid()).c_str(), 1);
    EXPECT_TRUE(serve::end_with_service());
    EXPECT_EQ(std::getenv(serve::kDieWithVariable), nullptr) << "the variable is not passed on";
    ::setenv(serve::kDieWithVariable, "1", 1);  // init is not our parent
    EXPECT_FALSE(serve::end_with_service());
    EXPECT_TRUE(serve::end_with_service()) << "without the variable nothing is asked";
    ::prctl(PR_SET_PDEATHSIG, 0);  // the test process keeps its usual fate
}

}  // namespace
