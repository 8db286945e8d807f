// OGR geometries to and from the Boost.Geometry types used by the screening code.
#pragma once
#include <ogr_api.h>

#include <string>

#include "core/types.h"

namespace sitescreen {

// Appends every polygon of `g` (Polygon, MultiPolygon, curved or collection
// members; other types ignored) as Boost polygons, orientation corrected.
// Returns the number of polygons added.
int append_polygons(OGRGeometryH g, MultiPolygon& out);

// Reason why `g` is not a valid geometry (GEOS), or "" if it is valid.
std::string invalidity_reason(OGRGeometryH g);

// Repairs `g` in place with GEOS MakeValid (through OGR); returns false when
// the repair fails.
bool make_valid(OGRGeometryH& g);

// Builds an OGR geometry from a Boost multipolygon (caller owns it).
OGRGeometryH to_ogr(const MultiPolygon& mp);
OGRGeometryH to_ogr(const Point& p);

}  // namespace sitescreen
