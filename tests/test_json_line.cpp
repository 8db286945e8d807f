// sites.jsonl lines are written by our own serialiser (report/core_writers.cpp):
// it must give exactly the text of nlohmann's dump with the same options.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "report/core_writers.h"
#include "report/writer.h"
#include "support/fixtures.h"

using namespace sitescreen;

namespace {

std::string reference(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// A string of random bytes: ASCII, quotes, backslashes, control characters,
// valid multi-byte UTF-8 (Chinese), and stray or truncated UTF-8 bytes.
std::string random_string(std::mt19937& rng) {
    static const char* pieces[] = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\x01", "\x1f", "\x7f",
                                   "自然保护区", "é", "\xff", "\xe4\xb8", "\xc3", "\xf0\x9f\x8c\xb2", "~"};
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) s += pieces[rng() % (sizeof pieces / sizeof *pieces)];
    return s;
}

Json random_json(std::mt19937& rng, int depth) {
    static const double floats[] = {0.0, -0.0, 0.1, 1.0, -1.5, 1e-7, 3.141592653589793, 1e21, 1e300, 5e-324,
                                    123456789.125, 2.5e-5, 6371008.8, std::numeric_limits<double>::quiet_NaN(),
                                    std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    switch (depth <= 0 ? rng() % 6 : rng() % 8) {
        case 0: return nullptr;
        case 1: return rng() % 2 == 0;
        case 2: {
            static const std::int64_t ints[] = {0, -1, 42, std::numeric_limits<std::int64_t>::min(),
                                                std::numeric_limits<std::int64_t>::max()};
            return ints[rng() % 5];
        }
        case 3: return std::numeric_limits<std::uint64_t>::max() - rng() % 3;
        case 4: return floats[rng() % (sizeof floats / sizeof *floats)];
        case 5: return random_string(rng);
        case 6: {
            Json a = Json::array();
            for (int i = static_cast<int>(rng() % 4); i > 0; --i) a.push_back(random_json(rng, depth - 1));
            return a;
        }
        default: {
            Json o = Json::object();
            for (int i = static_cast<int>(rng() % 4); i > 0; --i) o[random_string(rng)] = random_json(rng, depth - 1);
            return o;
        }
    }
}

}  // namespace

TEST(JsonLine, EqualsNlohmannDump) {
    // Closed cases first, then random trees.
    Json j = Json::object();
    j["id"] = "站点-1";
    j["lon"] = 114.0579;
    j["neg_zero"] = -0.0;
    j["nan"] = std::nan("");
    j["big"] = std::numeric_limits<std::uint64_t>::max();
    j["small"] = std::numeric_limits<std::int64_t>::min();
    j["text"] = "quote \" backslash \\ newline \n tab \t bell \x07";
    j["bad utf8"] = std::string("ok \xff\xfe then \xe4\xb8");
    j["empty"] = Json::object();
    j["list"] = Json::array({1, 2.5, nullptr, true, "x", Json::array()});
    EXPECT_EQ(to_json_line(j), reference(j));
    EXPECT_NE(to_json_line(j).find("\"neg_zero\":-0.0"), std::string::npos);
    EXPECT_NE(to_json_line(j).find("\"nan\":null"), std::string::npos);

    std::mt19937 rng(2026);
    for (int k = 0; k < 3000; ++k) {
        const Json r = random_json(rng, 4);
        ASSERT_EQ(to_json_line(r), reference(r)) << k;
    }
}

TEST(JsonLine, FileWriterKeepsEveryLineInOrderPastItsBuffer) {
    // The file writer hands lines to the file a megabyte at a time: over
    // several megabytes, and with the last lines short of one, the file holds
    // each site's line once, in order, and only once finished.
    sitescreen::testing::TempDir dir;
    auto writer = make_jsonl_writer();
    RunContext ctx;
    ctx.out_dir = dir.path();
    writer->begin(ctx);
    std::mt19937 rng(7);
    std::vector<std::string> lines;
    std::size_t bytes = 0;
    for (int i = 0; bytes < 3 * (std::size_t{1} << 20) + 12345; ++i) {
        Json record = Json::object();
        record["id"] = std::to_string(i);
        record["pad"] = std::string(100 + rng() % 3000, static_cast<char>('a' + i % 26));
        const std::string line = writer->render(record);
        ASSERT_EQ(line, to_json_line(record) + "\n");
        SiteResult r;
        writer->write_site(r, Json(), line);
        lines.push_back(line);
        bytes += line.size();
    }
    const std::string path = dir.file("sites.jsonl");
    EXPECT_FALSE(std::filesystem::exists(path));
    writer->finish(Json::object());
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string expected;
    for (const auto& l : lines) expected += l;
    EXPECT_EQ(text.size(), bytes);
    EXPECT_TRUE(text == expected);
}
