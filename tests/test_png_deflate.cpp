// The site maps' zlib streams (report/png_deflate.h): what they decode to, by another inflater
// (libdeflate's), and the Huffman codes they are written with.
#include <gtest/gtest.h>
#include <libdeflate.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "report/png_deflate.h"

using namespace sitescreen;

namespace {

// The bytes the stream decodes to; fails the test if it does not decode (a bad code, a wrong
// length or Adler-32) or does not end where it should.
std::string inflate(const std::string& stream, std::size_t expected_size) {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    std::string out(expected_size + 1, '\0');
    std::size_t in_used = 0, out_size = 0;
    const libdeflate_result r =
        libdeflate_zlib_decompress_ex(d, stream.data(), stream.size(), out.data(), out.size(), &in_used, &out_size);
    libdeflate_free_decompressor(d);
    EXPECT_EQ(r, LIBDEFLATE_SUCCESS);
    EXPECT_EQ(in_used, stream.size()) << "bytes after the stream";
    out.resize(r == LIBDEFLATE_SUCCESS ? out_size : 0);
    return out;
}

std::string round_trip(const std::string& data, std::size_t row) {
    // A buffer of exactly the data's size, so that AddressSanitizer sees a read past its end (a
    // string's spare capacity would hide it).
    const std::unique_ptr<unsigned char[]> exact(new unsigned char[data.size()]);
    std::copy(data.begin(), data.end(), exact.get());
    std::string stream = "kept";  // the stream is appended
    zlib_image_rows(exact.get(), data.size(), row, stream);
    EXPECT_EQ(stream.substr(0, 4), "kept");
    return inflate(stream.substr(4), data.size());
}

// A map-like image of palette entries: flat areas, circles whose edges move a pixel or so
// from row to row with a few shades between, and the same label written in several places.
std::string map_like(int w, int h, std::size_t& row) {
    row = static_cast<std::size_t>(w) + 1;
    std::string img;
    const std::string label = "\x07\x08\x09\x07\x0a\x0b\x0b\x07\x09\x0c";
    for (int y = 0; y < h; ++y) {
        img.push_back('\0');  // the filter byte
        for (int x = 0; x < w; ++x) {
            const double r = std::hypot(x - w / 2.0, y - h / 2.0);
            unsigned char v = 1;
            for (const double ring : {30.0, 90.0, 200.0})
                if (std::abs(r - ring) < 2.5) v = static_cast<unsigned char>(2 + std::min(2.5, std::abs(r - ring)) * 2);
            if (y % 50 == 10 && x % 120 < 10) v = static_cast<unsigned char>(label[static_cast<std::size_t>(x % 120)]);
            img.push_back(static_cast<char>(v));
        }
    }
    return img;
}

}  // namespace

TEST(PngDeflate, AMapLikeImageDecodesToItsBytesAndIsSmall) {
    std::size_t row = 0;
    const std::string img = map_like(500, 400, row);
    std::string stream;
    zlib_image_rows(reinterpret_cast<const unsigned char*>(img.data()), img.size(), row, stream);
    EXPECT_EQ(inflate(stream, img.size()), img);
    // Flat areas and repeated rows cost next to nothing: 200,400 bytes in a few kilobytes.
    EXPECT_LT(stream.size(), img.size() / 20) << stream.size();
}

TEST(PngDeflate, AnyBytesAndAnyRowDecodeToThemselves) {
    std::mt19937 rng(25);
    for (const std::size_t size : {0, 1, 2, 3, 4, 5, 17, 258, 259, 1000, 40000, 70000}) {
        for (const std::size_t row : {1, 2, 3, 7, 1101, 40000}) {
            for (const int alphabet : {1, 2, 5, 256}) {
                std::string data(size, '\0');
                for (char& c : data) c = static_cast<char>(rng() % static_cast<unsigned>(alphabet));
                EXPECT_EQ(round_trip(data, row), data) << size << " bytes, row " << row << ", alphabet " << alphabet;
            }
        }
    }
}

TEST(PngDeflate, MatchesAtTheWindowsEdgeAndLongRuns) {
    // A block of random bytes repeated 32,768 bytes later (the farthest deflate can reach) and
    // 32,769 bytes later (one too far), then a run longer than the longest match.
    std::mt19937 rng(7);
    std::string block(600, '\0');
    for (char& c : block) c = static_cast<char>(rng());
    std::string data = block + std::string(32768 - block.size(), 'a') + block + std::string(32769 - block.size(), 'b') +
                       block + std::string(100000, 'c');
    EXPECT_EQ(round_trip(data, 1101), data);
    std::string stream;
    zlib_image_rows(reinterpret_cast<const unsigned char*>(data.data()), data.size(), 1101, stream);
    EXPECT_LT(stream.size(), 2 * block.size() + 2000) << "the repeated block was not matched";
}

TEST(PngDeflate, HuffmanCodesAreCompleteWithinTheLimitAndFollowTheFrequencies) {
    auto check = [](const std::vector<std::uint32_t>& freq, int limit) {
        std::vector<std::uint8_t> len(freq.size());
        huffman_code_lengths(freq.data(), static_cast<int>(freq.size()), limit, len.data());
        double kraft = 0;
        int coded = 0;
        for (std::size_t s = 0; s < freq.size(); ++s) {
            EXPECT_LE(len[s], limit) << "symbol " << s;
            if (freq[s] > 0) {
                EXPECT_GT(len[s], 0) << "a used symbol without a code: " << s;
            }
            if (len[s] > 0) kraft += std::ldexp(1.0, -len[s]), ++coded;
            for (std::size_t t = 0; t < freq.size(); ++t) {
                if (freq[s] > freq[t] && len[t] > 0) {
                    EXPECT_LE(len[s], len[t]) << s << " is more frequent than " << t;
                }
            }
        }
        EXPECT_GE(coded, 2);
        EXPECT_DOUBLE_EQ(kraft, 1.0) << "not a complete code";
        return len;
    };
    // Fibonacci frequencies make Huffman's code as deep as it gets: 29 symbols, 28 levels.
    std::vector<std::uint32_t> fib{1, 1};
    while (fib.size() < 29) fib.push_back(fib[fib.size() - 1] + fib[fib.size() - 2]);
    const auto deep = check(fib, 15);
    EXPECT_EQ(deep[0], 15);
    check(std::vector<std::uint32_t>(fib.begin(), fib.begin() + 19), 7);
    // Where the limit does not bind, Huffman's code itself: 1, 1, 2 -> lengths 2, 2, 1.
    EXPECT_EQ(check({1, 1, 2}, 15), (std::vector<std::uint8_t>{2, 2, 1}));
    // One symbol used, or none: two codes of one bit.
    EXPECT_EQ(check({0, 0, 9, 0}, 15), (std::vector<std::uint8_t>{1, 0, 1, 0}));
    EXPECT_EQ(check({0, 0, 0}, 7), (std::vector<std::uint8_t>{1, 1, 0}));
    // 286 symbols used equally often: 226 codes of 8 bits and 60 of 9.
    const auto flat = check(std::vector<std::uint32_t>(286, 5), 15);
    EXPECT_EQ(std::count(flat.begin(), flat.end(), 8), 226);
}
