// GCJ-02 / BD-09 <-> WGS 84 conversion (the widely published formulas, inverted iteratively).
#include "geo/china_coords.h"

#include <cmath>

namespace sitescreen {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kA = 6378245.0;                // Krasovsky semi-major axis used by GCJ-02
constexpr double kEE = 0.00669342162296594323;  // its first eccentricity squared
constexpr double kXPi = kPi * 3000.0 / 180.0;

double transform_lat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
    r += (160.0 * std::sin(y / 12.0 * kPi) + 320 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
    return r;
}

double transform_lon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::fabs(x));
    r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
    r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
    r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
    return r;
}

}  // namespace

bool in_china_gcj_box(LonLat p) { return p.lon >= 72.004 && p.lon <= 137.8347 && p.lat >= 0.8293 && p.lat <= 55.8271; }

LonLat wgs84_to_gcj02(LonLat p) {
    if (!in_china_gcj_box(p)) return p;
    double dlat = transform_lat(p.lon - 105.0, p.lat - 35.0);
    double dlon = transform_lon(p.lon - 105.0, p.lat - 35.0);
    const double radlat = p.lat / 180.0 * kPi;
    double magic = std::sin(radlat);
    magic = 1 - kEE * magic * magic;
    const double sqrtmagic = std::sqrt(magic);
    dlat = (dlat * 180.0) / ((kA * (1 - kEE)) / (magic * sqrtmagic) * kPi);
    dlon = (dlon * 180.0) / (kA / sqrtmagic * std::cos(radlat) * kPi);
    return {p.lon + dlon, p.lat + dlat};
}

LonLat gcj02_to_wgs84(LonLat g) {
    if (!in_china_gcj_box(g)) return g;
    // Fixed-point iteration: w <- w - (f(w) - g). f is a small smooth offset
    // (<1 km) so the map is a strong contraction; 2-3 steps reach 1e-9 deg.
    LonLat w = g;
    for (int i = 0; i < 20; ++i) {
        const LonLat f = wgs84_to_gcj02(w);
        const double dx = f.lon - g.lon, dy = f.lat - g.lat;
        w.lon -= dx;
        w.lat -= dy;
        if (std::fabs(dx) < 1e-11 && std::fabs(dy) < 1e-11) break;
    }
    return w;
}

LonLat gcj02_to_bd09(LonLat p) {
    const double z = std::sqrt(p.lon * p.lon + p.lat * p.lat) + 0.00002 * std::sin(p.lat * kXPi);
    const double theta = std::atan2(p.lat, p.lon) + 0.000003 * std::cos(p.lon * kXPi);
    return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

LonLat bd09_to_gcj02(LonLat b) {
    // The published closed-form inverse is approximate (~1e-6 deg); refine it
    // by iterating on the forward formula.
    const double x = b.lon - 0.0065, y = b.lat - 0.006;
    const double z = std::sqrt(x * x + y * y) - 0.00002 * std::sin(y * kXPi);
    const double theta = std::atan2(y, x) - 0.000003 * std::cos(x * kXPi);
    LonLat g{z * std::cos(theta), z * std::sin(theta)};
    for (int i = 0; i < 10; ++i) {
        const LonLat f = gcj02_to_bd09(g);
        const double dx = f.lon - b.lon, dy = f.lat - b.lat;
        g.lon -= dx;
        g.lat -= dy;
        if (std::fabs(dx) < 1e-12 && std::fabs(dy) < 1e-12) break;
    }
    return g;
}

LonLat bd09_to_wgs84(LonLat p) { return gcj02_to_wgs84(bd09_to_gcj02(p)); }

LonLat to_wgs84(LonLat p, CoordSystem from) {
    switch (from) {
        case CoordSystem::Gcj02:
            return gcj02_to_wgs84(p);
        case CoordSystem::Bd09:
            return bd09_to_wgs84(p);
        case CoordSystem::Wgs84:
            break;
    }
    return p;
}

}  // namespace sitescreen
