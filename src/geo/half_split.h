// Splitting a polygon in two along an axis-parallel line, in O(n log n).
//
// Subdividing a large polygon (src/layers/vector_layer.cpp) cuts it in
// halves, recursively. GEOS ClipByRect reconnects the fragments of a cut by
// a search that is quadratic in the number of times the cut crosses the
// boundary, and an intricate boundary (a jittered star, a red line drawn
// along valleys) is crossed hundreds of times by most cuts. Here the
// crossings are sorted along the line instead: between consecutive pairs the
// line runs inside the polygon, and each such stretch joins the end of one
// piece of boundary on a side to the start of another.
//
// Only the plain case is handled: no vertex on the line, crossings at
// distinct places, rings turning the usual way (exterior counter-clockwise,
// holes clockwise), and a hole that lies wholly on one side falling inside
// exactly one of that side's outer rings. Anything else returns false, and
// the caller clips with GEOS instead. The new vertices lie exactly on the
// line (their coordinate across it is the line's).
#pragma once
#include "core/types.h"

namespace sitescreen {

// Splits `poly` (valid) along x = c (`vertical`) or y = c. On success,
// `below` gets the parts with x < c (or y < c) and `above` those with
// x > c (or y > c), each a valid polygon, and returns true. On false
// nothing is promised of the outputs.
bool split_polygon(const Polygon& poly, bool vertical, double c, MultiPolygon& below, MultiPolygon& above);

}  // namespace sitescreen
