// The whole globe (issue #21): sites on the antimeridian, within a kilometre
// of a pole and at the antipodes of features, each checked against an
// independent computation (Karney's inverse through PROJ's geodesic.h, or a
// closed form written out here) and against a twin turned in longitude,
// where the answer is the same by symmetry. Fixtures are built in memory.
#include <gtest/gtest.h>

#include <geodesic.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "geo/geodesic.h"
#include "geo/site_geometry.h"
#include "layers/raster/raster_layer.h"
#include "layers/vector/vector_layer.h"
#include "support/fixtures.h"

using namespace sitescreen;
using sitescreen::testing::feature_collection;
using sitescreen::testing::TempDir;
using sitescreen::testing::vector_spec;
using sitescreen::testing::write_wgs84_raster;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kA = 6378137.0, kF = 1 / 298.257223563;
const std::vector<double> kRadii{1000, 10000, 50000};

// Karney's inverse, straight from PROJ (not the project's wrapper).
double karney_m(double lon1, double lat1, double lon2, double lat2) {
    static const geod_geodesic g = [] {
        geod_geodesic x;
        geod_init(&x, kA, kF);
        return x;
    }();
    double s = 0, a1 = 0, a2 = 0;
    geod_inverse(&g, lat1, lon1, lat2, lon2, &s, &a1, &a2);
    return s;
}

// Ellipsoidal area north of latitude phi (a polar cap), closed form:
// pi a^2 (q(90) - q(phi)), q the authalic integral (Snyder 1987, 3-12),
// q(p) = (1 - e^2) (s / (1 - e^2 s^2) + atanh(e s) / e), s = sin p. Near the
// pole q(90) - q(phi) is a difference of two numbers near 2 that agree to
// eight digits at 1 km; taken as it stands it loses them (2.3e-8 of the cap
// at 1 km). Written out it is (1 - s)(1 + e^2 s) / (1 - e^2 s^2)
// + (1 - e^2) atanh(e (1 - s) / (1 - e^2 s)) / e, with 1 - s = 2 sin^2((90 - phi) / 2):
// no cancellation.
double cap_area_m2(double phi_deg) {
    const double e2 = kF * (2 - kF), e = std::sqrt(e2);
    const double half = (90 - phi_deg) * kPi / 360, s = std::sin(phi_deg * kPi / 180);
    const double one_minus_s = 2 * std::sin(half) * std::sin(half);
    const double dq =
        one_minus_s * (1 + e2 * s) / (1 - e2 * s * s) + (1 - e2) * std::atanh(e * one_minus_s / (1 - e2 * s)) / e;
    return kPi * kA * kA * dq;
}

// Area of the part of a disc of radius r beyond a chord at distance d from its centre.
double segment_area(double r, double d) {
    if (d >= r) return 0;
    return r * r * std::acos(d / r) - d * std::sqrt(r * r - d * d);
}

std::string polygon_json(const std::vector<std::vector<std::pair<double, double>>>& parts) {
    std::string s = R"({"type":"MultiPolygon","coordinates":[)";
    char buf[64];
    for (std::size_t i = 0; i < parts.size(); ++i) {
        s += i ? ",[[" : "[[";
        for (std::size_t j = 0; j < parts[i].size(); ++j) {
            std::snprintf(buf, sizeof buf, "%s[%.10f,%.10f]", j ? "," : "", parts[i][j].first, parts[i][j].second);
            s += buf;
        }
        s += "]]";
    }
    return s + "]}";
}

std::vector<std::pair<double, double>> box(double w, double s, double e, double n) {
    return {{w, s}, {e, s}, {e, n}, {w, n}, {w, s}};
}

std::shared_ptr<const VectorLayer> layer_of(const TempDir& dir, const std::string& name,
                                            const std::vector<std::vector<std::pair<double, double>>>& parts) {
    LayerSpec spec = vector_spec(
        name,
        dir.write(name + ".geojson", feature_collection({{R"({"fid":"f1","name":"one"})", polygon_json(parts)}})));
    spec.id_field = "fid";
    spec.name_field = "name";
    return VectorLayer::load(spec);
}

VectorMeasurement measure(const VectorLayer& layer, LonLat p) {
    return layer.measure(make_site_geometry(p, nullptr, kRadii));
}

// The two measurements agree: nearest distance within 1 mm, overlap shares
// within 1e-6, the same features counted.
void expect_twins(const VectorMeasurement& a, const VectorMeasurement& b, const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(a.inside, b.inside);
    ASSERT_EQ(a.nearest_distance_m.has_value(), b.nearest_distance_m.has_value());
    if (a.nearest_distance_m) {
        EXPECT_NEAR(*a.nearest_distance_m, *b.nearest_distance_m, 1e-3);
    }
    ASSERT_EQ(a.buffers.size(), b.buffers.size());
    for (std::size_t k = 0; k < a.buffers.size(); ++k) {
        SCOPED_TRACE("radius " + std::to_string(a.buffers[k].radius_m));
        EXPECT_NEAR(a.buffers[k].overlap_share, b.buffers[k].overlap_share, 1e-6);
        EXPECT_EQ(a.buffers[k].feature_count, b.buffers[k].feature_count);
        EXPECT_NEAR(a.buffers[k].buffer_area_m2, b.buffers[k].buffer_area_m2, 1e-9 * a.buffers[k].buffer_area_m2);
    }
}

// The nearest distance from p to the boundary of a lon/lat box (edges straight
// in lon/lat), by Karney's inverse at every 1e-4 degree along it.
double sampled_box_distance_m(double lon, double lat, double w, double s, double e, double n) {
    double best = 1e300;
    const int steps = 20000;
    for (int i = 0; i <= steps; ++i) {
        const double t = static_cast<double>(i) / steps;
        const double x = w + t * (e - w), y = s + t * (n - s);
        best = std::min({best, karney_m(lon, lat, x, s), karney_m(lon, lat, x, n), karney_m(lon, lat, w, y),
                         karney_m(lon, lat, e, y)});
    }
    return best;
}

}  // namespace

// ------------------------------------------------------------------ antipode

TEST(GlobeAntipode, NearestDistanceIsKarneysNotZero) {
    // The site is the antipode of the middle of a 2 x 2 degree box: the box
    // surrounds the site's antipode, and no feature is nearer than ~19,800 km.
    TempDir dir;
    auto layer = layer_of(dir, "box", {box(9, 9, 11, 11)});
    const VectorMeasurement m = measure(*layer, {-170, -10});
    EXPECT_FALSE(m.inside);
    ASSERT_TRUE(m.nearest_distance_m);
    const double want = sampled_box_distance_m(-170, -10, 9, 9, 11, 11);
    EXPECT_GT(want, 19.7e6);
    EXPECT_NEAR(*m.nearest_distance_m, want, 1e-3);
    for (const auto& b : m.buffers) EXPECT_EQ(b.overlap_share, 0.0);
    EXPECT_TRUE(m.hits.empty());
}

TEST(GlobeAntipode, OffCentreAntipodeMatchesKarney) {
    // The antipode inside the box but off its middle, the box long and thin.
    TempDir dir;
    auto layer = layer_of(dir, "box", {box(100, 30, 104.5, 31)});
    const LonLat site{-77.3, -30.4};  // antipode (102.7, 30.4)
    const VectorMeasurement m = measure(*layer, site);
    EXPECT_FALSE(m.inside);
    ASSERT_TRUE(m.nearest_distance_m);
    EXPECT_NEAR(*m.nearest_distance_m, sampled_box_distance_m(site.lon, site.lat, 100, 30, 104.5, 31), 1e-3);
}

TEST(GlobeAntipode, TwinAcrossTheAntimeridian) {
    // The box straddles +-180 (split there, as GDAL cuts), the site at the
    // antipode of its middle; its twin turned by 170 degrees has the box whole.
    TempDir dir;
    auto split = layer_of(dir, "split", {box(179, 9, 180, 11), box(-180, 9, -179, 11)});
    auto whole = layer_of(dir, "whole", {box(9, 9, 11, 11)});
    const VectorMeasurement a = measure(*split, {0, -10});
    const VectorMeasurement b = measure(*whole, {-170, -10});
    expect_twins(a, b, "antipode, split box vs whole box");
    ASSERT_TRUE(a.nearest_distance_m);
    EXPECT_NEAR(*a.nearest_distance_m, sampled_box_distance_m(-170, -10, 9, 9, 11, 11), 1e-3);
}

TEST(GlobeAntipode, FarFeatureSeventeenThousandKilometresAway) {
    // A small box 17,600 km away, nothing nearer: a legitimate answer.
    TempDir dir;
    auto layer = layer_of(dir, "far", {box(10, 10, 10.5, 10.5)});
    const LonLat site{-150, -20};
    const VectorMeasurement m = measure(*layer, site);
    const double want = sampled_box_distance_m(site.lon, site.lat, 10, 10, 10.5, 10.5);
    EXPECT_GT(want, 1.7e7);
    ASSERT_TRUE(m.nearest_distance_m);
    EXPECT_NEAR(*m.nearest_distance_m, want, 1e-3);
}

// -------------------------------------------------------------- antimeridian

TEST(GlobeAntimeridian, BufferAcrossTheLineMatchesItsTwinAndTheCircularSegment) {
    // Issue #21: a site at (179.95, 0) with a feature beyond +-180, 5.6 km
    // away, lost that feature in its buffers. Its twin at (-0.05, 0) has the
    // feature on its own side of the line. The feature is a strip 0.1 degree
    // wide: within r the covered part is the disc beyond the strip's near
    // edge less the disc beyond its far edge (two circular segments; the
    // strip's north and south edges lie 55 km away).
    TempDir dir;
    auto across = layer_of(dir, "across", {box(-180, -0.5, -179.9, 0.5)});
    auto twin = layer_of(dir, "twin", {box(0, -0.5, 0.1, 0.5)});
    const VectorMeasurement a = measure(*across, {179.95, 0});
    const VectorMeasurement b = measure(*twin, {-0.05, 0});
    expect_twins(a, b, "antimeridian strip");
    const double d1 = karney_m(-0.05, 0, 0, 0), d2 = karney_m(-0.05, 0, 0.1, 0);
    ASSERT_TRUE(a.nearest_distance_m);
    EXPECT_NEAR(*a.nearest_distance_m, d1, 1e-3);
    for (const auto& buf : a.buffers) {
        const double r = buf.radius_m;
        const double want = (segment_area(r, d1) - segment_area(r, d2)) / (kPi * r * r);
        EXPECT_NEAR(buf.overlap_share, want, 2e-4) << r;
        EXPECT_EQ(buf.feature_count, r > d1 ? 1u : 0u) << r;
    }
    EXPECT_GT(a.buffers[1].overlap_share, 0.16);  // the issue's 0.165
}

TEST(GlobeAntimeridian, SiteOnTheLineItself) {
    // A site exactly on 180 (written as -180 and as 180) and its twin on 0.
    TempDir dir;
    auto across = layer_of(dir, "across", {box(179.9, -0.2, 180, 0.3), box(-180, -0.2, -179.95, 0.3)});
    auto twin = layer_of(dir, "twin", {box(-0.1, -0.2, 0.05, 0.3)});
    const VectorMeasurement b = measure(*twin, {0, 0.01});
    for (const double lon : {180.0, -180.0}) {
        const VectorMeasurement a = measure(*across, {lon, 0.01});
        expect_twins(a, b, "site on the line at " + std::to_string(lon));
        EXPECT_TRUE(a.inside);
    }
}

TEST(GlobeAntimeridian, PolygonSplitAt180At65North) {
    // Issue #21: a polygon split at 180 at 65 N gave a 10 km share of 0.789.
    TempDir dir;
    auto split = layer_of(dir, "split", {box(179, 64, 180, 66), box(-180, 64, -179, 66)});
    auto twin = layer_of(dir, "twin", {box(-1, 64, 1, 66)});
    for (const double off : {0.0, 0.01, 0.2, 0.6}) {
        const VectorMeasurement a = measure(*split, {180 - off, 65});
        const VectorMeasurement b = measure(*twin, {-off, 65});
        expect_twins(a, b, "split at 65 N, " + std::to_string(off) + " degree west of the line");
        EXPECT_TRUE(a.inside);
        EXPECT_NEAR(a.buffers[0].overlap_share, 1.0, 1e-9);
        EXPECT_NEAR(a.buffers[1].overlap_share, 1.0, 1e-9);
    }
}

TEST(GlobeAntimeridian, WideBuffersFromDissolvedTilesWrapToo) {
    // 50 km buffers take their union area from dissolved tiles when told to
    // (tile_union_min_radius_m): the tiles past +-180 are found as well.
    TempDir dir;
    auto across = layer_of(dir, "across", {box(-180, -0.5, -179.9, 0.5)});
    auto twin = layer_of(dir, "twin", {box(0, -0.5, 0.1, 0.5)});
    const auto ga = make_site_geometry({179.95, 0}, nullptr, kRadii);
    const auto gb = make_site_geometry({-0.05, 0}, nullptr, kRadii);
    const VectorMeasurement a = across->measure(ga, 0, 20000);
    const VectorMeasurement b = twin->measure(gb, 0, 20000);
    expect_twins(a, b, "dissolved tiles across the line");
    EXPECT_GT(a.buffers[2].overlap_share, 0.1);
}

// --------------------------------------------------------------------- poles

TEST(GlobePole, CapAroundThePoleWithinOneKilometre) {
    // The cap north of 89.9 N (a lon/lat polygon with a side along the pole's
    // line). Sites 556 m from the pole at several longitudes: twins. Within
    // 50 km the cap lies wholly inside the disc: share = cap / disc area,
    // from the dissolved tiles (the default for a 50 km buffer) and from the
    // features themselves (tiles off) alike.
    TempDir dir;
    auto cap = layer_of(dir, "cap", {box(-180, 89.9, 180, 90)});
    const double cap_m2 = cap_area_m2(89.9);
    VectorMeasurement first;
    bool have_first = false;
    for (const double lon : {37.0, -143.0, 123.4, 180.0, -180.0, 0.0}) {
        const LonLat site{lon, 89.995};
        const VectorMeasurement m = measure(*cap, site);
        EXPECT_TRUE(m.inside) << lon;
        EXPECT_NEAR(m.buffers[0].overlap_share, 1.0, 1e-9) << lon;
        EXPECT_NEAR(m.buffers[1].overlap_share, 1.0, 1e-9) << lon;
        // Whole tiles add their ellipsoidal areas: exact. (The box round the
        // pole spans -180 to 180, and its tile column from 180 was the one
        // from -180 again: 1/3600 too much, 2.8e-4, until fixed.)
        EXPECT_NEAR(m.buffers[2].overlap_share / (cap_m2 / m.buffers[2].buffer_area_m2), 1.0, 1e-9) << lon;
        // Without tiles: the cap's edges in the frame, scaled by the disc's
        // mean area scale, 1 - K r^2 / 12 (5.1e-6 below 1 at 50 km), which a
        // piece this near the centre does not need (the frame's own excess
        // there is ~s^2 / 6R^2, 5e-7 at 11 km): 4.8e-6 below, as
        // docs/method.md says (up to +-5e-6 locally at 50 km).
        const VectorMeasurement f = cap->measure(make_site_geometry(site, nullptr, kRadii), 0, 0);
        EXPECT_NEAR(f.buffers[2].overlap_share / (cap_m2 / f.buffers[2].buffer_area_m2), 1.0, 6e-6) << lon;
        if (have_first)
            expect_twins(m, first, "pole cap at lon " + std::to_string(lon));
        else
            first = m, have_first = true;
    }
}

TEST(GlobePole, NearestDistanceToASmallCapAcrossThePole) {
    // A cap of 0.001 degree (111.7 m) around the pole; the site 556 m from
    // the pole: the nearest point of the cap lies on the site's meridian.
    TempDir dir;
    auto cap = layer_of(dir, "cap", {box(-180, 89.999, 180, 90)});
    VectorMeasurement first;
    bool have_first = false;
    for (const double lon : {37.0, -143.0, 179.99}) {
        const VectorMeasurement m = measure(*cap, {lon, 89.995});
        EXPECT_FALSE(m.inside);
        ASSERT_TRUE(m.nearest_distance_m);
        EXPECT_NEAR(*m.nearest_distance_m, karney_m(lon, 89.995, lon, 89.999), 1e-3);
        // The cap lies wholly inside the 1 km disc: whole tiles, exact (their
        // areas from the pole: q(90) - q(89.999) as it stands lost 2.7e-7).
        EXPECT_NEAR(m.buffers[0].overlap_share / (cap_area_m2(89.999) / m.buffers[0].buffer_area_m2), 1.0, 1e-9);
        if (have_first)
            expect_twins(m, first, "small cap at lon " + std::to_string(lon));
        else
            first = m, have_first = true;
    }
}

TEST(GlobePole, GeodesicCircleAroundThePoleIsTheEllipsoidalCap) {
    // Around the pole the geodesic circle of radius r is the parallel r
    // along the meridian from the pole: its disc is the cap north of it.
    for (const double r : kRadii) {
        // The parallel: bisection on Karney's distance from the pole.
        double lo = 80, hi = 90;
        for (int i = 0; i < 80; ++i) {
            const double mid = 0.5 * (lo + hi);
            (karney_m(0, 90, 0, mid) > r ? lo : hi) = mid;
        }
        const double want = cap_area_m2(0.5 * (lo + hi));
        for (const double lon : {0.0, 77.0, -180.0}) {
            const SiteGeometry g = make_site_geometry({lon, 90}, nullptr, {r});
            // The series pi r^2 (1 - K r^2 / 12) is within 1e-9 below 200 km
            // (docs/method.md; its next term is 1e-11 at 50 km). The 2.3e-8
            // measured before at 1 km was the closed form's cancellation
            // (cap_area_m2 above), not the series.
            EXPECT_NEAR(g.buffer_area_m2[0] / want, 1.0, 1e-9) << r << " " << lon;
        }
    }
}

// ------------------------------------------------------------------- rasters

namespace {

LayerSpec raster_spec(const std::string& id, const std::string& path) {
    LayerSpec s;
    s.id = id;
    s.title = id;
    s.kind = "raster";
    s.path = path;
    s.path_as_written = path;
    s.band = 1;
    return s;
}

void expect_raster_twins(const RasterMeasurement& a, const RasterMeasurement& b, const std::string& what) {
    SCOPED_TRACE(what);
    ASSERT_EQ(a.buffers.size(), b.buffers.size());
    for (std::size_t k = 0; k < a.buffers.size(); ++k) {
        SCOPED_TRACE("radius " + std::to_string(a.buffers[k].radius_m));
        EXPECT_NEAR(a.buffers[k].valid_share, b.buffers[k].valid_share, 1e-6);
        ASSERT_EQ(a.buffers[k].mean.has_value(), b.buffers[k].mean.has_value());
        if (a.buffers[k].mean) {
            EXPECT_NEAR(*a.buffers[k].mean, *b.buffers[k].mean, 1e-6);
        }
        if (a.buffers[k].min) {
            EXPECT_EQ(*a.buffers[k].min, *b.buffers[k].min);
        }
        if (a.buffers[k].max) {
            EXPECT_EQ(*a.buffers[k].max, *b.buffers[k].max);
        }
    }
}

}  // namespace

TEST(GlobeRaster, AntimeridianCellsBeyondTheLineAreCounted) {
    // A raster around the globe in longitude (0.05 degree cells, 1 N to 1 S)
    // whose values repeat every 180 degrees: a site by +180 and its twin by 0
    // see the same cells. Issue #21: cells beyond +-180 counted as no data
    // (valid share 0.571).
    TempDir dir;
    const std::string path = dir.file("strip.tif");
    ASSERT_TRUE(write_wgs84_raster(path, 7200, 40, GDT_Float32, -180, 1, 0.05,
                                   [](int x, int y) { return 1.0 + (x % 3600) % 7 + 0.5 * (y % 3); }));
    RasterReader reader(raster_spec("strip", path));
    const RasterMeasurement a = reader.measure(make_site_geometry({179.97, 0.013}, nullptr, kRadii));
    const RasterMeasurement b = reader.measure(make_site_geometry({-0.03, 0.013}, nullptr, kRadii));
    const RasterMeasurement c =
        reader.measure(make_site_geometry({-179.99, 0.013}, nullptr, kRadii));  // the other side
    const RasterMeasurement d = reader.measure(make_site_geometry({0.01, 0.013}, nullptr, kRadii));
    for (const auto& buf : a.buffers) EXPECT_NEAR(buf.valid_share, 1.0, 1e-9) << buf.radius_m;
    for (const auto& buf : c.buffers) EXPECT_NEAR(buf.valid_share, 1.0, 1e-9) << buf.radius_m;
    expect_raster_twins(a, b, "antimeridian, east side");
    expect_raster_twins(c, d, "antimeridian, west side");
    EXPECT_TRUE(a.warnings.empty());
}

TEST(GlobeRaster, PolarCapWithinOneKilometre) {
    // A raster of the Arctic north of 89 N, all longitudes: 1 north of
    // 89.75 N, 0 south of it. Sites 556 m from the pole: the 1 and 10 km
    // buffers lie in the 1s, the 50 km buffer's mean is the 89.75 cap's share
    // of the disc (closed forms); twins at other longitudes. A buffer round
    // the pole covers every column of its rows: its ring's unwrapped
    // longitudes span a whole turn and are swept across the raster's edge
    // (issue #21: they were placed a turn off the raster, no valid cell).
    TempDir dir;
    const std::string path = dir.file("arctic.tif");
    ASSERT_TRUE(
        write_wgs84_raster(path, 7200, 20, GDT_Float32, -180, 90, 0.05, [](int, int y) { return y < 5 ? 1.0 : 0.0; }));
    RasterReader reader(raster_spec("arctic", path));
    RasterMeasurement first;
    bool have_first = false;
    for (const double lon : {37.0, -143.0, 179.99, 0.0}) {
        const SiteGeometry g = make_site_geometry({lon, 89.995}, nullptr, kRadii);
        const RasterMeasurement m = reader.measure(g);
        for (const auto& buf : m.buffers) EXPECT_NEAR(buf.valid_share, 1.0, 1e-9) << lon << " " << buf.radius_m;
        ASSERT_TRUE(m.buffers[0].mean && m.buffers[1].mean && m.buffers[2].mean);
        EXPECT_NEAR(*m.buffers[0].mean, 1.0, 1e-9) << lon;
        EXPECT_NEAR(*m.buffers[1].mean, 1.0, 1e-9) << lon;
        // The 50 km circle crosses the rows 89.50-89.55 and 89.55-89.60, where the ground area
        // per degree of latitude grows by 11 % across a row. A cell counts the covered share of
        // its ground area (docs/raster.md), so the mean (the 89.75 cap over the disc) is the
        // closed form: 1.2e-8 off. It was once the covered share in lon/lat, which round a pole
        // errs the same way in every boundary cell: up to 3.2e-3 here. The 1e-6 allows for the
        // 256-gon's lon/lat edges off the circle.
        const double want = cap_area_m2(89.75) / g.buffer_area_m2[2];
        EXPECT_NEAR(*m.buffers[2].mean, want, 1e-6 * want) << lon;
        if (have_first)
            expect_raster_twins(m, first, "arctic at lon " + std::to_string(lon));
        else
            first = m, have_first = true;
    }
}

TEST(GlobeRaster, PartlyCoveredCellsCountTheirShareOfGroundArea) {
    // Rows of 1 degree, alternately 1 and 0, and small buffers centred on a row's edge: half of
    // each buffer lies in a row of 1s, so the mean is a half, up to the disc's asymmetry about
    // the parallel (its part poleward of the parallel is smaller by about r tan(lat) / R; the
    // bound below is that, three times over). A cell's covered fraction was once taken in
    // lon/lat and applied to its ground area, which grows across the row towards the equator:
    // off by about (row height / 4) tan(lat), 0.0044 at 45 degrees and 0.016 at 75 (found by an
    // independent cross-check).
    TempDir dir;
    const std::string path = dir.file("rows.tif");
    ASSERT_TRUE(
        write_wgs84_raster(path, 20, 160, GDT_Float32, 0, 80, 1.0, [](int, int y) { return y % 2 == 0 ? 1.0 : 0.0; }));
    RasterReader reader(raster_spec("rows", path));
    for (const double lat : {30.0, 45.0, 60.0, 75.0, -45.0}) {
        const SiteGeometry g = make_site_geometry({10.0, lat}, nullptr, {500, 1000});
        const RasterMeasurement m = reader.measure(g);
        for (std::size_t k = 0; k < m.buffers.size(); ++k) {
            ASSERT_TRUE(m.buffers[k].mean) << lat;
            const double bound = 3 * m.buffers[k].radius_m * std::tan(std::fabs(lat) * kPi / 180) / kA;
            EXPECT_NEAR(*m.buffers[k].mean, 0.5, bound) << lat << " " << m.buffers[k].radius_m;
        }
    }
}

TEST(GlobeRaster, ValueAtASiteOnTheWestEdgeIsItsCell) {
    // A site exactly on a whole-turn raster's west edge is half a turn from its middle either way,
    // and was taken a turn east, past the east edge: no value (found by the cross-check).
    TempDir dir;
    const std::string west180 = dir.file("west180.tif"), west0 = dir.file("west0.tif");
    ASSERT_TRUE(write_wgs84_raster(west180, 720, 20, GDT_Float32, -180, 15, 0.5, [](int x, int) { return x; }));
    ASSERT_TRUE(write_wgs84_raster(west0, 720, 20, GDT_Float32, 0, 15, 0.5, [](int x, int) { return x; }));
    RasterReader a(raster_spec("west180", west180)), b(raster_spec("west0", west0));
    auto value = [](RasterReader& r, double lon) {
        return r.measure(make_site_geometry({lon, 10.123}, nullptr, {1000})).value_at_site;
    };
    EXPECT_EQ(value(a, -180.0), std::optional<double>(0));
    EXPECT_EQ(value(a, 180.0), std::optional<double>(0));
    EXPECT_EQ(value(a, -179.9999999), std::optional<double>(0));
    EXPECT_EQ(value(a, 179.9999999), std::optional<double>(719));
    EXPECT_EQ(value(b, 0.0), std::optional<double>(0));
    EXPECT_EQ(value(b, -0.0), std::optional<double>(0));
    EXPECT_EQ(value(b, 360.0), std::optional<double>(0));
    EXPECT_EQ(value(b, -0.0000001), std::optional<double>(719));
}

TEST(GlobeRaster, AntipodeOfARegionalRasterSeesNothing) {
    // A regional raster and a site at the antipode of its middle (and a
    // twin turned in longitude): no cell is anywhere near, nothing valid.
    TempDir dir;
    const std::string path = dir.file("region.tif");
    ASSERT_TRUE(write_wgs84_raster(path, 200, 200, GDT_Float32, 9, 11, 0.01, [](int, int) { return 5.0; }));
    RasterReader reader(raster_spec("region", path));
    const RasterMeasurement a = reader.measure(make_site_geometry({-170, -10}, nullptr, kRadii));
    const RasterMeasurement b = reader.measure(make_site_geometry({100, -10}, nullptr, kRadii));
    expect_raster_twins(a, b, "antipode of a regional raster");
    for (const auto& buf : a.buffers) EXPECT_EQ(buf.valid_share, 0.0);
    EXPECT_FALSE(a.value_at_site);
}

// ------------------------------------------------------------------ warnings

TEST(GlobeWarnings, FeatureDrawnAcrossTheAntimeridianUnsplitIsFlagged) {
    // A feature drawn from 179 E to 179 W the long way round (unsplit at
    // +-180: edges jump 358 degrees): its figures are as drawn, and the site
    // says so. Split features, and a polar cap with its side along the
    // pole's line from 180 to -180, are not flagged.
    TempDir dir;
    auto layer = layer_of(dir, "wide", {box(-179, -1, 179, 1)});
    const VectorMeasurement m = measure(*layer, {0, 0});
    EXPECT_TRUE(m.inside);
    ASSERT_EQ(m.warnings.size(), 1u);
    EXPECT_NE(m.warnings[0].find("jumps more than 180 degrees"), std::string::npos) << m.warnings[0];
    auto narrow = layer_of(dir, "narrow", {box(-1, -1, 1, 1)});
    EXPECT_TRUE(measure(*narrow, {0, 0}).warnings.empty());
    auto split = layer_of(dir, "split", {box(179, 64, 180, 66), box(-180, 64, -179, 66)});
    EXPECT_TRUE(measure(*split, {179.5, 65}).warnings.empty());
    auto cap = layer_of(dir, "cap", {{{-180, 89.9}, {180, 89.9}, {180, 90}, {-180, 90}, {-180, 89.9}}});
    EXPECT_TRUE(measure(*cap, {0, 89.95}).warnings.empty());
}

// ------------------------------------------------------- far-search geodesics

TEST(GlobeBounds, BoxLowerBoundBelowKarney) {
    // The far search skips what its lower bounds put beyond the best so far:
    // a bound must never exceed the true distance (the spherical one and the
    // auxiliary-sphere one). Points (degenerate
    // boxes) over the whole globe, antipodes and poles included, and boxes
    // against their boundary sampled every 1/200 of a side.
    std::mt19937_64 rng(2121);
    std::uniform_real_distribution<double> lon(-180, 180), z(-1, 1), u(0, 1);
    auto lat = [&] { return std::asin(z(rng)) * 180 / kPi; };
    for (int i = 0; i < 20000; ++i) {
        const double x0 = lon(rng), y0 = lat();
        double x1 = lon(rng), y1 = lat();
        if (i % 4 == 1)
            x1 = x0 + 180 > 180 ? x0 - 180 + 1e-3 * u(rng) : x0 + 180 - 1e-3 * u(rng), y1 = -y0;  // near-antipodal
        if (i % 4 == 2) y1 = i % 8 == 2 ? 90.0 : -90.0 + 1e-3 * u(rng);                           // at or by a pole
        const Box pt(Point(x1, y1), Point(x1, y1));
        const double lb = geodesic::box_distance_lower_bound_m({x0, y0}, pt);
        const double s = karney_m(x0, y0, x1, y1);
        ASSERT_LE(lb, s) << x0 << " " << y0 << " -> " << x1 << " " << y1;
        // The auxiliary-sphere bound: below, and within f (0.34%, reached along
        // meridians by the poles, where a^2 / b = a / (1 - f)) of the distance.
        const double aux = geodesic::reduced_box_distance_lower_bound_m({x0, y0}, pt);
        ASSERT_LE(aux, s) << x0 << " " << y0 << " -> " << x1 << " " << y1;
        ASSERT_GE(aux, s * (1 - 1.001 * kF) - 2e-3) << x0 << " " << y0 << " -> " << x1 << " " << y1;
    }
    for (int i = 0; i < 2000; ++i) {
        const double x0 = lon(rng), y0 = lat();
        const double w = lon(rng), s = lat(), e = std::min(180.0, w + 40 * u(rng)), n = std::min(90.0, s + 30 * u(rng));
        double best = 1e300;
        for (int k = 0; k <= 200; ++k) {
            const double t = k / 200.0;
            best = std::min({best, karney_m(x0, y0, w + t * (e - w), s), karney_m(x0, y0, w + t * (e - w), n),
                             karney_m(x0, y0, w, s + t * (n - s)), karney_m(x0, y0, e, s + t * (n - s))});
        }
        const bool inside = std::remainder(x0 - 0.5 * (w + e), 360.0) <= 0.5 * (e - w) &&
                            std::remainder(x0 - 0.5 * (w + e), 360.0) >= -0.5 * (e - w) && y0 >= s && y0 <= n;
        const double lb = geodesic::box_distance_lower_bound_m({x0, y0}, Box(Point(w, s), Point(e, n)));
        const double aux = geodesic::reduced_box_distance_lower_bound_m({x0, y0}, Box(Point(w, s), Point(e, n)));
        if (inside) {
            EXPECT_EQ(lb, 0.0);
            EXPECT_EQ(aux, 0.0);
        } else {
            ASSERT_LE(lb, best) << x0 << " " << y0 << " box " << w << " " << s << " " << e << " " << n;
            ASSERT_LE(aux, best) << x0 << " " << y0 << " box " << w << " " << s << " " << e << " " << n;
        }
    }
}

TEST(GlobeBounds, SegmentDistanceMatchesDenseKarney) {
    // Segments straight in lon/lat, 0.05 to 0.5 degree long, 50 to 19,900 km
    // from the point: Karney's inverse every 1e-5 degree along them.
    std::mt19937_64 rng(2122);
    std::uniform_real_distribution<double> lon(-179, 179), lat(-80, 80), u(0, 1);
    for (int i = 0; i < 12; ++i) {
        const double ax = lon(rng), ay = lat(rng);
        const double len = 0.05 + 0.45 * u(rng), dir = 2 * kPi * u(rng);
        const double bx = ax + len * std::cos(dir), by = ay + len * std::sin(dir);
        LonLat c{lon(rng), lat(rng)};
        if (i % 3 == 0)
            c = {ax > 0 ? ax - 180 + 0.3 * u(rng) : ax + 180 - 0.3 * u(rng), -ay + 0.3 * u(rng)};  // by the antipode
        if (i % 3 == 1) c = {ax + 0.5 + u(rng), ay + 0.2};                                         // 50-170 km
        const int steps = static_cast<int>(len / 1e-5);
        double want = 1e300;
        for (int k = 0; k <= steps; ++k) {
            const double t = static_cast<double>(k) / steps;
            want = std::min(want, karney_m(c.lon, c.lat, ax + t * (bx - ax), ay + t * (by - ay)));
        }
        const double got = geodesic::segment_distance_m(c, Point(ax, ay), Point(bx, by), 1e300);
        EXPECT_LE(got, want + 1e-6) << i;
        EXPECT_NEAR(got, want, 1e-3) << i;
    }
}

// ------------------------------------------------------------ the CLI record

TEST(GlobeWarnings, SitesJsonlRunJsonAndClosingLineCountThem) {
    // One site by a feature drawn the long way round (a warning), one by an
    // ordinary feature (none). sites.jsonl carries `warnings` on every
    // record; run.json and the closing line count them.
    TempDir dir;
    dir.write("layer.geojson",
              feature_collection(
                  {{R"({"fid":"wide","name":"Drawn across +-180 unsplit"})", polygon_json({box(-179, 50, 179, 51)})},
                   {R"({"fid":"small","name":"Ordinary"})", polygon_json({box(10, -10, 11, -9)})}}));
    const std::string catalog = dir.write("catalog.yaml", R"(version: 1
layers:
  - id: zones
    title: Zones
    kind: vector
    path: layer.geojson
    id_field: fid
    name_field: name
    criterion: biodiversity_importance
    theme: protected_area
    crs: "EPSG:4326"
)");
    dir.write("sites.csv", "id,lon,lat\nnear_wide,0,50.5\nnear_small,10.5,-9.5\n");
    const auto s = sitescreen::testing::screen_cli(dir, "--sites " + dir.file("sites.csv"), catalog, dir.file("out"));
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    const Json* wide = s.site("near_wide");
    const Json* small = s.site("near_small");
    ASSERT_TRUE(wide && small);
    ASSERT_TRUE((*wide)["warnings"].is_array());
    ASSERT_EQ((*wide)["warnings"].size(), 1u);
    EXPECT_NE((*wide)["warnings"][0].get<std::string>().find(
                  "layer 'zones': feature 'wide' has an edge that jumps more than 180"),
              std::string::npos);
    EXPECT_EQ((*small)["warnings"], Json::array());
    EXPECT_EQ(s.run["sites"]["warnings"], 1);
    EXPECT_EQ(s.run["sites"]["with_warnings"], 1);
    EXPECT_NE(s.cmd.err.find("2 ok, 0 in error, 1 with warnings"), std::string::npos) << s.cmd.err;
}
