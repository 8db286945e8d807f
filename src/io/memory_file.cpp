// A file in GDAL's /vsimem/ file system, unlinked by its destructor.
#include "io/memory_file.h"

#include <cpl_vsi.h>

#include <atomic>
#include <cstring>

#include "core/errors.h"
#include "io/gdal_handles.h"

namespace sitescreen {

MemoryFile::MemoryFile(const std::string& bytes, const std::string& extension) {
    static std::atomic<unsigned long long> counter{0};
    gdal_init();
    path_ = "/vsimem/sitescreen-" + std::to_string(counter.fetch_add(1)) + extension;
    // GDAL owns (and frees) the copy: the caller's string may go before the file does.
    auto* copy = static_cast<GByte*>(VSIMalloc(bytes.size() + 1));
    if (!copy) throw InputError("out of memory for a request of " + std::to_string(bytes.size()) + " bytes");
    std::memcpy(copy, bytes.data(), bytes.size());
    copy[bytes.size()] = 0;
    VSILFILE* f = VSIFileFromMemBuffer(path_.c_str(), copy, bytes.size(), TRUE);
    if (!f) {
        VSIFree(copy);
        throw InputError("cannot hold the request in memory");
    }
    VSIFCloseL(f);
}

MemoryFile::~MemoryFile() { VSIUnlink(path_.c_str()); }

}  // namespace sitescreen
