// A file held in GDAL's memory file system (/vsimem/), removed when its owner goes: request bodies
// that GDAL reads (GeoJSON sites sent to `sitescreen serve`) never touch the disk.
#pragma once
#include <string>

namespace sitescreen {

class MemoryFile {
public:
    // Copies `bytes` to a fresh /vsimem/ path ending in `extension` (".geojson"), so that GDAL
    // picks the driver by name as it does for a file on disk.
    MemoryFile(const std::string& bytes, const std::string& extension);
    ~MemoryFile();
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace sitescreen
