// Raster blocks shared by every thread's reader of one raster (docs/raster.md,
// "Blocks and segment sums"):
//
// - the cells of recently used blocks, read once with the block's natural
//   layout (a GeoTIFF tile or strip) and kept in a process-wide cache bounded
//   in bytes, so that neighbouring sites and all threads share one copy;
// - for blocks a buffer covers whole segments of, per-row segment summaries
//   (valid count, sum, min, max; or class counts) over runs of
//   kSegmentCells columns, computed from the cells when first needed, so
//   that the whole cells inside a buffer are added a segment at a time
//   without touching the cells (a second cache, also bounded in bytes).
//
// Which cells go through a segment summary depends only on the buffer's
// geometry, never on what happens to be cached: results are the same on any
// thread count and in any order.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sitescreen {

// Columns per segment summary (within a block: a block's last segment may be shorter).
constexpr int kSegmentCells = 64;
// A categorical block with more distinct classes than this has no class counts
// (its cells are then visited one by one).
constexpr std::size_t kMaxBlockClasses = 16;

// A read-only map of a whole raster file, shared by the blocks that point
// into it. An uncompressed GeoTIFF's tiles or strips are its cells as they
// lie in the file: such blocks are not copied out of the page cache, only
// mapped (docs/raster.md, "Blocks and segment sums").
class FileMapping {
public:
    // The file mapped, or null when it cannot be (not a regular local file, an
    // empty one, mmap refused).
    static std::shared_ptr<const FileMapping> open(const std::string& path);
    ~FileMapping();
    FileMapping(const FileMapping&) = delete;
    FileMapping& operator=(const FileMapping&) = delete;

    const unsigned char* data() const { return data_; }
    std::size_t size() const { return size_; }
    // The block of n bytes at `cells` left the cache. Its pages are unmapped
    // from this process in batches of kReleaseBatchBytes (they stay in the
    // page cache; a block that is read again maps them again), so that mapped
    // blocks count in the resident memory about as much as read ones.
    //
    // A batch is one process_madvise(MADV_DONTNEED) call over the ranges of
    // the blocks that left: one call, because each call interrupts every
    // thread of the process to flush its TLB (per block that cost a third of
    // the CPU on two threads), and only those ranges, because the blocks still
    // in the cache are the ones about to be read again. Where the kernel
    // refuses process_madvise on its own process (before Linux 6.13), the
    // whole file is unmapped instead, which costs refaulting the cached
    // blocks: a tenth of a raster run at 10 km.
    void release(const unsigned char* cells, std::size_t n) const noexcept;
    static constexpr std::size_t kReleaseBatchBytes = std::size_t{128} << 20;

private:
    FileMapping() = default;
    void release_batch(std::vector<std::pair<std::uintptr_t, std::size_t>>& ranges) const noexcept;
    const unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
    mutable std::mutex pending_mutex_;
    mutable std::vector<std::pair<std::uintptr_t, std::size_t>> pending_;  // page-aligned ranges left, not yet released
    mutable std::size_t pending_bytes_ = 0;
};

// Cells of one block in the reader's data type, row-major, block_w x block_h
// (cells beyond the raster's edge in its last row or column of blocks are not
// meaningful and never read). Either read into memory of its own, or mapped
// from the file; mapped cells need not be aligned for their type.
struct RasterBlock {
    const unsigned char* cells = nullptr;
    std::size_t size = 0;                        // bytes of cells
    std::unique_ptr<unsigned char[]> owned;      // read cells (not zeroed: the read fills them)
    std::shared_ptr<const FileMapping> mapping;  // or the file they lie in
    RasterBlock() = default;
    RasterBlock(const RasterBlock&) = delete;
    RasterBlock& operator=(const RasterBlock&) = delete;
    ~RasterBlock() {
        if (mapping) mapping->release(cells, size);
    }
    std::size_t bytes() const { return sizeof(*this) + size; }
};

// Per-row segment summaries of one block.
struct BlockSummary {
    int segments = 0;                   // per block row
    std::vector<unsigned char> stats;   // continuous: SegmentStats<T>[row * segments + k] (raster_layer.cpp)
    bool has_classes = false;           // categorical: class counts present
    std::vector<long long> classes;     // categorical: classes of the valid cells, ascending
    std::vector<unsigned char> counts;  // categorical: [(row * segments + k) * classes.size() + j]
    std::size_t bytes() const {
        return sizeof(*this) + stats.size() + counts.size() + classes.size() * sizeof(long long);
    }
};

// Reads a block and summarises it, through a reader's own GDAL handle.
class BlockLoader {
public:
    virtual ~BlockLoader() = default;
    virtual void load(int bx, int by, RasterBlock& block) = 0;
    virtual void summarise(int bx, int by, const RasterBlock& block, BlockSummary& summary) = 0;
};

// False when SITESCREEN_RASTER_MMAP is 0 (blocks are then always read).
bool raster_mmap_enabled();

// The blocks of one raster. Thread-safe; loads happen on the calling thread,
// through its loader, outside any lock.
class RasterBlocks {
public:
    // map_files: whether blocks may be mapped from the file (file_mapping()).
    explicit RasterBlocks(bool map_files = raster_mmap_enabled()) : map_files_(map_files) {}
    ~RasterBlocks();
    RasterBlocks(const RasterBlocks&) = delete;
    RasterBlocks& operator=(const RasterBlocks&) = delete;

    // The block grid; set by the first reader (later calls are ignored: every
    // reader of one layer opens the same file).
    void set_layout(int blocks_x, int blocks_y);

    std::shared_ptr<const RasterBlock> cells(int bx, int by, BlockLoader& loader);
    // The raster's file mapped once for all readers (null if it cannot be);
    // readers that can use it call this (SITESCREEN_RASTER_MMAP=0: never mapped).
    std::shared_ptr<const FileMapping> file_mapping(const std::string& path);
    std::shared_ptr<const BlockSummary> summary(int bx, int by, BlockLoader& loader);

    // Blocks read from the file so far (for tests and benchmarks).
    std::size_t loads() const { return loads_.load(); }
    // Of which mapped from the file rather than read.
    std::size_t mapped_loads() const { return mapped_loads_.load(); }

private:
    struct Slot {
        std::weak_ptr<const RasterBlock> cells;
        std::weak_ptr<const BlockSummary> summary;
    };

    std::once_flag layout_once_;
    int blocks_x_ = 0, blocks_y_ = 0;
    std::mutex mutex_;
    std::vector<Slot> slots_;
    std::atomic<std::size_t> loads_{0}, mapped_loads_{0};
    bool map_files_;
    std::once_flag mapping_once_;
    std::shared_ptr<const FileMapping> mapping_;
};

// Budgets of the two process-wide caches, in bytes: SITESCREEN_RASTER_CACHE_MB
// (default 512) for cells, half of it for summaries.
std::size_t raster_cell_cache_bytes();
std::size_t raster_summary_cache_bytes();

}  // namespace sitescreen
