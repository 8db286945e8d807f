// GEOS (reentrant C API) with one context per thread, and RAII geometry handles.
#pragma once
#include <geos_c.h>

#include <memory>
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
GeomPtr intersection(const GEOSGeometry* a, const GEOSGeometry* b);

}  // namespace sitescreen::geos
