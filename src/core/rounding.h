// Rounding of the figures the outputs report: to 0.1 (metres) and to 0.001 (shares, hectares).
#pragma once
#include <cmath>

namespace sitescreen {

inline double round1(double x) { return std::round(x * 10.0) / 10.0; }
inline double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

}  // namespace sitescreen
