// Internal to src/layers/raster/: cells as they lie in a block, their validity and classes, and
// the sums over a buffer and over a block's segments (the zonal sums' building blocks).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "layers/raster/raster_blocks.h"

namespace sitescreen::raster_kit {

// One cell as it lies in a block: mapped GeoTIFF blocks start wherever the
// file puts them, so cells are loaded byte-wise (an ordinary load on x86;
// loops over them still vectorise).
template <typename T>
struct Cell {
    unsigned char bytes[sizeof(T)];
    operator T() const noexcept {
        T v;
        std::memcpy(&v, bytes, sizeof v);
        return v;
    }
};
static_assert(sizeof(Cell<double>) == sizeof(double) && alignof(Cell<double>) == 1);

template <typename T>
const Cell<T>* cells_of(const RasterBlock& b) {
    return reinterpret_cast<const Cell<T>*>(b.cells);
}

// Validity of one cell value: nodata (exact match) and NaN are invalid.
template <typename T>
struct CellTest {
    bool has_nodata = false;
    T nodata{};
    bool valid(T v) const {
        if constexpr (std::is_floating_point_v<T>) {
            if (std::isnan(v)) return false;
        }
        return !(has_nodata && v == nodata);
    }
};

template <typename T>
CellTest<T> make_cell_test(const std::optional<double>& nodata) {
    CellTest<T> t;
    if (!nodata || std::isnan(*nodata)) return t;  // NaN is always invalid already
    const double v = *nodata;
    if constexpr (std::is_integral_v<T>) {
        // A nodata value the type cannot hold matches no cell.
        if (v == std::floor(v) && v >= static_cast<double>(std::numeric_limits<T>::lowest()) &&
            v <= static_cast<double>(std::numeric_limits<T>::max())) {
            t.has_nodata = true;
            t.nodata = static_cast<T>(v);
        }
    } else {
        t.has_nodata = true;
        t.nodata = static_cast<T>(v);
    }
    return t;
}

template <typename T>
long long class_of(T v) {
    if constexpr (std::is_integral_v<T>) {
        return static_cast<long long>(v);
    } else {
        const double r = std::round(static_cast<double>(v));
        return static_cast<long long>(std::clamp(r, -9.2e18, 9.2e18));
    }
}

// Ground area per class: a flat array for the usual 0..255 class codes, a short
// list (with a last-hit cache, as classes come in runs) for anything else.
class ClassTable {
public:
    void clear() {
        small_.fill(0.0);
        other_.clear();
        last_ = 0;
    }
    void add(long long value, double area_m2) {
        if (value >= 0 && value < 256) {
            small_[static_cast<std::size_t>(value)] += area_m2;
            return;
        }
        if (last_ < other_.size() && other_[last_].first == value) {
            other_[last_].second += area_m2;
            return;
        }
        for (std::size_t i = 0; i < other_.size(); ++i) {
            if (other_[i].first == value) {
                other_[i].second += area_m2;
                last_ = i;
                return;
            }
        }
        other_.emplace_back(value, area_m2);
        last_ = other_.size() - 1;
    }
    // Classes with area > 0, ascending by value.
    std::vector<std::pair<long long, double>> sorted() const {
        std::vector<std::pair<long long, double>> out = other_;
        for (std::size_t v = 0; v < small_.size(); ++v)
            if (small_[v] > 0) out.emplace_back(static_cast<long long>(v), small_[v]);
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    std::array<double, 256> small_{};
    std::vector<std::pair<long long, double>> other_;
    std::size_t last_ = 0;
};

// Sums over one buffer.
struct BufferSums {
    double total_m2 = 0;  // covered ground area, valid or not (cells beyond the raster included)
    double valid_m2 = 0;  // covered ground area of valid cells
    double value_m2 = 0;  // sum of value x covered ground area over valid cells
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();
    double cells = 0;
};

// Integer sums where the type allows: exact, and short dependency chains.
template <typename T>
using SumOf = std::conditional_t<std::is_integral_v<T>, long long, double>;

// Summary of one segment (up to kSegmentCells cells of one block row).
template <typename T>
struct SegmentStats {
    SumOf<T> sum;
    std::uint32_t valid;
    T min, max;  // over valid cells; max() / lowest() when there is none
};

// A block's segment summaries from its cells (vw x vh of them are in the raster).
template <typename T>
void summarise_block(const Cell<T>* cells, int bw, int vw, int vh, const CellTest<T>& test, bool categorical,
                     BlockSummary& s) {
    s.segments = (vw + kSegmentCells - 1) / kSegmentCells;
    const std::size_t n_seg = static_cast<std::size_t>(vh) * s.segments;
    if (!categorical) {
        s.stats.assign(n_seg * sizeof(SegmentStats<T>), 0);
        auto* out = reinterpret_cast<SegmentStats<T>*>(s.stats.data());
        for (int y = 0; y < vh; ++y) {
            const Cell<T>* row = cells + static_cast<std::size_t>(y) * bw;
            for (int k = 0; k < s.segments; ++k) {
                const int a = k * kSegmentCells, b = std::min(vw, a + kSegmentCells);
                SumOf<T> sum = 0;
                std::uint32_t valid = 0;
                T mn = std::numeric_limits<T>::max(), mx = std::numeric_limits<T>::lowest();
                for (int c = a; c < b; ++c) {
                    const T v = row[c];
                    const bool ok = test.valid(v);
                    valid += ok;
                    sum += ok ? static_cast<SumOf<T>>(v) : SumOf<T>(0);
                    mn = ok && v < mn ? v : mn;
                    mx = ok && v > mx ? v : mx;
                }
                out[static_cast<std::size_t>(y) * s.segments + k] = SegmentStats<T>{sum, valid, mn, mx};
            }
        }
        return;
    }
    // Categorical: the block's classes (a few, in land cover), then counts per segment.
    std::vector<long long>& cls = s.classes;
    cls.clear();
    for (int y = 0; y < vh; ++y) {
        const Cell<T>* row = cells + static_cast<std::size_t>(y) * bw;
        T last{};
        bool have_last = false;
        for (int c = 0; c < vw; ++c) {
            const T v = row[c];
            if (have_last && v == last) continue;
            last = v;
            have_last = true;
            if (!test.valid(v)) continue;
            const long long k = class_of(v);
            if (std::find(cls.begin(), cls.end(), k) != cls.end()) continue;
            if (cls.size() == kMaxBlockClasses) {
                cls.clear();
                s.has_classes = false;  // too many: the kernel visits this block's cells
                return;
            }
            cls.push_back(k);
        }
    }
    std::sort(cls.begin(), cls.end());
    s.has_classes = true;
    const std::size_t nk = cls.size();
    s.counts.assign(n_seg * nk, 0);
    if (nk == 0) return;
    for (int y = 0; y < vh; ++y) {
        const Cell<T>* row = cells + static_cast<std::size_t>(y) * bw;
        std::size_t j = 0;
        for (int k = 0; k < s.segments; ++k) {
            unsigned char* count = &s.counts[(static_cast<std::size_t>(y) * s.segments + k) * nk];
            const int a = k * kSegmentCells, b = std::min(vw, a + kSegmentCells);
            for (int c = a; c < b; ++c) {
                const T v = row[c];
                if (!test.valid(v)) continue;
                const long long key = class_of(v);
                if (cls[j] != key)
                    j = static_cast<std::size_t>(std::lower_bound(cls.begin(), cls.end(), key) - cls.begin());
                ++count[j];
            }
        }
    }
}

}  // namespace sitescreen::raster_kit
