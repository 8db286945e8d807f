// Area of a union of overlapping polygons within discs centred on the local
// frame's origin, computed from the union's boundary without building the
// union (see docs/method.md, "Overlapping features").
#pragma once
#include <cstdint>
#include <vector>

#include "geo/local_frame.h"
#include "core/types.h"

namespace sitescreen {

// Lon/lat edges longer than this (degrees) are split before projecting, so
// they keep their shape in the frame (clipped layer rings and box sides alike).
constexpr double kClipDensifyDeg = 0.01;

// Sides of the lon/lat clip box, in counter-clockwise order; kCut marks an
// edge along a line the feature was split on at load (inside the feature).
enum ClipSide : std::int8_t { kNoSide = -1, kBottom = 0, kRight = 1, kTop = 2, kLeft = 3, kCut = 4 };

// A polygon piece in the local frame, clipped to the box beforehand.
struct UnionPiece {
    std::uint32_t feature = 0;  // pieces of one feature never overlap
    const Polygon* xy = nullptr;
    // Per ring (outer, then inners), per segment: the clip-box side the
    // segment lies on (it came from clipping, not from the data), kCut for a
    // split line between pieces of the feature, or kNoSide. Such segments
    // are not the feature's boundary: only kNoSide segments are.
    const std::vector<std::vector<std::int8_t>>* sides = nullptr;
    Box box;  // of *xy
};

// A stretch of a piece's ring along a side of the clip box, in lon/lat: the
// varying coordinate (lon on the bottom and top, lat on the left and right)
// where the stretch starts and ends, in ring order.
struct BoxRun {
    std::uint32_t feature = 0;
    ClipSide side = kBottom;
    double from = 0, to = 0;
};

// Adds to total[k] the area, within radius radii[k] of the origin, of the
// union of the pieces. Every edge of a piece is kept where it lies outside
// all other features (the union's boundary) and integrated against the disc
// exactly (Green's theorem, as triangle_disc_area); along the clip box the
// boundary is the union of the features' runs. Work grows with the edges
// near each other, not with the square of all vertices as a general overlay.
//
// Returns false, adding nothing, when edges of two features touch or run
// along each other within a micrometre (shared borders, touching vertices):
// the caller then needs a general overlay (GEOS).
bool add_union_disc_areas(const std::vector<UnionPiece>& pieces, const std::vector<BoxRun>& runs, const Box& clip_ll,
                          const LocalFrame& frame, const std::vector<double>& radii, std::vector<double>& total);

// The point of a clip-box side at varying coordinate v (lon/lat).
Point clip_side_point(const Box& clip_ll, ClipSide side, double v);

}  // namespace sitescreen
