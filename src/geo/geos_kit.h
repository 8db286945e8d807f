// GEOS (reentrant C API) with one context per thread, and RAII geometry handles.
#pragma once
#include <geos_c.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "core/types.h"

namespace sitescreen::geos {

// The calling thread's GEOS context (created on first use, freed at thread exit).
GEOSContextHandle_t context();

struct GeomDelete {
    void operator()(GEOSGeometry* g) const noexcept;
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDelete>;

GeomPtr from_polygon(const Polygon& p);
GeomPtr from_multipolygon(const MultiPolygon& mp);
// Appends the polygons of a GEOS geometry (any type; non-areal parts ignored).
void to_multipolygon(const GEOSGeometry* g, MultiPolygon& out);

// Union of polygons, made valid first when needed. Never throws on topology
// problems: falls back to MakeValid and, at worst, a zero-width buffer.
GeomPtr union_all(std::vector<GeomPtr>&& parts);
GeomPtr make_valid(GeomPtr g);
double area(const GEOSGeometry* g);
// The envelope of a geometry that is not empty.
Box envelope(const GEOSGeometry* g);
GeomPtr intersection(const GEOSGeometry* a, const GEOSGeometry* b);
// g within the rectangle [x0, x1] x [y0, y1]: GEOS's rectangle clip (fast; its output may have
// zero-width parts along the rectangle), and where that clip fails the overlay intersection with
// the rectangle (GEOS 3.11's clip throws on some valid polygons: "Invalid number of points in
// LinearRing found 3"). Null only when both fail; each such fallback is counted.
GeomPtr clip_by_rect(const GEOSGeometry* g, double x0, double y0, double x1, double y1);
std::uint64_t clip_by_rect_fallbacks();
// A polygon cut to `box`: null when its envelope misses the box or nothing is left, the polygon
// whole when its envelope is within the box, else clip_by_rect. For cutting pieces before a
// union: joining the parts in a box costs less than joining whole pieces, for the same area.
GeomPtr cut_to_box(const Polygon& p, const Box& box);
// a less b, both repaired and tried again on a topology failure (null only when that fails too).
GeomPtr difference(const GEOSGeometry* a, const GEOSGeometry* b);
// A regular polygon of n vertices around `centre` that contains the circle of radius r
// (circumscribed), or lies inside it (inscribed).
GeomPtr disc(const Point& centre, double r, int n, bool circumscribed);
// g grown outward by d (d > 0), its round corners circumscribed: it contains every point within d
// of g (the exact offset region), and exceeds it by under 0.2 % of d.
GeomPtr grow(const GEOSGeometry* g, double d);
// The point of g nearest to p (p itself when p is in g); nullopt when g is empty.
std::optional<Point> nearest_point(const GEOSGeometry* g, const Point& p);

}  // namespace sitescreen::geos
