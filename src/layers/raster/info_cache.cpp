// A raster layer's inspection kept between runs (raster_layer.h, inspect_raster_cached).
#include <gdal.h>
#include <proj.h>

#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>

#include "core/site.h"
#include "io/checksum.h"
#include "io/disk_cache.h"
#include "layers/raster/raster_layer.h"
#include "sitescreen/raster_info_cache_id.h"

namespace sitescreen {

namespace {

constexpr std::size_t kMaxEntries = 32;

// A nodata value: a number, or "nan", "inf", "-inf" (JSON has no such numbers; a float raster's
// nodata is often NaN).
Json number_json(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return v;
}

// Everything the inspection depends on: this build's raster code, the libraries that read the
// file and build its CRS, the catalog settings it reads, and the bytes of the layer's files.
// "" when the cache is off, the files have no checksum (a PG: source, a file not found) or their
// checksum is not known yet.
std::string key_of(const LayerSpec& spec) {
    // Only a digest known without reading a large raster: on a cold start, hashing a national
    // raster would hold up the start for seconds, which run.json's checksum thread spends meanwhile.
    std::string sha256;
    try {
        sha256 = known_dataset_sha256(spec.path);
    } catch (const std::exception&) {
        return "";  // the files cannot be read: inspect_raster says so, naming the layer
    }
    if (sha256.empty()) return "";
    Json entry = Json::object();
    entry["path"] = spec.path;
    entry["band"] = spec.band;
    entry["crs"] = spec.crs ? Json(*spec.crs) : Json(nullptr);
    entry["nodata"] = spec.nodata ? number_json(*spec.nodata) : Json(nullptr);  // NaN is not null here
    return std::string("sitescreen raster info cache 1\n") + "build " + SITESCREEN_RASTER_INFO_CACHE_ID + "\n" +
           "gdal " + GDALVersionInfo("RELEASE_NAME") + ", proj " + proj_info().version + "\n" + "entry " +
           entry.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n" + "sha256 " + sha256 + "\n";
}

double number_of(const Json& j) {
    if (!j.is_string()) return j.get<double>();
    const std::string& s = j.get_ref<const std::string&>();
    if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
    throw std::invalid_argument("not a number: " + s);
}

Json to_json(const RasterInfo& i) {
    Json j = Json::object();
    j["width"] = i.width;
    j["height"] = i.height;
    j["band_count"] = i.band_count;
    j["data_type"] = i.data_type;
    j["crs_wkt"] = i.crs_wkt;
    j["crs_name"] = i.crs_name;
    j["wgs84_lonlat"] = i.wgs84_lonlat;
    j["geotransform"] = Json::array();
    for (double g : i.geotransform) j["geotransform"].push_back(g);
    j["nodata"] = i.nodata ? number_json(*i.nodata) : Json(nullptr);
    j["extent"] = {i.west, i.south, i.east, i.north};
    return j;
}

// False for anything but a whole entry written by to_json.
bool from_json(const Json& j, RasterInfo& i) {
    try {
        i.width = j.at("width").get<int>();
        i.height = j.at("height").get<int>();
        i.band_count = j.at("band_count").get<int>();
        i.data_type = j.at("data_type").get<std::string>();
        i.crs_wkt = j.at("crs_wkt").get<std::string>();
        i.crs_name = j.at("crs_name").get<std::string>();
        i.wgs84_lonlat = j.at("wgs84_lonlat").get<bool>();
        const Json& gt = j.at("geotransform");
        if (!gt.is_array() || gt.size() != 6) return false;
        for (int k = 0; k < 6; ++k) i.geotransform[k] = gt.at(k).get<double>();
        const Json& nodata = j.at("nodata");
        i.nodata = nodata.is_null() ? std::nullopt : std::optional<double>(number_of(nodata));
        const Json& e = j.at("extent");
        if (!e.is_array() || e.size() != 4) return false;
        i.west = e.at(0).get<double>();
        i.south = e.at(1).get<double>();
        i.east = e.at(2).get<double>();
        i.north = e.at(3).get<double>();
        return i.width > 0 && i.height > 0;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

RasterInfo inspect_raster_cached(const LayerSpec& spec) {
    const bool on = !DiskCache::switched_off_by("SITESCREEN_LAYER_CACHE");
    const DiskCache cache(on ? DiskCache::folder_beside_checksums("raster-info") : std::string(), ".json", kMaxEntries);
    const std::string key = cache.enabled() ? key_of(spec) : std::string();
    if (!key.empty()) {
        RasterInfo info;
        const bool hit = cache.visit(key, [&](std::string_view bytes) {
            const Json j = Json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
            return !j.is_discarded() && from_json(j, info);
        });
        if (hit) {
            info.from_cache = true;
            return info;
        }
    }
    RasterInfo info = inspect_raster(spec);
    if (!key.empty()) cache.put(key, to_json(info).dump(-1, ' ', false, Json::error_handler_t::replace));
    return info;
}

}  // namespace sitescreen
