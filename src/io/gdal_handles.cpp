// GDAL set-up and small helpers shared by the readers.
#include "io/gdal_handles.h"

#include <cpl_conv.h>
#include <cpl_error.h>

#include <mutex>

#include "core/errors.h"

namespace sitescreen {
namespace {
void CPL_STDCALL quiet_handler(CPLErr, CPLErrorNum, const char*) {}
}  // namespace

void gdal_init() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // Errors are reported by sitescreen with the layer or site they concern;
        // GDAL keeps the last message for us to quote.
        CPLSetErrorHandler(quiet_handler);
        CPLSetConfigOption("OGR_GEOJSON_MAX_OBJ_SIZE", "0");
        // GDAL's block cache defaults to 5% of RAM (1.2 GB here) and fills up
        // over a national batch; sites in Hilbert order reuse few blocks, so a
        // fixed 256 MB keeps memory flat. The user's GDAL_CACHEMAX wins.
        if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) CPLSetConfigOption("GDAL_CACHEMAX", "256");
    });
}

std::string gdal_last_error(const std::string& fallback) {
    const char* msg = CPLGetLastErrorMsg();
    if (msg && *msg) return msg;
    return fallback;
}

SrsPtr srs_from_user(const std::string& text, const std::string& context) {
    SrsPtr srs(OSRNewSpatialReference(nullptr));
    if (OSRSetFromUserInput(srs.get(), text.c_str()) != OGRERR_NONE)
        throw InputError(context + ": cannot understand CRS '" + text +
                         "' (try EPSG:4326, EPSG:4490 or a PROJ string)");
    OSRSetAxisMappingStrategy(srs.get(), OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

SrsPtr wgs84_srs() {
    SrsPtr srs(OSRNewSpatialReference(nullptr));
    OSRImportFromEPSG(srs.get(), 4326);
    OSRSetAxisMappingStrategy(srs.get(), OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

}  // namespace sitescreen
