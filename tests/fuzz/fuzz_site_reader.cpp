// libFuzzer target: the site readers (CSV, and GeoJSON through OGR) and the coordinate parser on any bytes.
// Never a crash, hang or leak; a site without an error has finite lon/lat inside [-180, 180] x [-90, 90].
// Options line (see fuzz_common.h): geojson, gcj02, bd09, utm (--crs EPSG:32650), small (64-byte records), xy, id.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include <cpl_error.h>

#include "core/errors.h"
#include "fuzz_common.h"
#include "io/gdal_handles.h"
#include "io/site_reader.h"

using namespace sitescreen;

namespace {

[[noreturn]] void finding(const char* what, const Site& s) {
    std::fprintf(stderr, "fuzz_site_reader: %s (site %zu '%s' at %s: lon %.17g lat %.17g)\n", what, s.index,
                 s.id.c_str(), s.where.c_str(), s.lonlat.lon, s.lonlat.lat);
    std::abort();
}

void check_site(const Site& s, std::size_t expected_index) {
    if (s.index != expected_index) finding("sites out of order", s);
    if (s.error) {
        if (s.error->empty()) finding("empty error message", s);
        return;
    }
    if (!s.has_coordinates) finding("an ok site without coordinates", s);
    const LonLat p = s.lonlat;
    if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) finding("an ok site with non-finite coordinates", s);
    if (p.lon < -180 || p.lon > 180 || p.lat < -90 || p.lat > 90) finding("an ok site outside lon/lat bounds", s);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    gdal_init();
    CPLPushErrorHandler(CPLQuietErrorHandler);  // GDAL/PROJ messages on every odd input are noise here
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string body;
    const std::string options = fuzz::split_options(data, size, body);

    std::string why;
    (void)parse_coordinate(body.substr(0, 80), why);

    SiteReaderOptions o;
    o.path = fuzz::write_scratch(fuzz::has_word(options, "geojson") ? "sites.geojson" : "sites.csv", body);
    if (fuzz::has_word(options, "gcj02")) o.coords = CoordSystem::Gcj02;
    if (fuzz::has_word(options, "bd09")) o.coords = CoordSystem::Bd09;
    if (fuzz::has_word(options, "utm")) o.crs = "EPSG:32650";
    if (fuzz::has_word(options, "small")) o.max_record_bytes = 64;
    if (fuzz::has_word(options, "xy")) o.lon_field = "x", o.lat_field = "y";
    if (fuzz::has_word(options, "id")) o.id_field = "name";
    o.default_type = "plant";
    try {
        auto source = open_sites(o);
        (void)source->fields();
        Site s;
        std::size_t n = 0;
        while (source->next(s)) check_site(s, n++);
        (void)source->notes();
    } catch (const InputError&) {
    } catch (const UsageError&) {
    } catch (const std::exception& e) {
        if (fuzz::strict()) {
            std::fprintf(stderr, "fuzz_site_reader: unexpected exception: %s\n", e.what());
            std::abort();
        }
    }
    return 0;
}
