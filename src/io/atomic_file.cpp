// Atomic output: write to a temporary sibling, fsync, rename.
#include "io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <map>
#include <mutex>
#include <set>

#include "core/errors.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

// A fixed table so that the signal handler can walk it without allocating.
constexpr int kMaxTemps = 64;
char g_temps[kMaxTemps][4096];
volatile int g_used[kMaxTemps];
std::mutex g_mutex;

void fsync_path(const std::string& p) {
    const int fd = ::open(p.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

void register_temp_path(const std::string& p) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (p.size() >= sizeof(g_temps[0])) return;
    for (int i = 0; i < kMaxTemps; ++i) {
        if (!g_used[i]) {
            std::memcpy(g_temps[i], p.c_str(), p.size() + 1);
            g_used[i] = 1;
            return;
        }
    }
}

void unregister_temp_path(const std::string& p) {
    std::lock_guard<std::mutex> lock(g_mutex);
    for (int i = 0; i < kMaxTemps; ++i)
        if (g_used[i] && p == g_temps[i]) g_used[i] = 0;
}

void remove_registered_temp_paths() noexcept {
    for (int i = 0; i < kMaxTemps; ++i)
        if (g_used[i]) ::unlink(g_temps[i]);
}

std::string temp_path_for(const std::string& final_path) {
    const fs::path p(final_path);
    const std::string t =
        (p.parent_path() / ("." + p.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
    register_temp_path(t);
    return t;
}

namespace {

// Folders with files committed under Durability::AtFolderSync: true while one of them waits for
// sync_folder(). The PNG, Markdown, HTML and PDF writers each sync sites/ when they finish; the
// first sync makes all of them durable and the others find nothing waiting (one syncfs flushes
// the whole file system: on a busy machine each extra one waits for other processes' writes).
// The writers finish side by side (finish_writers), so one may ask while another syncs: it waits
// for that sync (g_folders_syncing, g_folder_synced) rather than return before its files are
// durable.
std::mutex g_folders_mutex;
std::map<std::string, bool> g_folder_pending;
std::set<std::string> g_folders_syncing;
std::condition_variable g_folder_synced;

std::string folder_key(const fs::path& dir) {
    std::string k = (dir.empty() ? fs::path(".") : dir).lexically_normal().string();
    while (k.size() > 1 && k.back() == '/') k.pop_back();
    return k;
}

void folder_has_pending(const fs::path& dir) {
    std::lock_guard<std::mutex> lock(g_folders_mutex);
    if (g_folder_pending.size() > 4096)  // a long-lived service: forget the folders already synced
        for (auto it = g_folder_pending.begin(); it != g_folder_pending.end();)
            it = it->second ? std::next(it) : g_folder_pending.erase(it);
    g_folder_pending[folder_key(dir)] = true;
}

}  // namespace

void commit_temp(const std::string& temp, const std::string& final_path, Durability durability) {
    if (durability == Durability::Now) fsync_path(temp);
    if (std::rename(temp.c_str(), final_path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temp.c_str());
        unregister_temp_path(temp);
        throw InputError(final_path + ": cannot be written (" + why + ")");
    }
    unregister_temp_path(temp);
    if (durability != Durability::Now) {
        folder_has_pending(fs::path(final_path).parent_path());
        return;
    }
    const fs::path parent = fs::path(final_path).parent_path();
    fsync_path(parent.empty() ? "." : parent.string());
}

void sync_folder(const std::string& dir) {
    const std::string key = folder_key(dir);
    {
        std::unique_lock<std::mutex> lock(g_folders_mutex);
        g_folder_synced.wait(lock, [&] { return g_folders_syncing.count(key) == 0; });
        // Nothing committed there since its last sync: already durable.
        auto it = g_folder_pending.find(key);
        if (it != g_folder_pending.end() && !it->second) return;
        g_folder_pending[key] = false;  // a file committed during the sync marks it again
        g_folders_syncing.insert(key);
    }
    bool ok = false;
    // However this ends: the folder is no longer being synced, and pending again unless it worked.
    struct Done {
        const std::string& key;
        const bool& ok;
        ~Done() {
            {
                std::lock_guard<std::mutex> lock(g_folders_mutex);
                g_folders_syncing.erase(key);
                if (!ok) g_folder_pending[key] = true;  // the next call tries again
            }
            g_folder_synced.notify_all();
        }
    } done{key, ok};
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw InputError(dir + ": cannot be opened to sync its files (" + std::strerror(errno) + ")");
    // From Linux 5.8 syncfs also reports files of the file system whose write-back failed; before,
    // only the folder's own fsync can fail here.
    ok = ::syncfs(fd) == 0 && ::fsync(fd) == 0;
    const std::string why = ok ? "" : std::strerror(errno);
    ::close(fd);
    if (!ok) throw InputError(dir + ": its files could not be written to disk (" + why + ")");
}

AtomicFile::AtomicFile(std::string path, bool binary, Durability durability)
    : path_(std::move(path)), durability_(durability) {
    temp_ = temp_path_for(path_);
    out_.open(temp_, binary ? std::ios::out | std::ios::binary | std::ios::trunc : std::ios::out | std::ios::trunc);
    if (!out_) {
        unregister_temp_path(temp_);
        throw InputError(path_ + ": cannot be written (" + std::strerror(errno) + ")");
    }
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::wrote(std::size_t n) {
    unsynced_ += n;
    if (unsynced_ < kWritebackBytes || done_) return;
    unsynced_ = 0;
    out_.flush();
    // Any descriptor of the file will do; only a hint, so failures are ignored
    // (commit()'s fsync is what makes the file durable).
    const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    ::close(fd);
}

void AtomicFile::commit() {
    if (done_) return;
    out_.flush();
    if (!out_) throw InputError(path_ + ": write failed (disk full?)");
    out_.close();
    done_ = true;
    commit_temp(temp_, path_, durability_);
}

void AtomicFile::discard() noexcept {
    if (done_) return;
    done_ = true;
    out_.close();
    ::unlink(temp_.c_str());
    unregister_temp_path(temp_);
}

}  // namespace sitescreen
