// A fast, conservative proof that a ring is simple: the common case of the
// validity check at layer load, before asking GEOS (docs/performance.md).
#pragma once
#include <cstddef>

namespace sitescreen {

// True only when the closed ring (x[i], y[i]), i < n, with x[n-1] == x[0] and
// y[n-1] == y[0], is certainly simple: finite coordinates, at least three
// distinct points, no two non-adjacent edges that meet and no two adjacent
// edges that fold back on each other. Consecutive repeated points are
// allowed (GEOS allows them too).
//
// Every orientation test is decided exactly or not at all: a determinant
// within its rounding bound (collinear or nearly collinear points, edges that
// touch) makes the answer false, "not proven". A polygon made of one such ring
// is valid in the OGC sense (GEOS IsValid); false tells nothing, and the
// caller then asks GEOS. So does a ring whose edges overlap in x so much that
// the sweep would take longer than GEOS (past a budget of comparisons).
//
// Two proofs are tried: star-shaped about the vertices' mean (linear time;
// convex rings, blobs, stars), then a sweep over the edges' boxes.
bool ring_certainly_simple(const double* x, const double* y, std::size_t n);

// Each proof on its own, for tests. Same contract as ring_certainly_simple.
namespace simple_ring_detail {
bool star_shaped_proof(const double* x, const double* y, std::size_t n);
bool sweep_proof(const double* x, const double* y, std::size_t n);
}  // namespace simple_ring_detail

}  // namespace sitescreen
