// Shared raster blocks and their segment summaries (see raster_blocks.h).
#include "layers/raster/raster_blocks.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <list>
#include <string>
#include <unordered_map>

namespace sitescreen {
namespace {

std::size_t env_megabytes(const char* name, std::size_t fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    const unsigned long long mb = std::strtoull(v, &end, 10);
    if (end == v || *end != '\0') {
        // Read once (the caches are process-wide): say so rather than ignore it silently.
        std::cerr << "sitescreen: " << name << "='" << v << "' is not a whole number of MB; using " << fallback << "\n";
        return fallback;
    }
    return static_cast<std::size_t>(mb);
}

// Least-recently-used set of shared objects, bounded by their bytes. Dropping
// an object from here frees it once no reader holds it; the blocks' weak
// pointers then expire.
class ByteLru {
public:
    explicit ByteLru(std::size_t budget) : budget_(budget) {}

    void insert(std::shared_ptr<const void> object, std::size_t bytes) {
        std::vector<std::shared_ptr<const void>> dropped;  // freed after the lock is released
        {
            std::lock_guard<std::mutex> lock(mutex_);
            const void* key = object.get();
            if (index_.count(key)) return;
            order_.push_front(Entry{std::move(object), bytes});
            index_.emplace(key, order_.begin());
            used_ += bytes;
            while (used_ > budget_ && order_.size() > 1) {
                Entry& last = order_.back();
                used_ -= last.bytes;
                index_.erase(last.object.get());
                dropped.push_back(std::move(last.object));
                order_.pop_back();
            }
        }
    }

    void touch(const void* key) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = index_.find(key);
        if (it != index_.end()) order_.splice(order_.begin(), order_, it->second);
    }

    void erase(const void* key) {
        std::shared_ptr<const void> dropped;
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = index_.find(key);
        if (it == index_.end()) return;
        used_ -= it->second->bytes;
        dropped = std::move(it->second->object);
        order_.erase(it->second);
        index_.erase(it);
    }

private:
    struct Entry {
        std::shared_ptr<const void> object;
        std::size_t bytes;
    };
    std::mutex mutex_;
    std::list<Entry> order_;
    std::unordered_map<const void*, std::list<Entry>::iterator> index_;
    std::size_t used_ = 0, budget_;
};

ByteLru& cell_cache() {
    static ByteLru lru(raster_cell_cache_bytes());
    return lru;
}

ByteLru& summary_cache() {
    static ByteLru lru(raster_summary_cache_bytes());
    return lru;
}

}  // namespace

std::size_t raster_cell_cache_bytes() {
    static const std::size_t bytes = env_megabytes("SITESCREEN_RASTER_CACHE_MB", 512) << 20;
    return bytes;
}
std::size_t raster_summary_cache_bytes() { return raster_cell_cache_bytes() / 2; }

bool raster_mmap_enabled() {
    static const bool on = [] {
        const char* v = std::getenv("SITESCREEN_RASTER_MMAP");
        return !(v && std::strcmp(v, "0") == 0);
    }();
    return on;
}

std::shared_ptr<const FileMapping> FileMapping::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st {};
    void* p = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);  // the mapping keeps the file
    if (p == MAP_FAILED) return nullptr;
    std::shared_ptr<FileMapping> m(new FileMapping());
    m->data_ = static_cast<const unsigned char*>(p);
    m->size_ = static_cast<std::size_t>(st.st_size);
    return m;
}

FileMapping::~FileMapping() {
    if (data_) ::munmap(const_cast<unsigned char*>(data_), size_);
}

void FileMapping::release(const unsigned char* cells, std::size_t n) const noexcept {
    // The pages the block lies on (a page it shares with a neighbour may be
    // released under the neighbour: that costs only a fault).
    const std::uintptr_t page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
    const std::uintptr_t begin = reinterpret_cast<std::uintptr_t>(cells) & ~(page - 1);
    const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(cells) + n + page - 1) & ~(page - 1);
    std::vector<std::pair<std::uintptr_t, std::size_t>> batch;
    try {
        std::lock_guard<std::mutex> lock(pending_mutex_);
        pending_.emplace_back(begin, end - begin);
        pending_bytes_ += end - begin;
        if (pending_bytes_ < kReleaseBatchBytes) return;
        batch.swap(pending_);
        pending_bytes_ = 0;
    } catch (...) {
        // No memory to note the range: leave its pages mapped (they are clean
        // file pages; the next batch or the unmapping at the end drops them).
        return;
    }
    release_batch(batch);
}

void FileMapping::release_batch(std::vector<std::pair<std::uintptr_t, std::size_t>>& ranges) const noexcept {
    // A read-only shared mapping of a file: the bytes come back from the page
    // cache (or the file) on the next read, unchanged.
    static std::atomic<bool> ranged{true};
    if (ranged.load(std::memory_order_relaxed)) {
        static const int self = static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0));
        constexpr std::size_t kMaxRanges = 1024;  // IOV_MAX
        iovec iov[kMaxRanges];
        bool refused = self < 0;
        for (std::size_t k = 0; k < ranges.size() && !refused; k += kMaxRanges) {
            const std::size_t m = std::min(kMaxRanges, ranges.size() - k);
            for (std::size_t j = 0; j < m; ++j)
                iov[j] = iovec{reinterpret_cast<void*>(ranges[k + j].first), ranges[k + j].second};
            refused = ::syscall(SYS_process_madvise, self, iov, m, MADV_DONTNEED, 0) < 0;
        }
        if (!refused) return;
        ranged.store(false, std::memory_order_relaxed);
    }
    ::madvise(const_cast<unsigned char*>(data_), size_, MADV_DONTNEED);
}

RasterBlocks::~RasterBlocks() {
    // Blocks of this raster still in the caches are of no use to anyone else.
    for (Slot& s : slots_) {
        if (auto c = s.cells.lock()) cell_cache().erase(c.get());
        if (auto m = s.summary.lock()) summary_cache().erase(m.get());
    }
}

void RasterBlocks::set_layout(int blocks_x, int blocks_y) {
    std::call_once(layout_once_, [&] {
        blocks_x_ = blocks_x;
        blocks_y_ = blocks_y;
        slots_.resize(static_cast<std::size_t>(blocks_x) * static_cast<std::size_t>(blocks_y));
    });
}

namespace {

// The object a slot points to if it is still alive, else one made by `make`
// (outside the lock: reading a block takes time) and published, unless
// another thread published one meanwhile: the first stays (both are equal,
// a block's cells and summary being functions of the file alone).
template <typename T, typename Make>
std::shared_ptr<const T> shared_once(std::mutex& mutex, std::weak_ptr<const T>& slot, ByteLru& lru, Make&& make) {
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (auto p = slot.lock()) {
            lru.touch(p.get());
            return p;
        }
    }
    const std::shared_ptr<const T> made = make();  // may throw: nothing is published then
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (auto p = slot.lock()) return p;
        slot = made;
    }
    lru.insert(made, made->bytes());
    return made;
}

}  // namespace

std::shared_ptr<const RasterBlock> RasterBlocks::cells(int bx, int by, BlockLoader& loader) {
    Slot& slot = slots_[static_cast<std::size_t>(by) * blocks_x_ + bx];
    return shared_once(mutex_, slot.cells, cell_cache(), [&] {
        auto block = std::make_shared<RasterBlock>();
        loader.load(bx, by, *block);
        ++loads_;
        if (block->mapping) ++mapped_loads_;
        return std::shared_ptr<const RasterBlock>(std::move(block));
    });
}

std::shared_ptr<const FileMapping> RasterBlocks::file_mapping(const std::string& path) {
    std::call_once(mapping_once_, [&] {
        if (map_files_) mapping_ = FileMapping::open(path);
    });
    return mapping_;
}

std::shared_ptr<const BlockSummary> RasterBlocks::summary(int bx, int by, BlockLoader& loader) {
    Slot& slot = slots_[static_cast<std::size_t>(by) * blocks_x_ + bx];
    // Computed from the cells when first asked for (small buffers never ask).
    return shared_once(mutex_, slot.summary, summary_cache(), [&] {
        const std::shared_ptr<const RasterBlock> c = cells(bx, by, loader);
        auto computed = std::make_shared<BlockSummary>();
        loader.summarise(bx, by, *c, *computed);
        return std::shared_ptr<const BlockSummary>(std::move(computed));
    });
}

}  // namespace sitescreen
