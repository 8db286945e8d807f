// Bad requests to `sitescreen serve` get a 4xx with the CLI's message, and the service keeps serving.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve/engine.h"
#include "serve/serve_fixture.h"

using namespace sitescreen;
using namespace sitescreen::testing;
using namespace sitescreen::serve;

namespace {

class ServeErrors : public ServeTest {
protected:
    // The status and the error message of a POST /v1/screen.
    static std::pair<int, std::string> refused(const std::string& body, const std::string& type = "application/json") {
        const auto [status, answer] = screen(body, type);
        EXPECT_TRUE(answer.is_object()) << "the answer to a bad request is JSON too";
        return {status, answer.is_object() ? answer.value("error", std::string()) : std::string()};
    }
    static void still_serving() {
        const auto [status, answer] = screen(R"({"id":"ok","lon":116.39,"lat":39.91,"type":"charger"})");
        EXPECT_EQ(status, 200) << answer.dump();
    }
};

TEST_F(ServeErrors, BadInputGetsA4xxWithTheMessageAndTheServiceGoesOn) {
    {
        const auto [status, message] = refused(R"({"lon": 108.5, "lat": )");
        EXPECT_EQ(status, 400);
        EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
        EXPECT_NE(message.find("line 1"), std::string::npos) << message;
    }
    {
        const auto [status, message] = refused(std::string(100000, '['));
        EXPECT_EQ(status, 400);
        EXPECT_EQ(message, "the request body nests lists or objects more than 64 deep");
    }
    still_serving();
    {
        // No coordinates: the reader's own message, naming what it looked for.
        const auto [status, message] = refused(R"({"id":"x","type":"plant"})");
        EXPECT_EQ(status, 400);
        EXPECT_EQ(message.rfind("request:1: no longitude column", 0), 0u) << message;
    }
    {
        // Latitude out of range: the message `screen` gives for the same row of a CSV file.
        const auto [status, answer] = screen(R"({"id":"far","lon":108.5,"lat":123.4})");
        EXPECT_EQ(status, 422);
        const std::string csv = dir().write("far.csv", "id,lon,lat\nfar,108.5,123.4\n");
        const CommandResult cli = run_capture(std::string(SITESCREEN_BINARY) + " screen -q --out -" +
                                                  kServeScreenOptions + " --sites " + shell_quote(csv),
                                              dir());
        const Json cli_record = parse_jsonl(cli.out).at(0);
        std::string cli_message = cli_record["error"];
        cli_message.replace(0, (csv + ":2").size(), "sites[0]");
        EXPECT_EQ(answer["error"], cli_message);
        EXPECT_NE(cli_message.find("latitude '123.4' is outside [-90, 90]"), std::string::npos) << cli_message;
        EXPECT_EQ(answer["records"][0]["status"], "error");
    }
    {
        // 50 MB: read and dropped, answered with the limit.
        const std::string big = "{\"sites\":[\"" + std::string(50u << 20, 'x') + "\"]}";
        const auto [status, message] = refused(big);
        EXPECT_EQ(status, 413);
        EXPECT_EQ(message, "the request body has " + std::to_string(big.size()) +
                               " bytes; POST /v1/screen accepts at most 8388608 bytes (8 MB, set with --max-body-mb); "
                               "send large batches to POST /v1/jobs");
    }
    still_serving();
    {
        const auto [status, message] = refused(R"({"site":{"lon":108.5,"lat":33.9},"layers":["no_such_layer"]})");
        EXPECT_EQ(status, 400);
        EXPECT_EQ(message.rfind("layers: unknown layer 'no_such_layer' (the catalog has: ", 0), 0u) << message;
        auto res = client().Get("/v1/layers/no_such_layer");
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, 404);
        EXPECT_NE(Json::parse(res->body)["error"].get<std::string>().find("unknown layer 'no_such_layer'"),
                  std::string::npos);
    }
    {
        const auto [status, message] = refused(R"({"site":{"lon":108.5,"lat":33.9},"coords":"gcj03"})");
        EXPECT_EQ(status, 400);
        EXPECT_EQ(message, "coords: 'gcj03' is not one of wgs84, gcj02, bd09 (as --coords)");
    }
    {
        Json many = Json::array();
        for (int i = 0; i < 101; ++i) many.push_back({{"lon", 108.5}, {"lat", 33.9}});
        const auto [status, message] = refused(Json{{"sites", many}}.dump());
        EXPECT_EQ(status, 413);  // the test service takes at most 100 sites per request
        EXPECT_NE(message.find("POST /v1/jobs"), std::string::npos) << message;
    }
    {
        const auto [status, message] = refused("lon,lat\n1,2\n", "application/x-www-form-urlencoded");
        EXPECT_EQ(status, 415);
        EXPECT_NE(message.find("text/csv"), std::string::npos) << message;
    }
    {
        auto res = client().Get("/v1/nothing/here");
        ASSERT_TRUE(res);
        EXPECT_EQ(res->status, 404);
        EXPECT_EQ(Json::parse(res->body)["error"], "no such resource: GET /v1/nothing/here");
    }
    still_serving();
}

namespace {
// The raw answer to a request line and headers with no body: a body over every limit is refused
// from its Content-Length alone, before the client would send it.
std::string answer_to_headers(int port, const std::string& head) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (fd >= 0) ::close(fd);
        return {};
    }
    (void)::send(fd, head.data(), head.size(), 0);
    std::string answer;
    char buf[4096];
    // Until the answer is complete (by its Content-Length): the server need not close at once.
    const auto complete = [&answer] {
        const auto end = answer.find("\r\n\r\n");
        const auto length = answer.find("Content-Length: ");
        return end != std::string::npos && length != std::string::npos && length < end &&
               answer.size() >= end + 4 + std::stoul(answer.substr(length + 16));
    };
    for (ssize_t n; !complete() && (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
        answer.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return answer;
}
}  // namespace

TEST_F(ServeErrors, ABodyOverEveryLimitIsRefusedUnreadWithTheRoutesLimitAndOption) {
    const auto refused_unread = [](const std::string& route, const std::string& type) {
        const std::string answer = answer_to_headers(
            server().port(), "POST " + route + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type +
                                 "\r\nContent-Length: 300000000\r\n\r\n");
        EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer;
        const auto body = answer.find("\r\n\r\n");
        return body == std::string::npos ? Json() : Json::parse(answer.substr(body + 4));
    };
    EXPECT_EQ(refused_unread("/v1/screen", "application/json")["error"],
              "the request body has 300000000 bytes; POST /v1/screen accepts at most 8388608 bytes (8 MB, set with "
              "--max-body-mb); send large batches to POST /v1/jobs");
    EXPECT_EQ(refused_unread("/v1/jobs", "text/csv")["error"],
              "the request body has 300000000 bytes; POST /v1/jobs accepts at most 268435456 bytes (256 MB, set with "
              "--max-upload-mb)");
    still_serving();
}

TEST(ServeBodyLimit, TheMessageStatesALimitBelowOneMegabyteExactly) {
    // The options set whole MB; a limit set otherwise (in code, a test) must not read "0 MB".
    RequestLimits limits;
    limits.max_body_bytes = 10000;
    const RequestError e = body_too_large("POST", "/v1/screen", body_limit(limits, "/v1/screen"), 20000);
    EXPECT_EQ(e.status, 413);
    EXPECT_NE(std::string(e.what()).find("at most 10000 bytes (0.01 MB, set with --max-body-mb)"), std::string::npos)
        << e.what();
    EXPECT_EQ(mebibytes(std::size_t{8} << 20), "8");
    EXPECT_EQ(mebibytes((std::size_t{3} << 20) / 2), "1.50");
}

TEST_F(ServeErrors, ATokenGuardsTheApiWhenOneIsSet) {
    ServeProcess guarded(SITESCREEN_BINARY, {"--token", "s3cret", "--jobs-dir", ""}, dir().file("guarded.log"));
    ASSERT_NE(guarded.port(), 0) << guarded.log();
    httplib::Client c("127.0.0.1", guarded.port());
    c.set_read_timeout(60, 0);
    const std::string body = R"({"lon":116.39,"lat":39.91,"type":"charger"})";
    auto none = c.Post("/v1/screen", body, "application/json");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401);
    auto wrong = c.Post("/v1/screen", {{"Authorization", "Bearer s3cre7"}}, body, "application/json");
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401);
    auto right = c.Post("/v1/screen", {{"Authorization", "Bearer s3cret"}}, body, "application/json");
    ASSERT_TRUE(right);
    EXPECT_EQ(right->status, 200) << right->body;
    auto health = c.Get("/v1/health");  // for load balancers: no token
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(guarded.log().find("s3cret"), std::string::npos) << "the token is never logged";
}

TEST_F(ServeErrors, ARequestPastTheTimeLimitIsRefusedNamingIt) {
    // A one-second limit and the Shenzhen chargers three times over (5,118 sites, several
    // seconds of work on any machine): refused with 503 and the limit, never a partial answer.
    ServeProcess limited(SITESCREEN_BINARY, {"--time-limit", "1", "--max-sites", "10000", "--jobs-dir", ""},
                         dir().file("limited.log"));
    ASSERT_NE(limited.port(), 0) << limited.log();
    httplib::Client c("127.0.0.1", limited.port());
    c.set_read_timeout(600, 0);
    const std::vector<std::string> rows =
        split_lines(read_file(std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/shenzhen_ev_chargers_gcj02.csv"));
    std::string csv = rows.front() + "\n";
    for (int copy = 0; copy < 3; ++copy)
        for (std::size_t i = 1; i < rows.size(); ++i)
            if (!rows[i].empty()) csv += std::to_string(copy) + "-" + rows[i] + "\n";
    auto res = c.Post("/v1/screen?coords=gcj02&default_type=charger", csv, "text/csv");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503) << res->body.substr(0, 500);
    const Json answer = Json::parse(res->body, nullptr, false);
    ASSERT_TRUE(answer.is_object()) << res->body.substr(0, 500);
    const std::string message = answer.value("error", std::string());
    EXPECT_NE(message.find("time limit of 1 s"), std::string::npos) << message;
    EXPECT_NE(message.find("/v1/jobs"), std::string::npos) << message;
    EXPECT_FALSE(answer.contains("records")) << "no partial answer";
    // And the service goes on: one site well inside the limit.
    auto one = c.Post("/v1/screen", R"({"id":"ok","lon":116.39,"lat":39.91,"type":"charger"})", "application/json");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->status, 200) << one->body;
}

}  // namespace
