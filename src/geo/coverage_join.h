// The union of polygons that tile a region edge to edge, without an overlay.
#pragma once

#include <vector>

#include "core/types.h"

namespace sitescreen {

// The union of `parts`, polygons (outer rings counter-clockwise, holes clockwise, closed) that
// overlap nowhere and meet edge to edge: wherever two of them share a stretch of boundary, both
// have the same vertices along it (a layer's pieces, once each has its neighbours' vertices on
// the cut lines between them). An edge that appears once in each direction lies between two
// parts and is dropped; what is left is linked into rings, turning at a vertex where several
// rings meet onto the edge that keeps the same face on the left (the sharpest left turn), so
// rings that touch at a point stay apart, as a valid polygon wants. Counter-clockwise rings are
// shells; each clockwise one is a hole of the smallest shell around it.
//
// This is what GEOS's coverage union computes, in O(n log n) and without the validity checks of
// its polygonizer, which were most of its time on spiky features (docs/performance.md, "The
// avoidance search"). False (`out` unspecified) where the parts are seen not to be such a tiling:
// an edge twice in the same direction, a vertex that does not pass each ring on, a union whose
// area is not the parts', a hole in no shell. The caller then takes GEOS's union. Parts that
// cross without sharing a vertex are not seen: the caller's parts must not overlap.
bool join_coverage(const std::vector<const Polygon*>& parts, MultiPolygon& out);

}  // namespace sitescreen
