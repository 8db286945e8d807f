// SHA-256 of the files behind a dataset, for provenance in run.json and reports.
#pragma once
#include <string>

namespace sitescreen {

// Hex SHA-256 of a file.
std::string sha256_file(const std::string& path);

// Hex SHA-256 of every file that makes up a dataset: the file itself; a
// shapefile's sidecars (.shp .shx .dbf .prj .cpg, in name order); every file of
// a folder. "" when the path is not on the local file system (e.g. PG:...).
std::string dataset_sha256(const std::string& path);

}  // namespace sitescreen
