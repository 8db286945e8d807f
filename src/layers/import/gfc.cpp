// Importer `gfc`: Hansen/UMD/Google/USGS/NASA Global Forest Change tiles as
// the GLAD site serves them, Hansen_GFC-<year>-v<version>_<band>_<lat>_<lon>.tif
// (10 x 10 degree tiles named by their north-west corner, e.g. 40N_100E covers
// 100-110 E, 30-40 N), in a folder or a zip. One VRT per band kind:
// lossyear (required; categorical, 0 = no loss, n = loss in 2000 + n, the
// classes of the version's years written in the catalog entry) and
// treecover2000 (optional; continuous, percent). Only the tiles touching
// --region go in; the tiles stay where they are.
#include <gdal_utils.h>

#include <cpl_string.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "core/errors.h"
#include "layers/import/import_core.h"

namespace sitescreen::import {

namespace {

const char* kTile = R"(Hansen_GFC-(\d{4})-v(\d+\.\d+)_(lossyear|treecover2000)_(\d{2})([NS])_(\d{3})([EW])\.tif)";

struct Tile {
    std::string path, base;
    int year = 0;
    std::string version;
    double north = 0, west = 0;
};

// One Byte band with a CRS: what the screening reads of a GFC band.
void check_tile(const Tile& t, const std::string& download) {
    const std::string where = download + ": " + t.base;
    DatasetPtr ds(GDALOpenEx(t.path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!ds) throw InputError(where + ": cannot open as a raster (" + gdal_last_error() + ")");
    if (GDALGetRasterCount(ds.get()) != 1) throw InputError(where + ": expected one band");
    if (GDALGetRasterDataType(GDALGetRasterBand(ds.get(), 1)) != GDT_Byte)
        throw InputError(where + ": band 1 is not Byte (GFC bands are 8-bit)");
    const char* wkt = GDALGetProjectionRef(ds.get());
    if (!wkt || !*wkt) throw InputError(where + ": has no CRS");
}

// Joins `paths` into the VRT `out` (written under a temporary name, renamed into place).
void build_vrt(const std::vector<std::string>& paths, const std::string& out) {
    CPLStringList names;
    for (const auto& p : paths) names.AddString(p.c_str());
    GDALBuildVRTOptions* o = GDALBuildVRTOptionsNew(nullptr, nullptr);
    int err = 0;
    const std::string temp = out + ".tmp.vrt";
    GDALDatasetH vrt = GDALBuildVRT(temp.c_str(), names.size(), nullptr, names.List(), o, &err);
    GDALBuildVRTOptionsFree(o);
    if (!vrt || err) throw InputError(out + ": cannot build the VRT (" + gdal_last_error() + ")");
    GDALClose(vrt);
    std::filesystem::rename(temp, out);
}

}  // namespace

ImportResult import_gfc(const ImportRequest& r, const Region& region) {
    const std::string root = gdal_name(r.download);
    if (root.rfind("/vsicurl/", 0) == 0)
        throw UsageError("layers import gfc: give a folder or zip of tiles, not a URL");
    const auto files = list_download(root);
    static const std::regex tile_re(kTile, std::regex::icase);
    std::map<std::string, std::vector<Tile>> by_band;  // lossyear / treecover2000 -> tiles
    std::set<std::string> versions;
    for (const auto& f : find_all(files, kTile)) {
        Tile t;
        t.path = f;
        t.base = f.substr(f.find_last_of('/') + 1);
        std::smatch m;
        if (!std::regex_match(t.base, m, tile_re)) continue;
        t.year = std::stoi(m[1].str());
        t.version = "v" + m[2].str();
        t.north = std::stod(m[4].str()) * (m[5].str() == "S" || m[5].str() == "s" ? -1 : 1);
        t.west = std::stod(m[6].str()) * (m[7].str() == "W" || m[7].str() == "w" ? -1 : 1);
        std::string band = m[3].str();
        for (auto& c : band) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        versions.insert(fmt::format("GFC-{}-{}", t.year, t.version));
        by_band[band].push_back(t);
    }
    if (by_band["lossyear"].empty())
        (void)find_one(files, R"(Hansen_GFC-\d{4}-v\d+\.\d+_lossyear_\d{2}[NS]_\d{3}[EW]\.tif)",
                       "GFC lossyear tile (Hansen_GFC-<year>-v<version>_lossyear_<lat>_<lon>.tif)", r.download);
    if (versions.size() > 1) {
        std::string list;
        for (const auto& v : versions) list += (list.empty() ? "" : ", ") + v;
        throw InputError(r.download + ": tiles of several GFC versions (" + list + "); import one version at a time");
    }
    const int year = by_band["lossyear"].front().year;
    const std::string version = by_band["lossyear"].front().version;

    double w, s, ea, n;
    region.envelope(w, s, ea, n);
    ImportResult res;
    const std::string prefix = r.id.empty() ? "gfc" : r.id;  // ids <prefix>_lossyear, <prefix>_treecover2000
    std::filesystem::create_directories(r.out_dir);
    std::vector<CatalogEntry> entries;
    for (const std::string band : {"lossyear", "treecover2000"}) {
        const auto& tiles = by_band[band];
        if (tiles.empty()) {
            res.notes.push_back(fmt::format("no {} tiles: that layer is not imported", band));
            continue;
        }
        std::vector<std::string> kept;
        for (const auto& t : tiles) {
            if (t.west + 10 < w || t.west > ea || t.north - 10 > n || t.north < s) continue;
            check_tile(t, r.download);
            kept.push_back(t.path);
        }
        if (kept.empty()) throw InputError(r.download + ": no GFC " + band + " tile touches " + region.label());
        CatalogEntry e;
        e.id = prefix + "_" + band;
        e.kind = "raster";
        e.preset = "gfc_" + band;
        e.path = (std::filesystem::path(r.out_dir) / (e.id + ".vrt")).string();
        build_vrt(kept, e.path);
        if (band == "lossyear") {
            res.id = e.id;
            res.layer_path = e.path;
            res.features = kept.size();
            e.title = fmt::format("Tree-cover loss year 2001-{}, Hansen Global Forest Change", year);
            // The classes this version has: 0 and 1 .. year - 2000, labelled with their year.
            std::string classes =
                "{0: {label: \"No tree-cover loss 2001-" + std::to_string(year) + "\", zone: no_loss, severity: 0}";
            for (int k = 1; k <= year - 2000; ++k)
                classes +=
                    fmt::format(", {}: {{label: \"Tree-cover loss in {}\", zone: loss, severity: 3}}", k, 2000 + k);
            e.extra.emplace_back("classes", classes + "}");
        } else {
            e.title = "Tree cover in 2000 (percent), Hansen Global Forest Change";
        }
        e.source = fmt::format(
            "Hansen, M. C. et al. 2013, High-Resolution Global Maps of 21st-Century Forest Cover "
            "Change, Science 342, 850-853; University of Maryland GFC-{}-{}, {} of {} {} tiles "
            "joined in a VRT by sitescreen; the tiles stay where they are",
            year, version, kept.size(), tiles.size(), band);
        fill_provenance(
            e, r,
            {"CC BY 4.0 (Hansen/UMD/Google/USGS/NASA)", "https://glad.earthengine.app/view/global-forest-change", ""});
        if (r.version.empty()) e.date = fmt::format("GFC-{}-{}", year, version);
        if (!region.all()) e.note = "Tiles touching " + region.label() + " only.";
        res.notes.push_back(fmt::format("{}: {} of {} tiles in one VRT ({})", band, kept.size(), tiles.size(),
                                        region.all() ? "all" : region.label()));
        entries.push_back(std::move(e));
    }
    for (const auto& e : entries) add_to_catalog(r.catalog, e);
    if (entries.size() > 1) res.notes.push_back("layer '" + entries[1].id + "' added too");
    res.catalog = r.catalog;
    return res;
}

}  // namespace sitescreen::import
