// join_coverage: the union of polygons that tile a region edge to edge, checked against GEOS's
// overlay union (the same area, nothing apart, valid) on hand-made cases where rings touch at a
// point, and on random grids of cells with random holes and gaps.
#include <gtest/gtest.h>

#include <random>

#include "geo/coverage_join.h"
#include "geo/geos_kit.h"

using namespace sitescreen;

namespace {

Polygon box(double x0, double y0, double x1, double y1) {
    Polygon p;
    for (const Point& q : {Point(x0, y0), Point(x1, y0), Point(x1, y1), Point(x0, y1), Point(x0, y0)})
        p.outer().push_back(q);
    return p;  // counter-clockwise
}

Ring clockwise(std::vector<Point> v) {
    Ring r(v.rbegin(), v.rend());
    r.push_back(r.front());
    return r;
}

// Joins `parts`, checks the result against GEOS's overlay union of the same parts, and returns it.
MultiPolygon joined_as_overlay(const std::vector<Polygon>& parts) {
    std::vector<const Polygon*> ptrs;
    std::vector<geos::GeomPtr> geoms;
    for (const Polygon& p : parts) {
        ptrs.push_back(&p);
        geoms.push_back(geos::from_polygon(p));
    }
    MultiPolygon out;
    EXPECT_TRUE(join_coverage(ptrs, out));
    auto ctx = geos::context();
    const geos::GeomPtr overlay = geos::union_all(std::move(geoms));
    const geos::GeomPtr joined = geos::from_multipolygon(out);
    EXPECT_EQ(GEOSisValid_r(ctx, joined.get()), 1) << GEOSisValidReason_r(ctx, joined.get());
    const double a = geos::area(overlay.get());
    EXPECT_NEAR(geos::area(joined.get()), a, 1e-12 * a);
    const geos::GeomPtr apart(GEOSSymDifference_r(ctx, joined.get(), overlay.get()));
    EXPECT_LT(geos::area(apart.get()), 1e-12 * a);
    return out;
}

}  // namespace

TEST(CoverageJoin, FourCellsAreOneSquare) {
    const MultiPolygon m = joined_as_overlay({box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 1, 2), box(1, 1, 2, 2)});
    ASSERT_EQ(m.size(), 1u);
    EXPECT_TRUE(m[0].inners().empty());
    // The shared edges are gone; the vertices in the middle of each side stay.
    EXPECT_EQ(m[0].outer().size(), 9u);
}

TEST(CoverageJoin, CellsMeetingAtACornerStayTwoPolygons) {
    const MultiPolygon m = joined_as_overlay({box(0, 0, 1, 1), box(1, 1, 2, 2)});
    EXPECT_EQ(m.size(), 2u);
}

TEST(CoverageJoin, ARingOfCellsHasAHoleAndAHoleTouchingAtAPointIsKeptApart) {
    // Eight cells around a missing middle: one polygon with one hole.
    std::vector<Polygon> ring;
    for (int x = 0; x < 3; ++x)
        for (int y = 0; y < 3; ++y)
            if (x != 1 || y != 1) ring.push_back(box(x, y, x + 1, y + 1));
    MultiPolygon m = joined_as_overlay(ring);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].inners().size(), 1u);
    // The same less the corner cell at (2, 2): the hole now touches the outside at the corner
    // (2, 2), so the ring passes that vertex twice; it comes out as one polygon whose shell is
    // notched there, the hole a ring of its own touching it.
    ring.erase(std::remove_if(ring.begin(), ring.end(),
                              [](const Polygon& p) { return p.outer()[0].x() == 2 && p.outer()[0].y() == 2; }),
               ring.end());
    m = joined_as_overlay(ring);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].inners().size(), 1u);
}

TEST(CoverageJoin, AnIslandInAHoleIsAPolygonOfItsOwn) {
    Polygon frame = box(0, 0, 10, 10);
    frame.inners().push_back(clockwise({Point(2, 2), Point(8, 2), Point(8, 8), Point(2, 8)}));
    const MultiPolygon m = joined_as_overlay({frame, box(4, 4, 5, 6), box(5, 4, 6, 6)});
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].inners().size() + m[1].inners().size(), 1u);
}

TEST(CoverageJoin, DeclinesPartsThatOverlapOrDoNotClose) {
    const Polygon a = box(0, 0, 1, 1);
    const Polygon b = box(0, 0, 1, 1);  // the same edges the same way round
    MultiPolygon out;
    EXPECT_FALSE(join_coverage({&a, &b}, out));
    Polygon open = box(0, 0, 1, 1);
    open.outer().pop_back();  // not closed: its last edge is missing
    EXPECT_FALSE(join_coverage({&open}, out));
}

TEST(CoverageJoin, RandomGridsOfCellsWithHolesAndGaps) {
    // Grids of 12 x 12 cells of random widths, a fifth of them missing (gaps, holes, cells
    // touching at corners), some with a hole of their own, each cell's sides split at random
    // points that its neighbours share: the join is GEOS's overlay union.
    std::mt19937 rng(25);
    std::uniform_real_distribution<double> width(0.5, 2.0), unit(0, 1);
    for (int trial = 0; trial < 20; ++trial) {
        SCOPED_TRACE(trial);
        std::vector<double> xs{0}, ys{0};
        for (int i = 0; i < 12; ++i) xs.push_back(xs.back() + width(rng)), ys.push_back(ys.back() + width(rng));
        // Points along each grid line, shared by the cells on both sides.
        std::vector<std::vector<double>> on_x(13), on_y(13);  // on vertical line i: ys; horizontal j: xs
        for (auto& v : on_x)
            for (int k = 0; k < 30; ++k) v.push_back(ys.back() * unit(rng));
        for (auto& v : on_y)
            for (int k = 0; k < 30; ++k) v.push_back(xs.back() * unit(rng));
        for (auto* all : {&on_x, &on_y})
            for (auto& v : *all) std::sort(v.begin(), v.end());
        std::vector<Polygon> cells;
        for (int i = 0; i < 12; ++i)
            for (int j = 0; j < 12; ++j) {
                if (unit(rng) < 0.2) continue;
                const double x0 = xs[i], x1 = xs[i + 1], y0 = ys[j], y1 = ys[j + 1];
                Polygon c;
                Ring& r = c.outer();
                r.push_back(Point(x0, y0));
                for (double x : on_y[j])
                    if (x > x0 && x < x1) r.push_back(Point(x, y0));
                r.push_back(Point(x1, y0));
                for (double y : on_x[i + 1])
                    if (y > y0 && y < y1) r.push_back(Point(x1, y));
                r.push_back(Point(x1, y1));
                for (auto it = on_y[j + 1].rbegin(); it != on_y[j + 1].rend(); ++it)
                    if (*it > x0 && *it < x1) r.push_back(Point(*it, y1));
                r.push_back(Point(x0, y1));
                for (auto it = on_x[i].rbegin(); it != on_x[i].rend(); ++it)
                    if (*it > y0 && *it < y1) r.push_back(Point(x0, *it));
                r.push_back(Point(x0, y0));
                if (unit(rng) < 0.2) {
                    const double mx = (x0 + x1) / 2, my = (y0 + y1) / 2, h = 0.2 * std::min(x1 - x0, y1 - y0);
                    c.inners().push_back(clockwise(
                        {Point(mx - h, my - h), Point(mx + h, my - h), Point(mx + h, my + h), Point(mx - h, my + h)}));
                }
                cells.push_back(std::move(c));
            }
        joined_as_overlay(cells);
    }
}
