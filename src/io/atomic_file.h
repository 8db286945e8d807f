// Files written under a temporary name and renamed into place only when complete.
#pragma once
#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

namespace sitescreen {

class AtomicFile {
public:
    // Opens `<dir>/.<name>.tmp-<pid>` for writing; commit() renames it to `path`.
    explicit AtomicFile(std::string path, bool binary = true);
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
    // Flushes, fsyncs and renames into place. Throws InputError on failure.
    void commit();
    void discard() noexcept;

private:
    std::string path_, temp_;
    std::ofstream out_;
    std::size_t unsynced_ = 0;  // bytes noted by wrote() since the last writeback request
    bool done_ = false;
};

// Temporary files of the live AtomicFiles, removed by the signal handler on
// SIGINT/SIGTERM (async-signal-safe unlink only).
void register_temp_path(const std::string& p);
void unregister_temp_path(const std::string& p);
void remove_registered_temp_paths() noexcept;

// A temporary path for files produced by libraries that write by name (GDAL):
// write there, then call commit_temp(temp, final).
std::string temp_path_for(const std::string& final_path);
void commit_temp(const std::string& temp, const std::string& final_path);

}  // namespace sitescreen
