// Rounding of the figures the outputs report: to 0.1 (metres) and to 0.001 (shares, hectares);
// and a whole figure with thousands separators as the texts write it ("435,000").
#pragma once
#include <fmt/format.h>

#include <cmath>
#include <string>

namespace sitescreen {

inline double round1(double x) { return std::round(x * 10.0) / 10.0; }
inline double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

inline std::string fmt_thousands(double v) {
    std::string digits = fmt::format("{:.0f}", std::fabs(v));
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (v < 0 ? "-" : "") + out;
}

}  // namespace sitescreen
