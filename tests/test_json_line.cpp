// sites.jsonl lines are written by our own serialiser (report/core_writers.cpp):
// it must give the text of nlohmann's dump with the same options, numbers aside (shortest digits).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "report/core_writers.h"
#include "report/record_line.h"
#include "report/writer.h"
#include "support/fixtures.h"

using namespace sitescreen;

namespace {

std::string reference(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// A string of random bytes: ASCII, quotes, backslashes, control characters,
// valid multi-byte UTF-8 (Chinese), and stray or truncated UTF-8 bytes.
std::string random_string(std::mt19937& rng) {
    static const char* pieces[] = {"a",          "Z",  "0",    " ",        "\"",   "\\",
                                   "/",          "\n", "\t",   "\x01",     "\x1f", "\x7f",
                                   "自然保护区", "é",  "\xff", "\xe4\xb8", "\xc3", "\xf0\x9f\x8c\xb2",
                                   "~"};
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) s += pieces[rng() % (sizeof pieces / sizeof *pieces)];
    return s;
}

Json random_json(std::mt19937& rng, int depth) {
    static const double floats[] = {0.0,
                                    -0.0,
                                    0.1,
                                    1.0,
                                    -1.5,
                                    1e-7,
                                    3.141592653589793,
                                    1e21,
                                    1e300,
                                    5e-324,
                                    123456789.125,
                                    2.5e-5,
                                    6371008.8,
                                    std::numeric_limits<double>::quiet_NaN(),
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity()};
    switch (depth <= 0 ? rng() % 6 : rng() % 8) {
        case 0:
            return nullptr;
        case 1:
            return rng() % 2 == 0;
        case 2: {
            static const std::int64_t ints[] = {0, -1, 42, std::numeric_limits<std::int64_t>::min(),
                                                std::numeric_limits<std::int64_t>::max()};
            return ints[rng() % 5];
        }
        case 3:
            return std::numeric_limits<std::uint64_t>::max() - rng() % 3;
        case 4:
            return floats[rng() % (sizeof floats / sizeof *floats)];
        case 5:
            return random_string(rng);
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

// Strings written as they are only when nlohmann would: UTF-8 at the edges of its forms, and the
// ill-formed sequences it replaces (overlong, surrogates, past U+10FFFF, cut short, stray).
TEST(JsonLine, StringsAtTheEdgesOfUtf8EqualNlohmannDump) {
    const char* cases[] = {"\x7f",
                           "\xc2\x80",
                           "\xdf\xbf",
                           "\xe0\xa0\x80",
                           "\xef\xbf\xbf",
                           "\xed\x9f\xbf",
                           "\xee\x80\x80",
                           "\xf0\x90\x80\x80",
                           "\xf4\x8f\xbf\xbf",
                           "\xf3\xbf\xbf\xbf",
                           "\xc0\xaf",
                           "\xc1\xbf",
                           "\xe0\x80\xaf",
                           "\xed\xa0\x80",
                           "\xf0\x80\x80\xaf",
                           "\xf4\x90\x80\x80",
                           "\xf5\x80\x80\x80",
                           "\xe4\xb8",
                           "\xe4",
                           "\xf0\x9f\x8c",
                           "\x80",
                           "\xbf\xe4\xb8\xad",
                           "\xe4\xb8\xad\x80",
                           "\xe4\x20\xad",
                           "\xfe\xff",
                           "\x1f"};
    for (const char* c : cases) {
        for (const std::string& s : {std::string(c), "a" + std::string(c) + "b", "中" + std::string(c)}) {
            const Json j = s;
            EXPECT_EQ(to_json_line(j), reference(j)) << ::testing::PrintToString(s);
        }
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
    const BegunWriter begun{writer.get(), writer->begin(ctx)};
    ASSERT_TRUE(begun.plan.prepare);
    std::mt19937 rng(7);
    std::vector<std::string> lines;
    std::size_t bytes = 0;
    for (int i = 0; bytes < 3 * (std::size_t{1} << 20) + 12345; ++i) {
        SiteResult r;
        r.site.id = std::to_string(i);
        r.site.attributes = {{"pad", std::string(100 + rng() % 3000, static_cast<char>('a' + i % 26))}};
        const std::string none;
        const std::any no_digest;
        const std::string line = begun.plan.prepare(SiteOutput{r.site, &r, none, no_digest, {}});
        ASSERT_EQ(line, to_json_line(site_record(r, ctx.options)) + "\n");
        writer->write(SiteOutput{r.site, nullptr, line, no_digest, {}});
        lines.push_back(line);
        bytes += line.size();
    }
    const std::string path = dir.file("sites.jsonl");
    EXPECT_FALSE(std::filesystem::exists(path));
    writer->finish(RunSummary{Json::object()});
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string expected;
    for (const auto& l : lines) expected += l;
    EXPECT_EQ(text.size(), bytes);
    EXPECT_TRUE(text == expected);
}

TEST(JsonLine, NumbersAreTheShortestRoundTrip) {
    // The layout is nlohmann's; the digits are the shortest that read back.
    const std::pair<double, const char*> cases[] = {
        {1.0, "1.0"},
        {-0.0, "-0.0"},
        {0.0001, "0.0001"},
        {1e-05, "1e-05"},
        {1e14, "100000000000000.0"},
        {1e15, "1e+15"},
        {1.5e300, "1.5e+300"},
        {5e-324, "5e-324"},
        {-455.54101, "-455.54101"},    // nlohmann's Grisu2 printed -455.54101000000003
        {38055.06322, "38055.06322"},  // and 38055.063219999996
        {114.0579, "114.0579"},
        {123456789.125, "123456789.125"},
        {2.5e-5, "2.5e-05"}};
    for (const auto& [x, text] : cases) EXPECT_EQ(to_json_line(Json(x)), text) << x;

    // Random bit patterns and decimal values like the records' figures: every
    // number reads back to itself and is never longer than nlohmann's. At equal
    // length the last digit may differ: std::to_chars picks the closest of the
    // shortest, Grisu2 any that reads back (3.1461950457818988e-46 against
    // ...87e-46), so only the length and the value are compared.
    std::mt19937_64 rng(2026);
    std::uniform_real_distribution<double> unit(-1, 1);
    int shorter = 0;
    for (int i = 0; i < 200000; ++i) {
        double x;
        if (i % 2 == 0) {
            const std::uint64_t u = rng();
            std::memcpy(&x, &u, sizeof x);
            if (!std::isfinite(x)) continue;
        } else {
            const double p = std::pow(10.0, static_cast<int>(rng() % 9));
            x = std::round(unit(rng) * std::pow(10.0, static_cast<int>(rng() % 12) - 3) * p) / p;
        }
        const std::string ours = to_json_line(Json(x));
        const std::string theirs = reference(Json(x));
        ASSERT_EQ(std::strtod(ours.c_str(), nullptr), x) << ours;
        ASSERT_LE(ours.size(), theirs.size()) << ours << " vs " << theirs;
        if (ours.size() < theirs.size()) ++shorter;
    }
    EXPECT_GT(shorter, 0);  // the cases above are not alone
}
