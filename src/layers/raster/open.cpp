// Opening a raster layer (open.h) and inspecting it for `sitescreen layers`.
#include "layers/raster/open.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_spatialref.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>

#include "core/errors.h"
#include "geo/coverage.h"
#include "geo/geodesic.h"
#include "io/gdal_handles.h"
#include "layers/raster/raster_blocks.h"
#include "layers/raster/raster_layer.h"

namespace sitescreen {
namespace raster_kit {
namespace {

// "PG:...", "NETCDF:...", "HDF5:..." name datasets that are not plain files.
bool is_connection_string(const std::string& path) {
    const auto colon = path.find(':');
    if (colon == std::string::npos || colon < 2) return false;  // "C:\..." is a file
    for (std::size_t i = 0; i < colon; ++i) {
        const char c = path[i];
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    }
    return true;
}

// The nodata value: the catalog's, else the band's.
void read_nodata(const LayerSpec& spec, OpenedRaster& r) {
    if (spec.nodata) {
        r.nodata = *spec.nodata;
    } else {
        int has = 0;
        const double v = GDALGetRasterNoDataValue(r.band, &has);
        if (has) r.nodata = v;
    }
}

}  // namespace

std::string where(const LayerSpec& spec) { return "layer '" + spec.id + "': raster '" + spec.path + "'"; }

OpenedRaster open_raster(const LayerSpec& spec, bool with_srs) {
    gdal_init();
    OpenedRaster r;
    CPLErrorReset();
    r.ds.reset(GDALOpenEx(spec.path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!r.ds) {
        VSIStatBufL st;
        if (!is_connection_string(spec.path) && VSIStatExL(spec.path.c_str(), &st, VSI_STAT_EXISTS_FLAG) != 0)
            throw InputError(where(spec) + " not found");
        throw InputError(where(spec) +
                         " cannot be opened as a raster: " + gdal_last_error("not a raster format GDAL can read"));
    }
    r.width = GDALGetRasterXSize(r.ds.get());
    r.height = GDALGetRasterYSize(r.ds.get());
    r.band_count = GDALGetRasterCount(r.ds.get());
    if (spec.band < 1 || spec.band > r.band_count)
        throw InputError(where(spec) + " has " + std::to_string(r.band_count) + " band(s); band " +
                         std::to_string(spec.band) + " does not exist");
    r.band = GDALGetRasterBand(r.ds.get(), spec.band);
    r.type = GDALGetRasterDataType(r.band);
    if (GDALDataTypeIsComplex(r.type))
        throw InputError(where(spec) + " band " + std::to_string(spec.band) + " holds complex numbers");

    if (GDALGetGeoTransform(r.ds.get(), r.gt) != CE_None)
        throw InputError(where(spec) + " has no geotransform (it is not georeferenced)");
    if (r.gt[2] != 0 || r.gt[4] != 0)
        throw InputError(where(spec) +
                         " has a rotated geotransform, which is not supported; warp it to a north-up grid "
                         "(gdalwarp) first");
    if (r.gt[1] == 0 || r.gt[5] == 0 || !std::isfinite(r.gt[1]) || !std::isfinite(r.gt[5]))
        throw InputError(where(spec) + " has a degenerate geotransform (zero pixel size)");

    if (!with_srs) {
        read_nodata(spec, r);
        return r;
    }
    const std::string crs_context = "layer '" + spec.id + "': crs";
    if (spec.crs && !spec.crs->empty()) {
        r.srs = srs_from_user(*spec.crs, crs_context);
    } else {
        OGRSpatialReferenceH h = GDALGetSpatialRef(r.ds.get());
        if (h == nullptr || OGRSpatialReference::FromHandle(h)->IsEmpty())
            throw InputError(where(spec) + " has no CRS; set crs: in the catalog");
        r.srs.reset(OSRClone(h));
        OSRSetAxisMappingStrategy(r.srs.get(), OAMS_TRADITIONAL_GIS_ORDER);
    }
    if (!OSRIsGeographic(r.srs.get()) && !OSRIsProjected(r.srs.get()))
        throw InputError(where(spec) + " has a CRS that is neither geographic nor projected ('" +
                         std::string(OSRGetName(r.srs.get()) ? OSRGetName(r.srs.get()) : "?") + "')");

    read_nodata(spec, r);
    return r;
}

bool is_wgs84_lonlat(OGRSpatialReferenceH srs) {
    if (!OSRIsGeographic(srs) || std::fabs(360.0 / lon_period(srs) - 1) >= 1e-12) return false;
    SrsPtr wgs84 = wgs84_srs();
    const char* same_options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", nullptr};
    return OSRIsSameEx(wgs84.get(), srs, same_options) != 0;
}

// Longitude period in the units of a geographic CRS (360 for degrees).
double lon_period(OGRSpatialReferenceH srs) {
    const double rad_per_unit = OSRGetAngularUnits(srs, nullptr);
    return rad_per_unit > 0 ? 2 * 3.14159265358979323846 / rad_per_unit : 360.0;
}

}  // namespace raster_kit

using namespace raster_kit;

RasterInfo inspect_raster(const LayerSpec& spec) {
    OpenedRaster r = open_raster(spec);
    RasterInfo info;
    info.width = r.width;
    info.height = r.height;
    info.band_count = r.band_count;
    info.data_type = GDALGetDataTypeName(r.type);
    std::copy(r.gt, r.gt + 6, info.geotransform);
    info.nodata = r.nodata;
    char* wkt = nullptr;
    const char* wkt_options[] = {"FORMAT=WKT2_2019", nullptr};
    if (OSRExportToWktEx(r.srs.get(), &wkt, wkt_options) == OGRERR_NONE && wkt) info.crs_wkt = wkt;
    CPLFree(wkt);
    const char* name = OSRGetName(r.srs.get());
    info.crs_name = name ? name : "";
    info.wgs84_lonlat = is_wgs84_lonlat(r.srs.get());

    // One pixel in the middle shows that the data can be decoded at all.
    double probe = 0;
    CPLErrorReset();
    if (GDALRasterIO(r.band, GF_Read, r.width / 2, r.height / 2, 1, 1, &probe, 1, 1, GDT_Float64, 0, 0) != CE_None)
        throw InputError(where(spec) + " cannot be read (corrupt?): " + gdal_last_error());

    SrsPtr wgs84 = wgs84_srs();
    TransformPtr to_wgs84(OCTNewCoordinateTransformation(r.srs.get(), wgs84.get()));
    if (!to_wgs84)
        throw InputError(where(spec) + ": cannot transform its CRS '" + info.crs_name +
                         "' to WGS 84: " + gdal_last_error());
    const double x_a = r.gt[0], x_b = r.gt[0] + r.width * r.gt[1];
    const double y_a = r.gt[3], y_b = r.gt[3] + r.height * r.gt[5];
    double w = 0, s = 0, e = 0, n = 0;
    if (OCTTransformBounds(to_wgs84.get(), std::min(x_a, x_b), std::min(y_a, y_b), std::max(x_a, x_b),
                           std::max(y_a, y_b), &w, &s, &e, &n, 21)) {
        info.west = w;
        info.south = s;
        info.east = e;
        info.north = n;
    }
    return info;
}

}  // namespace sitescreen
