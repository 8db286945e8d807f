// Internal to src/layers/raster/: opening a raster layer and checking it can be measured.
#pragma once

#include <gdal.h>

#include <optional>
#include <string>

#include "io/gdal_handles.h"
#include "layers/catalog.h"

namespace sitescreen::raster_kit {

// "layer 'id': raster 'path'", the start of every message about the layer.
std::string where(const LayerSpec& spec);

// A raster opened and checked: band present, georeferenced north-up, CRS known.
struct OpenedRaster {
    DatasetPtr ds;
    GDALRasterBandH band = nullptr;
    int width = 0, height = 0, band_count = 0;
    double gt[6] = {0, 1, 0, 0, 0, 1};
    SrsPtr srs;
    GDALDataType type = GDT_Unknown;
    std::optional<double> nodata;
};

// Opens the layer's raster and checks it: the band exists, the grid is north-up and not degenerate,
// the CRS is known (from the file or the catalog's crs:). InputError naming the layer otherwise.
// With `with_srs` false the CRS is neither read nor checked and `srs` stays null: for a reader
// of a layer whose CRS was checked when it was opened (building a CRS makes the thread open
// PROJ's database, about 10 ms the first time on each thread).
OpenedRaster open_raster(const LayerSpec& spec, bool with_srs = true);

// Whether a CRS is WGS 84 longitude/latitude in degrees, whatever its axis order: coordinates
// pass through unchanged.
bool is_wgs84_lonlat(OGRSpatialReferenceH srs);

// Longitude period in the units of a geographic CRS (360 for degrees).
double lon_period(OGRSpatialReferenceH srs);

}  // namespace sitescreen::raster_kit
