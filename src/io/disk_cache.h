// A folder of cached results, each file holding the key it was made from (docs/layers.md, "Checksums").
//
// What sitescreen caches between runs (the portfolio's admin outline, each vector layer as loaded)
// is derived from data that can change, by code that can change. So an entry is found by the
// SHA-256 of its key, a text naming everything it was made from (the tool's build, the data's
// checksums, the settings), and is used only when the key stored in the file is the same, byte
// for byte. A cache never makes a run fail: an entry that cannot be read is a miss, one that
// cannot be written is left out.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <ostream>
#include <optional>
#include <string>
#include <string_view>

namespace sitescreen {

class DiskCache {
public:
    // Entries in `folder` named <sha256 of the key><extension>; at most `max_files` of them
    // are kept, the least recently used going first. `folder` "" is a cache that holds nothing.
    DiskCache(std::string folder, std::string extension, std::size_t max_files);

    // The payload stored under `key`, or nullopt. A hit marks the entry as used now.
    std::optional<std::string> get(const std::string& key) const;
    // Calls `use` with the payload stored under `key`, mapped from the file (valid during the
    // call only), and returns what it returns: false on a miss, or when `use` refuses the bytes.
    // Large entries are read this way without a copy.
    bool visit(const std::string& key, const std::function<bool(std::string_view)>& use) const;
    // Stores the payload under `key` (written under a temporary name and renamed into place,
    // so a reader never sees part of it). Errors are swallowed: a cache is an optimisation.
    void put(const std::string& key, std::string_view payload) const noexcept;
    // The same, the payload written by `write` straight into the file.
    void put(const std::string& key, const std::function<void(std::ostream&)>& write) const noexcept;

    // An entry's file mapped into memory: `payload` is valid while the object lives.
    struct Mapping {
        Mapping() = default;
        Mapping(const Mapping&) = delete;
        Mapping& operator=(const Mapping&) = delete;
        ~Mapping();
        void* base = nullptr;
        std::size_t size = 0;
        std::string_view payload;
    };
    // The entry stored under `key`, mapped (its pages read when first touched, or all at once
    // with `populate`), or nullptr on a miss. A hit marks the entry as used now.
    std::shared_ptr<const Mapping> map(const std::string& key, bool populate = false) const;

    bool enabled() const { return !folder_.empty(); }
    const std::string& folder() const { return folder_; }
    // The file that holds `key`'s entry ("" when the cache is off).
    std::string file_of(const std::string& key) const;

    // The folder `name` beside the checksum cache file (checksum_cache_file(), io/checksum.h):
    // "" when that cache is off (SITESCREEN_CHECKSUM_CACHE=off).
    static std::string folder_beside_checksums(const std::string& name);
    // Whether the environment variable `name` (e.g. SITESCREEN_LAYER_CACHE) is "off" or "0".
    static bool switched_off_by(const char* name);

private:
    std::string folder_, extension_;
    std::size_t max_files_;
};

}  // namespace sitescreen
