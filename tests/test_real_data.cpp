// Real data: the 3,126 WRI GPPD power plants of China against the shipped province polygons.
#include <gdal.h>
#include <gtest/gtest.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "core/site.h"
#include "io/site_reader.h"
#include "layers/vector/vector_layer.h"
#include "support/fixtures.h"

using namespace sitescreen;

TEST(RealData, EveryMainlandPowerPlantFallsInExactlyOneProvince) {
    LayerSpec spec = sitescreen::testing::vector_spec(
        "china_provinces", std::string(SITESCREEN_SOURCE_DIR) + "/layers/admin/china_provinces.gpkg");
    spec.name_field = "name";
    spec.criterion = Criterion::Context;
    auto provinces = VectorLayer::load(spec);
    ASSERT_EQ(provinces->features().size(), 34u);

    SiteReaderOptions ro;
    ro.path = std::string(SITESCREEN_TEST_DATA) + "/real/gppd_wri_china_power_plants.geojson";
    ro.id_field = "Power Plant ID";
    auto sites = open_sites(ro);
    std::size_t total = 0, in_one = 0, in_several = 0;
    std::vector<std::pair<std::string, double>> outside;  // id, distance to the nearest province
    Site s;
    while (sites->next(s)) {
        ASSERT_FALSE(s.error) << *s.error;
        ++total;
        const VectorMeasurement m = provinces->measure(make_site_geometry(s.lonlat, nullptr, {1000}));
        if (m.inside_features.size() == 1)
            ++in_one;
        else if (m.inside_features.size() > 1) {
            ++in_several;
            std::string names;
            for (auto f : m.inside_features) names += " " + provinces->features()[f].name;
            std::cout << "[ real data ] plant " << s.id << " (" << s.lonlat.lon << ", " << s.lonlat.lat
                      << ") lies where provinces overlap:" << names << "\n";
        } else
            outside.emplace_back(s.id, m.nearest_distance_m.value_or(-1));
    }
    EXPECT_EQ(total, 3126u);
    // The generalised ECharts boundaries overlap by a few metres in places;
    // a plant sitting on such a sliver is reported above, not hidden.
    EXPECT_LE(in_several, 3u) << "province polygons overlap at more than a few plants";
    // Plants outside every province are offshore wind farms or coastal plants
    // that the generalised (about 100 m quantised) ECharts coastline misses.
    std::size_t offshore_over_5km = 0;
    for (const auto& [id, d] : outside)
        if (d > 5000) ++offshore_over_5km;
    std::cout << "[ real data ] " << total << " plants: " << in_one << " in exactly one province, " << outside.size()
              << " in none (" << offshore_over_5km << " of them more than 5 km offshore)\n";
    EXPECT_EQ(in_one + in_several + outside.size(), total);
    EXPECT_LT(outside.size(), total / 50) << "more than 2% of plants fall outside every province";
    for (const auto& [id, d] : outside) EXPECT_LT(d, 60000) << id << " is " << d << " m from any province";
}

namespace {

// An independent overlay: a shipped layer's features read by GDAL/OGR, densified every 0.001
// degree and projected by PROJ to an azimuthal equidistant frame on the site (metres).
class OgrOverlay {
public:
    OgrOverlay(const std::string& path, LonLat site) {
        GDALAllRegister();  // the layer may have come from the layer cache, without opening GDAL
        ds_ = GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
        wgs_ = OSRNewSpatialReference(nullptr);
        aeqd_ = OSRNewSpatialReference(nullptr);
        OSRImportFromEPSG(wgs_, 4326);
        OSRSetAxisMappingStrategy(wgs_, OAMS_TRADITIONAL_GIS_ORDER);
        const std::string proj = "+proj=aeqd +lat_0=" + std::to_string(site.lat) +
                                 " +lon_0=" + std::to_string(site.lon) + " +ellps=WGS84 +units=m";
        OSRImportFromProj4(aeqd_, proj.c_str());
        ct_ = OCTNewCoordinateTransformation(wgs_, aeqd_);
    }
    ~OgrOverlay() {
        for (auto& [key, g] : features) OGR_G_DestroyGeometry(g);
        OCTDestroyCoordinateTransformation(ct_);
        OSRDestroySpatialReference(wgs_);
        OSRDestroySpatialReference(aeqd_);
        if (ds_) GDALClose(ds_);
    }
    bool opened() const { return ds_ != nullptr; }
    // Reads, projected, the features whose `field` is one of `values`, keyed by `key_field`.
    void read(const std::string& field, const std::vector<std::string>& values, const std::string& key_field) {
        OGRLayerH lyr = GDALDatasetGetLayer(ds_, 0);
        OGR_L_ResetReading(lyr);
        while (OGRFeatureH f = OGR_L_GetNextFeature(lyr)) {
            const std::string v = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, field.c_str()));
            if (std::find(values.begin(), values.end(), v) != values.end()) {
                OGRGeometryH g = OGR_G_Clone(OGR_F_GetGeometryRef(f));
                features.emplace_back(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, key_field.c_str())), project(g));
            }
            OGR_F_Destroy(f);
        }
    }
    // A lon/lat geometry (taken) densified and projected.
    OGRGeometryH project(OGRGeometryH g) {
        OGR_G_Segmentize(g, 0.001);
        EXPECT_EQ(OGR_G_Transform(g, ct_), OGRERR_NONE);
        return g;
    }
    std::vector<std::pair<std::string, OGRGeometryH>> features;

private:
    GDALDatasetH ds_ = nullptr;
    OGRSpatialReferenceH wgs_ = nullptr, aeqd_ = nullptr;
    OGRCoordinateTransformationH ct_ = nullptr;
};

LayerSpec shipped_spec(const std::string& id, const std::string& relative, const std::string& id_field) {
    LayerSpec spec = sitescreen::testing::vector_spec(id, std::string(SITESCREEN_SOURCE_DIR) + "/layers/" + relative);
    spec.id_field = id_field;
    spec.name_field = "name";
    spec.criterion = Criterion::Context;
    return spec;
}

}  // namespace

// A site in Xinjiang whose buffers meet two shipped prefectures (652800 and 659006). Their
// generalised borders overlap by slivers, so the union within the buffers is GEOS's, and
// prefecture 652800 leaves and re-enters the buffers' box. GEOS's make-valid once turned the
// zero-width spike that clipping leaves along the box into area: the 5 and 10 km buffers came out
// wholly covered. Checked against an independent overlay (OgrOverlay) unioned and cut by a
// 1,024-gon of each radius, scaled like sitescreen's disc (ellipsoidal area over pi r^2).
TEST(RealData, UnionOfTwoPrefecturesInABufferMatchesAnIndependentOverlay) {
    const LayerSpec spec = shipped_spec("china_prefectures", "admin/china_prefectures.gpkg", "id");
    auto layer = VectorLayer::load(spec);
    const LonLat site{85.457239, 41.907284};
    const std::vector<double> radii{1000, 5000, 10000};
    const VectorMeasurement m = layer->measure(make_site_geometry(site, nullptr, radii));

    OgrOverlay ogr(spec.path, site);
    ASSERT_TRUE(ogr.opened());
    ogr.read("id", {"652800", "659006"}, "id");
    ASSERT_EQ(ogr.features.size(), 2u);
    OGRGeometryH united = OGR_G_Union(ogr.features[0].second, ogr.features[1].second);
    for (std::size_t k = 0; k < radii.size(); ++k) {
        OGRGeometryH centre = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(centre, 0, 0, 0);
        OGRGeometryH disc = OGR_G_Buffer(centre, radii[k], 256);
        OGRGeometryH within = OGR_G_Intersection(united, disc);
        const double expected = OGR_G_Area(within) * m.buffers[k].buffer_area_m2 / OGR_G_Area(disc);
        std::cout << std::fixed << std::setprecision(1) << "[ real data ] " << radii[k] << " m: sitescreen "
                  << m.buffers[k].overlap_area_m2 << " m2, independent overlay " << expected << " m2\n";
        EXPECT_NEAR(m.buffers[k].overlap_area_m2, expected, 1e-4 * m.buffers[k].buffer_area_m2) << radii[k] << " m";
        OGR_G_DestroyGeometry(within);
        OGR_G_DestroyGeometry(disc);
        OGR_G_DestroyGeometry(centre);
    }
    EXPECT_LT(m.buffers[2].overlap_share, 0.8);  // three quarters: wholly covered before
    OGR_G_DestroyGeometry(united);
}

// A square footprint (0.01 degree) in the shipped demonstration reserve NR-XJ-001 (Altun Shan),
// whose buffer, core and experimental zones are separate features. The footprint lies in the
// buffer zone only; the same made-valid spike once put it inside the experimental zone too (and
// a verdict reason with it). Its zones and their distances against the independent overlay.
TEST(RealData, FootprintInOneReserveZoneMatchesAnIndependentOverlay) {
    LayerSpec spec = shipped_spec("china_nature_reserves", "demo/china_nature_reserves_demo.gpkg", "nr_id");
    spec.name_field = "nr_name";
    spec.category_field = "zone_en";
    auto layer = VectorLayer::load(spec);
    const LonLat site{89.660040, 37.385185};
    const double h = 0.005;
    const MultiPolygon fp{Polygon{{{site.lon - h, site.lat - h},
                                   {site.lon + h, site.lat - h},
                                   {site.lon + h, site.lat + h},
                                   {site.lon - h, site.lat + h},
                                   {site.lon - h, site.lat - h}}}};
    const VectorMeasurement m = layer->measure(make_site_geometry(site, &fp, {1000, 5000, 10000}));

    OgrOverlay ogr(spec.path, site);
    ASSERT_TRUE(ogr.opened());
    ogr.read("nr_id", {"NR-XJ-001"}, "zone_en");
    ASSERT_EQ(ogr.features.size(), 3u);
    char wkt[512];
    std::snprintf(wkt, sizeof wkt, "POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))", site.lon - h,
                  site.lat - h, site.lon + h, site.lat - h, site.lon + h, site.lat + h, site.lon - h, site.lat + h,
                  site.lon - h, site.lat - h);
    char* text = wkt;
    OGRGeometryH square = nullptr;
    ASSERT_EQ(OGR_G_CreateFromWkt(&text, nullptr, &square), OGRERR_NONE);
    square = ogr.project(square);
    std::map<std::string, double> independent;  // zone -> distance from the footprint (m)
    for (const auto& [zone, g] : ogr.features) independent[zone] = OGR_G_Distance(g, square);
    OGR_G_DestroyGeometry(square);
    std::vector<std::string> inside;
    for (std::uint32_t f : m.inside_features) inside.push_back(layer->features()[f].category);
    EXPECT_EQ(inside, std::vector<std::string>{"buffer"});
    EXPECT_EQ(independent["buffer"], 0.0);
    for (const FeatureHit& hit : m.hits) {
        const std::string& zone = layer->features()[hit.feature].category;
        std::cout << "[ real data ] zone " << zone << ": sitescreen " << hit.distance_m << " m, independent overlay "
                  << independent[zone] << " m\n";
        EXPECT_NEAR(hit.distance_m, independent[zone], 1.0) << zone;
    }
    EXPECT_EQ(m.hits.size(), 2u);  // buffer and core; the experimental zone is 18.9 km away
}

// The shipped world countries (Natural Earth through world-atlas) came with the rings that cross
// +-180 stitched for drawing on the sphere: read as planar lon/lat, Russia, Fiji and Antarctica
// had edges across the whole map, and made valid they became bands (a Russia part covered lon -180
// to 29 between lat 65 and 69, so Greenland, Alaska and Lapland were also "in Russia", with a
// warning on each site). scripts/make_demo_layers.py now cuts them at +-180 (split_at_antimeridian).
// Each site below is inside exactly the one country, and no site gets a warning.
TEST(RealData, ShippedCountriesAreCutAtTheAntimeridian) {
    const LayerSpec spec = shipped_spec("world_countries", "admin/world_countries.gpkg", "iso_n3");
    auto layer = VectorLayer::load(spec);
    struct Case {
        LonLat site;
        const char* country;
    };
    const Case cases[] = {
        {{-37.713, 67.049}, "Greenland"},                  // was also in Russia
        {{-141.957, 66.229}, "United States of America"},  // Alaska: was also in Russia
        {{25.0, 67.0}, "Finland"},                         // Lapland: was also in Russia
        {{175.0, 66.0}, "Russia"},                         // Chukotka west of 180: was in no country
        {{-175.0, 66.0}, "Russia"},                        // Chukotka east of 180: was in no country
        {{-179.5, 71.2}, "Russia"},                        // Wrangel Island, across 180
        {{-179.95, -16.5}, "Fiji"},                        // east of 180
        {{-170.0, -88.0}, "Antarctica"},                   // near the pole: was in no country
        {{100.0, -89.995}, "Antarctica"},
    };
    for (const Case& c : cases) {
        const VectorMeasurement m = layer->measure(make_site_geometry(c.site, nullptr, {1000}));
        std::vector<std::string> names;
        for (std::uint32_t f : m.inside_features) names.push_back(layer->features()[f].name);
        EXPECT_EQ(names, std::vector<std::string>{c.country}) << c.site.lon << ", " << c.site.lat;
        EXPECT_TRUE(m.warnings.empty()) << c.site.lon << ", " << c.site.lat << ": " << m.warnings.front();
    }
}
