// Files written under a temporary name and renamed into place only when complete.
#pragma once
#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

namespace sitescreen {

// When a committed file is made durable: at once (fsync of the file and its folder), or by one
// sync_folder() for a folder of many small files (the per-site reports), which costs two fsyncs a
// file otherwise. Either way a reader never sees a partial file: it appears by rename, complete.
enum class Durability { Now, AtFolderSync };

class AtomicFile {
public:
    // Opens `<dir>/.<name>.tmp-<pid>` for writing; commit() renames it to `path`.
    explicit AtomicFile(std::string path, bool binary = true, Durability durability = Durability::Now);
    ~AtomicFile();  // removes the temporary file unless committed
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    std::ofstream& stream() { return out_; }
    // Tells the file that n more bytes went into stream(). Every
    // kWritebackBytes the kernel is asked to start writing the file out
    // (sync_file_range), so that commit()'s fsync waits only for the last
    // of it: a large file's fsync was 4% of a short run, serial at its end.
    void wrote(std::size_t n);
    static constexpr std::size_t kWritebackBytes = std::size_t{8} << 20;
    const std::string& temp_path() const { return temp_; }
    const std::string& path() const { return path_; }
    // Flushes, fsyncs (Durability::Now) and renames into place. Throws InputError on failure.
    void commit();
    void discard() noexcept;

private:
    std::string path_, temp_;
    std::ofstream out_;
    std::size_t unsynced_ = 0;  // bytes noted by wrote() since the last writeback request
    bool done_ = false;
    Durability durability_ = Durability::Now;
};

// Makes every file committed under `dir` with Durability::AtFolderSync durable: syncs the file
// system that holds it (syncfs), then the folder itself. Throws InputError when the sync fails
// (e.g. a write-back error: the disk filled after the files were written).
void sync_folder(const std::string& dir);

// Temporary files of the live AtomicFiles, removed by the signal handler on
// SIGINT/SIGTERM (async-signal-safe unlink only).
void register_temp_path(const std::string& p);
void unregister_temp_path(const std::string& p);
void remove_registered_temp_paths() noexcept;

// A temporary path for files produced by libraries that write by name (GDAL):
// write there, then call commit_temp(temp, final).
std::string temp_path_for(const std::string& final_path);
void commit_temp(const std::string& temp, const std::string& final_path, Durability durability = Durability::Now);

}  // namespace sitescreen
