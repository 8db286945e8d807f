// Splitting large polygons into pieces (subdivide.h).
#include "layers/vector/subdivide.h"

#include <geos_c.h>

#include "geo/geos_kit.h"
#include "geo/half_split.h"

namespace sitescreen::vector_kit {

std::size_t vertex_count(const Polygon& p) {
    std::size_t n = p.outer().size();
    for (const auto& h : p.inners()) n += h.size();
    return n;
}

// Splits a polygon into pieces of at most kMaxPieceVertices vertices by
// cutting it across the middle of its bounding box's longer side,
// recursively (split_polygon, or GEOS ClipByRect where that declines).
void subdivide(const Polygon& poly, std::vector<Part>& out, std::vector<double> cuts_x, std::vector<double> cuts_y,
               int depth) {
    if (vertex_count(poly) <= kMaxPieceVertices || depth > 24) {
        out.push_back({poly, std::move(cuts_x), std::move(cuts_y)});
        return;
    }
    Box b;
    bg::envelope(poly, b);
    const double w = b.max_corner().x() - b.min_corner().x();
    const double h = b.max_corner().y() - b.min_corner().y();
    const bool vertical = w >= h;
    const double mid = vertical ? b.min_corner().x() + w / 2 : b.min_corner().y() + h / 2;
    // Split by sorting the crossings where it can (half_split.h). Data on a
    // grid (coordinates rounded to 1e-4 degree, say) often has a vertex just
    // on the middle, which that declines: a line a millionth of the extent
    // further is as good a cut, and misses the grid.
    {
        const double nudge = (vertical ? w : h) * 0.6180339887e-6;
        for (const double c : {mid, mid + nudge}) {
            MultiPolygon sides[2];
            if (!split_polygon(poly, vertical, c, sides[0], sides[1])) continue;
            (vertical ? cuts_x : cuts_y).push_back(c);
            for (const MultiPolygon& parts : sides)
                for (const auto& part : parts) subdivide(part, out, cuts_x, cuts_y, depth + 1);
            return;
        }
    }
    // Else GEOS, at the middle.
    Box halves[2] = {b, b};
    if (vertical) {
        halves[0].max_corner().x(mid);
        halves[1].min_corner().x(mid);
        cuts_x.push_back(mid);
    } else {
        halves[0].max_corner().y(mid);
        halves[1].min_corner().y(mid);
        cuts_y.push_back(mid);
    }
    geos::GeomPtr g = geos::from_polygon(poly);
    for (const Box& half : halves) {
        const geos::GeomPtr clipped = geos::clip_by_rect(g.get(), half.min_corner().x(), half.min_corner().y(),
                                                         half.max_corner().x(), half.max_corner().y());
        MultiPolygon parts;
        geos::to_multipolygon(clipped.get(), parts);
        for (const auto& part : parts) subdivide(part, out, cuts_x, cuts_y, depth + 1);
    }
}

}  // namespace sitescreen::vector_kit
