// A bounded number of screenings at once: a request waits for a worker until its deadline, then
// screens with that worker's Screener (whose raster readers stay open between requests).
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

namespace sitescreen::serve {

class WorkerSlots {
public:
    using Clock = std::chrono::steady_clock;
    explicit WorkerSlots(std::size_t slots) {
        for (std::size_t i = slots; i > 0; --i) free_.push_back(i - 1);
    }
    // A free worker's index, or nothing when none came free before `deadline`.
    std::optional<std::size_t> acquire(Clock::time_point deadline) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!freed_.wait_until(lock, deadline, [&] { return !free_.empty(); })) return std::nullopt;
        const std::size_t i = free_.back();
        free_.pop_back();
        return i;
    }
    void release(std::size_t i) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            free_.push_back(i);
        }
        freed_.notify_one();
    }

private:
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::size_t> free_;
};

// Holds a worker for a scope.
class SlotGuard {
public:
    SlotGuard(WorkerSlots& s, std::size_t i) : slots_(s), index_(i) {}
    ~SlotGuard() { slots_.release(index_); }
    SlotGuard(const SlotGuard&) = delete;
    SlotGuard& operator=(const SlotGuard&) = delete;

private:
    WorkerSlots& slots_;
    std::size_t index_;
};

}  // namespace sitescreen::serve
