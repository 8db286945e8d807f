// Closed-form checks of vector screening: geodesic distance, overlap shares, unions, polygon sites.
#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.h"
#include "geo/geodesic.h"
#include "geo/site_geometry.h"
#include "layers/vector_layer.h"
#include "support/fixtures.h"

using namespace sitescreen;
using sitescreen::testing::TempDir;
using sitescreen::testing::feature_collection;
using sitescreen::testing::vector_spec;

namespace {

std::shared_ptr<const VectorLayer> layer_from(const TempDir& dir, const std::string& geojson,
                                              const std::string& name = "layer.geojson") {
    LayerSpec spec = vector_spec("test", dir.write(name, geojson));
    spec.id_field = "fid";
    spec.name_field = "name";
    return VectorLayer::load(spec);
}

std::string box_polygon(double w, double s, double e, double n) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  R"({"type":"Polygon","coordinates":[[[%.10f,%.10f],[%.10f,%.10f],[%.10f,%.10f],[%.10f,%.10f],[%.10f,%.10f]]]})",
                  w, s, e, s, e, n, w, n, w, s);
    return buf;
}

VectorMeasurement measure_point(const VectorLayer& layer, LonLat p, std::vector<double> radii) {
    return layer.measure(make_site_geometry(p, nullptr, radii));
}

}  // namespace

TEST(VectorDistance, PolygonOneDegreeNorthMatchesKarneyWithinOneMetre) {
    TempDir dir;
    for (double lat : {0.0, 30.0, 60.0}) {
        auto layer = layer_from(dir, feature_collection({{R"({"fid":"n","name":"north"})", box_polygon(9, lat + 1, 11, lat + 2)}}));
        const VectorMeasurement m = measure_point(*layer, {10, lat}, {1000});
        ASSERT_TRUE(m.nearest_distance_m.has_value());
        const double karney = geodesic::distance_m({10, lat}, {10, lat + 1});
        EXPECT_NEAR(*m.nearest_distance_m, karney, 1.0) << "at latitude " << lat;
        EXPECT_FALSE(m.inside);
    }
}

TEST(VectorOverlap, HalfPlaneCoversHalfTheBuffer) {
    TempDir dir;
    // A wide polygon whose western edge is the meridian through the site.
    auto layer = layer_from(dir, feature_collection({{R"({"fid":"e","name":"east"})", box_polygon(116.0, 39.0, 118.0, 41.0)}}));
    const VectorMeasurement m = measure_point(*layer, {116.0, 40.0}, {1000, 10000, 50000});
    for (const auto& b : m.buffers) EXPECT_NEAR(b.overlap_share, 0.5, 0.005) << "radius " << b.radius_m;
}

TEST(VectorOverlap, OverlappingFeaturesAreNotDoubleCounted) {
    TempDir dir;
    // Two identical squares and a third overlapping half of them: the union is one square and a half.
    auto layer = layer_from(dir, feature_collection({
                                     {R"({"fid":"a","name":"a"})", box_polygon(116.0, 39.9, 116.1, 40.1)},
                                     {R"({"fid":"b","name":"b"})", box_polygon(116.0, 39.9, 116.1, 40.1)},
                                     {R"({"fid":"c","name":"c"})", box_polygon(116.05, 39.9, 116.15, 40.1)},
                                 }));
    const VectorMeasurement m = measure_point(*layer, {116.075, 40.0}, {50000});
    const double union_area = geodesic::polygon_area_m2(Polygon{{{116.0, 39.9}, {116.15, 39.9}, {116.15, 40.1},
                                                                 {116.0, 40.1}, {116.0, 39.9}}});
    EXPECT_NEAR(m.buffers[0].overlap_area_m2 / union_area, 1.0, 0.002);
    EXPECT_EQ(m.buffers[0].feature_count, 3u);
    EXPECT_TRUE(m.inside);
    EXPECT_EQ(m.inside_features.size(), 3u);
}

TEST(VectorOverlap, SmallPolygonInsideBufferCountsItsWholeArea) {
    TempDir dir;
    auto layer = layer_from(dir, feature_collection({{R"({"fid":"s","name":"small"})", box_polygon(100.01, 30.0, 100.02, 30.01)}}));
    const VectorMeasurement m = measure_point(*layer, {100.0, 30.0}, {10000});
    const double area = geodesic::polygon_area_m2(Polygon{{{100.01, 30.0}, {100.02, 30.0}, {100.02, 30.01}, {100.01, 30.01}, {100.01, 30.0}}});
    EXPECT_NEAR(m.buffers[0].overlap_area_m2 / area, 1.0, 1e-3);
}

TEST(VectorDistance, InsideIsZeroAndEmptyLayerIsNull) {
    TempDir dir;
    auto layer = layer_from(dir, feature_collection({{R"({"fid":"x","name":"x"})", box_polygon(0, 0, 1, 1)}}));
    const VectorMeasurement in = measure_point(*layer, {0.5, 0.5}, {1000});
    EXPECT_TRUE(in.inside);
    EXPECT_EQ(*in.nearest_distance_m, 0.0);
    EXPECT_NEAR(in.buffers[0].overlap_share, 1.0, 1e-9);
    // An empty GeoJSON has no fields to map: load it without a field mapping.
    auto empty = VectorLayer::load(vector_spec("empty", dir.write("empty.geojson", feature_collection({}))));
    const VectorMeasurement e = measure_point(*empty, {0.5, 0.5}, {1000});
    EXPECT_FALSE(e.nearest_distance_m.has_value());
    EXPECT_FALSE(e.inside);
}

TEST(VectorDistance, FarFeatureFoundBeyondTheBuffers) {
    TempDir dir;
    auto layer = layer_from(dir, feature_collection({{R"({"fid":"far","name":"far"})", box_polygon(20, 10, 21, 11)}}));
    const VectorMeasurement m = measure_point(*layer, {20.5, 0}, {1000});
    ASSERT_TRUE(m.nearest_distance_m.has_value());
    EXPECT_NEAR(*m.nearest_distance_m, geodesic::distance_m({20.5, 0}, {20.5, 10}), 5.0);
    EXPECT_EQ(m.buffers[0].feature_count, 0u);
}

TEST(VectorPolygonSite, BufferGrowsFromTheBoundary) {
    TempDir dir;
    // A 0.02 x 0.02 degree footprint; a feature 1.5 km east of its eastern edge.
    const double lat = 35.0;
    const LonLat east_edge{110.01, lat};
    const LonLat target = geodesic::direct(east_edge, 90, 1500);
    auto layer = layer_from(dir, feature_collection({{R"({"fid":"f","name":"f"})",
                                                      box_polygon(target.lon, lat - 0.005, target.lon + 0.02, lat + 0.005)}}));
    MultiPolygon fp{Polygon{{{109.99, lat - 0.01}, {110.01, lat - 0.01}, {110.01, lat + 0.01}, {109.99, lat + 0.01}, {109.99, lat - 0.01}}}};
    const SiteGeometry g = make_site_geometry({110.0, lat}, &fp, {1000, 2000});
    const VectorMeasurement m = layer->measure(g);
    ASSERT_TRUE(m.nearest_distance_m.has_value());
    EXPECT_NEAR(*m.nearest_distance_m, 1500, 2.0);
    EXPECT_EQ(m.buffers[0].feature_count, 0u);  // 1 km from the boundary does not reach
    EXPECT_EQ(m.buffers[1].feature_count, 1u);  // 2 km does
    EXPECT_GT(m.buffers[1].overlap_area_m2, 0.0);
    EXPECT_EQ(m.buffers[0].overlap_area_m2, 0.0);
    // The buffer's area: footprint + perimeter x r + pi r^2 (a rounded square).
    const double side_ns = geodesic::distance_m({110.0, lat - 0.01}, {110.0, lat + 0.01});
    const double side_ew = geodesic::distance_m({109.99, lat}, {110.01, lat});
    const double r = 1000;
    const double expected = side_ns * side_ew + 2 * r * (side_ns + side_ew) + 3.14159265358979 * r * r;
    EXPECT_NEAR(g.buffer_area_m2[0] / expected, 1.0, 0.005);
}

TEST(VectorLoad, InvalidPolygonIsRepairedAndCounted) {
    TempDir dir;
    // A bow-tie (self-intersecting) polygon.
    auto layer = layer_from(dir, feature_collection({{R"({"fid":"bow","name":"bow"})",
                                                      R"({"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]})"}}));
    EXPECT_EQ(layer->info().invalid_repaired, 1u);
    const VectorMeasurement m = measure_point(*layer, {0.2, 0.5}, {1000});
    EXPECT_TRUE(m.inside);
}

TEST(VectorLoad, MissingFieldNamesTheLayerAndTheFieldsFound) {
    TempDir dir;
    LayerSpec spec = vector_spec("wetlands", dir.write("w.geojson", feature_collection({{R"({"fid":"a"})", box_polygon(0, 0, 1, 1)}})));
    spec.name_field = "NAME";
    try {
        VectorLayer::load(spec);
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("layer 'wetlands'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("'NAME'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("'fid'"), std::string::npos) << msg;
    }
}

TEST(VectorLoad, LargePolygonIsSplitIntoPieces) {
    TempDir dir;
    // A 2000-vertex circle-like polygon.
    std::string coords;
    const int n = 2000;
    for (int i = 0; i <= n; ++i) {
        const double a = 2 * 3.14159265358979 * (i % n) / n;
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s[%.8f,%.8f]", i ? "," : "", 110 + std::cos(a), 30 + std::sin(a));
        coords += buf;
    }
    auto layer = layer_from(dir, feature_collection({{R"({"fid":"big","name":"big"})",
                                                      R"({"type":"Polygon","coordinates":[[)" + coords + "]]}"}}));
    EXPECT_GT(layer->info().piece_count, 8u);
    // Pieces partition the polygon: a buffer inside it is fully covered, and the edge distance is right.
    const VectorMeasurement m = measure_point(*layer, {110, 30}, {10000});
    EXPECT_TRUE(m.inside);
    EXPECT_NEAR(m.buffers[0].overlap_share, 1.0, 1e-6);
}
