// Importer `worldcover`: ESA WorldCover 10 m land cover, either a folder (or
// zip) of the 3 x 3 degree tiles as ESA distributes them
// (ESA_WorldCover_10m_<year>_<version>_<N|S>nn<E|W>nnn_Map.tif), joined into
// one VRT (only the tiles touching --region when one is given), or one remote
// cloud-optimised GeoTIFF addressed by URL and read through /vsicurl/, block
// by block, so that a few sites need no download at all.
#include <gdal_utils.h>

#include <cpl_string.h>

#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "core/errors.h"
#include "layers/import/import_core.h"

namespace sitescreen::import {

namespace {

// Checks what the screening needs of a land-cover raster: one Byte band and a CRS.
void check_raster(const std::string& name, const std::string& where) {
    DatasetPtr ds(GDALOpenEx(name.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!ds) throw InputError(where + ": cannot open as a raster (" + gdal_last_error() + ")");
    if (GDALGetRasterCount(ds.get()) < 1) throw InputError(where + ": has no band");
    if (GDALGetRasterDataType(GDALGetRasterBand(ds.get(), 1)) != GDT_Byte)
        throw InputError(where + ": band 1 is not Byte (WorldCover classes are 8-bit codes 10..100)");
    const char* wkt = GDALGetProjectionRef(ds.get());
    if (!wkt || !*wkt) throw InputError(where + ": has no CRS");
}

}  // namespace

ImportResult import_worldcover(const ImportRequest& r, const Region& region) {
    ImportResult res;
    res.id = r.id.empty() ? "worldcover" : r.id;
    CatalogEntry e;
    e.id = res.id;
    e.kind = "raster";
    e.preset = "worldcover";
    e.extra.emplace_back("resolution", "\"10 m\"");
    e.extra.emplace_back("resolution_zh", "\"10 米\"");

    const std::string root = gdal_name(r.download);
    if (root.rfind("/vsicurl/", 0) == 0) {
        check_raster(root, r.download);
        res.layer_path = root;
        e.title = "Land cover, ESA WorldCover (remote COG)";
        e.path = root;
        e.source = "ESA WorldCover, cloud-optimised GeoTIFF read in place through /vsicurl/ (" + r.download + ")";
        e.note = "Remote: read block by block at screening time; needs the network and the server's range requests.";
        if (!region.all())
            res.notes.push_back("--region ignored for a remote raster (only the blocks around sites are read)");
        res.notes.push_back("remote raster: nothing downloaded; the catalog points at the URL");
    } else {
        const auto files = list_download(root);
        static const std::regex tile_re(R"(ESA_WorldCover_10m_\d{4}_v\d{3}_([NS])(\d\d)([EW])(\d{3})_Map\.tif)",
                                        std::regex::icase);
        const auto tiles = find_all(files, R"(ESA_WorldCover_10m_\d{4}_v\d{3}_[NS]\d\d[EW]\d{3}_Map\.tif)");
        if (tiles.empty())
            (void)find_one(files, R"(ESA_WorldCover_10m_\d{4}_v\d{3}_[NS]\d\d[EW]\d{3}_Map\.tif)",
                           "WorldCover tile (ESA_WorldCover_10m_<year>_<version>_<tile>_Map.tif)", r.download);
        double w, s, ea, n;
        region.envelope(w, s, ea, n);
        std::vector<std::string> kept;
        for (const auto& t : tiles) {
            std::smatch m;
            const std::string base = t.substr(t.find_last_of('/') + 1);
            if (!std::regex_match(base, m, tile_re)) continue;
            const double lat = std::stod(m[2].str()) * (m[1].str() == "S" || m[1].str() == "s" ? -1 : 1);
            const double lon = std::stod(m[4].str()) * (m[3].str() == "W" || m[3].str() == "w" ? -1 : 1);
            if (lon + 3 < w || lon > ea || lat + 3 < s || lat > n)
                continue;  // a tile is 3 x 3 degrees from its SW corner
            check_raster(t, r.download + ": " + base);
            kept.push_back(t);
        }
        if (kept.empty()) throw InputError(r.download + ": no WorldCover tile touches " + region.label());
        res.layer_path = (std::filesystem::path(r.out_dir) / (res.id + ".vrt")).string();
        std::filesystem::create_directories(r.out_dir);
        CPLStringList names;
        for (const auto& k : kept) names.AddString(k.c_str());
        GDALBuildVRTOptions* o = GDALBuildVRTOptionsNew(nullptr, nullptr);
        int err = 0;
        const std::string temp = res.layer_path + ".tmp.vrt";
        GDALDatasetH vrt = GDALBuildVRT(temp.c_str(), names.size(), nullptr, names.List(), o, &err);
        GDALBuildVRTOptionsFree(o);
        if (!vrt || err) throw InputError(res.layer_path + ": cannot build the VRT (" + gdal_last_error() + ")");
        GDALClose(vrt);
        std::filesystem::rename(temp, res.layer_path);
        res.features = kept.size();
        res.notes.push_back(fmt::format("{} of {} tiles in one VRT ({})", kept.size(), tiles.size(),
                                        region.all() ? "all" : region.label()));
        e.title = "Land cover, ESA WorldCover 10 m";
        e.path = res.layer_path;
        e.source = fmt::format(
            "ESA WorldCover 10 m tiles ({} of them), joined in a VRT by sitescreen; the tiles stay "
            "where they are",
            kept.size());
    }
    fill_provenance(e, r,
                    {"CC BY 4.0 (ESA WorldCover project; © ESA WorldCover project / Contains modified Copernicus "
                     "Sentinel data processed by ESA WorldCover consortium)",
                     "https://esa-worldcover.org", r.download});
    add_to_catalog(r.catalog, e);
    res.catalog = r.catalog;
    return res;
}

}  // namespace sitescreen::import
