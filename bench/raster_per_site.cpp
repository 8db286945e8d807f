// Micro-benchmark of RasterReader::measure alone (site geometry built beforehand), printing
// microseconds per site for 1, 10 and 50 km. Prints figures; asserts nothing; never run by the tests.
//   ninja -C build sitescreen_raster_bench && build/sitescreen_raster_bench [sites] [folder]
// Writes two 4000 x 4000 tiled GeoTIFFs at 0.001 degree (a DEM-like Int16 with nodata, a Byte
// class raster) into the folder (default /tmp), then times 400 random sites per radius set.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gdal.h>

#include "geo/site_geometry.h"
#include "io/gdal_handles.h"
#include "layers/catalog.h"
#include "layers/raster/raster_layer.h"

using namespace sitescreen;

namespace {

constexpr double kCellDeg = 0.001;
constexpr int kSize = 4000;  // cells a side: 4 x 4 degrees

// A tiled GeoTIFF of kSize x kSize cells centred on `c` whose cell (x, y) holds value(x, y).
bool write_raster(const std::string& path, LonLat c, GDALDataType type, const double* nodata,
                  const std::function<double(int, int)>& value) {
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    const char* opts[] = {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", nullptr};
    DatasetPtr ds(GDALCreate(drv, path.c_str(), kSize, kSize, 1, type, const_cast<char**>(opts)));
    if (!ds) return false;
    double gt[6] = {c.lon - kSize / 2 * kCellDeg, kCellDeg, 0, c.lat + kSize / 2 * kCellDeg, 0, -kCellDeg};
    GDALSetGeoTransform(ds.get(), gt);
    SrsPtr srs = srs_from_user("EPSG:4326", "bench");
    GDALSetSpatialRef(ds.get(), srs.get());
    GDALRasterBandH band = GDALGetRasterBand(ds.get(), 1);
    if (nodata) GDALSetRasterNoDataValue(band, *nodata);
    std::vector<double> row(kSize);
    for (int y = 0; y < kSize; ++y) {
        for (int x = 0; x < kSize; ++x) row[x] = value(x, y);
        if (GDALRasterIO(band, GF_Write, 0, y, kSize, 1, row.data(), kSize, 1, GDT_Float64, 0, 0) != CE_None)
            return false;
    }
    return true;
}

LayerSpec raster_spec(const std::string& path, bool categorical) {
    LayerSpec s;
    s.id = s.title = "bench";
    s.kind = "raster";
    s.path = s.path_as_written = path;
    s.categorical = categorical;
    s.band = 1;
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    const int n_sites = argc > 1 ? std::atoi(argv[1]) : 400;
    const std::string folder = argc > 2 ? argv[2] : "/tmp";
    if (n_sites <= 0) {
        std::fprintf(stderr, "usage: %s [sites > 0] [folder]\n", argv[0]);
        return 2;
    }
    gdal_init();
    const LonLat c{10.0, 45.0};
    const std::string dem = folder + "/sitescreen_bench_dem.tif", lc = folder + "/sitescreen_bench_lc.tif";
    const double dem_nodata = -32768;
    if (!write_raster(dem, c, GDT_Int16, &dem_nodata,
                      [](int x, int y) { return (x * 7 + y * 13) % 1000 == 0 ? -32768.0 : (x + 3 * y) % 900; }) ||
        !write_raster(lc, c, GDT_Byte, nullptr, [](int x, int y) { return 10 * (1 + (x / 37 + y / 23) % 9); })) {
        std::fprintf(stderr, "cannot write the benchmark rasters into %s\n", folder.c_str());
        return 1;
    }

    std::mt19937 rng(7);
    std::uniform_real_distribution<double> lon(c.lon - 1.2, c.lon + 1.2), lat(c.lat - 1.2, c.lat + 1.2);
    std::vector<LonLat> sites;
    for (int i = 0; i < n_sites; ++i) sites.push_back({lon(rng), lat(rng)});

    std::printf("%-5s %-16s %12s %12s\n", "layer", "radii", "us/site", "sites/s");
    for (const auto& [path, categorical] : {std::pair{dem, false}, std::pair{lc, true}}) {
        RasterReader reader(raster_spec(path, categorical));
        for (const std::vector<double>& radii : {std::vector<double>{1000}, {10000}, {50000}, {1000, 10000, 50000}}) {
            std::vector<SiteGeometry> geoms;
            for (const auto& s : sites) geoms.push_back(make_site_geometry(s, nullptr, radii));
            for (const auto& s : geoms) reader.measure(s);  // warm the block cache
            const auto t0 = std::chrono::steady_clock::now();
            double sink = 0;
            for (const auto& s : geoms) sink += reader.measure(s).buffers.back().valid_share;
            const double us =
                std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / n_sites;
            std::string r;
            for (double x : radii) r += std::to_string(static_cast<int>(x / 1000)) + "km ";
            std::printf("%-5s %-16s %12.1f %12.0f  [checksum %g]\n", categorical ? "class" : "dem", r.c_str(), us,
                        1e6 / us, sink);
        }
    }
    return 0;
}
