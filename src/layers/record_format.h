// The figures of a layer's measurement as a site's record (sites.jsonl) writes them: their decimals
// and class labels. Every output that shows a recorded figure (summary.csv, the per-site report's
// layer tables) rounds and labels it here, so that it shows what the record says.
#pragma once
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "layers/catalog.h"

namespace sitescreen {

// Decimals of the recorded figures (docs/output.md).
constexpr int kCoordinateDecimals = 7;  // a site's lon, lat
constexpr int kRadiusDecimals = 3;      // a buffer's radius_m
constexpr int kDistanceDecimals = 2;    // distance_m
constexpr int kAreaDecimals = 1;        // *_area_m2
constexpr int kShareDecimals = 6;       // overlap_share, valid_share, class shares
constexpr int kValueDecimals = 6;       // a raster's value_at_site, mean, min, max

// Rounds to a fixed number of decimals so that outputs are byte-identical
// across thread counts and platforms' last-bit differences do not show.
inline double record_round(double v, int decimals) {
    const double f = std::pow(10.0, decimals);
    return std::round(v * f) / f;
}

// A figure as the record has it: rounded, or null (nullopt) when it is not finite.
inline std::optional<double> recorded_figure(double v, int decimals) {
    if (!std::isfinite(v)) return std::nullopt;
    const double x = record_round(v, decimals);
    if (!std::isfinite(x)) return std::nullopt;
    return x;
}

// The buffer of `buffers` whose recorded radius is `radius_m` (a site's profile may have measured
// it at other radii than the run's), or null.
template <class Buffer>
const Buffer* recorded_buffer(const std::vector<Buffer>& buffers, double radius_m) {
    for (const Buffer& b : buffers)
        if (std::fabs(record_round(b.radius_m, kRadiusDecimals) - radius_m) < 1e-6) return &b;
    return nullptr;
}

// A raster class by its label in the catalog, else its value.
inline std::string record_class_label(const LayerSpec& spec, long long value) {
    auto it = spec.classes.find(value);
    if (it != spec.classes.end() && !it->second.label.empty()) return it->second.label;
    return std::to_string(value);
}

}  // namespace sitescreen
