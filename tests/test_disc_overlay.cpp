// Polygon ∩ disc areas (src/geo/disc_overlay.h): closed forms, exact zeros
// for discs that miss a ring, and a finely sampled circle clipped by
// Boost.Geometry for the general case.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "geo/disc_overlay.h"
#include "core/types.h"

using namespace sitescreen;

namespace {

constexpr double kPi = 3.14159265358979323846;

Polygon box_polygon(double x0, double y0, double x1, double y1) {
    Polygon p;
    bg::append(p.outer(), Point(x0, y0));
    bg::append(p.outer(), Point(x0, y1));
    bg::append(p.outer(), Point(x1, y1));
    bg::append(p.outer(), Point(x1, y0));
    bg::append(p.outer(), Point(x0, y0));
    bg::correct(p);
    return p;
}

// Area of p ∩ disc(r) from a 20,000-gon inscribed in the circle, scaled to the disc's area.
double clipped_area(const Polygon& p, double r) {
    const int n = 20000;
    Polygon circle;
    for (int i = 0; i <= n; ++i) {
        const double a = 2 * kPi * (i % n) / n;
        bg::append(circle.outer(), Point(r * std::cos(a), r * std::sin(a)));
    }
    bg::correct(circle);
    MultiPolygon out;
    bg::intersection(p, circle, out);
    return bg::area(out) * (kPi * r * r) / bg::area(circle);
}

double total(const Polygon& p, double r) {
    std::vector<double> areas(1, 0.0);
    add_polygon_disc_areas(p, {r}, areas);
    return areas[0];
}

}  // namespace

TEST(DiscOverlay, DiscInsideAndSquareInside) {
    const Polygon square = box_polygon(-10, -10, 10, 10);
    EXPECT_NEAR(total(square, 5), kPi * 25, 1e-9);
    EXPECT_NEAR(total(square, 100), 400, 1e-9);
}

TEST(DiscOverlay, DiscsThatMissARingAddExactlyNothing) {
    const Polygon away = box_polygon(20, -5, 30, 5);
    std::vector<double> areas(3, 0.0);
    add_polygon_disc_areas(away, {1, 10, 20}, areas);  // 20: the disc touches the box's edge
    EXPECT_EQ(areas[0], 0.0);
    EXPECT_EQ(areas[1], 0.0);
    EXPECT_EQ(areas[2], 0.0);
    // A disc inside a hole: the outer ring adds the disc, the hole takes it away.
    Polygon holed = box_polygon(-50, -50, 50, 50);
    Ring hole = box_polygon(-20, -20, 20, 20).outer();
    std::reverse(hole.begin(), hole.end());
    holed.inners().push_back(hole);
    EXPECT_NEAR(total(holed, 10), 0.0, 1e-9);
}

TEST(DiscOverlay, CrossingDiscsAgreeWithClipping) {
    const Polygon strip = box_polygon(20, -5, 30, 5);
    for (double r : {20.5, 25.0, 29.0, 31.0, 40.0})
        EXPECT_NEAR(total(strip, r), clipped_area(strip, r), 1e-5 * 100) << r;
    const Polygon corner = box_polygon(-3, 2, 12, 9);
    for (double r : {1.0, 2.5, 5.0, 10.0, 20.0})
        EXPECT_NEAR(total(corner, r), clipped_area(corner, r), 1e-5 * 105) << r;
}
