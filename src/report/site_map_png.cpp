// The site map's PNG encoding: an 8-bit palette of the map's colours, no filters, deflated by
// zlib_image_rows (png_deflate.h).
#include "report/site_map_png.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SITESCREEN_AVX_DISPATCH 1
#endif
#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <vector>

#include "report/png_deflate.h"

namespace sitescreen {

namespace {

// PNG is a signature and chunks (length, type, data, CRC-32 of type and data); the image is
// one zlib stream of the rows, each row led by its filter byte (0: none). Written here rather
// than with libpng, and deflated by zlib_image_rows (png_deflate.h) rather than by zlib or
// libdeflate: both spend a few nanoseconds on every byte, most of which here repeat the byte
// before or the row above; on 60 maps of China it takes a third of libdeflate's time at level 4
// for 3 % more bytes (and zlib's level 3, libpng's, is 2.5 times as slow as libdeflate's 4).
void be32(unsigned char* at, std::uint32_t v) {
    at[0] = static_cast<unsigned char>(v >> 24), at[1] = static_cast<unsigned char>(v >> 16);
    at[2] = static_cast<unsigned char>(v >> 8), at[3] = static_cast<unsigned char>(v);
}

void put_be32(std::string& out, std::uint32_t v) {
    unsigned char b[4];
    be32(b, v);
    out.append(reinterpret_cast<const char*>(b), 4);
}

void put_chunk(std::string& out, const char (&type)[5], const unsigned char* data, std::size_t size) {
    put_be32(out, static_cast<std::uint32_t>(size));
    const std::size_t at = out.size();
    out.append(type, 4);
    out.append(reinterpret_cast<const char*>(data), size);
    put_be32(out, libdeflate_crc32(0, out.data() + at, size + 4));
}

// A colour of the palette.
struct PngColour {
    std::uint8_t red, green, blue;
};

struct PngRows {
    int width = 0, height = 0;
    bool palette = false;
    std::vector<PngColour> colours;  // palette entries (palette only)
};

// `row(y, out)` writes row y's bytes (width bytes of palette entries, or 3 x width of RGB).
template <class Row>
std::string write_png(const PngRows& how, Row row) {
    const std::size_t row_bytes = static_cast<std::size_t>(how.width) * (how.palette ? 1 : 3);
    thread_local std::vector<unsigned char> rows;
    thread_local std::string packed;
    rows.resize((row_bytes + 1) * static_cast<std::size_t>(how.height));
    for (int y = 0; y < how.height; ++y) {
        unsigned char* r = rows.data() + (row_bytes + 1) * static_cast<std::size_t>(y);
        r[0] = 0;  // filter: none
        row(y, r + 1);
    }
    packed.clear();
    zlib_image_rows(rows.data(), rows.size(), row_bytes + 1, packed);
    const std::size_t deflated = packed.size();

    std::string out("\x89PNG\r\n\x1a\n", 8);
    unsigned char header[13];
    be32(header, static_cast<std::uint32_t>(how.width));
    be32(header + 4, static_cast<std::uint32_t>(how.height));
    header[8] = 8;                             // bits per sample (or per palette index)
    header[9] = how.palette ? 3 : 2;           // colour type: palette, or RGB
    header[10] = header[11] = header[12] = 0;  // deflate, adaptive filtering's method, no interlace
    out.reserve(8 + 25 + 12 + 3 * how.colours.size() + 12 + deflated + 12);
    put_chunk(out, "IHDR", header, sizeof header);
    if (how.palette) {
        std::vector<unsigned char> plte;
        for (const PngColour& c : how.colours) plte.insert(plte.end(), {c.red, c.green, c.blue});
        put_chunk(out, "PLTE", plte.data(), plte.size());
    }
    put_chunk(out, "IDAT", reinterpret_cast<const unsigned char*>(packed.data()), deflated);
    put_chunk(out, "IEND", nullptr, 0);
    return out;
}

// The colours of an image and how many pixels have each: an open-addressing
// table of colour and count side by side (one cache line per lookup), and for
// every pixel the slot of its colour.
struct ColourCount {
    static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
    struct Slot {
        std::uint32_t colour, count;
    };
    std::vector<Slot> table;
    std::vector<std::uint16_t> slot_of_pixel;
    std::size_t used = 0;
};

// Counts the colours of the RGB24 image; false when there are more than
// `max_colours` (then the counts are incomplete).
bool count_colours(const unsigned char* data, int w, int h, int stride, std::size_t max_colours, ColourCount& cc) {
    std::size_t cap = 1;
    while (cap < 2 * max_colours) cap <<= 1;
    cc.table.assign(cap, ColourCount::Slot{ColourCount::kEmpty, 0});
    cc.slot_of_pixel.resize(static_cast<std::size_t>(w) * h);
    cc.used = 0;
    ColourCount::Slot* const table = cc.table.data();
    const std::uint32_t mask = static_cast<std::uint32_t>(cap - 1);
    int shift = 32;  // the product's top bits index the table (its low bits ignore the colour's top)
    while ((std::size_t{1} << (32 - shift)) < cap) --shift;
    std::uint32_t prev = ColourCount::kEmpty, prev_slot = 0, run = 0;  // pixels of prev since counted
    std::uint16_t* out = cc.slot_of_pixel.data();
    for (int y = 0; y < h; ++y) {
        const auto* px = reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        for (int x = 0; x < w;) {
            const std::uint32_t c = px[x] & 0xFFFFFFu;  // RGB24: the top byte is unused
            if (c == prev) {
                out[x++] = static_cast<std::uint16_t>(prev_slot);
                ++run;
#if defined(__SSE2__)
                // A run goes on: four at a time while it does.
                const __m128i rgb = _mm_set1_epi32(0xFFFFFF), was = _mm_set1_epi32(static_cast<int>(prev));
                const __m128i slot = _mm_set1_epi16(static_cast<short>(prev_slot));
                while (x + 4 <= w) {
                    const __m128i four = _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(px + x)), rgb);
                    if (_mm_movemask_epi8(_mm_cmpeq_epi32(four, was)) != 0xFFFF) break;
                    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + x), slot);
                    run += 4;
                    x += 4;
                }
#endif
                continue;
            }
            // A new colour: one lookup, nearly always a hit in the first slot. (Keeping the colour
            // before the last, to skip the lookup where hatching and text alternate two, cost more
            // in mispredicted branches than it saved: 2.50 against 2.25 ms a map.)
            std::uint32_t i = (c * 2654435761u) >> shift;
            while (table[i].colour != c) {
                if (table[i].colour == ColourCount::kEmpty) {
                    if (++cc.used > max_colours) return false;
                    table[i].colour = c;
                    break;
                }
                i = (i + 1) & mask;
            }
            table[prev_slot].count += run;
            run = 1;
            prev = c;
            prev_slot = i;
            out[x++] = static_cast<std::uint16_t>(i);
        }
        out += w;
    }
    table[prev_slot].count += run;
    return true;
}

// Makes entry e (colour r, g, b) the nearest of each of the n colours it is
// closer to than their nearest so far. It runs 256 times over a few thousand
// colours per map, so it is written for SSE2 (every x86-64), four colours at
// a time, in float: the channels, squared distances and entries are integers
// below 2^18, exact in a float, so the result is that of integer arithmetic.
// (GCC left the int32 loop scalar and branching, a fifth of the encoding:
// SSE2 has no packed 32-bit multiply.)
#if defined(SITESCREEN_AVX_DISPATCH)
// The same, eight colours at a time, where the CPU has AVX (checked once, at the first call):
// the same float operations, so the same result.
__attribute__((target("avx"))) std::size_t closer_entry_avx(const float* __restrict red, const float* __restrict green,
                                                            const float* __restrict blue, std::size_t n, float r,
                                                            float g, float b, float e, float* __restrict nearest,
                                                            float* __restrict near_entry) {
    const __m256 rv = _mm256_set1_ps(r), gv = _mm256_set1_ps(g), bv = _mm256_set1_ps(b), ev = _mm256_set1_ps(e);
    std::size_t k = 0;
    for (; k + 8 <= n; k += 8) {
        const __m256 dr = _mm256_sub_ps(_mm256_loadu_ps(red + k), rv);
        const __m256 dg = _mm256_sub_ps(_mm256_loadu_ps(green + k), gv);
        const __m256 db = _mm256_sub_ps(_mm256_loadu_ps(blue + k), bv);
        const __m256 d =
            _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(dr, dr), _mm256_mul_ps(dg, dg)), _mm256_mul_ps(db, db));
        const __m256 was = _mm256_loadu_ps(nearest + k);
        const __m256 closer = _mm256_cmp_ps(d, was, _CMP_LT_OQ);
        _mm256_storeu_ps(nearest + k, _mm256_or_ps(_mm256_and_ps(closer, d), _mm256_andnot_ps(closer, was)));
        const __m256 entry = _mm256_loadu_ps(near_entry + k);
        _mm256_storeu_ps(near_entry + k, _mm256_or_ps(_mm256_and_ps(closer, ev), _mm256_andnot_ps(closer, entry)));
    }
    return k;
}
#endif

void closer_entry(const float* __restrict red, const float* __restrict green, const float* __restrict blue,
                  std::size_t n, float r, float g, float b, float e, float* __restrict nearest,
                  float* __restrict near_entry) {
    std::size_t k = 0;
#if defined(SITESCREEN_AVX_DISPATCH)
    static const bool avx = __builtin_cpu_supports("avx");
    if (avx) k = closer_entry_avx(red, green, blue, n, r, g, b, e, nearest, near_entry);
#endif
#if defined(__SSE2__)
    const __m128 rv = _mm_set1_ps(r), gv = _mm_set1_ps(g), bv = _mm_set1_ps(b), ev = _mm_set1_ps(e);
    for (; k + 4 <= n; k += 4) {
        const __m128 dr = _mm_sub_ps(_mm_loadu_ps(red + k), rv);
        const __m128 dg = _mm_sub_ps(_mm_loadu_ps(green + k), gv);
        const __m128 db = _mm_sub_ps(_mm_loadu_ps(blue + k), bv);
        const __m128 d = _mm_add_ps(_mm_add_ps(_mm_mul_ps(dr, dr), _mm_mul_ps(dg, dg)), _mm_mul_ps(db, db));
        const __m128 was = _mm_loadu_ps(nearest + k);
        const __m128 closer = _mm_cmplt_ps(d, was);
        _mm_storeu_ps(nearest + k, _mm_or_ps(_mm_and_ps(closer, d), _mm_andnot_ps(closer, was)));
        const __m128 entry = _mm_loadu_ps(near_entry + k);
        _mm_storeu_ps(near_entry + k, _mm_or_ps(_mm_and_ps(closer, ev), _mm_andnot_ps(closer, entry)));
    }
#endif
    for (; k < n; ++k) {
        const float dr = red[k] - r, dg = green[k] - g, db = blue[k] - b;
        const float d = dr * dr + dg * dg + db * db;
        if (d < nearest[k]) {
            nearest[k] = d;
            near_entry[k] = e;
        }
    }
}

// The first colour k of largest error weight[k] x nearest[k] (pixels x squared distance to its
// nearest entry), or n when every error is 0. In double, two colours at a time: the factors are
// integers below 2^32 and 2^18, so every product is exact and the choice that of integer
// arithmetic (the scalar loop in int64 was a tenth of the encoding).
std::size_t worst_served(const double* __restrict weight, const float* __restrict nearest, std::size_t n) {
    double worst_error = 0;
    std::size_t worst = n, k = 0;
#if defined(__SSE2__)
    // Per lane: its largest error and the first colour with it (as a double, exact below 2^53).
    __m128d lane_error = _mm_setzero_pd(), lane_index = _mm_set1_pd(static_cast<double>(n));
    __m128d index = _mm_set_pd(1, 0);
    const __m128d two = _mm_set1_pd(2);
    for (; k + 2 <= n; k += 2) {
        const __m128d near =
            _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(nearest + k))));
        const __m128d err = _mm_mul_pd(_mm_loadu_pd(weight + k), near);
        const __m128d larger = _mm_cmpgt_pd(err, lane_error);
        lane_error = _mm_or_pd(_mm_and_pd(larger, err), _mm_andnot_pd(larger, lane_error));
        lane_index = _mm_or_pd(_mm_and_pd(larger, index), _mm_andnot_pd(larger, lane_index));
        index = _mm_add_pd(index, two);
    }
    double e[2], i[2];
    _mm_storeu_pd(e, lane_error);
    _mm_storeu_pd(i, lane_index);
    for (int l = 0; l < 2; ++l)
        if (e[l] > worst_error || (e[l] == worst_error && e[l] > 0 && static_cast<std::size_t>(i[l]) < worst))
            worst_error = e[l], worst = static_cast<std::size_t>(i[l]);
#endif
    for (; k < n; ++k) {
        const double err = weight[k] * static_cast<double>(nearest[k]);
        if (err > worst_error) worst_error = err, worst = k;
    }
    return worst;
}

// Sorts by `key` (below 2^56), ascending: LSD radix sort by bytes, a pass skipped where every key
// has the same byte (the counts' high bytes). A map's few thousand colours take a tenth of
// std::sort's time; the keys are distinct, so the order is the same.
template <typename T>
void sort_by_key(std::vector<T>& v) {
    std::vector<T> tmp(v.size());
    for (int shift = 0; shift < 56; shift += 8) {
        std::array<std::size_t, 257> at{};
        for (const T& e : v) ++at[((e.key >> shift) & 0xFF) + 1];
        if (std::any_of(at.begin() + 1, at.end(), [&](std::size_t c) { return c == v.size(); })) continue;
        for (int b = 0; b < 256; ++b) at[b + 1] += at[b];
        for (const T& e : v) tmp[at[(e.key >> shift) & 0xFF]++] = e;
        v.swap(tmp);
    }
}

// PNG of an RGB24 surface. Not cairo's writer: its adaptive filtering and
// compression cost three times as much for these maps (flat areas, thin lines)
// and give larger files than no filter at zlib level 3 (and zlib_image_rows is
// faster again).
//
// A map has a few thousand colours, nearly all of its pixels in a few dozen
// flat ones (background, fills, ink); the rest are anti-aliased edges and
// text. It is written as an 8-bit palette PNG: a third of the bytes to
// deflate, half the file. The palette is exact when the map has at most 256
// colours; else it holds the 192 most frequent ones, then 64 chosen one by
// one where the remaining error (pixels x squared distance to the nearest
// entry) is largest, and every colour is drawn in its nearest entry: the
// flat colours exactly; on 40 maps of sites in China 2.5 % of the pixels
// (edges, text) moved, by 3 to 5 levels of 255 on average (RGB distance),
// 40 at most. An image of more than kMaxColours colours (none of the maps)
// keeps 24-bit RGB.
}  // namespace

std::string encode_map_png(cairo_surface_t* surface) {
    constexpr std::size_t kMaxColours = 16384, kPalette = 256, kFrequent = 192;
    const int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    const int stride = cairo_image_surface_get_stride(surface);
    const unsigned char* data = cairo_image_surface_get_data(surface);
    thread_local ColourCount cc;
    if (!count_colours(data, w, h, stride, kMaxColours, cc)) {
        return write_png(PngRows{w, h, false, {}}, [&](int y, unsigned char* row) {
            const auto* px = reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
            for (int x = 0; x < w; ++x) {
                row[3 * x] = static_cast<unsigned char>((px[x] >> 16) & 255);
                row[3 * x + 1] = static_cast<unsigned char>((px[x] >> 8) & 255);
                row[3 * x + 2] = static_cast<unsigned char>(px[x] & 255);
            }
        });
    }
    // The colours in use, most frequent first (ties by colour: the same image gives the same file).
    // Sorted by one key (fewer pixels, then colour, ascending) held beside the slot: no lookups.
    struct Ranked {
        std::uint64_t key;
        std::uint32_t slot;
    };
    std::vector<Ranked> ranked;
    ranked.reserve(cc.used);
    for (std::uint32_t i = 0; i < cc.table.size(); ++i)
        if (cc.table[i].colour != ColourCount::kEmpty)
            ranked.push_back({(std::uint64_t{0xFFFFFFFFu - cc.table[i].count} << 24) | cc.table[i].colour, i});
    sort_by_key(ranked);
    std::vector<std::uint32_t> slots(ranked.size());
    for (std::size_t k = 0; k < ranked.size(); ++k) slots[k] = ranked[k].slot;
    // Each colour's nearest palette entry so far (squared distance, entry), updated as entries are
    // added; the greedy step takes the colour of largest error, found in the same pass.
    const std::size_t n = slots.size();
    // Channels, distances and entries as floats: integers below 2^24, exact (closer_entry).
    std::vector<float> red(n), green(n), blue(n), nearest(n, std::numeric_limits<float>::max());
    std::vector<double> weight(n);
    std::vector<float> near_entry(n, 0);
    for (std::size_t k = 0; k < n; ++k) {
        const std::uint32_t c = cc.table[slots[k]].colour;
        red[k] = static_cast<float>(c >> 16 & 255);
        green[k] = static_cast<float>(c >> 8 & 255);
        blue[k] = static_cast<float>(c & 255);
        weight[k] = static_cast<double>(cc.table[slots[k]].count);
    }
    PngRows how{w, h, true, {}};
    std::size_t next = 0;  // the colour added next: the most frequent ones, then the worst served
    while (how.colours.size() < std::min(n, kPalette)) {
        const auto e = static_cast<float>(how.colours.size());
        const float r = red[next], g = green[next], b = blue[next];
        how.colours.push_back(
            PngColour{static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(g), static_cast<std::uint8_t>(b)});
        closer_entry(red.data(), green.data(), blue.data(), n, r, g, b, e, nearest.data(), near_entry.data());
        if (how.colours.size() < kFrequent) {
            next = how.colours.size();
            continue;
        }
        const std::size_t worst = worst_served(weight.data(), nearest.data(), n);
        if (worst == n) break;  // every colour exact
        next = worst;
    }
    std::vector<std::uint8_t> entry(cc.table.size(), 0);
    for (std::size_t k = 0; k < n; ++k) entry[slots[k]] = static_cast<std::uint8_t>(near_entry[k]);
    return write_png(how, [&](int y, unsigned char* row) {
        const std::uint16_t* sl = cc.slot_of_pixel.data() + static_cast<std::size_t>(y) * w;
        int x = 0;
#if defined(__SSE2__)
        // Eight pixels of one colour (most of a map) take one lookup.
        for (; x + 8 <= w; x += 8) {
            const __m128i eight = _mm_loadu_si128(reinterpret_cast<const __m128i*>(sl + x));
            if (_mm_movemask_epi8(_mm_cmpeq_epi16(eight, _mm_set1_epi16(static_cast<short>(sl[x])))) == 0xFFFF) {
                std::memset(row + x, entry[sl[x]], 8);
            } else {
                for (int k = x; k < x + 8; ++k) row[k] = entry[sl[k]];
            }
        }
#endif
        for (; x < w; ++x) row[x] = entry[sl[x]];
    });
}

}  // namespace sitescreen
