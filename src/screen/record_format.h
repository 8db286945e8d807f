// The figures of a site's record as site_record() sets them, shared with the writer that lays the
// record out as its sites.jsonl line without building it (report/record_line.h): both must round
// and name alike for the two to give the same bytes.
#pragma once
#include <cmath>
#include <string>

#include "layers/catalog.h"

namespace sitescreen {

// Rounds to a fixed number of decimals so that outputs are byte-identical
// across thread counts and platforms' last-bit differences do not show.
inline double record_round(double v, int decimals) {
    const double f = std::pow(10.0, decimals);
    return std::round(v * f) / f;
}

// A raster class by its label in the catalog, else its value.
inline std::string record_class_label(const LayerSpec& spec, long long value) {
    auto it = spec.classes.find(value);
    if (it != spec.classes.end() && !it->second.label.empty()) return it->second.label;
    return std::to_string(value);
}

}  // namespace sitescreen
