// Exact planar overlay of polygons with discs centred on the origin of a local frame.
#pragma once
#include <vector>

#include "core/types.h"

namespace sitescreen {

// Signed area of (triangle O-a-b) ∩ disc(O, r): summed over the edges of a
// ring it gives the ring's signed area inside the disc (Green's theorem), exact
// for a true circle (no polygonal approximation of the buffer).
double triangle_disc_area(const Point& a, const Point& b, double r);

// For each radius, the signed area of the ring inside the disc (CCW positive).
void ring_disc_areas(const Ring& ring_xy, const std::vector<double>& radii_m, std::vector<double>& areas_out);
// For each radius, adds the polygon's area inside the disc (outer ring and holes) to totals[k].
void add_polygon_disc_areas(const Polygon& polygon_xy, const std::vector<double>& radii_m, std::vector<double>& totals);

// Whether the origin lies inside the polygon made of these rings (even-odd rule).
bool rings_contain_origin(const std::vector<const Ring*>& rings_xy);

// Distance from the origin to the nearest edge of a ring.
double ring_distance_to_origin(const Ring& ring_xy);

// Distance from the origin to the segment a-b.
double segment_distance_to_origin(const Point& a, const Point& b);

}  // namespace sitescreen
