// Raster layers: exact, area-weighted zonal statistics inside geodesic buffers
// (docs/raster.md). One RasterReader per thread (GDAL handles are not thread-safe).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "geo/site_geometry.h"
#include "layers/catalog.h"

namespace sitescreen {

struct RasterBufferStats {
    double radius_m = 0;
    double buffer_area_m2 = 0;  // ellipsoidal area of the buffer
    double valid_share = 0;     // share of the buffer's area covered by valid cells
    // continuous layers (nullopt when no valid cell is covered)
    std::optional<double> mean;  // area- and coverage-weighted
    std::optional<double> min;   // over cells with coverage > 0
    std::optional<double> max;
    // categorical layers
    std::optional<long long> majority;  // class with the largest covered valid area
    std::vector<std::pair<long long, double>>
        class_shares;          // class value -> share of the valid area, ascending by value
    double covered_cells = 0;  // number of cells touched (for benchmarks)
};

struct RasterMeasurement {
    std::optional<double> value_at_site;     // cell under the site's centre; nullopt on nodata / outside
    std::vector<RasterBufferStats> buffers;  // one per radius, in the order of SiteGeometry::radii_m
    // Figures this measurement cannot vouch for, one sentence each (the
    // screener prefixes the layer and puts them on the site's `warnings`).
    std::vector<std::string> warnings;
};

// What `layers check` and run.json report about a raster.
struct RasterInfo {
    int width = 0, height = 0, band_count = 0;
    std::string data_type;
    std::string crs_wkt;
    std::string crs_name;
    bool wgs84_lonlat = false;  // the CRS is WGS 84 longitude/latitude in degrees (raster_kit::is_wgs84_lonlat)
    double geotransform[6] = {0, 1, 0, 0, 0, 1};
    std::optional<double> nodata;
    double west = 0, south = 0, east = 0, north = 0;  // extent in WGS 84 (approximate for projected rasters)
    bool from_cache = false;  // read back from the raster inspection cache (inspect_raster_cached)
};

// Opens and checks a raster layer (exists, band present, CRS known or set in
// the catalog). Throws InputError naming the layer and the problem.
RasterInfo inspect_raster(const LayerSpec& spec);
// inspect_raster, kept between runs beside the checksum cache (raster-info/; docs/layers.md,
// "Checksums") under a key naming this build's raster code, the versions of GDAL and PROJ, the
// catalog entry's path, band, CRS and nodata, and the SHA-256 of the layer's files. A run whose
// rasters are all cached neither opens them nor builds a CRS to start (PROJ's database, about
// 10 ms of the start-up). As inspect_raster, whose errors it throws, when the cache is off
// (with the checksum cache, or SITESCREEN_LAYER_CACHE=off) or misses, and while the checksum of a
// raster of 1 MiB or more is not in the checksum cache (known_dataset_sha256): the first run
// does not wait for it.
RasterInfo inspect_raster_cached(const LayerSpec& spec);

class RasterBlocks;

// The last sweep of each buffer on one screening thread (coverage::SweepRecord), which the next
// raster on the same grid replays: the readers of one thread share one, so that the rasters of a
// catalog sharing a grid sweep each buffer once. Never used by two threads at once.
class RasterSweeps;
std::shared_ptr<RasterSweeps> make_raster_sweeps();

class RasterReader {
public:
    // Opens its own GDAL handle. Readers of one layer on different threads
    // share `blocks` (cells and segment summaries, raster_blocks.h); readers
    // of one thread share `sweeps`; without them the reader keeps its own.
    // `wgs84_lonlat`: the layer was opened (inspect_raster) and its CRS found to be WGS 84
    // longitude/latitude; the reader then builds no CRS, and its thread does not open PROJ's
    // database for it.
    explicit RasterReader(const LayerSpec& spec, std::shared_ptr<RasterBlocks> blocks = nullptr,
                          std::shared_ptr<RasterSweeps> sweeps = nullptr, bool wgs84_lonlat = false);
    ~RasterReader();
    RasterReader(const RasterReader&) = delete;
    RasterReader& operator=(const RasterReader&) = delete;

    RasterMeasurement measure(const SiteGeometry& site);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace sitescreen
