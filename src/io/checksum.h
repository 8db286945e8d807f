// SHA-256 of the files behind a dataset, for provenance in run.json and reports.
//
// Hashing a national raster takes seconds on every run, so dataset digests are
// cached the way git's index and rsync's quick check do it: a digest is reused
// only while every file of the dataset has the same path, size, mtime, ctime,
// inode and device as when it was hashed (docs/layers.md, "Checksums").
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace sitescreen {

// Hex SHA-256 of a file (never cached).
std::string sha256_file(const std::string& path);

// Hex SHA-256 of a text (cache keys, line checks).
std::string sha256_hex(std::string_view text);

// A dataset's digest and where it came from: reports say whether it was read
// now or reused, so that a reader can judge it.
struct DatasetChecksum {
    std::string sha256;       // hex; "" when the path is not on the local file system
    bool from_cache = false;  // reused from the checksum cache, files not read
};

// Hex SHA-256 of every file that makes up a dataset: the file itself and its
// .aux.xml; a shapefile's sidecars (.shp .shx .dbf .prj .cpg); every file of a
// folder; in path order. "" when the path is not on the local file system
// (e.g. PG:...). Throws InputError when a file cannot be read. Uses the
// checksum cache when one is configured and the dataset is large enough.
DatasetChecksum dataset_checksum(const std::string& path);

// dataset_checksum(path).sha256.
std::string dataset_sha256(const std::string& path);

// The digest when it can be had without reading a dataset of kChecksumCacheMinBytes or more: from
// the checksum cache, or from what this process has already hashed; hashed now when the dataset
// is smaller. "" otherwise, and as dataset_sha256 for a path not on the local file system. For a
// cache keyed by the data that must not make a cold start read a national raster: run.json's
// checksum thread hashes it meanwhile, and the next run finds it.
std::string known_dataset_sha256(const std::string& path);

// The checksum cache file: SITESCREEN_CHECKSUM_CACHE (a path; "off", "0" or
// empty: none), else $XDG_CACHE_HOME/sitescreen/checksums.tsv, else
// $HOME/.cache/sitescreen/checksums.tsv; "" when there is none. Read from the
// environment on every call.
std::string checksum_cache_file();

// Datasets smaller than this (all files together) are hashed every time: cheap,
// and it keeps the cache small.
constexpr std::size_t kChecksumCacheMinBytes = std::size_t(1) << 20;
// Entries kept in the cache file; the oldest written go first.
constexpr std::size_t kChecksumCacheMaxEntries = 1000;

}  // namespace sitescreen
