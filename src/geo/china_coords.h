// Chinese web-map coordinates (GCJ-02, BD-09) to WGS 84; see docs/coordinates.md.
#pragma once
#include "core/types.h"

namespace sitescreen {

enum class CoordSystem { Wgs84, Gcj02, Bd09 };

// Forward transforms as published (WGS 84 -> GCJ-02 -> BD-09); outside China
// GCJ-02 equals WGS 84.
LonLat wgs84_to_gcj02(LonLat p);
LonLat gcj02_to_bd09(LonLat p);
LonLat bd09_to_gcj02(LonLat p);

// Inverse by fixed-point iteration on the forward formula: agrees with the
// forward transform to better than 1e-9 degree (about 0.1 mm).
LonLat gcj02_to_wgs84(LonLat p);
LonLat bd09_to_wgs84(LonLat p);

LonLat to_wgs84(LonLat p, CoordSystem from);

// True where the GCJ-02 offset applies (the rough box of mainland China used
// by the published algorithm).
bool in_china_gcj_box(LonLat p);

}  // namespace sitescreen
