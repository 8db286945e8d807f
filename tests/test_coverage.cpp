// Exact coverage fractions over a pixel grid: closed-form cases and per-cell
// agreement with Boost.Geometry's polygon/cell intersection areas.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "geo/coverage.h"

using namespace sitescreen;
using coverage::Window;

namespace {

constexpr double kPi = 3.14159265358979323846;

Ring ring_of(std::initializer_list<std::pair<double, double>> pts) {
    Ring r;
    for (auto [x, y] : pts) r.push_back(Point(x, y));
    r.push_back(r.front());
    return r;
}

Polygon polygon_of(Ring outer, std::vector<Ring> holes = {}) {
    Polygon p;
    p.outer() = std::move(outer);
    for (auto& h : holes) p.inners().push_back(std::move(h));
    bg::correct(p);
    return p;
}

std::vector<double> fractions(const MultiPolygon& mp, Window w) {
    std::vector<double> out;
    coverage::coverage_fractions(mp, w, out);
    return out;
}

// Reference: area of polygon n cell, by Boost.Geometry's overlay.
double cell_area_boost(const MultiPolygon& mp, int c, int r) {
    const Box cell(Point(c, r), Point(c + 1, r + 1));
    MultiPolygon out;
    bg::intersection(cell, mp, out);
    return bg::area(out);
}

void expect_matches_boost(const MultiPolygon& mp, Window w, double tol = 1e-9) {
    const std::vector<double> f = fractions(mp, w);
    double total = 0;
    for (int r = 0; r < w.height; ++r) {
        for (int c = 0; c < w.width; ++c) {
            const double expected = cell_area_boost(mp, w.x0 + c, w.y0 + r);
            const double got = f[static_cast<std::size_t>(r) * w.width + c];
            ASSERT_NEAR(got, expected, tol) << "cell col " << w.x0 + c << " row " << w.y0 + r;
            total += got;
        }
    }
    // Inside the window, the fractions add up to the polygon's area in cells.
    MultiPolygon clipped;
    bg::intersection(Box(Point(w.x0, w.y0), Point(w.x0 + w.width, w.y0 + w.height)), mp, clipped);
    EXPECT_NEAR(total, bg::area(clipped), 1e-8);
}

// A star with 2n points around (cx, cy): concave, edges at every angle.
Ring star(double cx, double cy, double r_out, double r_in, int n, double phase = 0.1) {
    Ring ring;
    for (int i = 0; i < 2 * n; ++i) {
        const double a = phase + kPi * i / n;
        const double r = (i % 2 == 0) ? r_out : r_in;
        ring.push_back(Point(cx + r * std::cos(a), cy + r * std::sin(a)));
    }
    ring.push_back(ring.front());
    return ring;
}

}  // namespace

TEST(Coverage, UnitCellOnGridLinesIsExact) {
    const MultiPolygon mp{polygon_of(ring_of({{1, 1}, {2, 1}, {2, 2}, {1, 2}}))};
    const auto f = fractions(mp, Window{0, 0, 3, 3});
    for (int i = 0; i < 9; ++i) EXPECT_EQ(f[i], i == 4 ? 1.0 : 0.0) << i;
}

TEST(Coverage, SquareHalfOverACell) {
    // [0.5, 1.5] x [0, 1]: half of cell (0, 0) and half of cell (1, 0).
    const MultiPolygon mp{polygon_of(ring_of({{0.5, 0}, {1.5, 0}, {1.5, 1}, {0.5, 1}}))};
    const auto f = fractions(mp, Window{0, 0, 2, 2});
    EXPECT_NEAR(f[0], 0.5, 1e-12);
    EXPECT_NEAR(f[1], 0.5, 1e-12);
    EXPECT_NEAR(f[2], 0.0, 1e-12);
    EXPECT_NEAR(f[3], 0.0, 1e-12);
    // Shifted a quarter cell down: each of the four cells gets 0.5 * 0.5... of its share.
    const MultiPolygon mq{polygon_of(ring_of({{0.5, 0.25}, {1.5, 0.25}, {1.5, 1.25}, {0.5, 1.25}}))};
    const auto g = fractions(mq, Window{0, 0, 2, 2});
    EXPECT_NEAR(g[0], 0.375, 1e-12);
    EXPECT_NEAR(g[1], 0.375, 1e-12);
    EXPECT_NEAR(g[2], 0.125, 1e-12);
    EXPECT_NEAR(g[3], 0.125, 1e-12);
}

TEST(Coverage, TriangleClosedForm) {
    // x + y <= 2 in the positive quadrant.
    const MultiPolygon mp{polygon_of(ring_of({{0, 0}, {2, 0}, {0, 2}}))};
    const auto f = fractions(mp, Window{0, 0, 2, 2});
    EXPECT_NEAR(f[0], 1.0, 1e-12);
    EXPECT_NEAR(f[1], 0.5, 1e-12);
    EXPECT_NEAR(f[2], 0.5, 1e-12);
    EXPECT_NEAR(f[3], 0.0, 1e-12);
}

TEST(Coverage, PolygonWithHole) {
    const MultiPolygon mp{
        polygon_of(ring_of({{0, 0}, {4, 0}, {4, 4}, {0, 4}}), {ring_of({{1, 1}, {1, 3}, {3, 3}, {3, 1}})})};
    const auto f = fractions(mp, Window{0, 0, 4, 4});
    double total = 0;
    for (int r = 0; r < 4; ++r) {
        for (int c = 0; c < 4; ++c) {
            const bool in_hole = r >= 1 && r <= 2 && c >= 1 && c <= 2;
            EXPECT_NEAR(f[r * 4 + c], in_hole ? 0.0 : 1.0, 1e-12) << c << "," << r;
            total += f[r * 4 + c];
        }
    }
    EXPECT_NEAR(total, 12.0, 1e-12);
    // An off-grid hole, checked cell by cell.
    const MultiPolygon mq{polygon_of(ring_of({{0.2, 0.3}, {5.7, 0.1}, {5.9, 4.8}, {0.4, 5.2}}),
                                     {ring_of({{1.3, 1.6}, {2.2, 3.9}, {4.1, 3.3}, {3.7, 1.2}})})};
    expect_matches_boost(mq, Window{0, 0, 6, 6});
}

TEST(Coverage, ConcaveStarMatchesBoostCellByCell) {
    const MultiPolygon mp{polygon_of(star(10.37, 9.81, 8.6, 3.1, 7))};
    expect_matches_boost(mp, Window{0, 0, 21, 21});
}

TEST(Coverage, OrientationDoesNotMatter) {
    Polygon p = polygon_of(star(5.2, 4.9, 4.3, 1.7, 5), {ring_of({{4.5, 4.5}, {4.5, 5.5}, {5.5, 5.5}, {5.5, 4.5}})});
    const auto a = fractions(MultiPolygon{p}, Window{0, 0, 10, 10});
    bg::reverse(p);  // now exterior and hole both turn the other way
    const auto b = fractions(MultiPolygon{p}, Window{0, 0, 10, 10});
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-12) << i;
}

TEST(Coverage, MultiPolygonPartsAdd) {
    const MultiPolygon mp{polygon_of(ring_of({{0.5, 0.5}, {2.5, 0.5}, {2.5, 1.5}, {0.5, 1.5}})),
                          polygon_of(star(6.1, 6.3, 2.4, 1.1, 4))};
    expect_matches_boost(mp, Window{0, 0, 9, 9});
}

TEST(Coverage, TotalEqualsPolygonAreaInCells) {
    // A 256-gon circle as a point site's buffer would be, at an odd offset.
    Ring circle;
    for (int i = 0; i < 256; ++i) {
        const double a = 2 * kPi * i / 256;
        circle.push_back(Point(123.456 + 37.3 * std::cos(a), -45.678 + 29.1 * std::sin(a)));
    }
    circle.push_back(circle.front());
    const MultiPolygon mp{polygon_of(circle)};
    coverage::PixelRings rings = coverage::to_pixel_rings(mp);
    Window w;
    ASSERT_TRUE(coverage::bounding_window(rings, w));
    std::vector<double> f;
    coverage::coverage_fractions(rings, w, f);
    double total = 0;
    for (double v : f) {
        ASSERT_GE(v, 0.0);
        ASSERT_LE(v, 1.0);
        total += v;
    }
    EXPECT_NEAR(total, bg::area(mp), 1e-8);
    expect_matches_boost(mp, w);
}

TEST(Coverage, PartsOutsideTheWindowAreExact) {
    // The window sees only the middle of a large concave polygon with a hole.
    const MultiPolygon mp{
        polygon_of(star(20.3, 19.7, 19.0, 8.2, 6, 0.3), {ring_of({{15.5, 18.2}, {19.1, 24.6}, {24.3, 17.9}})})};
    const Window whole{0, 0, 41, 41};
    const Window part{12, 9, 13, 17};
    const auto f_whole = fractions(mp, whole);
    const auto f_part = fractions(mp, part);
    for (int r = 0; r < part.height; ++r) {
        for (int c = 0; c < part.width; ++c) {
            EXPECT_NEAR(f_part[r * part.width + c], f_whole[(r + part.y0) * whole.width + c + part.x0], 1e-12);
        }
    }
    expect_matches_boost(mp, Window{-3, 30, 12, 15});  // a window hanging over the polygon's corner
}

TEST(Coverage, WindowInsideOrOutsidePolygon) {
    const MultiPolygon mp{polygon_of(ring_of({{-100.5, -80.25}, {300.5, -90}, {250, 400.75}, {-90, 310}}))};
    const auto inside = fractions(mp, Window{10, 20, 7, 5});
    for (double v : inside) EXPECT_EQ(v, 1.0);
    const auto outside = fractions(mp, Window{1000, 20, 7, 5});
    for (double v : outside) EXPECT_EQ(v, 0.0);
}

TEST(Coverage, SlantedThinSliversAndGridAlignedEdges) {
    // Edges along grid lines, through cell corners, and nearly horizontal.
    const MultiPolygon mp{polygon_of(ring_of({{1, 1}, {7, 1}, {7, 1.0000001}, {4, 4}, {1, 7}, {1, 4.5}})),
                          polygon_of(ring_of({{8, 0.5}, {11.5, 0.500001}, {11.5, 9.5}, {8, 2}}))};
    expect_matches_boost(mp, Window{0, 0, 13, 10});
}

TEST(Coverage, SweepRecordReplaysTheSameRows) {
    // A star with a hole: the rows a recorded sweep visits, replayed, are the
    // rows a fresh sweep visits (same order, cells, fractions and runs); the
    // record is of those rings over that window only.
    const MultiPolygon mp{
        polygon_of(star(40.3, 38.7, 37.0, 15.2, 9, 0.2), {ring_of({{35.5, 36.2}, {41.1, 46.6}, {46.3, 35.9}})})};
    const coverage::PixelRings rings = coverage::to_pixel_rings(mp);
    Window w;
    ASSERT_TRUE(coverage::bounding_window(rings, w));
    struct Row {
        int row;
        std::vector<std::pair<int, double>> cells;
        std::vector<std::pair<int, int>> runs;
        bool operator==(const Row& o) const { return row == o.row && cells == o.cells && runs == o.runs; }
    };
    auto collect = [](std::vector<Row>& out) {
        return
            [&out](int r, const coverage::BoundaryCell* c, std::size_t nc, const coverage::FullRun* u, std::size_t nu) {
                Row row{r, {}, {}};
                for (std::size_t i = 0; i < nc; ++i) row.cells.emplace_back(c[i].col, c[i].frac);
                for (std::size_t i = 0; i < nu; ++i) row.runs.emplace_back(u[i].begin, u[i].end);
                out.push_back(std::move(row));
            };
    };
    std::vector<Row> fresh, recorded, replayed;
    coverage::CoverageSweep sweep;
    sweep.prepare(rings, w);
    sweep.for_each_row(collect(fresh));
    ASSERT_GT(fresh.size(), 60u);

    coverage::SweepRecord record;
    EXPECT_FALSE(record.is_of(rings, w));
    std::vector<int> ahead_rows;
    record.sweep(sweep, rings, w, collect(recorded), [](int, int, int) {});
    EXPECT_TRUE(record.is_of(rings, w));
    record.replay(collect(replayed), [&](int row, int lo, int hi) {
        EXPECT_LE(lo, hi);
        ahead_rows.push_back(row);
    });
    EXPECT_TRUE(fresh == recorded);
    EXPECT_TRUE(fresh == replayed);
    EXPECT_EQ(ahead_rows.size() + coverage::CoverageSweep::kRowsAhead, replayed.size());
    EXPECT_EQ(ahead_rows.front(), replayed[coverage::CoverageSweep::kRowsAhead].row);

    // Another window, or rings moved by a hair, are not this record.
    Window other = w;
    other.width -= 1;
    EXPECT_FALSE(record.is_of(rings, other));
    coverage::PixelRings moved = rings;
    moved.x[3] = std::nextafter(moved.x[3], 1e9);
    EXPECT_FALSE(record.is_of(moved, w));
    coverage::PixelRings no_hole = rings;
    no_hole.hole.back() = 0;
    EXPECT_FALSE(record.is_of(no_hole, w));
}
