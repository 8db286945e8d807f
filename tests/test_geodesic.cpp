// Closed-form checks of the geodesic primitives: disc areas, distances, the local frame.
#include <gtest/gtest.h>

#include <vector>

#include <random>

#include <algorithm>
#include <cmath>

#include "geo/geodesic.h"
#include "geo/geos_kit.h"
#include "geo/local_frame.h"
#include "geo/site_geometry.h"
#include "report/site_map_kit.h"

using namespace sitescreen;

namespace {
constexpr double kPi = 3.14159265358979323846;

// Ellipsoidal disc area to second order: pi r^2 (1 - K r^2 / 12), K = 1/(M N).
double series_disc_area(double lat, double r) {
    const double k = 1.0 / (geodesic::meridional_radius_m(lat) * geodesic::prime_vertical_radius_m(lat));
    return kPi * r * r * (1 - k * r * r / 12.0);
}
}  // namespace

class DiscArea : public ::testing::TestWithParam<double> {};

TEST_P(DiscArea, TenKmBufferMatchesEllipsoidalDisc) {
    const double lat = GetParam();
    const LonLat c{10.0, lat};
    const double numeric = geodesic::disc_area_m2(c, 10000);
    EXPECT_NEAR(numeric / series_disc_area(lat, 10000), 1.0, 1e-6);
    const SiteGeometry g = make_site_geometry(c, nullptr, {10000});
    ASSERT_EQ(g.buffer_area_m2.size(), 1u);
    EXPECT_NEAR(g.buffer_area_m2[0] / numeric, 1.0, 0.005);
    // The sampled circle polygon carries the disc's area too.
    EXPECT_NEAR(geodesic::polygon_area_m2(g.buffers_ll()[0]) / numeric, 1.0, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Latitudes, DiscArea, ::testing::Values(0.0, 45.0, 70.0));

TEST(SiteGeometry, PointBuffersBuiltOnFirstUseAndShared) {
    // A point site's circles are built when first asked for (vector overlay
    // needs none), once, and a copy shares them.
    const LonLat c{116.4, 39.9};
    const SiteGeometry g = make_site_geometry(c, nullptr, {5000, 1000}, 64);
    const SiteGeometry copy = g;
    const auto& ll = copy.buffers_ll();
    ASSERT_EQ(ll.size(), 2u);  // ascending radii
    EXPECT_EQ(&ll, &g.buffers_ll());
    EXPECT_EQ(&copy.buffers_xy(), &g.buffers_xy());
    const Ring expected = geodesic_circle_ll(c, 1000, 64);
    ASSERT_EQ(ll[0].size(), 1u);
    ASSERT_EQ(ll[0][0].outer().size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(ll[0][0].outer()[i].x(), expected[i].x());
        EXPECT_EQ(ll[0][0].outer()[i].y(), expected[i].y());
    }
    // The drawn circle in the local frame: 65 points, radius inflated so the
    // 64-gon holds pi r^2.
    ASSERT_EQ(g.buffers_xy()[1][0].outer().size(), 65u);
    EXPECT_NEAR(bg::area(g.buffers_xy()[1][0]), M_PI * 5000.0 * 5000.0, 1.0);
    // A polygon site's buffers are built with the site (they are measured).
    MultiPolygon fp;
    bg::read_wkt("MULTIPOLYGON(((116.40 39.90,116.41 39.90,116.41 39.91,116.40 39.91,116.40 39.90)))", fp);
    const SiteGeometry p = make_site_geometry(c, &fp, {1000});
    EXPECT_EQ(p.buffers_ll().size(), 1u);
    EXPECT_GT(p.buffer_area_m2[0], bg::area(p.footprint_xy));
}

TEST(SiteGeometry, CircleVerticesLieOnTheGeodesicCircleAndMirrorAboutTheMeridian) {
    // Each vertex of a buffer circle at its (area-inflated) radius and
    // azimuth from the centre, by Karney's inverse; half of them are mirror
    // images of the others (n even or odd, across the antimeridian, far north).
    for (const LonLat c : {LonLat{116.4, 39.9}, LonLat{179.95, -16.5}, LonLat{-179.97, 10.0}, LonLat{25.0, 78.2}}) {
        for (const int n : {64, 63, 256}) {
            for (const double r : {1000.0, 10000.0, 50000.0}) {
                const Ring ring = geodesic_circle_ll(c, r, n);
                ASSERT_EQ(ring.size(), static_cast<std::size_t>(n) + 1);
                EXPECT_EQ(ring.front().x(), ring.back().x());
                EXPECT_EQ(ring.front().y(), ring.back().y());
                const double inflated = r * std::sqrt(2 * M_PI / (n * std::sin(2 * M_PI / n)));
                for (int i = 0; i < n; ++i) {
                    double d = 0, az = 0;
                    geodesic::inverse(c, LonLat{ring[i].x(), ring[i].y()}, d, az);
                    EXPECT_NEAR(d, inflated, 1e-4) << c.lon << " " << c.lat << " n=" << n << " i=" << i;
                    const double want = std::fmod(360.0 * (n - i) / n, 360.0);
                    double diff = std::fabs(std::fmod(az + 360.0, 360.0) - want);
                    diff = std::min(diff, 360.0 - diff);
                    EXPECT_LT(diff, 1e-6) << c.lon << " " << c.lat << " n=" << n << " i=" << i;
                    if (i > 0) {
                        EXPECT_EQ(ring[i].y(), ring[n - i].y());
                        const double west = std::remainder(ring[i].x() - c.lon, 360.0);
                        const double east = std::remainder(ring[n - i].x() - c.lon, 360.0);
                        EXPECT_NEAR(west, -east, 1e-12);
                    }
                    EXPECT_LE(std::fabs(ring[i].x()), 180.0);
                }
            }
        }
    }
}

TEST(Geodesic, OneDegreeOfLatitudeAtEquator) {
    // Meridian arc from 0 to 1 degree on WGS 84: 110574.389 m (Karney / GeographicLib).
    EXPECT_NEAR(geodesic::distance_m({0, 0}, {0, 1}), 110574.389, 0.01);
}

TEST(LocalFrame, DistancesFromCentreAreGeodesic) {
    const LonLat c{116.4, 39.9};
    const LocalFrame f(c);
    const LonLat p{117.1, 40.3};
    const Point xy = f.forward(p);
    EXPECT_NEAR(std::hypot(xy.x(), xy.y()), geodesic::distance_m(c, p), 1e-4);  // fast path: see below
    const LonLat back = f.inverse(xy);
    EXPECT_NEAR(back.lon, p.lon, 1e-9);
    EXPECT_NEAR(back.lat, p.lat, 1e-9);
}

TEST(LocalFrame, FastPathAgreesWithKarney) {
    // Within 200 km forward() uses the normal-section chord instead of
    // Karney's inverse: compare positions (distance and azimuth together)
    // over all azimuths, both hemispheres, the equator and high latitudes.
    double worst50 = 0, worst200 = 0;
    for (double lat : {-75.0, -40.0, -1.0, 0.0, 0.5, 23.0, 45.0, 60.0, 80.0}) {
        const LonLat c{179.9, lat};  // next to the antimeridian as well
        const LocalFrame f(c);
        for (double az = 0; az < 360; az += 7.5)
            for (double s : {1.0, 250.0, 1000.0, 9999.0, 30000.0, 50000.0, 120000.0, 199000.0}) {
                const LonLat p = geodesic::direct(c, az, s);
                const Point xy = f.forward(p);
                const double e =
                    std::hypot(xy.x() - s * std::sin(az * kPi / 180), xy.y() - s * std::cos(az * kPi / 180));
                (s <= 50000 ? worst50 : worst200) = std::max(s <= 50000 ? worst50 : worst200, e);
                const LonLat back = f.inverse(xy);
                EXPECT_NEAR(back.lat, p.lat, 1e-9) << lat << " " << az << " " << s;
                EXPECT_NEAR(std::remainder(back.lon - p.lon, 360.0), 0.0, 1e-9) << lat << " " << az << " " << s;
            }
    }
    std::printf("fast frame vs Karney: %.2e m up to 50 km, %.2e m up to 200 km\n", worst50, worst200);
    EXPECT_LT(worst50, 1e-4);
    EXPECT_LT(worst200, 5e-3);
}

// The projection of many points at once (two at a time) gives each point's forward() to the last
// bit: near the centre, across the near-centre branch's edge (2.9 degrees), beyond the fast
// path's chord (200 km), at the centre itself, across the antimeridian, at 0 and 75 degrees.
TEST(LocalFrame, ManyPointsAtOnceAreEachPointsForward) {
    std::mt19937_64 rng(23);
    std::uniform_real_distribution<double> u(-1, 1);
    std::size_t compared = 0;
    for (const LonLat centre : {LonLat{100.3, 30.2}, LonLat{179.95, -0.4}, LonLat{-12.0, 75.0}}) {
        const LocalFrame frame(centre);
        for (const double spread : {0.01, 0.5, 2.0, 3.5, 8.0}) {
            std::vector<LonLat> pts;
            for (int i = 0; i < 301; ++i) {
                double lon = centre.lon + spread * u(rng);
                if (lon > 180) lon -= 360;
                pts.push_back(LonLat{lon, std::clamp(centre.lat + spread * u(rng), -89.0, 89.0)});
            }
            pts[7] = centre;
            std::vector<Point> xy(pts.size());
            frame.forward(pts.data(), pts.size(), xy.data());
            for (std::size_t i = 0; i < pts.size(); ++i) {
                const Point one = frame.forward(pts[i]);
                EXPECT_EQ(xy[i].x(), one.x()) << i << " spread " << spread;
                EXPECT_EQ(xy[i].y(), one.y()) << i << " spread " << spread;
                ++compared;
            }
        }
    }
    EXPECT_EQ(compared, 3u * 5u * 301u);
}

TEST(LocalFrame, SmallAngleSeriesJoinTheLibmPathSmoothly) {
    // forward() takes sine and cosine from series within 0.05 rad (2.86
    // degrees) of the centre in latitude and longitude, from libm beyond:
    // points a hair either side of the switch must land a hair apart.
    const double edge = 0.05 * 180 / kPi, eps = 1e-9;
    for (double lat : {-60.0, 0.0, 30.0, 70.0}) {
        const LonLat c{100.0, lat};
        const LocalFrame f(c);
        for (double other : {-1.0, 0.0, 0.7 * edge}) {
            for (double sign : {-1.0, 1.0}) {
                const Point lon_in = f.forward(LonLat{c.lon + sign * (edge - eps), c.lat + other});
                const Point lon_out = f.forward(LonLat{c.lon + sign * (edge + eps), c.lat + other});
                const Point lat_in = f.forward(LonLat{c.lon + other, c.lat + sign * (edge - eps)});
                const Point lat_out = f.forward(LonLat{c.lon + other, c.lat + sign * (edge + eps)});
                // 2e-9 degrees apart is at most 0.23 mm; rounding adds nanometres.
                EXPECT_LT(std::hypot(lon_in.x() - lon_out.x(), lon_in.y() - lon_out.y()), 2.3e-4)
                    << lat << " " << other;
                EXPECT_LT(std::hypot(lat_in.x() - lat_out.x(), lat_in.y() - lat_out.y()), 2.3e-4)
                    << lat << " " << other;
                const double d_in = geodesic::distance_m(c, {c.lon + sign * (edge - eps), c.lat + other});
                // The fast path itself is within 5 mm of Karney at 200 km (test above).
                EXPECT_NEAR(std::hypot(lon_in.x(), lon_in.y()), d_in, 5e-3) << lat << " " << other;
            }
        }
    }
}

namespace {
// A wavy star of n vertices around c (radius in degrees of latitude), anticlockwise, closed.
Ring wavy_star(LonLat c, double radius, int n, double phase) {
    Ring r;
    for (int k = 0; k <= n; ++k) {
        const double t = 2 * kPi * (k % n) / n;
        const double rr = radius * (1 + 0.3 * std::sin(7 * t + phase) + 0.15 * std::sin(23 * t));
        r.emplace_back(c.lon + rr * std::cos(t) / std::cos(c.lat * kPi / 180), c.lat + rr * std::sin(t));
    }
    return r;
}

// The area of a lon/lat polygon in a site's map square of half-width 1.1 h (the map's clip), projected
// whole, and as a site map projects it (thinned to the view's lon/lat box, then projected).
std::pair<double, double> area_in_view(const Polygon& poly, LonLat c, double h, std::size_t& kept) {
    const LocalFrame frame(c);
    const Box keep = geodesic::bounding_box(c, 1.5 * h);
    const Box clip(Point(-1.1 * h, -1.1 * h), Point(1.1 * h, 1.1 * h));
    geos::GeomPtr whole = geos::cut_to_box(frame.forward(poly), clip);
    const double a = whole ? geos::area(geos::make_valid(std::move(whole)).get()) : 0.0;
    const Polygon near = frame.near_part(poly, keep);
    kept = near.outer().size();
    for (const Ring& h_ring : near.inners()) kept += h_ring.size();
    std::vector<Polygon> pieces;
    if (!near.outer().empty()) pieces.push_back(near);
    const geos::GeomPtr thinned = site_map_kit::feature_area_xy(pieces, frame, keep, clip);
    return {a, thinned ? geos::area(thinned.get()) : 0.0};
}
}  // namespace

// A site map projects only the vertices of a feature that can show in its view (the others,
// where they run beyond one side of the view's lon/lat box, replaced by short edges beyond it):
// the area in the map's square is that of the whole feature projected, at views of 1 to 60 km
// on the feature's edge, on its hole's edge and inside, and a few percent of the vertices are
// projected.
TEST(LocalFrame, NearPartKeepsThePolygonOverTheView) {
    const LonLat centre{100.0, 30.0};
    Polygon poly;
    poly.outer() = wavy_star(centre, 2.0, 1500, 0.0);
    Ring hole = wavy_star({100.5, 30.1}, 0.25, 300, 1.0);
    std::reverse(hole.begin(), hole.end());
    poly.inners().push_back(hole);
    ASSERT_TRUE(bg::is_valid(poly));
    std::size_t views = 0, partial = 0;
    for (double h : {1000.0, 10000.0, 60000.0}) {
        std::vector<LonLat> at;
        for (int k = 0; k < 1500; k += 125) at.push_back({poly.outer()[k].x(), poly.outer()[k].y()});
        for (int k = 0; k < 300; k += 60) at.push_back({hole[k].x(), hole[k].y()});
        at.push_back({99.7, 29.8});
        for (const LonLat& c : at) {
            std::size_t kept = 0;
            const auto [whole, thinned] = area_in_view(poly, c, h, kept);
            const double square = 4.84 * h * h;
            EXPECT_NEAR(thinned, whole, 1e-9 * square) << c.lon << " " << c.lat << " h " << h;
            if (whole > 0.05 * square && whole < 0.95 * square) ++partial;
            EXPECT_LT(kept, 600u) << c.lon << " " << c.lat << " h " << h;  // of 1,802
            ++views;
        }
    }
    EXPECT_EQ(views, 54u);
    EXPECT_GE(partial, 30u);  // most views are on an edge: the test is about the edge

    // An L around the box's north-west corner, beyond its west and north sides only: a triangle is
    // kept, and nothing shows in the view.
    const LonLat c{100.0, 30.0};
    const LocalFrame frame(c);
    const Box keep = geodesic::bounding_box(c, 15000);
    const Box clip(Point(-11000, -11000), Point(11000, 11000));
    Polygon corner;
    for (const Point& p : {Point(99.80, 30.0), Point(99.83, 30.0), Point(99.83, 30.15), Point(99.95, 30.15),
                           Point(99.95, 30.18), Point(99.80, 30.18), Point(99.80, 30.0)})
        corner.outer().push_back(p);
    bg::correct(corner);
    const Polygon corner_near = frame.near_part(corner, keep);
    EXPECT_LE(corner_near.outer().size(), 4u);
    EXPECT_FALSE(site_map_kit::feature_area_xy({corner_near}, frame, keep, clip));

    // Vertices in the box are projected as forward() does; far ones within metres of it.
    Polygon far;
    for (const Point& p : {Point(100.01, 30.01), Point(109.0, 36.0), Point(100.02, 30.0), Point(100.01, 30.01)})
        far.outer().push_back(p);
    const Polygon xy = frame.forward_near(far, keep);
    const Polygon exact = frame.forward(far);
    EXPECT_EQ(xy.outer()[0].x(), exact.outer()[0].x());
    EXPECT_EQ(xy.outer()[0].y(), exact.outer()[0].y());
    EXPECT_EQ(xy.outer()[2].x(), exact.outer()[2].x());
    EXPECT_LT(bg::distance(xy.outer()[1], exact.outer()[1]), 100.0);
}

// The pieces of one feature, cut along a meridian near the site and one piece cut again along a
// parallel (a T where the cuts meet), make one area with no seam: joined in lon/lat, where the
// pieces' shared edges coincide, not after projection, where the long cut edge of one piece is a
// chord that the two shorter edges of its neighbours do not follow.
TEST(LocalFrame, PiecesOfAFeatureJoinWithoutASeam) {
    const LonLat c{104.385743, 39.723446};
    const LocalFrame frame(c);
    const double h = 11000;
    const Box keep = geodesic::bounding_box(c, 1.5 * h);
    const Box clip(Point(-1.1 * h, -1.1 * h), Point(1.1 * h, 1.1 * h));
    auto rect = [](double w, double s, double e, double n) {
        Polygon p;
        for (const Point& q : {Point(w, s), Point(w, n), Point(e, n), Point(e, s), Point(w, s)}) p.outer().push_back(q);
        bg::correct(p);
        return p;
    };
    const double cut = 104.39868, row = 39.7;
    const std::vector<Polygon> pieces{rect(97.0, 37.4, cut, 42.8), rect(cut, 37.4, 111.6, row),
                                      rect(cut, row, 111.6, 43.5)};
    std::vector<Polygon> near;
    for (const Polygon& p : pieces) near.push_back(frame.near_part(p, keep));
    const geos::GeomPtr area = site_map_kit::feature_area_xy(near, frame, keep, clip);
    ASSERT_TRUE(area);
    EXPECT_EQ(GEOSGetNumGeometries_r(geos::context(), area.get()), 1);
    MultiPolygon mp;
    geos::to_multipolygon(area.get(), mp);
    ASSERT_EQ(mp.size(), 1u);
    EXPECT_TRUE(mp.front().inners().empty());
    EXPECT_EQ(mp.front().outer().size(), 5u);  // the square itself
    EXPECT_NEAR(geos::area(area.get()), 4.84 * h * h, 1e-6 * h * h);
}

TEST(LocalFrame, FastDirectAgreesWithKarney) {
    // direct() runs forward()'s fast path backwards: compare the point it
    // gives with Karney's direct problem (geodesic distance between the two).
    double worst50 = 0, worst200 = 0;
    for (double lat : {-75.0, -40.0, -1.0, 0.0, 0.5, 23.0, 45.0, 60.0, 80.0}) {
        const LonLat c{179.9, lat};
        const LocalFrame f(c);
        for (double az = 0; az < 360; az += 7.5)
            for (double s : {1.0, 250.0, 1000.0, 9999.0, 30000.0, 50000.0, 120000.0, 199000.0}) {
                const LonLat want = geodesic::direct(c, az, s);
                const LonLat got = f.direct(Point(s * std::sin(az * kPi / 180), s * std::cos(az * kPi / 180)));
                const double e = geodesic::distance_m(want, got);
                (s <= 50000 ? worst50 : worst200) = std::max(s <= 50000 ? worst50 : worst200, e);
            }
    }
    std::printf("fast direct vs Karney: %.2e m up to 50 km, %.2e m up to 200 km\n", worst50, worst200);
    EXPECT_LT(worst50, 1e-4);
    EXPECT_LT(worst200, 5e-3);
}

TEST(Geodesic, LonLatPolygonAreaTakesEdgesStraightInLonLat) {
    // A cell: the closed-form zone area, whichever way the ring turns.
    const Polygon cell{{{100.0, 30.0}, {101.5, 30.0}, {101.5, 31.2}, {100.0, 31.2}, {100.0, 30.0}}};
    const double cell_m2 = geodesic::lonlat_cell_area_m2(30.0, 31.2, 1.5);
    EXPECT_NEAR(geodesic::lonlat_polygon_area_m2(cell) / cell_m2, 1.0, 1e-12);
    Polygon reversed = cell;
    std::reverse(reversed.outer().begin(), reversed.outer().end());
    EXPECT_NEAR(geodesic::lonlat_polygon_area_m2(reversed) / cell_m2, 1.0, 1e-12);
    // A cell with a cell-shaped hole: the difference of the two.
    Polygon holed = cell;
    holed.inners().push_back({{100.5, 30.5}, {100.5, 30.7}, {101.0, 30.7}, {101.0, 30.5}, {100.5, 30.5}});
    EXPECT_NEAR(geodesic::lonlat_polygon_area_m2(holed), cell_m2 - geodesic::lonlat_cell_area_m2(30.5, 30.7, 0.5),
                1e-6 * cell_m2);
    // Slanted edges, 0.6 degrees long: against geodesic edges between points
    // 0.0005 degrees apart along the lon/lat lines (Karney's polygon area).
    // Each 55 m chord bulges off its lon/lat line by about 0.05 mm: a few m2
    // in all, some 5e-9 of the triangle.
    const Polygon tri{{{110.0, 40.0}, {110.6, 40.1}, {110.2, 40.6}, {110.0, 40.0}}};
    Polygon dense;
    for (std::size_t i = 0; i + 1 < tri.outer().size(); ++i)
        for (int k = 0; k < 1200; ++k) {
            const double t = k / 1200.0;
            const Point& a = tri.outer()[i];
            const Point& b = tri.outer()[i + 1];
            dense.outer().push_back({a.x() + t * (b.x() - a.x()), a.y() + t * (b.y() - a.y())});
        }
    dense.outer().push_back(dense.outer().front());
    EXPECT_NEAR(geodesic::lonlat_polygon_area_m2(tri) / geodesic::polygon_area_m2(dense), 1.0, 1e-8);
    // The same triangle with geodesic edges is measurably different (about
    // 1e-5 here): the function does not quietly take edges as geodesics.
    EXPECT_GT(std::fabs(geodesic::lonlat_polygon_area_m2(tri) / geodesic::polygon_area_m2(tri) - 1.0), 1e-6);
}

TEST(Geodesic, CellAreaSumsToZoneArea) {
    // The whole ellipsoid: 510,065,621.7 km^2 for WGS 84.
    EXPECT_NEAR(geodesic::lonlat_cell_area_m2(-90, 90, 360) / 1e6, 510065621.7, 1.0);
}
