// Splitting polygons along axis-parallel lines (geo/half_split.h), against
// closed forms and against GEOS ClipByRect.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "geo/geos_kit.h"
#include "geo/half_split.h"

using namespace sitescreen;

namespace {

Polygon polygon_from(std::vector<Point> outer, std::vector<std::vector<Point>> holes = {}) {
    Polygon p;
    p.outer().assign(outer.begin(), outer.end());
    p.outer().push_back(outer.front());
    for (auto& h : holes) {
        Ring r(h.begin(), h.end());
        r.push_back(h.front());
        p.inners().push_back(std::move(r));
    }
    bg::correct(p);
    return p;
}

// A jittered star around (cx, cy): simple, with edges at every angle.
std::vector<Point> star(std::mt19937_64& rng, double cx, double cy, double r, int n, double rough) {
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<Point> pts;
    for (int i = 0; i < n; ++i) {
        const double a = 2 * M_PI * (i + 0.4 * u(rng)) / n;
        const double q = r * (1 + rough * u(rng));
        pts.push_back(Point(cx + q * std::cos(a), cy + q * std::sin(a)));
    }
    return pts;
}

double area_of(const MultiPolygon& mp) { return bg::area(mp); }

// What GEOS ClipByRect makes of the same half, for comparison.
MultiPolygon geos_half(const Polygon& poly, bool vertical, double c, bool below) {
    Box b;
    bg::envelope(poly, b);
    double x0 = b.min_corner().x() - 1, y0 = b.min_corner().y() - 1, x1 = b.max_corner().x() + 1,
           y1 = b.max_corner().y() + 1;
    if (vertical)
        (below ? x1 : x0) = c;
    else
        (below ? y1 : y0) = c;
    auto ctx = geos::context();
    geos::GeomPtr g = geos::from_polygon(poly);
    geos::GeomPtr clipped(GEOSClipByRect_r(ctx, g.get(), x0, y0, x1, y1));
    MultiPolygon out;
    geos::to_multipolygon(clipped.get(), out);
    return out;
}

// Every part valid (GEOS), on its side, with the new vertices exactly on
// the line; the two sides' areas add up, and each equals GEOS's.
void expect_good_split(const Polygon& poly, bool vertical, double c, const std::string& what) {
    MultiPolygon below, above;
    ASSERT_TRUE(split_polygon(poly, vertical, c, below, above)) << what;
    auto ctx = geos::context();
    for (int s = 0; s < 2; ++s) {
        const MultiPolygon& side = s == 0 ? below : above;
        ASSERT_FALSE(side.empty()) << what;
        for (const Polygon& part : side) {
            geos::GeomPtr g = geos::from_polygon(part);
            EXPECT_EQ(GEOSisValid_r(ctx, g.get()), 1) << what << " side " << s;
            EXPECT_GT(bg::area(part), 0) << what;  // counter-clockwise exterior
            auto check = [&](const Ring& ring) {
                for (const Point& p : ring) {
                    const double w = vertical ? p.x() : p.y();
                    if (w == c) continue;  // on the line: exactly
                    EXPECT_TRUE(s == 0 ? w < c : w > c) << what << " side " << s << " " << w;
                }
            };
            check(part.outer());
            for (const Ring& h : part.inners()) check(h);
        }
        const MultiPolygon reference = geos_half(poly, vertical, c, s == 0);
        EXPECT_NEAR(area_of(side), area_of(reference), 1e-9 * bg::area(poly)) << what << " side " << s;
        EXPECT_EQ(side.size(), reference.size()) << what << " side " << s;
    }
    EXPECT_NEAR(area_of(below) + area_of(above), bg::area(poly), 1e-9 * bg::area(poly)) << what;
}

}  // namespace

TEST(HalfSplit, SquareInTwoHalves) {
    const Polygon sq = polygon_from({Point(0, 0), Point(2, 0), Point(2, 1), Point(0, 1)});
    MultiPolygon below, above;
    ASSERT_TRUE(split_polygon(sq, true, 0.5, below, above));
    ASSERT_EQ(below.size(), 1u);
    ASSERT_EQ(above.size(), 1u);
    EXPECT_DOUBLE_EQ(bg::area(below), 0.5);
    EXPECT_DOUBLE_EQ(bg::area(above), 1.5);
    ASSERT_TRUE(split_polygon(sq, false, 0.25, below, above));
    EXPECT_DOUBLE_EQ(bg::area(below), 0.5);
    EXPECT_DOUBLE_EQ(bg::area(above), 1.5);
    expect_good_split(sq, true, 1.3, "square");
}

TEST(HalfSplit, JitteredStarsMatchGeos) {
    // The benchmark's kind of polygon: most cuts cross the spikes many times.
    std::mt19937_64 rng(3);
    for (int k = 0; k < 12; ++k) {
        const int n = 50 + 400 * k;
        const Polygon p = polygon_from(star(rng, 110.0, 30.0, 1.0, n, 0.3));
        Box b;
        bg::envelope(p, b);
        for (const double f : {0.5, 0.31, 0.77}) {
            const double cx = b.min_corner().x() + f * (b.max_corner().x() - b.min_corner().x());
            const double cy = b.min_corner().y() + f * (b.max_corner().y() - b.min_corner().y());
            expect_good_split(p, true, cx, "star " + std::to_string(n) + " x " + std::to_string(f));
            expect_good_split(p, false, cy, "star " + std::to_string(n) + " y " + std::to_string(f));
        }
    }
}

TEST(HalfSplit, HolesCrossedOrWhollyOnASide) {
    // A square with three holes: one the cut crosses, one wholly below the
    // line, one wholly above; then a U whose arms each hold a hole, cut so
    // that the side holding both holes has two parts.
    const Polygon holed = polygon_from({Point(0, 0), Point(10, 0), Point(10, 10), Point(0, 10)},
                                       {{Point(4, 4), Point(6, 4), Point(6, 6), Point(4, 6)},
                                        {Point(1, 1), Point(2, 1), Point(2, 2), Point(1, 2)},
                                        {Point(8, 8), Point(9, 8), Point(9, 9), Point(8, 9)}});
    expect_good_split(holed, true, 5.1, "holed x");
    expect_good_split(holed, false, 4.9, "holed y");
    const Polygon u = polygon_from(
        {Point(0, 0), Point(10, 0), Point(10, 10), Point(7, 10), Point(7, 3), Point(3, 3), Point(3, 10), Point(0, 10)},
        {{Point(1, 6), Point(2, 6), Point(2, 7), Point(1, 7)}, {Point(8, 6), Point(9, 6), Point(9, 7), Point(8, 7)}});
    MultiPolygon below, above;
    ASSERT_TRUE(split_polygon(u, false, 4.5, below, above));
    ASSERT_EQ(above.size(), 2u);  // the two arms, each with its hole
    EXPECT_EQ(above[0].inners().size() + above[1].inners().size(), 2u);
    EXPECT_EQ(above[0].inners().size(), 1u);
    expect_good_split(u, false, 4.5, "U");
    expect_good_split(u, true, 5.0, "U x");

    // Random holes in a star, each a small square well inside it.
    std::mt19937_64 rng(5);
    std::vector<std::vector<Point>> holes;
    for (int i = 0; i < 30; ++i) {
        const double a = 2 * M_PI * i / 30, r = 0.2 + 0.4 * (i % 3) / 3.0;
        const double x = 110 + r * std::cos(a), y = 30 + r * std::sin(a), e = 0.01 + 0.002 * (i % 4);
        holes.push_back({Point(x, y), Point(x, y + e), Point(x + e, y + e), Point(x + e, y)});
    }
    const Polygon swiss = polygon_from(star(rng, 110.0, 30.0, 1.0, 900, 0.25), holes);
    for (const double c : {110.013, 109.7, 110.41}) expect_good_split(swiss, true, c, "swiss x");
    for (const double c : {30.007, 29.77, 30.26}) expect_good_split(swiss, false, c, "swiss y");
}

TEST(HalfSplit, DeclinesWhatItDoesNotHandle) {
    // A vertex on the line, a clockwise exterior: false, for GEOS to do.
    const Polygon sq = polygon_from({Point(0, 0), Point(2, 0), Point(2, 1), Point(0, 1)});
    MultiPolygon below, above;
    EXPECT_FALSE(split_polygon(sq, true, 2.0, below, above));
    EXPECT_FALSE(split_polygon(sq, false, 0.0, below, above));
    const Polygon diamond = polygon_from({Point(1, 0), Point(2, 1), Point(1, 2), Point(0, 1)});
    EXPECT_FALSE(split_polygon(diamond, true, 1.0, below, above));
    EXPECT_TRUE(below.empty() && above.empty());
    Polygon cw = sq;
    std::reverse(cw.outer().begin(), cw.outer().end());
    EXPECT_FALSE(split_polygon(cw, true, 1.0, below, above));
    // A hole touching the exterior at a point is valid, but its side's part
    // then holds it on its boundary: declined, not guessed.
    const Polygon touching = polygon_from({Point(0, 0), Point(4, 0), Point(4, 4), Point(0, 4)},
                                          {{Point(0, 2), Point(1, 1.5), Point(1, 2.5)}});
    EXPECT_FALSE(split_polygon(touching, true, 0.0, below, above));  // vertex on the line
    expect_good_split(touching, true, 2.5, "touching hole, cut away from it");
}
