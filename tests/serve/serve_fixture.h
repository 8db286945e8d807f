// The service under test: `sitescreen serve` on the shipped layers, started once per test suite
// on a free port, and the CLI's own records for the sample sites to compare with.
#pragma once
#include <httplib.h>

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/fixtures.h"
#include "support/serve_process.h"

namespace sitescreen::testing {

// The `sitescreen screen` options that give the records `sitescreen serve` answers with: the
// service takes the dissolved tiles for every point buffer (its tiles outlive a request), and its
// batch jobs run `screen` with the same options (src/cli/serve_command.cpp).
inline const std::string kServeScreenOptions = " --tile-union on --tile-union-km 0.001";

// A service started once per test suite, with its jobs in a temporary folder, a time limit far
// above what the sample sites take even under the sanitizers (the list of 19 sample sites with
// their avoidance searches runs past the default 30 s there; these tests compare figures, and
// ServeErrors.ARequestPastTheTimeLimitIsRefusedNamingIt tests the limit), and the options of
// `Options::args()` after those.
template <typename Options>
class ServeSuite : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (server_) return;
        dir_ = new TempDir();
        std::vector<std::string> args = {"--jobs-dir", dir_->file("jobs"), "--time-limit", "600"};
        for (const auto& a : Options::args()) args.push_back(a);
        server_ = new ServeProcess(SITESCREEN_BINARY, args, dir_->file("serve.log"));
        ASSERT_NE(server_->port(), 0) << "sitescreen serve did not start:\n" << server_->log();
    }
    static void TearDownTestSuite() {
        delete server_;  // SIGTERM, and waits
        delete dir_;
        server_ = nullptr;
        dir_ = nullptr;
    }

    static httplib::Client client() {
        httplib::Client c("127.0.0.1", server_->port());
        c.set_read_timeout(120, 0);
        return c;
    }
    // POST /v1/screen with a JSON body; the parsed answer (null when the body is not JSON).
    static std::pair<int, Json> screen(const std::string& body, const std::string& type = "application/json") {
        auto res = client().Post("/v1/screen", body, type);
        if (!res) return {-1, Json()};
        return {res->status, Json::parse(res->body, nullptr, false)};
    }
    // `sitescreen screen --out -` on the shipped layers: sites.jsonl's records.
    static std::vector<Json> cli_records(const std::string& args) {
        const CommandResult r = run_capture(
            std::string(SITESCREEN_BINARY) + " screen -q --out -" + kServeScreenOptions + " " + args, *dir_);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return parse_jsonl(r.out);
    }
    static ServeProcess& server() { return *server_; }
    static const TempDir& dir() { return *dir_; }

private:
    static inline ServeProcess* server_ = nullptr;
    static inline TempDir* dir_ = nullptr;
};

struct DefaultServeOptions {
    static std::vector<std::string> args() { return {"--max-sites", "100"}; }
};
using ServeTest = ServeSuite<DefaultServeOptions>;

// A record without `source` and `index` (where the site came from), serialised: two records
// with equal text have byte-identical figures.
inline std::string figures(Json record) {
    record.erase("source");
    record.erase("index");
    return record.dump();
}

// RFC 4180 CSV (quoted fields, doubled quotes, commas and newlines inside quotes), as text.
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1);
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
                field += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                field += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            rows.back().push_back(field), field.clear();
        } else if (c == '\n') {
            rows.back().push_back(field), field.clear();
            rows.emplace_back();
        } else if (c != '\r') {
            field += c;
        }
    }
    if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
    if (rows.back().empty()) rows.pop_back();
    return rows;
}

}  // namespace sitescreen::testing
