// `sitescreen layers import <preset> <download>`: an official download, as its
// publisher packages it, turned into a ready layer plus a catalog entry with
// provenance (docs/data.md). One importer per dataset (src/layers/import/*.cpp)
// on a shared core (import_core.h).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace sitescreen::import {

struct ImportRequest {
    std::string preset;       // aqueduct40 | wdpa | china_nature_reserve | worldcover | ramsar | kba | gfc
    std::string download;     // the file (zip, shapefile, gpkg), folder (tiles) or URL (remote COG)
    std::string region;       // "" (all), "china", "W,S,E,N", or a country / Chinese province name
    std::string out_dir;      // where the layer is written
    std::string catalog;      // the user's catalog: the entry is added to it (created when missing)
    std::string id;           // the layer id in the catalog (default: the preset's name)
    std::string source_url;   // overrides the importer's default source URL
    std::string licence;      // overrides the importer's licence text
    std::string version;      // version / date of the data (default: read from the download's name)
    std::string encoding;     // .dbf encoding when the download does not say (no .cpg)
    bool all_status = false;  // wdpa: keep every STATUS (default: designated / inscribed / established)
};

struct ImportResult {
    std::string id;
    std::string layer_path;          // the GeoPackage or VRT written, or the remote path
    std::string catalog;             // the catalog file the entry went into
    std::size_t features = 0;        // features written (vector)
    std::size_t repaired = 0;        // geometries made valid
    std::vector<std::string> notes;  // what was dropped, approximated or assumed
};

// Names of the importers, in the order docs/data.md lists them.
std::vector<std::string> importer_names();

// Runs one import. Throws InputError naming the download, the layer and the
// field when the download does not have what the importer needs, UsageError
// for an unknown preset or region.
ImportResult run_import(const ImportRequest& request);

}  // namespace sitescreen::import
