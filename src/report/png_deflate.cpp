// The site maps' zlib stream (png_deflate.h): matches at the distances an image repeats at,
// one block with its own Huffman codes (RFC 1951, section 3.2).
#include "report/png_deflate.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace sitescreen {

namespace {

constexpr std::size_t kMinMatch = 3, kMaxMatch = 258, kWindow = 32768;
constexpr int kLitLenSymbols = 286, kDistSymbols = 30, kCodeLenSymbols = 19;
constexpr int kEndOfBlock = 256;

// Lengths 3..258: symbol 257 + code, its base and extra bits (RFC 1951, 3.2.5).
constexpr std::array<std::uint16_t, 29> kLengthBase{3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                                    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<std::uint8_t, 29> kLengthExtra{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                    2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
// Distances 1..32768: code, its base and extra bits.
constexpr std::array<std::uint16_t, 30> kDistBase{1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                                                  33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                                                  1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<std::uint8_t, 30> kDistExtra{0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                                  6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// The order the code-length code's lengths are sent in.
constexpr std::array<std::uint8_t, 19> kCodeLenOrder{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

// The length code of each match length (index: length).
struct LengthCodes {
    std::array<std::uint8_t, kMaxMatch + 1> code{};
    constexpr LengthCodes() {
        for (int c = 0; c < 29; ++c) {
            const int last = c + 1 < 29 ? kLengthBase[c + 1] - 1 : 258;
            for (int len = kLengthBase[c]; len <= last && len <= 258; ++len) code[len] = static_cast<std::uint8_t>(c);
        }
        code[258] = 28;  // 258 has its own code, not code 27 with extra bits 31
    }
};
constexpr LengthCodes kLengthCode;

// The code of distance d (1..32768): d - 1 < 4 has its own; else two codes per power of two.
inline int dist_code(std::uint32_t d) {
    const std::uint32_t v = d - 1;
    if (v < 4) return static_cast<int>(v);
    const int top = 31 - __builtin_clz(v);  // 2..14
    return 2 * top + static_cast<int>((v >> (top - 1)) & 1);
}

// A token: a literal byte (below 256), or kMatch | length << 16 | distance.
constexpr std::uint32_t kMatch = 0x80000000u;

inline std::size_t match_length(const unsigned char* a, const unsigned char* b, std::size_t max) {
    std::size_t k = 0;
#if defined(__SSE2__)
    for (; k + 16 <= max; k += 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + k));
        const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + k));
        const auto differ = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, y))) ^ 0xFFFFu;
        if (differ != 0) return k + static_cast<std::size_t>(__builtin_ctz(differ));
    }
#endif
    for (; k + 8 <= max; k += 8) {
        std::uint64_t x, y;
        std::memcpy(&x, a + k, 8);
        std::memcpy(&y, b + k, 8);
        if (x != y) return k + static_cast<std::size_t>(__builtin_ctzll(x ^ y)) / 8;  // little-endian
    }
    while (k < max && a[k] == b[k]) ++k;
    return k;
}

}  // namespace

// Huffman's code, its longest codes shortened where it passes the limit by moving codes down a
// level until the lengths are those of a complete code again.
void huffman_code_lengths(const std::uint32_t* freq, int n, int limit, std::uint8_t* lengths) {
    std::fill(lengths, lengths + n, 0);
    std::vector<int> sym;  // the coded symbols, least frequent first (ties by symbol)
    for (int s = 0; s < n; ++s)
        if (freq[s] > 0) sym.push_back(s);
    for (int s = 0; sym.size() < 2 && s < n; ++s)
        if (freq[s] == 0) sym.push_back(s);  // frequency 0, coded anyway: the code must be complete
    std::sort(sym.begin(), sym.end(), [&](int a, int b) { return freq[a] != freq[b] ? freq[a] < freq[b] : a < b; });
    // Huffman's tree by two queues: the leaves in order, then the inner nodes as made (their
    // weights come out in order too).
    const std::size_t m = sym.size();
    std::vector<std::uint64_t> w(2 * m - 1);
    std::vector<std::uint32_t> parent(2 * m - 1, 0);
    for (std::size_t k = 0; k < m; ++k) w[k] = freq[sym[k]];
    std::size_t leaf = 0, inner = m;
    for (std::size_t next = m; next < 2 * m - 1; ++next) {
        std::size_t two[2];
        for (std::size_t& t : two) t = (leaf < m && (inner >= next || w[leaf] <= w[inner])) ? leaf++ : inner++;
        w[next] = w[two[0]] + w[two[1]];
        parent[two[0]] = parent[two[1]] = static_cast<std::uint32_t>(next);
    }
    std::vector<int> depth(2 * m - 1, 0);
    std::array<int, 64> count{};  // how many codes of each length
    for (std::size_t k = 2 * m - 1; k-- > 0;)
        if (k < 2 * m - 2) depth[k] = depth[parent[k]] + 1;
    for (std::size_t k = 0; k < m; ++k) ++count[static_cast<std::size_t>(std::min(depth[k], limit))];
    // Codes longer than the limit were counted at the limit: the code is now over-full. Each
    // step takes a code off the limit and moves one from the longest shorter level down a level,
    // where it and the taken code share its place: the sum of 2^-length falls by 2^-limit.
    std::uint64_t kraft = 0;
    for (int len = 1; len <= limit; ++len) kraft += static_cast<std::uint64_t>(count[len]) << (limit - len);
    while (kraft > (std::uint64_t{1} << limit)) {
        --count[limit];
        for (int len = limit - 1; len > 0; --len)
            if (count[len] > 0) {
                --count[len];
                count[len + 1] += 2;
                break;
            }
        --kraft;
    }
    // The longest codes to the least frequent symbols.
    std::size_t k = 0;
    for (int len = limit; len > 0; --len)
        for (int c = 0; c < count[len]; ++c) lengths[sym[k++]] = static_cast<std::uint8_t>(len);
}

namespace {

// Canonical codes of the lengths (RFC 1951, 3.2.2), bit-reversed: deflate sends a Huffman code
// from its first bit, and the writer sends the low bits first.
void canonical_codes(const std::uint8_t* lengths, int n, std::uint16_t* codes) {
    std::array<int, 16> count{};
    for (int s = 0; s < n; ++s) ++count[lengths[s]];
    count[0] = 0;
    std::array<std::uint32_t, 16> next{};
    std::uint32_t code = 0;
    for (int len = 1; len < 16; ++len) {
        code = (code + static_cast<std::uint32_t>(count[len - 1])) << 1;
        next[len] = code;
    }
    for (int s = 0; s < n; ++s) {
        const int len = lengths[s];
        if (len == 0) continue;
        std::uint32_t c = next[len]++, reversed = 0;
        for (int b = 0; b < len; ++b) reversed |= ((c >> b) & 1) << (len - 1 - b);
        codes[s] = static_cast<std::uint16_t>(reversed);
    }
}

// Bits, low first, into a buffer sized beforehand.
class BitWriter {
public:
    explicit BitWriter(unsigned char* at) : at_(at) {}
    void put(std::uint32_t value, int bits) {
        acc_ |= static_cast<std::uint64_t>(value) << n_;
        n_ += bits;
        if (n_ >= 32) {
            const auto word = static_cast<std::uint32_t>(acc_);
            at_[0] = static_cast<unsigned char>(word), at_[1] = static_cast<unsigned char>(word >> 8);
            at_[2] = static_cast<unsigned char>(word >> 16), at_[3] = static_cast<unsigned char>(word >> 24);
            at_ += 4;
            acc_ >>= 32;
            n_ -= 32;
        }
    }
    unsigned char* flush() {  // the last bits, padded with zeros to a byte
        for (; n_ > 0; n_ -= 8, acc_ >>= 8) *at_++ = static_cast<unsigned char>(acc_);
        n_ = 0;
        return at_;
    }

private:
    unsigned char* at_;
    std::uint64_t acc_ = 0;
    int n_ = 0;
};

// The code-length code's symbols for the run of lengths `lengths` (litlen then distance):
// 0-15 a length, 16 the one before 3-6 times, 17 zero 3-10 times, 18 zero 11-138 times; each
// with its extra bits' value in the high byte.
std::vector<std::uint16_t> run_length_symbols(const std::vector<std::uint8_t>& lengths) {
    std::vector<std::uint16_t> out;
    for (std::size_t i = 0; i < lengths.size();) {
        const std::uint8_t len = lengths[i];
        std::size_t run = 1;
        while (i + run < lengths.size() && lengths[i + run] == len) ++run;
        std::size_t left = run;
        if (len == 0) {
            while (left >= 11) {
                const std::size_t take = std::min<std::size_t>(left, 138);
                out.push_back(static_cast<std::uint16_t>(18 | (take - 11) << 8));
                left -= take;
            }
            if (left >= 3) {
                out.push_back(static_cast<std::uint16_t>(17 | (left - 3) << 8));
                left = 0;
            }
        } else {
            out.push_back(len);
            --left;
            while (left >= 3) {
                const std::size_t take = std::min<std::size_t>(left, 6);
                out.push_back(static_cast<std::uint16_t>(16 | (take - 3) << 8));
                left -= take;
            }
        }
        for (; left > 0; --left) out.push_back(len);
        i += run;
    }
    return out;
}

constexpr std::array<int, 19> kCodeLenExtra{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7};

}  // namespace

void zlib_image_rows(const unsigned char* data, std::size_t size, std::size_t row, std::string& out) {
    // Tokens, and the frequencies of their symbols.
    thread_local std::vector<std::uint32_t> token_store;
    thread_local std::vector<std::uint32_t> seen_store;  // hash of four bytes -> position + 1
    constexpr int kHashBits = 15;
    seen_store.assign(std::size_t{1} << kHashBits, 0);
    token_store.resize(size + 1);  // at most a token a byte
    std::uint32_t* const last_seen = seen_store.data();
    std::uint32_t* const tokens = token_store.data();
    std::size_t n_tokens = 0;
    std::array<std::uint32_t, kLitLenSymbols> lit_freq{};
    std::array<std::uint32_t, kDistSymbols> dist_freq{};
    // The distances tried first: the byte before, and the row above (and a pixel either side).
    std::array<std::size_t, 4> near{};
    std::size_t n_near = 0;
    row = std::max<std::size_t>(row, 1);
    for (const std::size_t d : {std::size_t{1}, row, row - 1, row + 1})
        if (d >= 1 && d <= kWindow && std::find(near.begin(), near.begin() + n_near, d) == near.begin() + n_near)
            near[n_near++] = d;
    const std::size_t far = *std::max_element(near.begin(), near.begin() + n_near);
    constexpr std::size_t kLongEnough = 16;  // a match this long is not looked for further
    for (std::size_t i = 0; i < size;) {
        const std::size_t max = std::min(kMaxMatch, size - i);
        std::size_t best = 0, best_dist = 0;
        // A candidate is measured only where its first three bytes match: one test for all,
        // most bytes that match none are text and edges.
        std::uint32_t head = 0;
        unsigned maybe = (1u << n_near) - 1;  // the last three bytes: measure them all
        if (n_near == 4 && i >= far && i + 4 <= size) {
            // Past the first row every candidate lies inside the data: four loads, no tests.
            std::memcpy(&head, data + i, 4);
            std::uint32_t t0, t1, t2, t3;
            std::memcpy(&t0, data + i - near[0], 4);
            std::memcpy(&t1, data + i - near[1], 4);
            std::memcpy(&t2, data + i - near[2], 4);
            std::memcpy(&t3, data + i - near[3], 4);
            maybe = static_cast<unsigned>(((t0 ^ head) & 0xFFFFFFu) == 0) |
                    static_cast<unsigned>(((t1 ^ head) & 0xFFFFFFu) == 0) << 1 |
                    static_cast<unsigned>(((t2 ^ head) & 0xFFFFFFu) == 0) << 2 |
                    static_cast<unsigned>(((t3 ^ head) & 0xFFFFFFu) == 0) << 3;
        } else if (i + 4 <= size) {
            std::memcpy(&head, data + i, 4);
            maybe = 0;
            for (std::size_t k = 0; k < n_near; ++k) {
                std::uint32_t there = ~head;
                if (near[k] <= i) std::memcpy(&there, data + i - near[k], 4);
                maybe |= static_cast<unsigned>(((there ^ head) & 0xFFFFFFu) == 0) << k;
            }
        }
        for (; maybe != 0 && best < max; maybe &= maybe - 1) {
            const std::size_t d = near[static_cast<std::size_t>(__builtin_ctz(maybe))];
            if (d > i) continue;
            const std::size_t len = match_length(data + i, data + i - d, max);
            if (len > best) best = len, best_dist = d;
        }
        if (best < kLongEnough && i + 4 <= size) {
            std::uint32_t& slot = last_seen[(head * 2654435761u) >> (32 - kHashBits)];
            const std::size_t seen = slot;
            slot = static_cast<std::uint32_t>(i + 1);
            if (seen > 0 && i - (seen - 1) <= kWindow) {
                const std::size_t d = i - (seen - 1);
                const std::size_t len = match_length(data + i, data + seen - 1, max);
                if (len > best) best = len, best_dist = d;
            }
        }
        if (best >= kMinMatch) {
            tokens[n_tokens++] =
                kMatch | static_cast<std::uint32_t>(best) << 16 | static_cast<std::uint32_t>(best_dist);
            ++lit_freq[257 + kLengthCode.code[best]];
            ++dist_freq[static_cast<std::size_t>(dist_code(static_cast<std::uint32_t>(best_dist)))];
            i += best;
        } else {
            tokens[n_tokens++] = data[i];
            ++lit_freq[data[i]];
            ++i;
        }
    }
    lit_freq[kEndOfBlock] = 1;

    // The codes.
    std::array<std::uint8_t, kLitLenSymbols> lit_len{};
    std::array<std::uint8_t, kDistSymbols> dist_len{};
    huffman_code_lengths(lit_freq.data(), kLitLenSymbols, 15, lit_len.data());
    huffman_code_lengths(dist_freq.data(), kDistSymbols, 15, dist_len.data());
    int hlit = kLitLenSymbols, hdist = kDistSymbols;
    while (hlit > 257 && lit_len[static_cast<std::size_t>(hlit - 1)] == 0) --hlit;
    while (hdist > 1 && dist_len[static_cast<std::size_t>(hdist - 1)] == 0) --hdist;
    std::vector<std::uint8_t> all_lengths(lit_len.begin(), lit_len.begin() + hlit);
    all_lengths.insert(all_lengths.end(), dist_len.begin(), dist_len.begin() + hdist);
    const std::vector<std::uint16_t> rle = run_length_symbols(all_lengths);
    std::array<std::uint32_t, kCodeLenSymbols> cl_freq{};
    for (const std::uint16_t s : rle) ++cl_freq[s & 0xFF];
    std::array<std::uint8_t, kCodeLenSymbols> cl_len{};
    huffman_code_lengths(cl_freq.data(), kCodeLenSymbols, 7, cl_len.data());
    int hclen = kCodeLenSymbols;
    while (hclen > 4 && cl_len[kCodeLenOrder[static_cast<std::size_t>(hclen - 1)]] == 0) --hclen;
    std::array<std::uint16_t, kLitLenSymbols> lit_code{};
    std::array<std::uint16_t, kDistSymbols> dist_code_bits{};
    std::array<std::uint16_t, kCodeLenSymbols> cl_code{};
    canonical_codes(lit_len.data(), kLitLenSymbols, lit_code.data());
    canonical_codes(dist_len.data(), kDistSymbols, dist_code_bits.data());
    canonical_codes(cl_len.data(), kCodeLenSymbols, cl_code.data());

    // The exact size: the header's bits and every symbol's code and extra bits.
    std::uint64_t bits = 3 + 5 + 5 + 4 + 3 * static_cast<std::uint64_t>(hclen);
    for (const std::uint16_t s : rle) bits += cl_len[s & 0xFF] + static_cast<std::uint64_t>(kCodeLenExtra[s & 0xFF]);
    for (int s = 0; s < kLitLenSymbols; ++s) {
        const std::uint64_t extra = s > 256 ? kLengthExtra[static_cast<std::size_t>(s - 257)] : 0;
        bits += lit_freq[static_cast<std::size_t>(s)] * (lit_len[static_cast<std::size_t>(s)] + extra);
    }
    for (int s = 0; s < kDistSymbols; ++s)
        bits +=
            dist_freq[static_cast<std::size_t>(s)] *
            static_cast<std::uint64_t>(dist_len[static_cast<std::size_t>(s)] + kDistExtra[static_cast<std::size_t>(s)]);
    const std::size_t at = out.size();
    // zlib header (deflate, 32 KiB window, no dictionary; the check makes it a multiple of 31),
    // the block, then Adler-32 of the data. Four bytes to spare: the writer stores whole words.
    out.resize(at + 2 + (bits + 7) / 8 + 4 + 4);
    auto* o = reinterpret_cast<unsigned char*>(out.data()) + at;
    o[0] = 0x78, o[1] = 0x01;
    BitWriter w(o + 2);
    w.put(1, 1);  // the final block
    w.put(2, 2);  // dynamic Huffman codes
    w.put(static_cast<std::uint32_t>(hlit - 257), 5);
    w.put(static_cast<std::uint32_t>(hdist - 1), 5);
    w.put(static_cast<std::uint32_t>(hclen - 4), 4);
    for (int k = 0; k < hclen; ++k) w.put(cl_len[kCodeLenOrder[static_cast<std::size_t>(k)]], 3);
    for (const std::uint16_t s : rle) {
        const int sym = s & 0xFF;
        w.put(cl_code[static_cast<std::size_t>(sym)], cl_len[static_cast<std::size_t>(sym)]);
        if (kCodeLenExtra[static_cast<std::size_t>(sym)] > 0)
            w.put(s >> 8, kCodeLenExtra[static_cast<std::size_t>(sym)]);
    }
    for (std::size_t k = 0; k < n_tokens; ++k) {
        const std::uint32_t t = tokens[k];
        if (!(t & kMatch)) {
            w.put(lit_code[t], lit_len[t]);
            continue;
        }
        const std::uint32_t len = (t >> 16) & 0x7FFF, d = t & 0xFFFF;
        const std::size_t lc = kLengthCode.code[len];
        w.put(lit_code[257 + lc], lit_len[257 + lc]);
        if (kLengthExtra[lc] > 0) w.put(len - kLengthBase[lc], kLengthExtra[lc]);
        const auto dc = static_cast<std::size_t>(dist_code(d));
        w.put(dist_code_bits[dc], dist_len[dc]);
        if (kDistExtra[dc] > 0) w.put(d - kDistBase[dc], kDistExtra[dc]);
    }
    w.put(lit_code[kEndOfBlock], lit_len[kEndOfBlock]);
    unsigned char* end = w.flush();
    const std::uint32_t adler = libdeflate_adler32(1, data, size);
    end[0] = static_cast<unsigned char>(adler >> 24), end[1] = static_cast<unsigned char>(adler >> 16);
    end[2] = static_cast<unsigned char>(adler >> 8), end[3] = static_cast<unsigned char>(adler);
    out.resize(static_cast<std::size_t>(end + 4 - reinterpret_cast<unsigned char*>(out.data())));
}

}  // namespace sitescreen
