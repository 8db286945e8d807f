// Internal to src/layers/vector/: splitting a large polygon into pieces small enough that their
// boxes reject most of the work when a site is measured.
#pragma once

#include <cstddef>
#include <vector>

#include "core/types.h"

namespace sitescreen::vector_kit {

constexpr std::size_t kMaxPieceVertices = 256;  // pieces small enough that boxes reject most work

std::size_t vertex_count(const Polygon& p);

struct Part {
    Polygon polygon;
    std::vector<double> cuts_x, cuts_y;  // the split lines it borders on (its vertices there lie exactly on them)
};

// Splits a polygon into pieces of at most kMaxPieceVertices vertices by
// cutting it across the middle of its bounding box's longer side,
// recursively (split_polygon, or GEOS ClipByRect where that declines).
void subdivide(const Polygon& poly, std::vector<Part>& out, std::vector<double> cuts_x = {},
               std::vector<double> cuts_y = {}, int depth = 0);

}  // namespace sitescreen::vector_kit
