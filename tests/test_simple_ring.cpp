// The fast simplicity proof used at layer load (geo/simple_ring.h): closed
// cases, and never "simple" where GEOS IsValid says the polygon is invalid.
#include <gtest/gtest.h>

#include <ogr_api.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "geo/simple_ring.h"
#include "io/gdal_handles.h"

using namespace sitescreen;

namespace {

struct XY {
    std::vector<double> x, y;
    void add(double a, double b) {
        x.push_back(a);
        y.push_back(b);
    }
    void close() { add(x.front(), y.front()); }
};

bool simple(const XY& r) { return ring_certainly_simple(r.x.data(), r.y.data(), r.x.size()); }

XY ring(std::initializer_list<std::pair<double, double>> pts, bool closed = true) {
    XY r;
    for (auto [a, b] : pts) r.add(a, b);
    if (closed) r.close();
    return r;
}

// GEOS's verdict on the polygon of this one ring.
bool geos_valid(const XY& r) {
    gdal_init();
    OGRGeometryH lr = OGR_G_CreateGeometry(wkbLinearRing);
    for (std::size_t i = 0; i < r.x.size(); ++i) OGR_G_AddPoint_2D(lr, r.x[i], r.y[i]);
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGR_G_AddGeometryDirectly(poly, lr);
    const bool valid = OGR_G_IsValid(poly) != 0;
    OGR_G_DestroyGeometry(poly);
    return valid;
}

// A star: increasing angles, random radii (always simple, as in the benchmark's layer).
XY star(std::mt19937& rng, int n, double roughness, double cx = 110, double cy = 30, double radius = 0.02) {
    std::uniform_real_distribution<double> u(-1, 1);
    XY r;
    for (int i = 0; i < n; ++i) {
        const double a = 2 * M_PI * i / n;
        const double rad = radius * (1 + roughness * u(rng));
        r.add(cx + rad * std::cos(a), cy + rad * std::sin(a));
    }
    r.close();
    return r;
}

}  // namespace

TEST(SimpleRing, ClosedCases) {
    EXPECT_TRUE(simple(ring({{0, 0}, {1, 0}, {1, 1}, {0, 1}})));
    EXPECT_TRUE(simple(ring({{0, 0}, {0, 1}, {1, 1}, {1, 0}})));  // either orientation
    EXPECT_TRUE(simple(ring({{0, 0}, {1, 0}, {0, 1}})));
    // Repeated points are allowed, as GEOS allows them.
    EXPECT_TRUE(simple(ring({{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 1}})));
    // Bow tie: two edges cross.
    EXPECT_FALSE(simple(ring({{0, 0}, {1, 1}, {1, 0}, {0, 1}})));
    // Figure of eight through one shared vertex.
    EXPECT_FALSE(simple(ring({{0, 0}, {1, 1}, {2, 0}, {2, 2}, {1, 1}, {0, 2}})));
    // A spike folding back along its own edge.
    EXPECT_FALSE(simple(ring({{0, 0}, {2, 0}, {1, 0}, {1, 1}})));
    // A vertex on another edge (touching, not crossing).
    EXPECT_FALSE(simple(ring({{0, 0}, {4, 0}, {4, 2}, {2, 0}, {0, 2}})));
    // Collinear points: no area.
    EXPECT_FALSE(simple(ring({{0, 0}, {1, 0}, {2, 0}})));
    // Not closed, too few points, not finite.
    EXPECT_FALSE(simple(ring({{0, 0}, {1, 0}, {1, 1}, {0, 1}}, false)));
    EXPECT_FALSE(simple(ring({{0, 0}, {1, 0}})));
    EXPECT_FALSE(simple(ring({{0, 0}, {1, 0}, {std::nan(""), 1}, {0, 1}})));
    EXPECT_FALSE(simple(ring({{0, 0}, {std::numeric_limits<double>::infinity(), 0}, {1, 1}})));
    // Nearly collinear, beyond what double rounding can decide: not proven.
    EXPECT_FALSE(simple(ring({{0, 0}, {1e-20, 0}, {1, 1e-37}, {0.5, 1}})));
    // Every case agrees with GEOS where it claims simplicity.
    EXPECT_TRUE(geos_valid(ring({{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 1}})));
}

TEST(SimpleRing, NeverSimpleWhereGeosSaysInvalid) {
    std::mt19937 rng(42);
    int stars_proven = 0, stars = 0, random_invalid = 0, grid_proven = 0;
    // Stars like the benchmark layer's: simple, and proven so.
    for (int k = 0; k < 400; ++k) {
        const XY r = star(rng, 8 + static_cast<int>(rng() % 57), 0.35);
        ++stars;
        if (simple(r)) {
            ++stars_proven;
            EXPECT_TRUE(geos_valid(r)) << k;
        }
    }
    EXPECT_EQ(stars_proven, stars);
    // Random vertex orders: mostly self-intersecting.
    std::uniform_real_distribution<double> u(0, 1);
    for (int k = 0; k < 600; ++k) {
        XY r;
        const int n = 4 + static_cast<int>(rng() % 12);
        for (int i = 0; i < n; ++i) r.add(u(rng), u(rng));
        r.close();
        const bool valid = geos_valid(r);
        random_invalid += !valid;
        if (simple(r)) {
            EXPECT_TRUE(valid) << k;
        }
    }
    EXPECT_GT(random_invalid, 300);
    // Points on a small integer grid: many collinear triples and touching
    // vertices, where only exact arithmetic can tell.
    std::uniform_int_distribution<int> cell(0, 3);
    for (int k = 0; k < 2000; ++k) {
        XY r;
        const int n = 3 + static_cast<int>(rng() % 6);
        for (int i = 0; i < n; ++i) r.add(cell(rng) * 0.1, cell(rng) * 0.1);
        r.close();
        if (simple(r)) {
            ++grid_proven;
            EXPECT_TRUE(geos_valid(r)) << k;
        }
    }
    EXPECT_GT(grid_proven, 50);  // the test exercises both answers
}

TEST(SimpleRing, LongRings) {
    std::mt19937 rng(5);
    // The benchmark's 20,000-vertex stars, long edges zig-zagging through
    // one another's boxes: proven within the comparison budget.
    const XY big = star(rng, 20000, 0.35, 110, 30, 2.0);
    EXPECT_TRUE(simple(big));
    // A crossing hidden among 20,000 edges is found.
    XY crossed = big;
    std::swap(crossed.x[7000], crossed.x[13000]);
    std::swap(crossed.y[7000], crossed.y[13000]);
    EXPECT_FALSE(simple(crossed));
    EXPECT_FALSE(geos_valid(crossed));
    // A thin zig-zag strip along a meridian: every edge overlaps every other in
    // x, the sweep gives up (false) rather than compare all pairs.
    XY strip;
    const int n = 20000;
    for (int i = 0; i < n; ++i) strip.add(i % 2 ? 0.001 : 0.0, i * 1e-4);
    for (int i = n - 1; i >= 0; --i) strip.add(i % 2 ? 0.003 : 0.002, i * 1e-4);
    strip.close();
    EXPECT_FALSE(simple(strip));
    EXPECT_TRUE(geos_valid(strip));
}
