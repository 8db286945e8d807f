// RAII owners for GDAL/OGR/GEOS handles (rule of zero: unique_ptr with deleters).
#pragma once
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <memory>
#include <string>
#include <type_traits>

namespace sitescreen {

struct GdalDatasetClose {
    void operator()(GDALDatasetH h) const noexcept {
        if (h) GDALClose(h);
    }
};
using DatasetPtr = std::unique_ptr<std::remove_pointer_t<GDALDatasetH>, GdalDatasetClose>;

struct OgrFeatureDestroy {
    void operator()(OGRFeatureH h) const noexcept {
        if (h) OGR_F_Destroy(h);
    }
};
using FeaturePtr = std::unique_ptr<std::remove_pointer_t<OGRFeatureH>, OgrFeatureDestroy>;

struct OgrSrsRelease {
    void operator()(OGRSpatialReferenceH h) const noexcept {
        if (h) OSRRelease(h);
    }
};
using SrsPtr = std::unique_ptr<std::remove_pointer_t<OGRSpatialReferenceH>, OgrSrsRelease>;

struct OgrTransformDestroy {
    void operator()(OGRCoordinateTransformationH h) const noexcept {
        if (h) OCTDestroyCoordinateTransformation(h);
    }
};
using TransformPtr = std::unique_ptr<std::remove_pointer_t<OGRCoordinateTransformationH>, OgrTransformDestroy>;

struct OgrGeometryDestroy {
    void operator()(OGRGeometryH h) const noexcept {
        if (h) OGR_G_DestroyGeometry(h);
    }
};
using GeometryPtr = std::unique_ptr<std::remove_pointer_t<OGRGeometryH>, OgrGeometryDestroy>;

// Registers GDAL drivers once and routes GDAL's error printing to our own handling.
void gdal_init();

// The last GDAL error message, or `fallback`.
std::string gdal_last_error(const std::string& fallback = "unknown GDAL error");

// A spatial reference from user input (EPSG:4490, a PROJ string, WKT), lon/lat axis order.
// Throws InputError with `context` on failure.
SrsPtr srs_from_user(const std::string& text, const std::string& context);
SrsPtr wgs84_srs();

// Converts an OGR (multi)polygon to lon/lat Boost polygons, through `to_wgs84` if not null.
// Returns false if the geometry holds no polygon.
}  // namespace sitescreen
