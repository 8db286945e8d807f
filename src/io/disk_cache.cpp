// A folder of cached results keyed by the SHA-256 of what they were made from (disk_cache.h).
#include "io/disk_cache.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "io/atomic_file.h"
#include "io/checksum.h"

namespace fs = std::filesystem;

namespace sitescreen {

DiskCache::DiskCache(std::string folder, std::string extension, std::size_t max_files)
    : folder_(std::move(folder)), extension_(std::move(extension)), max_files_(std::max<std::size_t>(1, max_files)) {}

std::string DiskCache::folder_beside_checksums(const std::string& name) {
    const std::string file = checksum_cache_file();
    if (file.empty()) return "";
    return (fs::path(file).parent_path() / name).string();
}

bool DiskCache::switched_off_by(const char* name) {
    const char* v = std::getenv(name);
    return v && (std::strcmp(v, "off") == 0 || std::strcmp(v, "0") == 0);
}

std::string DiskCache::file_of(const std::string& key) const {
    if (folder_.empty()) return "";
    return (fs::path(folder_) / (sha256_hex(key) + extension_)).string();
}

DiskCache::Mapping::~Mapping() {
    if (base) ::munmap(base, size);
}

// The file: the key's length in decimal and a newline, the key, then the payload.
std::shared_ptr<const DiskCache::Mapping> DiskCache::map(const std::string& key, bool populate) const {
    const std::string path = file_of(key);
    if (path.empty()) return nullptr;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st {};
    const bool sized = ::fstat(fd, &st) == 0 && st.st_size > 0;
    void* base = sized ? ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ,
                                MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0)
                       : MAP_FAILED;
    ::close(fd);
    if (base == MAP_FAILED) return nullptr;
    auto m = std::make_shared<Mapping>();
    m->base = base;
    m->size = static_cast<std::size_t>(st.st_size);
    const std::string_view bytes(static_cast<const char*>(base), m->size);
    const std::string head = std::to_string(key.size()) + "\n";
    if (bytes.size() < head.size() + key.size() || bytes.substr(0, head.size()) != head ||
        bytes.substr(head.size(), key.size()) != key)
        return nullptr;
    m->payload = bytes.substr(head.size() + key.size());
    std::error_code ec;
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // used: kept longest
    return m;
}

bool DiskCache::visit(const std::string& key, const std::function<bool(std::string_view)>& use) const {
    const auto m = map(key, true);
    if (!m) return false;
    try {
        return use(m->payload);
    } catch (const std::exception&) {
        return false;
    }
}

std::optional<std::string> DiskCache::get(const std::string& key) const {
    std::optional<std::string> out;
    visit(key, [&](std::string_view payload) {
        out.emplace(payload);
        return true;
    });
    return out;
}

void DiskCache::put(const std::string& key, std::string_view payload) const noexcept {
    put(key, [payload](std::ostream& out) { out.write(payload.data(), static_cast<std::streamsize>(payload.size())); });
}

void DiskCache::put(const std::string& key, const std::function<void(std::ostream&)>& write) const noexcept {
    const std::string path = file_of(key);
    if (path.empty()) return;
    try {
        fs::create_directories(folder_);
        AtomicFile f(path, true, Durability::AtFolderSync);  // a cache: losing it costs a recomputation
        f.stream() << key.size() << '\n' << key;
        write(f.stream());
        f.commit();
        std::vector<std::pair<fs::file_time_type, fs::path>> files;
        for (const auto& e : fs::directory_iterator(folder_))
            if (e.is_regular_file() && e.path().extension() == extension_)
                files.emplace_back(e.last_write_time(), e.path());
        if (files.size() > max_files_) {
            std::sort(files.begin(), files.end());
            for (std::size_t i = 0; i + max_files_ < files.size(); ++i) {
                std::error_code ec;
                fs::remove(files[i].second, ec);
            }
        }
    } catch (...) {
        // A read-only or full cache folder: the run goes on without the entry.
    }
}

}  // namespace sitescreen
