// Dataset checksums with OpenSSL's SHA-256, and the stat-keyed cache of them.
#include "io/checksum.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "core/errors.h"
#include "io/atomic_file.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

struct MdFree {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using MdPtr = std::unique_ptr<EVP_MD_CTX, MdFree>;

MdPtr sha256_context() {
    MdPtr ctx(EVP_MD_CTX_new());
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    return ctx;
}

std::string hex_final(EVP_MD_CTX* ctx) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

void feed(EVP_MD_CTX* ctx, const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw InputError(p.string() + ": cannot be read for its checksum");
    std::array<char, 1 << 16> buf;
    while (in) {
        in.read(buf.data(), buf.size());
        if (in.gcount() > 0) EVP_DigestUpdate(ctx, buf.data(), static_cast<std::size_t>(in.gcount()));
    }
}

std::string hex_digest(const std::vector<fs::path>& files) {
    MdPtr ctx = sha256_context();
    for (const auto& f : files) feed(ctx.get(), f);
    return hex_final(ctx.get());
}

char ascii_lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// The files of a dataset in path order; false when the path is not a local file or folder.
bool dataset_files(const std::string& path, std::vector<fs::path>& files) {
    std::error_code ec;
    const fs::path p(path);
    if (!fs::exists(p, ec)) return false;
    if (fs::is_directory(p, ec)) {
        for (const auto& e : fs::recursive_directory_iterator(p, ec))
            if (e.is_regular_file()) files.push_back(e.path());
    } else {
        std::string ext = p.extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), ascii_lower);
        if (ext == ".shp") {
            for (const char* side : {".shp", ".shx", ".dbf", ".prj", ".cpg"}) {
                fs::path q = p;
                q.replace_extension(side);
                if (fs::exists(q, ec)) files.push_back(q);
            }
        } else {
            files.push_back(p);
            fs::path aux = p;
            aux += ".aux.xml";
            if (fs::exists(aux, ec)) files.push_back(aux);
        }
    }
    std::sort(files.begin(), files.end());
    return true;
}

// ---------------------------------------------------------------- the cache
//
// One text file, one dataset per line, oldest first:
//   1 <TAB> dataset <TAB> sha256 <TAB> n <TAB> n x (path size mtime_ns ctime_ns inode device) <TAB> check
// where check is the first 16 hex digits of the SHA-256 of everything before
// it, so that a damaged line is never taken for a valid one. Paths are
// absolute and weakly canonical. Lines that do not parse are ignored and
// dropped at the next write.

constexpr const char* kMagic = "# sitescreen checksum cache";
constexpr const char* kHeader =
    "# sitescreen checksum cache, format 1 (docs/layers.md). One dataset a line: 1, dataset, sha256, n files, "
    "n x (path, size, mtime_ns, ctime_ns, inode, device), check. Safe to delete.\n";
constexpr const char* kFormat = "1";
// A larger file is not ours or is damaged: read as empty, replaced at the next write.
constexpr long long kMaxCacheFileBytes = 64LL << 20;

// One file of a dataset as stat() saw it.
struct FileStamp {
    std::string path;  // absolute, weakly canonical
    long long size = 0, mtime_ns = 0, ctime_ns = 0;
    unsigned long long inode = 0, device = 0;
    bool operator==(const FileStamp& o) const {
        return path == o.path && size == o.size && mtime_ns == o.mtime_ns && ctime_ns == o.ctime_ns &&
               inode == o.inode && device == o.device;
    }
};

long long ns_of(const timespec& t) { return static_cast<long long>(t.tv_sec) * 1000000000LL + t.tv_nsec; }

long long now_ns() {
    timespec t{};
    clock_gettime(CLOCK_REALTIME, &t);
    return ns_of(t);
}

// Absolute, weakly canonical; "" when that fails or the path cannot be
// written on a line of the cache.
std::string cache_path_of(const fs::path& p) {
    std::error_code ec;
    const fs::path abs = fs::absolute(p, ec);
    if (ec) return "";
    const fs::path canonical = fs::weakly_canonical(abs, ec);
    if (ec || !canonical.is_absolute()) return "";
    std::string s = canonical.string();
    if (s.find_first_of("\t\n\r") != std::string::npos) return "";
    return s;
}

// The stamps of every file of a dataset; false when one cannot be had.
bool stamp_all(const std::vector<fs::path>& files, std::vector<FileStamp>& out) {
    out.clear();
    for (const fs::path& f : files) {
        FileStamp s;
        s.path = cache_path_of(f);
        struct stat st {};
        if (s.path.empty() || ::stat(s.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
        s.size = static_cast<long long>(st.st_size);
        s.mtime_ns = ns_of(st.st_mtim);
        s.ctime_ns = ns_of(st.st_ctim);
        s.inode = static_cast<unsigned long long>(st.st_ino);
        s.device = static_cast<unsigned long long>(st.st_dev);
        out.push_back(std::move(s));
    }
    return !out.empty();
}

// A file changed within one timestamp tick before the hashing started could
// change again during or after it with the very same stat (git's "racily
// clean" entries). Such datasets are not cached: they are hashed again next
// time. Local file systems stamp to a clock tick (at most 10 ms); timestamps
// in whole seconds (FAT, ext4 with small inodes) get a wider margin.
bool settled(const std::vector<FileStamp>& files, long long started_ns) {
    for (const FileStamp& f : files) {
        const bool whole_seconds = f.mtime_ns % 1000000000LL == 0 || f.ctime_ns % 1000000000LL == 0;
        const long long margin = whole_seconds ? 2500000000LL : 50000000LL;
        if (std::max(f.mtime_ns, f.ctime_ns) > started_ns - margin) return false;
    }
    return true;
}

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', start);
        out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) return out;
        start = tab + 1;
    }
}

template <class T>
bool parse_int(const std::string& s, T& out) {
    if (s.empty()) return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool is_sha256_hex(const std::string& s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

struct CacheEntry {
    std::string dataset, sha256;
    std::vector<FileStamp> files;
    std::string line;  // as read, for rewriting unchanged
};

std::string entry_line(const std::string& dataset, const std::string& sha256, const std::vector<FileStamp>& files) {
    std::string s = std::string(kFormat) + '\t' + dataset + '\t' + sha256 + '\t' + std::to_string(files.size());
    for (const FileStamp& f : files)
        s += '\t' + f.path + '\t' + std::to_string(f.size) + '\t' + std::to_string(f.mtime_ns) + '\t' +
             std::to_string(f.ctime_ns) + '\t' + std::to_string(f.inode) + '\t' + std::to_string(f.device);
    return s + '\t' + sha256_hex(s).substr(0, 16);
}

bool parse_entry(const std::string& line, CacheEntry& e) {
    const std::vector<std::string> f = split_tabs(line);
    if (f.size() < 11 || (f.size() - 5) % 6 != 0) return false;
    const std::string& check = f.back();
    if (check.size() != 16 || sha256_hex(line.substr(0, line.size() - 17)).compare(0, 16, check) != 0) return false;
    std::size_t n = 0;
    if (f[0] != kFormat || !parse_int(f[3], n) || n != (f.size() - 5) / 6) return false;
    if (f[1].empty() || f[1][0] != '/' || !is_sha256_hex(f[2])) return false;
    e.dataset = f[1];
    e.sha256 = f[2];
    e.files.clear();
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t k = 4 + 6 * i;
        FileStamp s;
        s.path = f[k];
        if (s.path.empty() || s.path[0] != '/' || !parse_int(f[k + 1], s.size) || !parse_int(f[k + 2], s.mtime_ns) ||
            !parse_int(f[k + 3], s.ctime_ns) || !parse_int(f[k + 4], s.inode) || !parse_int(f[k + 5], s.device))
            return false;
        e.files.push_back(std::move(s));
    }
    e.line = line;
    return true;
}

struct CacheLocation {
    std::string file;            // "" when there is no cache
    bool explicit_path = false;  // named by SITESCREEN_CHECKSUM_CACHE: problems are reported
};

CacheLocation cache_location() {
    if (const char* v = std::getenv("SITESCREEN_CHECKSUM_CACHE")) {
        std::string lower = v;
        std::transform(lower.begin(), lower.end(), lower.begin(), ascii_lower);
        if (lower.empty() || lower == "off" || lower == "0") return {};
        return {v, true};
    }
    // XDG: a relative XDG_CACHE_HOME is invalid and ignored.
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/')
        return {(fs::path(xdg) / "sitescreen" / "checksums.tsv").string(), false};
    if (const char* home = std::getenv("HOME"); home && *home)
        return {(fs::path(home) / ".cache" / "sitescreen" / "checksums.tsv").string(), false};
    return {};
}

// Serialises this process's reads and read-merge-writes of the cache file.
std::mutex& cache_mutex() {
    static std::mutex m;
    return m;
}

// One line on stderr per cache file, and only for a file the user named;
// called with cache_mutex held.
void warn(const CacheLocation& loc, const std::string& why) {
    static std::set<std::string> warned;
    if (!loc.explicit_path || !warned.insert(loc.file).second) return;
    std::cerr << "sitescreen: checksum cache " << loc.file << ": " << why
              << " (layer checksums are computed, not cached)\n";
}

// The cache's valid entries, oldest first. False with `why` when the file
// exists but cannot be read; a missing file is an empty cache. `ours` tells
// whether the file may be replaced: missing, empty or starting with kMagic.
bool read_cache(const std::string& file, std::vector<CacheEntry>& out, bool& ours, std::string& why) {
    out.clear();
    ours = false;
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            ours = true;
            return true;
        }
        why = std::string("cannot be read: ") + std::strerror(errno);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        why = "is not a regular file";
        return false;
    }
    if (st.st_size == 0) {
        ours = true;
        return true;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        why = std::string("cannot be read: ") + std::strerror(errno);
        return false;
    }
    std::string head(std::strlen(kMagic), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    ours = in.gcount() == static_cast<std::streamsize>(head.size()) && head == kMagic;
    if (st.st_size > kMaxCacheFileBytes) return true;
    in.clear();
    in.seekg(0);
    std::string line;
    while (std::getline(in, line)) {
        if (in.eof()) break;  // no newline: cut short by something other than us
        if (line.empty() || line[0] == '#') continue;
        CacheEntry e;
        if (parse_entry(line, e)) out.push_back(std::move(e));
    }
    if (in.bad()) {
        why = "cannot be read: input/output error";
        return false;
    }
    return true;
}

// Replaces the cache file atomically (io/atomic_file.h: a temporary sibling,
// fsynced, renamed over it): readers see the old file or the new one, never
// a torn one. False with `why` on failure.
bool write_cache(const std::string& file, const std::vector<std::string>& lines, std::string& why) {
    const fs::path target(file);
    std::error_code ec;
    if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
    if (ec) {
        why = "cannot create folder " + target.parent_path().string() + ": " + ec.message();
        return false;
    }
    try {
        AtomicFile out(file);
        out.stream() << kHeader;
        for (const std::string& l : lines) out.stream() << l << '\n';
        out.commit();
    } catch (const std::exception& e) {
        why = e.what();
        if (why.rfind(file + ": ", 0) == 0) why.erase(0, file.size() + 2);  // warn() names the file
        return false;
    }
    return true;
}

std::optional<std::string> cache_lookup(const CacheLocation& loc, const std::string& dataset,
                                        const std::vector<FileStamp>& files) {
    std::lock_guard<std::mutex> lock(cache_mutex());
    std::vector<CacheEntry> entries;
    bool ours = false;
    std::string why;
    if (!read_cache(loc.file, entries, ours, why)) warn(loc, why);
    for (auto it = entries.rbegin(); it != entries.rend(); ++it)
        if (it->dataset == dataset) {
            if (it->files == files) return it->sha256;
            break;
        }
    return std::nullopt;
}

// Adds or replaces the dataset's entry, merged with the file as it is now
// (another process may have written it since our lookup; of two concurrent
// writers one entry may be lost, which costs a hash next time).
void cache_store(const CacheLocation& loc, const std::string& dataset, const std::string& sha256,
                 const std::vector<FileStamp>& files) {
    std::lock_guard<std::mutex> lock(cache_mutex());
    std::vector<CacheEntry> entries;
    bool ours = false;
    std::string why;
    if (!read_cache(loc.file, entries, ours, why)) {
        warn(loc, why);
        return;
    }
    // Never overwrite a file the user named that is not a cache (a wrong path).
    if (!ours && loc.explicit_path) {
        warn(loc, "is not a sitescreen checksum cache, left as it is");
        return;
    }
    std::vector<std::string> lines;
    for (CacheEntry& e : entries)
        if (e.dataset != dataset) lines.push_back(std::move(e.line));
    lines.push_back(entry_line(dataset, sha256, files));
    if (lines.size() > kChecksumCacheMaxEntries)
        lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(kChecksumCacheMaxEntries));
    if (!write_cache(loc.file, lines, why)) warn(loc, why);
}

}  // namespace

std::string sha256_hex(std::string_view text) {
    MdPtr ctx = sha256_context();
    EVP_DigestUpdate(ctx.get(), text.data(), text.size());
    return hex_final(ctx.get());
}

std::string sha256_file(const std::string& path) { return hex_digest({fs::path(path)}); }

std::string checksum_cache_file() { return cache_location().file; }

namespace {

// One entry per dataset this process has asked about: at start-up the loaded-layer caches' keys
// and run.json's checksums both ask for a layer's digest, on different threads. The second asker
// waits for the first (the lock is held while hashing), so no dataset is read twice at once. A
// dataset too small for the checksum cache keeps its digest here, taken by a later asker when the
// files' stamps still match and the files had settled when they were read (the rule of the
// checksum cache); a larger one is found by the later asker in the checksum cache, as "cache".
// Kept only while a checksum cache is configured: "off" means every checksum is computed.
struct HashedHere {
    std::mutex mutex;
    std::vector<FileStamp> stamps;  // of a small dataset
    std::string sha256;
};

HashedHere& hashed_here(const std::string& dataset) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<HashedHere>> by_dataset;
    std::lock_guard<std::mutex> lock(mutex);
    std::unique_ptr<HashedHere>& entry = by_dataset[dataset];
    if (!entry) entry = std::make_unique<HashedHere>();
    return *entry;
}

// dataset_checksum; with `read_large` false, nullopt instead of reading a dataset of
// kChecksumCacheMinBytes or more whose digest is neither in this process's memo nor in the cache.
std::optional<DatasetChecksum> checksum_of(const std::string& path, bool read_large) {
    std::vector<fs::path> files;
    if (!dataset_files(path, files)) return DatasetChecksum{};
    // Taken before the files are looked at: what changes after this is caught
    // by the stat comparison or by settled().
    const long long started_ns = now_ns();
    const CacheLocation loc = cache_location();
    std::string dataset;
    std::vector<FileStamp> before;
    bool cacheable = false, large = false;
    HashedHere* here = nullptr;
    std::unique_lock<std::mutex> hold;
    if (!loc.file.empty()) {
        try {
            dataset = cache_path_of(path);
            if (!dataset.empty() && stamp_all(files, before)) {
                long long bytes = 0;
                for (const FileStamp& s : before) bytes += s.size;
                cacheable = large = bytes >= static_cast<long long>(kChecksumCacheMinBytes);
                here = &hashed_here(dataset);
                hold = std::unique_lock<std::mutex>(here->mutex);
                if (!cacheable && !here->sha256.empty() && here->stamps == before)
                    return DatasetChecksum{here->sha256, false};
                if (cacheable)
                    if (std::optional<std::string> hit = cache_lookup(loc, dataset, before))
                        return DatasetChecksum{*hit, true};
            }
        } catch (const std::exception&) {
            cacheable = false;  // the cache never makes a run fail
        }
    }
    if (!read_large) {
        if (large) return std::nullopt;
        if (before.empty()) {  // not stamped above (no cache): sized here
            std::error_code ec;
            std::uintmax_t bytes = 0;
            for (const fs::path& f : files) bytes += fs::file_size(f, ec);
            if (ec || bytes >= kChecksumCacheMinBytes) return std::nullopt;
        }
    }
    DatasetChecksum out{hex_digest(files), false};
    if (here) {
        try {
            // Kept only when nothing changed while the files were read.
            std::vector<FileStamp> after;
            if (stamp_all(files, after) && after == before && settled(before, started_ns)) {
                if (cacheable) {
                    cache_store(loc, dataset, out.sha256, before);
                } else {
                    here->stamps = before;
                    here->sha256 = out.sha256;
                }
            }
        } catch (const std::exception&) {
        }
    }
    return out;
}

}  // namespace

DatasetChecksum dataset_checksum(const std::string& path) { return *checksum_of(path, /*read_large=*/true); }

std::string known_dataset_sha256(const std::string& path) {
    const std::optional<DatasetChecksum> c = checksum_of(path, /*read_large=*/false);
    return c ? c->sha256 : std::string();
}

std::string dataset_sha256(const std::string& path) { return dataset_checksum(path).sha256; }

}  // namespace sitescreen
