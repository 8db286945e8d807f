// Raster zonal statistics: closed-form cases on in-memory GeoTIFFs, agreement
// between geographic and projected copies of a layer, errors, and real rasters
// checked against an independent supersampled computation.
#include <gtest/gtest.h>

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "geo/geodesic.h"
#include "geo/site_geometry.h"
#include "io/checksum.h"
#include "io/gdal_handles.h"
#include "geo/coverage.h"
#include "layers/raster/raster_blocks.h"
#include "layers/raster/raster_layer.h"
#include "support/fixtures.h"

using namespace sitescreen;

namespace {

constexpr double kPi = 3.14159265358979323846;

// A /vsimem/ file removed when the test ends.
struct VsiFile {
    std::string path;
    explicit VsiFile(std::string p) : path(std::move(p)) {}
    ~VsiFile() {
        VSIUnlink(path.c_str());
        VSIUnlink((path + ".aux.xml").c_str());
    }
    VsiFile(const VsiFile&) = delete;
    VsiFile& operator=(const VsiFile&) = delete;
};

struct GridSpec {
    int width = 0, height = 0;
    double west = 0, north = 0, dx = 0.001, dy = 0.001;  // cell size in CRS units; rows go south
    std::string crs = "EPSG:4326";                       // empty: no CRS
    GDALDataType type = GDT_Float32;
    std::optional<double> nodata;
    std::vector<std::string> creation_options;
};

// Writes a GeoTIFF whose cell (col, row) holds value(col, row).
void write_raster(const std::string& path, const GridSpec& g, const std::function<double(int, int)>& value) {
    gdal_init();
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    ASSERT_NE(drv, nullptr);
    std::vector<const char*> opts;
    for (const auto& o : g.creation_options) opts.push_back(o.c_str());
    opts.push_back(nullptr);
    DatasetPtr ds(GDALCreate(drv, path.c_str(), g.width, g.height, 1, g.type, const_cast<char**>(opts.data())));
    ASSERT_TRUE(ds) << path;
    double gt[6] = {g.west, g.dx, 0, g.north, 0, -g.dy};
    GDALSetGeoTransform(ds.get(), gt);
    if (!g.crs.empty()) {
        SrsPtr srs = srs_from_user(g.crs, "test");
        GDALSetSpatialRef(ds.get(), srs.get());
    }
    GDALRasterBandH band = GDALGetRasterBand(ds.get(), 1);
    if (g.nodata) GDALSetRasterNoDataValue(band, *g.nodata);
    std::vector<double> row(g.width);
    for (int y = 0; y < g.height; ++y) {
        for (int x = 0; x < g.width; ++x) row[x] = value(x, y);
        ASSERT_EQ(GDALRasterIO(band, GF_Write, 0, y, g.width, 1, row.data(), g.width, 1, GDT_Float64, 0, 0), CE_None);
    }
}

LayerSpec raster_spec(const std::string& id, const std::string& path, bool categorical = false) {
    LayerSpec s;
    s.id = id;
    s.title = id;
    s.kind = "raster";
    s.path = path;
    s.path_as_written = path;
    s.categorical = categorical;
    s.band = 1;
    return s;
}

// A grid of 0.001 degree cells centred on `c`, `half_deg` wide on each side,
// with the site's meridian and parallel on cell edges.
GridSpec grid_around(LonLat c, double half_lon_deg, double half_lat_deg, double cell_deg = 0.001) {
    GridSpec g;
    g.dx = g.dy = cell_deg;
    g.width = 2 * static_cast<int>(std::lround(half_lon_deg / cell_deg));
    g.height = 2 * static_cast<int>(std::lround(half_lat_deg / cell_deg));
    g.west = c.lon - g.width / 2 * cell_deg;
    g.north = c.lat + g.height / 2 * cell_deg;
    return g;
}

double share_of(const RasterBufferStats& b, long long cls) {
    for (auto [v, s] : b.class_shares)
        if (v == cls) return s;
    return 0;
}

// ---------------------------------------------------------------------------
// Independent check: each cell's share of the disc from n x n sub-points whose
// membership is decided by geodesic distance to the site; each cell weighted
// by its ground area (lon/lat cells: zone formula; projected cells: geodesic
// area of the cell's corners taken to WGS 84). No code shared with the reader
// beyond geodesic primitives.
struct Supersampled {
    double total_m2 = 0, valid_m2 = 0, value_m2 = 0;
    std::map<long long, double> class_m2;
    std::optional<double> value_at_site;
    double mean() const { return value_m2 / valid_m2; }
    double share(long long c) const {
        auto it = class_m2.find(c);
        return it == class_m2.end() ? 0 : it->second / valid_m2;
    }
};

Supersampled supersample(const std::string& path, LonLat site, double radius_m, int n_sub) {
    gdal_init();
    Supersampled out;
    DatasetPtr ds(GDALOpen(path.c_str(), GA_ReadOnly));
    EXPECT_TRUE(ds);
    if (!ds) return out;
    const int w = GDALGetRasterXSize(ds.get()), h = GDALGetRasterYSize(ds.get());
    double gt[6];
    GDALGetGeoTransform(ds.get(), gt);
    GDALRasterBandH band = GDALGetRasterBand(ds.get(), 1);
    int has_nodata = 0;
    const double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
    std::vector<double> v(static_cast<std::size_t>(w) * h);
    EXPECT_EQ(GDALRasterIO(band, GF_Read, 0, 0, w, h, v.data(), w, h, GDT_Float64, 0, 0), CE_None);
    SrsPtr srs(OSRClone(GDALGetSpatialRef(ds.get())));
    OSRSetAxisMappingStrategy(srs.get(), OAMS_TRADITIONAL_GIS_ORDER);
    const bool geographic = OSRIsGeographic(srs.get());
    SrsPtr wgs84 = wgs84_srs();
    TransformPtr to_ll(OCTNewCoordinateTransformation(srs.get(), wgs84.get()));
    TransformPtr to_raster(OCTNewCoordinateTransformation(wgs84.get(), srs.get()));
    auto ll = [&](std::vector<double>& xs, std::vector<double>& ys) {
        OCTTransform(to_ll.get(), static_cast<int>(xs.size()), xs.data(), ys.data(), nullptr);
    };
    auto valid = [&](double x) { return !std::isnan(x) && !(has_nodata && x == nodata); };

    // The site in pixel coordinates, for the nearest point of each cell.
    double sx = site.lon, sy = site.lat;
    OCTTransform(to_raster.get(), 1, &sx, &sy, nullptr);
    const double spx = (sx - gt[0]) / gt[1], spy = (sy - gt[3]) / gt[5];
    if (spx >= 0 && spy >= 0 && spx < w && spy < h) {
        const double at = v[static_cast<std::size_t>(spy) * w + static_cast<std::size_t>(spx)];
        if (valid(at)) out.value_at_site = at;
    }

    std::vector<double> xs, ys;
    for (int row = 0; row < h; ++row) {
        for (int col = 0; col < w; ++col) {
            // Corners of the cell in WGS 84, and the cell's ground area.
            xs = {gt[0] + col * gt[1], gt[0] + (col + 1) * gt[1], gt[0] + (col + 1) * gt[1], gt[0] + col * gt[1]};
            ys = {gt[3] + row * gt[5], gt[3] + row * gt[5], gt[3] + (row + 1) * gt[5], gt[3] + (row + 1) * gt[5]};
            ll(xs, ys);
            double area_m2 = 0;
            if (geographic) {
                area_m2 = geodesic::lonlat_cell_area_m2(std::min(ys[0], ys[2]), std::max(ys[0], ys[2]),
                                                        std::fabs(xs[1] - xs[0]));
            } else {
                Polygon cell;
                for (int k = 0; k < 4; ++k) cell.outer().push_back(Point(xs[k], ys[k]));
                cell.outer().push_back(cell.outer().front());
                area_m2 = geodesic::polygon_area_m2(cell);
            }
            double max_corner = 0, diag = geodesic::distance_m({xs[0], ys[0]}, {xs[2], ys[2]});
            for (int k = 0; k < 4; ++k) max_corner = std::max(max_corner, geodesic::distance_m(site, {xs[k], ys[k]}));
            // Nearest point of the cell to the site in pixel space, then geodesic distance.
            double nx = gt[0] + std::clamp(spx, double(col), double(col + 1)) * gt[1];
            double ny = gt[3] + std::clamp(spy, double(row), double(row + 1)) * gt[5];
            OCTTransform(to_ll.get(), 1, &nx, &ny, nullptr);
            const double nearest = geodesic::distance_m(site, {nx, ny});
            double share = 0;
            if (max_corner < radius_m) {
                share = 1;  // the disc is convex at these scales
            } else if (nearest > radius_m + diag) {
                share = 0;
            } else {
                xs.clear();
                ys.clear();
                for (int i = 0; i < n_sub; ++i) {
                    for (int j = 0; j < n_sub; ++j) {
                        xs.push_back(gt[0] + (col + (i + 0.5) / n_sub) * gt[1]);
                        ys.push_back(gt[3] + (row + (j + 0.5) / n_sub) * gt[5]);
                    }
                }
                ll(xs, ys);
                int inside = 0;
                for (std::size_t k = 0; k < xs.size(); ++k)
                    inside += geodesic::distance_m(site, {xs[k], ys[k]}) <= radius_m;
                share = static_cast<double>(inside) / xs.size();
            }
            if (share == 0) continue;
            const double a = share * area_m2;
            const double x = v[static_cast<std::size_t>(row) * w + col];
            out.total_m2 += a;
            if (!valid(x)) continue;
            out.valid_m2 += a;
            out.value_m2 += a * x;
            out.class_m2[std::llround(x)] += a;
        }
    }
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------
// Closed-form cases

TEST(RasterStats, ConstantRasterGivesMeanOneAndFullValidity) {
    const LonLat c{10.0, 45.0};
    VsiFile f("/vsimem/raster_tests/ones.tif");
    GridSpec g = grid_around(c, 0.2, 0.15);
    write_raster(f.path, g, [](int, int) { return 1.0; });
    RasterReader reader(raster_spec("ones", f.path));
    const SiteGeometry site = make_site_geometry(c, nullptr, {1000, 5000, 10000});
    const RasterMeasurement m = reader.measure(site);
    ASSERT_EQ(m.buffers.size(), 3u);
    for (const auto& b : m.buffers) {
        ASSERT_TRUE(b.mean);
        EXPECT_NEAR(*b.mean, 1.0, 1e-12);
        EXPECT_NEAR(b.valid_share, 1.0, 1e-12);
        EXPECT_EQ(*b.min, 1.0);
        EXPECT_EQ(*b.max, 1.0);
        EXPECT_FALSE(b.majority);
        EXPECT_GT(b.covered_cells, 0);
    }
    EXPECT_DOUBLE_EQ(m.buffers[1].radius_m, 5000);
    EXPECT_DOUBLE_EQ(m.buffers[1].buffer_area_m2, site.buffer_area_m2[1]);
    ASSERT_TRUE(m.value_at_site);
    EXPECT_EQ(*m.value_at_site, 1.0);
}

TEST(RasterStats, HalfNodataAlongTheSiteMeridian) {
    const LonLat c{10.0, 45.0};
    VsiFile f("/vsimem/raster_tests/half.tif");
    GridSpec g = grid_around(c, 0.1, 0.08);
    g.type = GDT_Int16;
    g.nodata = -9999;
    write_raster(f.path, g, [&](int x, int) { return x < g.width / 2 ? -9999.0 : 7.0; });
    RasterReader reader(raster_spec("half", f.path));
    const RasterMeasurement m = reader.measure(make_site_geometry(c, nullptr, {1000, 5000}));
    for (const auto& b : m.buffers) {
        EXPECT_NEAR(b.valid_share, 0.5, 0.0025) << b.radius_m;
        ASSERT_TRUE(b.mean);
        EXPECT_NEAR(*b.mean, 7.0, 1e-12);
    }
    // Sites just west and east of the meridian.
    EXPECT_FALSE(reader.measure(make_site_geometry({c.lon - 1e-6, c.lat}, nullptr, {1000})).value_at_site);
    EXPECT_EQ(reader.measure(make_site_geometry({c.lon + 1e-6, c.lat}, nullptr, {1000})).value_at_site, 7.0);
}

TEST(RasterStats, RowsAreWeightedByCellGroundArea) {
    // Valid (1) north of the site's parallel, 0 south of it, at 60 N with a
    // 100 km buffer: lon/lat cells shrink northwards by ~3% across the buffer,
    // so counting cells instead of ground area would overstate the north.
    const LonLat c{25.0, 60.0};
    VsiFile f("/vsimem/raster_tests/north.tif");
    GridSpec g = grid_around(c, 2.0, 1.0, 0.01);
    g.type = GDT_Byte;
    write_raster(f.path, g, [&](int, int y) { return y < g.height / 2 ? 1.0 : 0.0; });
    const SiteGeometry site = make_site_geometry(c, nullptr, {100000});
    RasterReader reader(raster_spec("north", f.path));
    const RasterBufferStats b = reader.measure(site).buffers[0];
    ASSERT_TRUE(b.mean);

    // Reference: the buffer polygon clipped at the parallel, its parallel edge
    // densified so that geodesic edges follow it.
    Polygon north_box;
    const double x0 = c.lon - 3, x1 = c.lon + 3;
    for (double x = x0; x <= x1 + 1e-9; x += 0.01) north_box.outer().push_back(Point(x, c.lat));
    north_box.outer().push_back(Point(x1, c.lat + 2));
    north_box.outer().push_back(Point(x0, c.lat + 2));
    north_box.outer().push_back(north_box.outer().front());
    bg::correct(north_box);
    MultiPolygon clipped, north_part;
    bg::intersection(site.buffers_ll()[0], north_box, clipped);
    bg::densify(clipped, north_part, 0.01);  // the overlay drops the parallel's collinear vertices
    const double expected = geodesic::polygon_area_m2(north_part) / geodesic::polygon_area_m2(site.buffers_ll()[0]);
    EXPECT_NEAR(*b.mean, expected, 2e-4);
    EXPECT_LT(*b.mean, 0.5);  // the southern half of a disc is the larger one... by a little
}

TEST(RasterStats, CheckerboardClassSharesAreHalfAndHalf) {
    const LonLat c{-3.7, 40.4};
    VsiFile f("/vsimem/raster_tests/checker.tif");
    GridSpec g = grid_around(c, 0.1, 0.08);
    g.type = GDT_Byte;
    write_raster(f.path, g, [](int x, int y) { return (x + y) % 2 == 0 ? 1.0 : 2.0; });
    RasterReader reader(raster_spec("checker", f.path, /*categorical=*/true));
    const RasterMeasurement m = reader.measure(make_site_geometry(c, nullptr, {2000, 5000}));
    for (const auto& b : m.buffers) {
        ASSERT_EQ(b.class_shares.size(), 2u);
        EXPECT_EQ(b.class_shares[0].first, 1);
        EXPECT_EQ(b.class_shares[1].first, 2);
        EXPECT_NEAR(share_of(b, 1), 0.5, 0.005);
        EXPECT_NEAR(share_of(b, 2), 0.5, 0.005);
        EXPECT_NEAR(share_of(b, 1) + share_of(b, 2), 1.0, 1e-12);
        ASSERT_TRUE(b.majority);
        EXPECT_EQ(*b.majority, share_of(b, 1) >= share_of(b, 2) ? 1 : 2);
        EXPECT_FALSE(b.mean);
        EXPECT_NEAR(b.valid_share, 1.0, 1e-12);
    }
}

TEST(RasterStats, SmallBufferIsCoverageWeightedNotCentreSampled) {
    // A 1.3 km buffer over 0.01 degree cells (1.1 x 0.8 km): a dozen cells,
    // most of them cut by the circle. Cells whose centre lies outside the
    // buffer hold high values, so sampling cell centres misses them entirely.
    const LonLat c{10.0037, 45.0061};
    const double radius_m = 1300;
    VsiFile f("/vsimem/raster_tests/coarse.tif");
    GridSpec g = grid_around({10.0, 45.0}, 0.05, 0.05, 0.01);
    g.type = GDT_Float64;
    std::mt19937 rng(42);
    std::vector<double> values(g.width * g.height);
    for (int y = 0; y < g.height; ++y) {
        for (int x = 0; x < g.width; ++x) {
            const LonLat centre{g.west + (x + 0.5) * g.dx, g.north - (y + 0.5) * g.dy};
            const double noise = std::uniform_real_distribution<double>(0, 10)(rng);
            values[y * g.width + x] = (geodesic::distance_m(c, centre) > radius_m ? 100 : 0) + noise;
        }
    }
    write_raster(f.path, g, [&](int x, int y) { return values[y * g.width + x]; });
    const SiteGeometry site = make_site_geometry(c, nullptr, {radius_m});
    RasterReader reader(raster_spec("coarse", f.path));
    const RasterBufferStats b = reader.measure(site).buffers[0];
    ASSERT_TRUE(b.mean);
    EXPECT_NEAR(b.valid_share, 1.0, 1e-12);

    // Brute force: 200 x 200 sub-samples per cell, each inside or not the buffer
    // polygon itself; every cell weighted by its ground area.
    const int n = 200;
    double w_sum = 0, wv_sum = 0, centre_w = 0, centre_wv = 0;
    double mn = 1e300, mx = -1e300;
    const Box bbox = bg::return_envelope<Box>(site.buffers_ll()[0]);
    for (int y = 0; y < g.height; ++y) {
        const double north = g.north - y * g.dy, south = north - g.dy;
        if (south > bbox.max_corner().y() || north < bbox.min_corner().y()) continue;
        const double cell_m2 = geodesic::lonlat_cell_area_m2(south, north, g.dx);
        for (int x = 0; x < g.width; ++x) {
            const double west = g.west + x * g.dx, east = west + g.dx;
            if (west > bbox.max_corner().x() || east < bbox.min_corner().x()) continue;
            int inside = 0;
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j)
                    inside += bg::within(Point(west + (i + 0.5) / n * g.dx, south + (j + 0.5) / n * g.dy),
                                         site.buffers_ll()[0]);
            const double v = values[y * g.width + x];
            if (inside > 0) {
                mn = std::min(mn, v);
                mx = std::max(mx, v);
            }
            const double share = static_cast<double>(inside) / (n * n);
            w_sum += share * cell_m2;
            wv_sum += share * cell_m2 * v;
            if (bg::within(Point(west + 0.5 * g.dx, south + 0.5 * g.dy), site.buffers_ll()[0])) {
                centre_w += cell_m2;
                centre_wv += cell_m2 * v;
            }
        }
    }
    const double brute = wv_sum / w_sum, centre = centre_wv / centre_w;
    EXPECT_NEAR(*b.mean, brute, 2e-4 * brute);
    EXPECT_GT(std::fabs(centre - *b.mean), 0.2 * brute) << "the case does not separate the methods";
    EXPECT_EQ(*b.min, mn);
    EXPECT_EQ(*b.max, mx);
    EXPECT_NEAR(w_sum / site.buffer_area_m2[0], 1.0, 1e-3);
}

TEST(RasterStats, BufferPartlyOrWhollyOutsideTheRaster) {
    // The raster ends on the site's meridian (east edge) and, for a second
    // site, also on its parallel (south edge).
    const LonLat c{5.0, 52.0};
    VsiFile f("/vsimem/raster_tests/edge.tif");
    GridSpec g;
    g.width = 150;
    g.height = 100;
    g.west = c.lon - 0.15;
    g.north = c.lat + 0.1;
    g.type = GDT_Int32;
    write_raster(f.path, g, [](int, int) { return 3.0; });
    RasterReader reader(raster_spec("edge", f.path));

    const RasterMeasurement half = reader.measure(make_site_geometry({c.lon, c.lat + 0.05}, nullptr, {3000}));
    EXPECT_NEAR(half.buffers[0].valid_share, 0.5, 0.0025);
    ASSERT_TRUE(half.buffers[0].mean);
    EXPECT_NEAR(*half.buffers[0].mean, 3.0, 1e-12);

    const RasterMeasurement corner = reader.measure(make_site_geometry({c.lon, c.lat}, nullptr, {3000}));
    EXPECT_NEAR(corner.buffers[0].valid_share, 0.25, 0.0025);
    EXPECT_FALSE(corner.value_at_site);  // the site's cell is beyond the east edge

    const RasterMeasurement away = reader.measure(make_site_geometry({c.lon + 1, c.lat}, nullptr, {1000, 3000}));
    ASSERT_EQ(away.buffers.size(), 2u);
    for (const auto& b : away.buffers) {
        EXPECT_EQ(b.valid_share, 0.0);
        EXPECT_FALSE(b.mean);
        EXPECT_FALSE(b.min);
    }
    EXPECT_FALSE(away.value_at_site);
}

TEST(RasterStats, NanIsInvalidInFloat32) {
    const LonLat c{139.7, 35.7};
    VsiFile f("/vsimem/raster_tests/nan.tif");
    GridSpec g = grid_around(c, 0.06, 0.05);
    g.type = GDT_Float32;  // no nodata declared: NaN still counts as nodata
    const double nan = std::numeric_limits<double>::quiet_NaN();
    write_raster(f.path, g, [&](int x, int y) { return x < g.width / 2 ? nan : 2.5 + (y % 2); });
    RasterReader reader(raster_spec("nan", f.path));
    const RasterMeasurement m = reader.measure(make_site_geometry(c, nullptr, {2000}));
    EXPECT_NEAR(m.buffers[0].valid_share, 0.5, 0.0025);
    ASSERT_TRUE(m.buffers[0].mean);
    EXPECT_NEAR(*m.buffers[0].mean, 3.0, 0.01);
    EXPECT_EQ(*m.buffers[0].min, 2.5);
    EXPECT_EQ(*m.buffers[0].max, 3.5);
    EXPECT_FALSE(reader.measure(make_site_geometry({c.lon - 0.001, c.lat}, nullptr, {500})).value_at_site);
}

TEST(RasterStats, NoNodataMeansEveryCellIsValid) {
    const LonLat c{-47.9, -15.8};
    VsiFile f("/vsimem/raster_tests/nonodata.tif");
    GridSpec g = grid_around(c, 0.06, 0.05);
    g.type = GDT_Int16;  // -32768 and 0 are ordinary values here
    write_raster(f.path, g, [&](int x, int) { return x < g.width / 2 ? -32768.0 : 0.0; });
    RasterReader reader(raster_spec("nonodata", f.path));
    const RasterBufferStats b = reader.measure(make_site_geometry(c, nullptr, {3000})).buffers[0];
    EXPECT_NEAR(b.valid_share, 1.0, 1e-12);
    ASSERT_TRUE(b.mean);
    EXPECT_NEAR(*b.mean, -16384.0, 0.005 * 16384);
    EXPECT_EQ(*b.min, -32768.0);
    EXPECT_EQ(*b.max, 0.0);
}

TEST(RasterStats, CatalogNodataOverridesTheBand) {
    const LonLat c{2.35, 48.85};
    VsiFile f("/vsimem/raster_tests/override.tif");
    GridSpec g = grid_around(c, 0.06, 0.05);
    g.type = GDT_Byte;
    g.nodata = 0;  // the band says 0; the catalog says 5
    write_raster(f.path, g, [&](int x, int) { return x < g.width / 2 ? 5.0 : 0.0; });
    LayerSpec spec = raster_spec("override", f.path, true);
    spec.nodata = 5;
    RasterReader reader(spec);
    const RasterBufferStats b = reader.measure(make_site_geometry(c, nullptr, {3000})).buffers[0];
    EXPECT_NEAR(b.valid_share, 0.5, 0.0025);
    ASSERT_EQ(b.class_shares.size(), 1u);
    EXPECT_EQ(b.class_shares[0].first, 0);
    EXPECT_NEAR(b.class_shares[0].second, 1.0, 1e-12);
    EXPECT_EQ(b.majority, 0);
    EXPECT_EQ(inspect_raster(spec).nodata, 5.0);
}

TEST(RasterStats, PolygonSiteBuffersWithFootprint) {
    // A polygon site: the footprint grown by r; all-ones raster, half nodata.
    const LonLat c{10.0, 45.0};
    VsiFile f("/vsimem/raster_tests/poly.tif");
    GridSpec g = grid_around(c, 0.1, 0.08);
    g.type = GDT_Int16;
    g.nodata = -1;
    write_raster(f.path, g, [&](int x, int) { return x < g.width / 2 ? -1.0 : 4.0; });
    Polygon fp;
    fp.outer() = {Point(9.99, 44.99), Point(10.01, 44.99), Point(10.01, 45.01), Point(9.99, 45.01), Point(9.99, 44.99)};
    bg::correct(fp);
    const MultiPolygon footprint{fp};
    const SiteGeometry site = make_site_geometry(c, &footprint, {500, 2000});
    RasterReader reader(raster_spec("poly", f.path));
    const RasterMeasurement m = reader.measure(site);
    for (const auto& b : m.buffers) {
        EXPECT_NEAR(b.valid_share, 0.5, 0.0025);
        ASSERT_TRUE(b.mean);
        EXPECT_NEAR(*b.mean, 4.0, 1e-12);
    }
}

TEST(RasterStats, SmallerBuffersAreSubWindowsOfOneRead) {
    // Radii measured together or one at a time give the same numbers.
    const LonLat c{12.49, 41.89};
    VsiFile f("/vsimem/raster_tests/subwin.tif");
    GridSpec g = grid_around(c, 0.1, 0.08);
    g.type = GDT_UInt16;
    g.nodata = 0;
    write_raster(f.path, g, [](int x, int y) { return (x * 31 + y * 17) % 97; });
    RasterReader reader(raster_spec("subwin", f.path));
    const RasterMeasurement all = reader.measure(make_site_geometry(c, nullptr, {700, 2000, 6000}));
    for (std::size_t i = 0; i < 3; ++i) {
        const RasterMeasurement one = reader.measure(make_site_geometry(c, nullptr, {all.buffers[i].radius_m}));
        EXPECT_NEAR(*one.buffers[0].mean, *all.buffers[i].mean, 1e-9);
        EXPECT_NEAR(one.buffers[0].valid_share, all.buffers[i].valid_share, 1e-12);
        EXPECT_EQ(*one.buffers[0].min, *all.buffers[i].min);
        EXPECT_EQ(*one.buffers[0].max, *all.buffers[i].max);
        EXPECT_EQ(one.buffers[0].covered_cells, all.buffers[i].covered_cells);
    }
}

TEST(RasterStats, SouthUpRasterGivesTheSameAnswer) {
    // Rows running north (positive pixel height) flip the pixel rings' turn.
    const LonLat c{-122.3, 47.6};
    GridSpec g = grid_around(c, 0.08, 0.06);
    g.type = GDT_Int32;
    auto value = [](int x, int y) { return (x / 7 + y / 5) % 3 == 0 ? -5.0 : double(x + y); };
    VsiFile north_up("/vsimem/raster_tests/north_up.tif"), south_up("/vsimem/raster_tests/south_up.tif");
    write_raster(north_up.path, g, value);
    GridSpec flipped = g;
    flipped.north = g.north - g.height * g.dy;  // the south edge, rows going up
    flipped.dy = -g.dy;
    write_raster(south_up.path, flipped, [&](int x, int y) { return value(x, g.height - 1 - y); });
    RasterReader a(raster_spec("north_up", north_up.path)), b(raster_spec("south_up", south_up.path));
    const SiteGeometry site = make_site_geometry(c, nullptr, {1500, 4000});
    const RasterMeasurement ma = a.measure(site), mb = b.measure(site);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_NEAR(*ma.buffers[i].mean, *mb.buffers[i].mean, 1e-9);
        EXPECT_NEAR(mb.buffers[i].valid_share, 1.0, 1e-12);
        EXPECT_EQ(*ma.buffers[i].min, *mb.buffers[i].min);
    }
    EXPECT_EQ(ma.value_at_site, mb.value_at_site);
}

TEST(RasterStats, BufferFarLargerThanTheRasterUsesTheBufferArea) {
    // 1e-5 degree cells (about 1 m) and a 10 km buffer: the full window would
    // be ~4e8 cells, so only the raster's part is swept and the rest of the
    // buffer is known from its ellipsoidal area.
    const LonLat c{10.0, 45.0};
    VsiFile f("/vsimem/raster_tests/tiny.tif");
    GridSpec g = grid_around(c, 0.001, 0.001, 0.00001);
    g.type = GDT_Byte;
    write_raster(f.path, g, [](int, int) { return 8.0; });
    RasterReader reader(raster_spec("tiny", f.path));
    const SiteGeometry site = make_site_geometry(c, nullptr, {10000});
    const RasterBufferStats b = reader.measure(site).buffers[0];
    const double raster_m2 = geodesic::lonlat_cell_area_m2(c.lat - 0.001, c.lat + 0.001, 0.002);
    EXPECT_NEAR(b.valid_share / (raster_m2 / site.buffer_area_m2[0]), 1.0, 1e-3);
    ASSERT_TRUE(b.mean);
    EXPECT_NEAR(*b.mean, 8.0, 1e-12);
}

TEST(RasterStats, ReadersInThreadsAgree) {
    const LonLat c{7.45, 46.95};
    VsiFile f("/vsimem/raster_tests/threads.tif");
    GridSpec g = grid_around(c, 0.1, 0.08);
    g.type = GDT_Float32;
    write_raster(f.path, g, [](int x, int y) { return std::sin(x * 0.1) * std::cos(y * 0.07) * 100; });
    const LayerSpec spec = raster_spec("threads", f.path);
    std::vector<SiteGeometry> sites;
    for (int i = 0; i < 40; ++i)
        sites.push_back(
            make_site_geometry({c.lon - 0.05 + 0.0025 * i, c.lat + 0.001 * (i % 7)}, nullptr, {1000, 3000}));
    std::vector<double> serial, parallel(sites.size());
    {
        RasterReader reader(spec);
        for (const auto& s : sites) serial.push_back(*reader.measure(s).buffers[1].mean);
    }
    for (bool share : {false, true}) {
        // One reader (and GDAL handle) per thread, with blocks of their own or shared.
        auto blocks = share ? std::make_shared<RasterBlocks>() : nullptr;
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                RasterReader reader(spec, blocks);
                for (std::size_t i = t; i < sites.size(); i += 4)
                    parallel[i] = *reader.measure(sites[i]).buffers[1].mean;
            });
        }
        for (auto& t : threads) t.join();
        for (std::size_t i = 0; i < sites.size(); ++i) EXPECT_EQ(serial[i], parallel[i]) << i << " shared " << share;
        if (blocks) {
            EXPECT_GT(blocks->loads(), 0u);
        }
    }
}

TEST(RasterStats, RastersOnOneGridShareTheSweepAndAgree) {
    // Rasters on one grid replay the coverage their predecessor on the
    // thread swept for a buffer (coverage::SweepRecord). Measured after one
    // another, in any order and with a raster on another grid between them,
    // each gives exactly what it gives alone on a fresh thread.
    const LonLat c{7.45, 46.95};
    VsiFile fa("/vsimem/raster_tests/grid_a.tif"), fb("/vsimem/raster_tests/grid_b.tif"),
        fs("/vsimem/raster_tests/grid_shifted.tif");
    GridSpec g = grid_around(c, 0.1, 0.08);
    write_raster(fa.path, g, [](int x, int y) { return std::sin(x * 0.1) * std::cos(y * 0.07) * 100; });
    write_raster(fb.path, g, [](int x, int y) { return (x * 31 + y * 17) % 97; });
    GridSpec shifted = g;
    shifted.west += 0.00037;
    write_raster(fs.path, shifted, [](int x, int y) { return x + 0.5 * y; });
    const std::vector<LayerSpec> specs = {raster_spec("a", fa.path), raster_spec("b", fb.path),
                                          raster_spec("s", fs.path)};
    std::vector<SiteGeometry> sites;
    for (int i = 0; i < 12; ++i)
        sites.push_back(make_site_geometry({c.lon - 0.04 + 0.007 * i, c.lat + 0.002 * (i % 5)}, nullptr, {700, 4000}));
    auto key = [](const RasterMeasurement& m) {
        std::vector<double> k;
        for (const auto& b : m.buffers) {
            k.push_back(b.mean.value_or(-1e300));
            k.push_back(b.valid_share);
            k.push_back(static_cast<double>(b.covered_cells));
        }
        return k;
    };
    // Alone: each layer on a thread of its own.
    std::vector<std::vector<std::vector<double>>> alone(specs.size());
    for (std::size_t l = 0; l < specs.size(); ++l) {
        std::thread([&, l] {
            RasterReader reader(specs[l]);
            for (const auto& s : sites) alone[l].push_back(key(reader.measure(s)));
        }).join();
    }
    // Together on this thread, in two orders.
    for (const std::vector<std::size_t>& order : {std::vector<std::size_t>{0, 1, 2}, {1, 2, 0, 1}}) {
        std::vector<std::unique_ptr<RasterReader>> readers;
        for (const auto& spec : specs) readers.push_back(std::make_unique<RasterReader>(spec));
        for (std::size_t i = 0; i < sites.size(); ++i)
            for (std::size_t l : order) EXPECT_EQ(key(readers[l]->measure(sites[i])), alone[l][i]) << l << " " << i;
    }
}

// Whole cells go through per-block segment summaries; the results must equal
// a plain cell-by-cell sum over the dense coverage fractions, for every block
// layout (square and oblong tiles, strips, GDAL's windows for a type read as
// double), raster edges that cut blocks and segments, nodata, NaN and
// categorical blocks with more classes than a summary holds.
namespace {

struct CellByCell {
    double total_m2 = 0, valid_m2 = 0, value_m2 = 0;
    double min = 1e300, max = -1e300;
    std::map<long long, double> class_m2;
};

CellByCell cell_by_cell(const GridSpec& g, const std::vector<double>& values, const MultiPolygon& buffer_ll,
                        std::optional<double> nodata) {
    // In pixel coordinates, the rows taken linear in ground area (docs/raster.md): each edge is
    // cut where it crosses a row's edge, and a latitude within row y becomes y plus the share of
    // the row's area between its north edge and that latitude.
    auto area_y = [&](double lat) {
        const double row = std::floor((g.north - lat) / g.dy), north = g.north - row * g.dy;
        return row +
               geodesic::lonlat_cell_area_m2(lat, north, 1) / geodesic::lonlat_cell_area_m2(north - g.dy, north, 1);
    };
    MultiPolygon px;
    for (const Polygon& poly : buffer_ll) {
        Polygon q;
        const auto& ring = poly.outer();
        for (std::size_t i = 0; i < ring.size(); ++i) {
            if (i > 0) {
                const Point &a = ring[i - 1], &b = ring[i];
                const double ya = (g.north - a.y()) / g.dy, yb = (g.north - b.y()) / g.dy;
                const double step = yb > ya ? 1 : -1;  // the row lines strictly between, in the edge's order
                for (double line = yb > ya ? std::floor(ya) + 1 : std::ceil(ya) - 1; (line - yb) * step < 0;
                     line += step)
                    q.outer().push_back(
                        Point((a.x() + (line - ya) / (yb - ya) * (b.x() - a.x()) - g.west) / g.dx, line));
            }
            q.outer().push_back(Point((ring[i].x() - g.west) / g.dx, area_y(ring[i].y())));
        }
        px.push_back(q);
    }
    // The buffer's whole window: cells beyond the raster are covered but not valid.
    const coverage::PixelRings rings = coverage::to_pixel_rings(px);
    coverage::Window win;
    if (!coverage::bounding_window(rings, win)) return {};
    std::vector<double> frac;
    coverage::coverage_fractions(rings, win, frac);
    CellByCell out;
    for (int wy = 0; wy < win.height; ++wy) {
        const int y = win.y0 + wy;
        const double north = g.north - y * g.dy;
        const double cell_m2 = geodesic::lonlat_cell_area_m2(north - g.dy, north, g.dx);
        for (int wx = 0; wx < win.width; ++wx) {
            const int x = win.x0 + wx;
            const double f = frac[static_cast<std::size_t>(wy) * win.width + wx];
            if (f <= 0) continue;
            out.total_m2 += f * cell_m2;
            if (x < 0 || y < 0 || x >= g.width || y >= g.height) continue;
            const double v = values[static_cast<std::size_t>(y) * g.width + x];
            if (std::isnan(v) || (nodata && v == *nodata)) continue;
            out.valid_m2 += f * cell_m2;
            out.value_m2 += f * cell_m2 * v;
            out.min = std::min(out.min, v);
            out.max = std::max(out.max, v);
            out.class_m2[std::llround(v)] += f * cell_m2;
        }
    }
    return out;
}

struct LayoutCase {
    const char* name;
    GDALDataType type;
    std::vector<std::string> options;
    bool categorical;
};

}  // namespace

TEST(RasterStats, SegmentSummariesEqualCellByCell) {
    const LonLat c{110.3, 30.2};
    const std::vector<LayoutCase> cases = {
        {"int16_tiles_128x64", GDT_Int16, {"TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=64"}, false},
        {"float32_strips", GDT_Float32, {}, false},
        {"int32_tiles_256", GDT_Int32, {"TILED=YES"}, false},
        {"uint16_one_row_strips", GDT_UInt16, {"BLOCKYSIZE=1"}, false},
        {"float64_tiles_64", GDT_Float64, {"TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"}, false},
        {"byte_classes_tiles_128", GDT_Byte, {"TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128"}, true},
        {"byte_classes_strips", GDT_Byte, {}, true},
        {"int64_read_as_double", GDT_Int64, {"TILED=YES"}, false},
    };
    GridSpec g;
    g.width = 1000;  // not a multiple of any block or segment width
    g.height = 701;
    g.west = c.lon - 0.5;
    g.north = c.lat + 0.35;
    std::mt19937 rng(7);
    std::vector<double> values(static_cast<std::size_t>(g.width) * g.height);
    std::vector<LonLat> centres = {c, {c.lon - 0.49, c.lat}, {c.lon + 0.45, c.lat - 0.3}, {c.lon + 0.52, c.lat + 0.36}};
    for (int i = 0; i < 8; ++i)
        centres.push_back({c.lon + std::uniform_real_distribution<double>(-0.5, 0.5)(rng),
                           c.lat + std::uniform_real_distribution<double>(-0.35, 0.35)(rng)});
    for (const LayoutCase& lc : cases) {
        SCOPED_TRACE(lc.name);
        g.type = lc.type;
        g.creation_options = lc.options;
        g.nodata = lc.type == GDT_Float32 ? std::nullopt : std::optional<double>(lc.categorical ? 0 : 9);
        for (int y = 0; y < g.height; ++y)
            for (int x = 0; x < g.width; ++x) {
                double& v = values[static_cast<std::size_t>(y) * g.width + x];
                if (lc.categorical) {
                    // Patches of a few classes; the north-east corner is noise of 40 classes.
                    v = (x > 800 && y < 150) ? 1 + static_cast<int>(rng() % 40)
                                             : 1 + ((x / 90) * 7 + (y / 70) * 3) % 12;
                    if (rng() % 50 == 0) v = 0;  // nodata
                } else {
                    v = static_cast<double>(rng() % 2000) - (lc.type == GDT_UInt16 ? 0 : 1000);
                    if (lc.type == GDT_Float32 || lc.type == GDT_Float64) v += 0.25;
                    if (rng() % 40 == 0 || (x >= 300 && x < 420 && y >= 200 && y < 330))
                        v = lc.type == GDT_Float32 ? std::nan("") : 9;  // scattered and a block of nodata
                }
            }
        // In memory, blocks are read through GDAL; from a file on disk, an
        // uncompressed GeoTIFF's blocks are mapped (at any byte offset).
        VsiFile mem(std::string("/vsimem/raster_tests/segments_") + lc.name + ".tif");
        sitescreen::testing::TempDir dir;
        for (const std::string& path : {mem.path, dir.file("segments.tif")}) {
            SCOPED_TRACE(path);
            write_raster(path, g, [&](int x, int y) { return values[static_cast<std::size_t>(y) * g.width + x]; });
            auto blocks = std::make_shared<RasterBlocks>(true);
            {
                RasterReader reader(raster_spec(lc.name, path, lc.categorical), blocks);
                for (const LonLat& site_c : centres) {
                    // 30 and 45 km buffers are wide enough (kSummaryMinWidth) to take segment summaries.
                    const SiteGeometry site = make_site_geometry(site_c, nullptr, {250, 4000, 15000, 30000, 45000});
                    const RasterMeasurement m = reader.measure(site);
                    for (std::size_t i = 0; i < site.radii_m.size(); ++i) {
                        SCOPED_TRACE(std::to_string(site_c.lon) + " " + std::to_string(site_c.lat) + " r " +
                                     std::to_string(site.radii_m[i]));
                        const CellByCell ref = cell_by_cell(g, values, site.buffers_ll()[i], g.nodata);
                        const RasterBufferStats& b = m.buffers[i];
                        if (ref.total_m2 == 0) continue;
                        EXPECT_NEAR(b.valid_share, ref.valid_m2 / ref.total_m2, 1e-12);
                        if (ref.valid_m2 == 0) continue;
                        if (lc.categorical) {
                            ASSERT_EQ(b.class_shares.size(), ref.class_m2.size());
                            for (const auto& [cls, share] : b.class_shares)
                                EXPECT_NEAR(share, ref.class_m2.at(cls) / ref.valid_m2, 1e-12) << "class " << cls;
                        } else {
                            ASSERT_TRUE(b.mean && b.min && b.max);
                            // Values up to 1000 with means near 0: 1e-11 of the range in rounding.
                            EXPECT_NEAR(*b.mean, ref.value_m2 / ref.valid_m2, 1e-8);
                            EXPECT_EQ(*b.min, ref.min);
                            EXPECT_EQ(*b.max, ref.max);
                        }
                    }
                }
            }
            EXPECT_GT(blocks->loads(), 0u);
            // Mapped: every block of the file on disk, but for the type read as double.
            const bool mappable = path != mem.path && lc.type != GDT_Int64;
            EXPECT_EQ(blocks->mapped_loads(), mappable ? blocks->loads() : 0u);
        }
    }
}

// Blocks of GeoTIFFs whose bytes are not the cells as they are (compressed,
// big-endian) are read, not mapped, and give the same figures.
TEST(RasterStats, OnlyPlainGeoTiffBlocksAreMapped) {
    const LonLat c{110.3, 30.2};
    GridSpec g = grid_around(c, 0.3, 0.2);
    g.type = GDT_Int16;
    g.nodata = -1;
    auto value = [](int x, int y) { return (x * 7 + y * 13) % 500 - ((x + y) % 31 == 0 ? 501 : 0); };
    const SiteGeometry site = make_site_geometry(c, nullptr, {2000, 15000});
    sitescreen::testing::TempDir dir;
    std::optional<RasterMeasurement> plain;
    const std::vector<std::pair<std::vector<std::string>, bool>> cases = {
        {{"TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128"}, true},
        {{"TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128", "COMPRESS=DEFLATE"}, false},
        {{"TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128", "ENDIANNESS=BIG"}, false},
        {{"BLOCKYSIZE=16", "COMPRESS=LZW", "PREDICTOR=2"}, false},
    };
    for (std::size_t k = 0; k < cases.size(); ++k) {
        g.creation_options = cases[k].first;
        const std::string path = dir.file("case" + std::to_string(k) + ".tif");
        write_raster(path, g, value);
        auto blocks = std::make_shared<RasterBlocks>(true);
        RasterReader reader(raster_spec("c", path), blocks);
        const RasterMeasurement m = reader.measure(site);
        EXPECT_GT(blocks->loads(), 0u) << k;
        EXPECT_EQ(blocks->mapped_loads() > 0, cases[k].second) << k;
        ASSERT_TRUE(m.buffers[1].mean) << k;
        if (!plain) {
            plain = m;
            continue;
        }
        for (std::size_t i = 0; i < m.buffers.size(); ++i) {
            EXPECT_EQ(*m.buffers[i].mean, *plain->buffers[i].mean) << k;
            EXPECT_EQ(*m.buffers[i].min, *plain->buffers[i].min) << k;
            EXPECT_EQ(m.buffers[i].valid_share, plain->buffers[i].valid_share) << k;
        }
    }
}

namespace {

// Resident kB of the mapping that holds `address`, from /proc/self/smaps.
long resident_kb_of_mapping(const void* address) {
    std::ifstream smaps("/proc/self/smaps");
    const auto a = reinterpret_cast<std::uintptr_t>(address);
    bool inside = false;
    for (std::string line; std::getline(smaps, line);) {
        unsigned long long lo = 0, hi = 0;
        if (std::sscanf(line.c_str(), "%llx-%llx ", &lo, &hi) == 2 && line.find('-') < 17) {
            inside = a >= lo && a < hi;
        } else if (inside && line.rfind("Rss:", 0) == 0) {
            return std::stol(line.substr(4));
        }
    }
    return -1;
}

}  // namespace

TEST(RasterBlocksRelease, DroppedBlocksLeaveTheMappingAndReadTheSame) {
    // A 4 MiB file mapped and read whole; blocks of its first MiB leave the
    // cache until a release batch is due. Those pages must leave the
    // process (with the whole file where the kernel cannot release ranges),
    // the rest stay mapped where it can, and the bytes read the same
    // afterwards.
    sitescreen::testing::TempDir dir;
    const std::size_t mib = std::size_t{1} << 20;
    std::string bytes(4 * mib, '\0');
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 2654435761u) >> 13);
    const std::string path = dir.write("cells.bin", bytes);
    const auto mapping = FileMapping::open(path);
    ASSERT_TRUE(mapping);
    ASSERT_EQ(mapping->size(), bytes.size());
    auto sum = [&] {
        unsigned long long s = 0;
        for (std::size_t i = 0; i < mapping->size(); ++i) s += mapping->data()[i];
        return s;
    };
    const unsigned long long expected = sum();
    EXPECT_EQ(std::memcmp(mapping->data(), bytes.data(), bytes.size()), 0);
    const long before = resident_kb_of_mapping(mapping->data());
    ASSERT_GE(before, 4096 - 64);  // read whole (the kernel may map around faults, never less)
    // Block ranges of the first MiB, 64 KiB each and not page-aligned, until
    // a batch is due.
    std::size_t left = 0;
    while (left < FileMapping::kReleaseBatchBytes) {
        for (std::size_t off = 100; off + 65536 <= mib; off += 65536) {
            mapping->release(mapping->data() + off, 65536);
            left += 65536 + 4096;  // pages rounded outward: at least a page more
        }
    }
    const long after = resident_kb_of_mapping(mapping->data());
    EXPECT_LE(after, 3 * 1024 + 4) << "the first MiB's pages are still mapped";
    // The kernel may map a large folio of the page cache with one 2 MiB
    // entry, which leaves the process whole: up to 2 MiB may go.
    EXPECT_TRUE(after == 0 || before - after <= 2048 + 4)
        << "neither the ranges nor the whole file were released: " << before << " -> " << after << " kB";
    EXPECT_EQ(sum(), expected);
    EXPECT_EQ(std::memcmp(mapping->data(), bytes.data(), bytes.size()), 0);
}

// ---------------------------------------------------------------------------
// The same layer in EPSG:4326, UTM and an Albers equal-area projection

namespace {

struct CrossCrsCase {
    const char* name;
    const char* crs;
    double cell_m;
};

std::string warp_to(const std::string& src_path, const std::string& dst_path, const char* crs, double cell_m,
                    const char* resampling) {
    DatasetPtr src(GDALOpen(src_path.c_str(), GA_ReadOnly));
    const std::string res = std::to_string(cell_m);
    const char* argv[] = {"-t_srs",   crs,   "-tr",   res.c_str(),  res.c_str(), "-r",
                          resampling, "-of", "GTiff", "-dstnodata", "255",       nullptr};
    std::vector<char*> args;
    for (const char* a : argv) args.push_back(const_cast<char*>(a));
    GDALWarpAppOptions* opts = GDALWarpAppOptionsNew(args.data(), nullptr);
    GDALDatasetH src_h = src.get();
    int usage_error = 0;
    DatasetPtr out(GDALWarp(dst_path.c_str(), nullptr, 1, &src_h, opts, &usage_error));
    GDALWarpAppOptionsFree(opts);
    EXPECT_TRUE(out) << crs;
    return dst_path;
}

}  // namespace

TEST(RasterCrs, GeographicUtmAndAlbersCopiesAgree) {
    const LonLat c{10.13, 47.31};
    VsiFile src_cont("/vsimem/raster_tests/src_cont.tif"), src_cat("/vsimem/raster_tests/src_cat.tif");
    GridSpec g = grid_around(c, 0.16, 0.11, 0.0005);
    g.type = GDT_Byte;
    // A smooth field plus a sharp diagonal step; classes in slanted stripes.
    write_raster(src_cont.path, g, [&](int x, int y) {
        const double lon = g.west + (x + 0.5) * g.dx, lat = g.north - (y + 0.5) * g.dy;
        const double smooth = 100 + 40 * std::sin((lon - c.lon) * 60) * std::cos((lat - c.lat) * 45);
        return smooth + ((lon - c.lon) + 0.7 * (lat - c.lat) > 0.01 ? 60 : 0);
    });
    write_raster(src_cat.path, g, [&](int x, int y) {
        const double lon = g.west + (x + 0.5) * g.dx, lat = g.north - (y + 0.5) * g.dy;
        return 1 + static_cast<int>(std::floor(((lon - c.lon) * 0.7 - (lat - c.lat)) / 0.02 + 100)) % 4;
    });
    const SiteGeometry site = make_site_geometry(c, nullptr, {3000, 8000});
    RasterReader geo_cont(raster_spec("geo_cont", src_cont.path));
    RasterReader geo_cat(raster_spec("geo_cat", src_cat.path, true));
    const RasterMeasurement ref_cont = geo_cont.measure(site), ref_cat = geo_cat.measure(site);

    const CrossCrsCase cases[] = {
        {"utm", "EPSG:32632", 20},
        {"albers", "+proj=aea +lat_0=30 +lon_0=10 +lat_1=43 +lat_2=62 +x_0=0 +y_0=0 +datum=WGS84 +units=m", 20},
    };
    for (const auto& k : cases) {
        VsiFile cont("/vsimem/raster_tests/" + std::string(k.name) + "_cont.tif");
        VsiFile cat("/vsimem/raster_tests/" + std::string(k.name) + "_cat.tif");
        warp_to(src_cont.path, cont.path, k.crs, k.cell_m, "near");
        warp_to(src_cat.path, cat.path, k.crs, k.cell_m, "near");
        RasterReader proj_cont(raster_spec("proj_cont", cont.path));
        RasterReader proj_cat(raster_spec("proj_cat", cat.path, true));
        const RasterMeasurement mc = proj_cont.measure(site), mk = proj_cat.measure(site);
        for (std::size_t i = 0; i < site.radii_m.size(); ++i) {
            SCOPED_TRACE(std::string(k.name) + " r=" + std::to_string(site.radii_m[i]));
            EXPECT_NEAR(mc.buffers[i].valid_share, 1.0, 1e-9);
            EXPECT_NEAR(*mc.buffers[i].mean / *ref_cont.buffers[i].mean, 1.0, 0.01);
            EXPECT_EQ(*mc.buffers[i].min, *ref_cont.buffers[i].min);
            for (long long cls = 1; cls <= 4; ++cls)
                EXPECT_NEAR(share_of(mk.buffers[i], cls), share_of(ref_cat.buffers[i], cls), 0.01) << cls;
            // The majority must agree unless the two largest classes are within the tolerance.
            std::vector<double> shares;
            for (auto [cls, share] : ref_cat.buffers[i].class_shares) shares.push_back(share);
            std::sort(shares.rbegin(), shares.rend());
            if (shares.size() < 2 || shares[0] - shares[1] > 0.02) {
                EXPECT_EQ(mk.buffers[i].majority, ref_cat.buffers[i].majority);
            }
        }
    }
}

TEST(RasterCrs, GeographicRasterOnAnotherDatum) {
    // ETRS89 lon/lat: transformed from WGS 84 (a no-op or a few metres), same answers.
    const LonLat c{4.35, 50.85};
    GridSpec g = grid_around(c, 0.08, 0.06);
    g.type = GDT_Byte;
    auto value = [&](int x, int) { return x < g.width / 2 ? 1.0 : 2.0; };
    VsiFile wgs("/vsimem/raster_tests/wgs84.tif"), etrs("/vsimem/raster_tests/etrs89.tif");
    write_raster(wgs.path, g, value);
    g.crs = "EPSG:4258";
    write_raster(etrs.path, g, value);
    RasterReader a(raster_spec("wgs", wgs.path, true)), b(raster_spec("etrs", etrs.path, true));
    const SiteGeometry site = make_site_geometry(c, nullptr, {3000});
    const RasterBufferStats ra = a.measure(site).buffers[0], rb = b.measure(site).buffers[0];
    EXPECT_NEAR(share_of(ra, 1), 0.5, 0.0025);
    EXPECT_NEAR(share_of(rb, 1), share_of(ra, 1), 0.002);
    EXPECT_NEAR(rb.valid_share, 1.0, 1e-12);
}

TEST(RasterCrs, LongitudesFrom0To360) {
    // A grid spanning 280..300 E holds a site given at -70 (= 290 E).
    const LonLat c{-70.0, -33.4};
    VsiFile f("/vsimem/raster_tests/lon360.tif");
    GridSpec g = grid_around({290.0, c.lat}, 0.1, 0.08);
    g.type = GDT_Int16;
    g.nodata = -1;
    write_raster(f.path, g, [&](int x, int) { return x < g.width / 2 ? -1.0 : 12.0; });
    RasterReader reader(raster_spec("lon360", f.path));
    const RasterMeasurement m = reader.measure(make_site_geometry(c, nullptr, {2000}));
    EXPECT_NEAR(m.buffers[0].valid_share, 0.5, 0.0025);
    ASSERT_TRUE(m.buffers[0].mean);
    EXPECT_NEAR(*m.buffers[0].mean, 12.0, 1e-12);
    EXPECT_EQ(reader.measure(make_site_geometry({c.lon + 0.01, c.lat}, nullptr, {500})).value_at_site, 12.0);
}

// ---------------------------------------------------------------------------
// Errors and inspection

TEST(RasterErrors, MissingFileNamesLayerAndPath) {
    const std::string path = std::string(SITESCREEN_TEST_DATA) + "/rasters/no_such_file.tif";
    try {
        inspect_raster(raster_spec("ghost", path));
        FAIL() << "no error";
    } catch (const InputError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("layer 'ghost'"), std::string::npos) << msg;
        EXPECT_NE(msg.find(path), std::string::npos) << msg;
        EXPECT_NE(msg.find("not found"), std::string::npos) << msg;
    }
    EXPECT_THROW(RasterReader(raster_spec("ghost", path)), InputError);
}

TEST(RasterErrors, CorruptFileIsAnInputError) {
    VsiFile f("/vsimem/raster_tests/corrupt.tif");
    const std::string junk = "II*\0this is not a TIFF at all";
    VSILFILE* fp = VSIFOpenL(f.path.c_str(), "wb");
    ASSERT_NE(fp, nullptr);
    VSIFWriteL(junk.data(), 1, junk.size(), fp);
    VSIFCloseL(fp);
    try {
        inspect_raster(raster_spec("junk", f.path));
        FAIL() << "no error";
    } catch (const InputError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("layer 'junk'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("cannot be opened as a raster"), std::string::npos) << msg;
    }
}

TEST(RasterErrors, BandOutOfRange) {
    VsiFile f("/vsimem/raster_tests/oneband.tif");
    GridSpec g = grid_around({0.5, 0.5}, 0.01, 0.01);
    write_raster(f.path, g, [](int, int) { return 1.0; });
    LayerSpec spec = raster_spec("bands", f.path);
    spec.band = 3;
    try {
        inspect_raster(spec);
        FAIL() << "no error";
    } catch (const InputError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("layer 'bands'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("band 3"), std::string::npos) << msg;
    }
}

TEST(RasterErrors, NoCrsUnlessTheCatalogSetsOne) {
    VsiFile f("/vsimem/raster_tests/nocrs.tif");
    GridSpec g = grid_around({0.5, 0.5}, 0.02, 0.02);
    g.crs.clear();
    write_raster(f.path, g, [](int, int) { return 9.0; });
    LayerSpec spec = raster_spec("nocrs", f.path);
    try {
        RasterReader reader(spec);
        FAIL() << "no error";
    } catch (const InputError& e) {
        const std::string msg = e.what();
        EXPECT_EQ(msg, "layer 'nocrs': raster '" + f.path + "' has no CRS; set crs: in the catalog");
    }
    spec.crs = "EPSG:4326";
    RasterReader reader(spec);
    const RasterMeasurement m = reader.measure(make_site_geometry({0.5, 0.5}, nullptr, {1000}));
    EXPECT_NEAR(m.buffers[0].valid_share, 1.0, 1e-12);
    EXPECT_EQ(m.value_at_site, 9.0);
    EXPECT_EQ(inspect_raster(spec).crs_name, "WGS 84");
    spec.crs = "not a crs";
    EXPECT_THROW(inspect_raster(spec), InputError);
}

TEST(RasterErrors, RotatedGeotransformIsRejected) {
    VsiFile f("/vsimem/raster_tests/rotated.tif");
    {
        gdal_init();
        DatasetPtr ds(GDALCreate(GDALGetDriverByName("GTiff"), f.path.c_str(), 10, 10, 1, GDT_Byte, nullptr));
        double gt[6] = {0, 0.001, 0.0002, 1, 0.0002, -0.001};
        GDALSetGeoTransform(ds.get(), gt);
        SrsPtr srs = wgs84_srs();
        GDALSetSpatialRef(ds.get(), srs.get());
    }
    try {
        RasterReader reader(raster_spec("rot", f.path));
        FAIL() << "no error";
    } catch (const InputError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("layer 'rot'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("rotated"), std::string::npos) << msg;
    }
}

TEST(RasterInspect, ReportsSizeTypeNodataCrsAndExtent) {
    const std::string path = std::string(SITESCREEN_TEST_DATA) + "/rasters/luxembourg_elev_srtm30s.tif";
    const RasterInfo i = inspect_raster(raster_spec("lux", path));
    EXPECT_EQ(i.width, 95);
    EXPECT_EQ(i.height, 90);
    EXPECT_EQ(i.band_count, 1);
    EXPECT_EQ(i.data_type, "Int16");
    EXPECT_EQ(i.nodata, -32768.0);
    EXPECT_EQ(i.crs_name, "WGS 84");
    EXPECT_NE(i.crs_wkt.find("GEOGCRS"), std::string::npos);
    EXPECT_NEAR(i.west, 5.741667, 1e-5);
    EXPECT_NEAR(i.east, 6.533333, 1e-5);
    EXPECT_NEAR(i.south, 49.441667, 1e-5);
    EXPECT_NEAR(i.north, 50.191667, 1e-5);

    const RasterInfo pr =
        inspect_raster(raster_spec("pr", std::string(SITESCREEN_TEST_DATA) + "/rasters/puerto_rico_landcover_3km.tif"));
    EXPECT_EQ(pr.data_type, "Byte");
    EXPECT_FALSE(pr.nodata);
    EXPECT_NEAR(pr.west, -67.52, 0.02);
    EXPECT_NEAR(pr.north, 19.17, 0.02);
}

// The inspection kept between runs (inspect_raster_cached): read back, it is the inspection of the
// data, field for field; other data, another band or nodata make their own entry; a damaged
// entry is a miss; SITESCREEN_LAYER_CACHE=off reads the data every time.
TEST(RasterInspect, TheCachedInspectionIsTheInspectionOfTheSameData) {
    namespace fs = std::filesystem;
    sitescreen::testing::TempDir dir;
    sitescreen::testing::ScopedEnv checksums("SITESCREEN_CHECKSUM_CACHE",
                                             (dir.path() + "/cache/checksums.tsv").c_str());
    const fs::path folder = dir.path() + "/cache/raster-info";
    auto entries = [&] {
        std::size_t n = 0;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(folder, ec)) n += e.path().extension() == ".json";
        return n;
    };
    auto expect_same = [](const RasterInfo& a, const RasterInfo& b) {
        EXPECT_EQ(a.width, b.width);
        EXPECT_EQ(a.height, b.height);
        EXPECT_EQ(a.band_count, b.band_count);
        EXPECT_EQ(a.data_type, b.data_type);
        EXPECT_EQ(a.crs_wkt, b.crs_wkt);
        EXPECT_EQ(a.crs_name, b.crs_name);
        EXPECT_EQ(a.wgs84_lonlat, b.wgs84_lonlat);
        for (int k = 0; k < 6; ++k) EXPECT_EQ(a.geotransform[k], b.geotransform[k]) << k;  // bit for bit
        EXPECT_EQ(a.nodata, b.nodata);
        EXPECT_EQ(a.west, b.west);
        EXPECT_EQ(a.south, b.south);
        EXPECT_EQ(a.east, b.east);
        EXPECT_EQ(a.north, b.north);
    };
    // One raster in WGS 84 lon/lat with a nodata value, one projected without.
    const std::string data = std::string(SITESCREEN_TEST_DATA) + "/rasters/";
    std::size_t expected_entries = 0;
    for (const char* name : {"luxembourg_elev_srtm30s.tif", "puerto_rico_landcover_3km.tif"}) {
        SCOPED_TRACE(name);
        const std::string path = dir.path() + "/" + name;
        fs::copy_file(data + name, path);
        LayerSpec spec = raster_spec("r", path);
        const RasterInfo fresh = inspect_raster(spec);
        const RasterInfo first = inspect_raster_cached(spec);
        EXPECT_FALSE(first.from_cache);
        EXPECT_EQ(entries(), ++expected_entries);
        const RasterInfo again = inspect_raster_cached(spec);
        EXPECT_TRUE(again.from_cache);
        expect_same(fresh, first);
        expect_same(fresh, again);
        // The catalog's nodata changes what is found: its own entry.
        spec.nodata = 7.0;
        const RasterInfo with_nodata = inspect_raster_cached(spec);
        EXPECT_FALSE(with_nodata.from_cache);
        EXPECT_EQ(with_nodata.nodata, 7.0);
        EXPECT_EQ(entries(), ++expected_entries);
        EXPECT_TRUE(inspect_raster_cached(spec).from_cache);
    }
    EXPECT_EQ(inspect_raster_cached(raster_spec("r", dir.path() + "/luxembourg_elev_srtm30s.tif")).crs_name, "WGS 84");

    // A float raster whose nodata is NaN (JSON has no NaN): read back as NaN, not as no nodata.
    const std::string nan_path = dir.path() + "/nan.tif";
    ASSERT_TRUE(sitescreen::testing::write_wgs84_raster(nan_path, 8, 4, GDT_Float32, 100, 30, 0.1,
                                                        [](int x, int) { return x; }));
    {
        DatasetPtr ds(GDALOpen(nan_path.c_str(), GA_Update));
        ASSERT_TRUE(ds);
        GDALSetRasterNoDataValue(GDALGetRasterBand(ds.get(), 1), std::nan(""));
    }
    for (int round = 0; round < 2; ++round) {
        const RasterInfo i = inspect_raster_cached(raster_spec("nan", nan_path));
        EXPECT_EQ(i.from_cache, round == 1);
        ASSERT_TRUE(i.nodata);
        EXPECT_TRUE(std::isnan(*i.nodata));
    }
    // A catalog nodata of NaN is its own entry, not the entry of a layer without one.
    LayerSpec small_nan = raster_spec("s", dir.path() + "/luxembourg_elev_srtm30s.tif");
    small_nan.nodata = std::nan("");
    const RasterInfo catalog_nan = inspect_raster_cached(small_nan);
    EXPECT_FALSE(catalog_nan.from_cache);
    ASSERT_TRUE(catalog_nan.nodata);
    EXPECT_TRUE(std::isnan(*catalog_nan.nodata));

    // Other data under the same name: the checksum differs, the entry is not used.
    const std::string path = dir.path() + "/small.tif";
    ASSERT_TRUE(
        sitescreen::testing::write_wgs84_raster(path, 10, 5, GDT_Byte, 100, 30, 0.1, [](int x, int) { return x; }));
    EXPECT_EQ(inspect_raster_cached(raster_spec("s", path)).width, 10);
    ASSERT_TRUE(
        sitescreen::testing::write_wgs84_raster(path, 12, 5, GDT_Byte, 100, 30, 0.1, [](int x, int) { return x; }));
    const RasterInfo rewritten = inspect_raster_cached(raster_spec("s", path));
    EXPECT_FALSE(rewritten.from_cache);
    EXPECT_EQ(rewritten.width, 12);
    EXPECT_NEAR(rewritten.east, 101.2, 1e-9);

    // A raster of 1 MiB or more whose checksum this run would have to compute: the inspection does
    // not wait for it and writes no entry; once the checksum is in the checksum cache (run.json's
    // thread puts it there), the entry is written, then found.
    const std::string large = dir.path() + "/large.tif";
    ASSERT_TRUE(sitescreen::testing::write_wgs84_raster(large, 1024, 600, GDT_Int16, 100, 30, 0.01,
                                                        [](int x, int y) { return (x * 7 + y * 13) % 1000; }));
    ASSERT_GE(fs::file_size(large), std::uintmax_t{1} << 20);
    const std::size_t before_large = entries();
    std::this_thread::sleep_for(std::chrono::milliseconds(70));  // settled: its digest may be kept
    EXPECT_FALSE(inspect_raster_cached(raster_spec("l", large)).from_cache);
    EXPECT_EQ(entries(), before_large);
    const DatasetChecksum computed = dataset_checksum(large);
    EXPECT_FALSE(computed.from_cache);
    EXPECT_EQ(computed.sha256, sha256_file(large));
    const RasterInfo large_first = inspect_raster_cached(raster_spec("l", large));
    EXPECT_FALSE(large_first.from_cache);
    EXPECT_EQ(large_first.width, 1024);
    EXPECT_EQ(entries(), before_large + 1);
    EXPECT_TRUE(inspect_raster_cached(raster_spec("l", large)).from_cache);
    EXPECT_TRUE(dataset_checksum(large).from_cache);

    // A damaged entry is read as a miss, and written again whole.
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
        std::string bytes;
        {
            std::ifstream in(e.path(), std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        std::ofstream out(e.path(), std::ios::binary | std::ios::trunc);
        out << bytes.substr(0, bytes.size() - 20);
    }
    const RasterInfo after_damage = inspect_raster_cached(raster_spec("s", path));
    EXPECT_FALSE(after_damage.from_cache);
    EXPECT_EQ(after_damage.width, 12);
    EXPECT_TRUE(inspect_raster_cached(raster_spec("s", path)).from_cache);

    // Switched off: the data every time, nothing written.
    sitescreen::testing::ScopedEnv off("SITESCREEN_LAYER_CACHE", "off");
    const std::size_t before = entries();
    EXPECT_FALSE(inspect_raster_cached(raster_spec("s", path)).from_cache);
    EXPECT_EQ(entries(), before);
}

// ---------------------------------------------------------------------------
// Real rasters against the independent supersampled computation

TEST(RasterRealData, LuxembourgDemNearTheBorder) {
    // Remich on the Moselle: part of the buffer lies in Germany, which this
    // DEM leaves as nodata.
    const std::string path = std::string(SITESCREEN_TEST_DATA) + "/rasters/luxembourg_elev_srtm30s.tif";
    const LonLat site{6.367, 49.545};
    RasterReader reader(raster_spec("lux_dem", path));
    const RasterMeasurement m = reader.measure(make_site_geometry(site, nullptr, {3000, 8000}));
    for (std::size_t i = 0; i < m.buffers.size(); ++i) {
        const RasterBufferStats& b = m.buffers[i];
        SCOPED_TRACE(b.radius_m);
        const Supersampled ref = supersample(path, site, b.radius_m, 48);
        ASSERT_TRUE(b.mean);
        EXPECT_NEAR(*b.mean / ref.mean(), 1.0, 0.005);
        EXPECT_NEAR(b.valid_share, ref.valid_m2 / ref.total_m2, 0.005);
        EXPECT_LT(b.valid_share, 0.98);  // the border is in the buffer
        EXPECT_GT(b.valid_share, 0.3);
    }
    const Supersampled at = supersample(path, site, 10, 1);
    EXPECT_EQ(m.value_at_site, at.value_at_site);
}

TEST(RasterRealData, OlindaUtmDem) {
    const std::string path = std::string(SITESCREEN_TEST_DATA) + "/rasters/olinda_dem_utm25s.tif";
    const LonLat site{-34.866, -7.998};
    RasterReader reader(raster_spec("olinda_dem", path));
    const RasterMeasurement m = reader.measure(make_site_geometry(site, nullptr, {1000, 2500}));
    for (const auto& b : m.buffers) {
        SCOPED_TRACE(b.radius_m);
        const Supersampled ref = supersample(path, site, b.radius_m, 24);
        ASSERT_TRUE(b.mean);
        EXPECT_NEAR(*b.mean / ref.mean(), 1.0, 0.005);
        EXPECT_NEAR(b.valid_share, 1.0, 1e-9);
    }
    const Supersampled at = supersample(path, site, 10, 1);
    ASSERT_TRUE(m.value_at_site);
    EXPECT_EQ(m.value_at_site, at.value_at_site);
}

TEST(RasterRealData, PuertoRicoLandCoverClassShares) {
    const std::string path = std::string(SITESCREEN_TEST_DATA) + "/rasters/puerto_rico_landcover_3km.tif";
    const LonLat site{-66.1, 18.3};  // south of San Juan: forest, pasture, developed land
    RasterReader reader(raster_spec("pr_nlcd", path, /*categorical=*/true));
    const RasterMeasurement m = reader.measure(make_site_geometry(site, nullptr, {10000, 20000}));
    for (const auto& b : m.buffers) {
        SCOPED_TRACE(b.radius_m);
        const Supersampled ref = supersample(path, site, b.radius_m, 48);
        ASSERT_GE(b.class_shares.size(), 2u);
        double sum = 0;
        for (auto [cls, share] : b.class_shares) {
            EXPECT_NEAR(share, ref.share(cls), 0.005) << "class " << cls;
            sum += share;
        }
        EXPECT_NEAR(sum, 1.0, 1e-9);
        for (auto [cls, area] : ref.class_m2) EXPECT_NEAR(share_of(b, cls), area / ref.valid_m2, 0.005) << cls;
        EXPECT_NEAR(b.valid_share, 1.0, 1e-9);
        long long ref_majority = -1;
        double best = -1;
        for (auto [cls, area] : ref.class_m2)
            if (area > best) best = area, ref_majority = cls;
        EXPECT_EQ(b.majority, ref_majority);
    }
    const Supersampled at = supersample(path, site, 10, 1);
    EXPECT_EQ(m.value_at_site, at.value_at_site);
}
