// A bounded number of screenings at once: a request waits for a slot until its deadline.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace sitescreen::serve {

class WorkerSlots {
public:
    using Clock = std::chrono::steady_clock;
    explicit WorkerSlots(std::size_t slots) : free_(slots) {}
    // False when no slot came free before `deadline`.
    bool acquire(Clock::time_point deadline) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!freed_.wait_until(lock, deadline, [&] { return free_ > 0; })) return false;
        --free_;
        return true;
    }
    void release() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++free_;
        }
        freed_.notify_one();
    }

private:
    std::mutex mutex_;
    std::condition_variable freed_;
    std::size_t free_;
};

// Holds a slot for a scope.
class SlotGuard {
public:
    explicit SlotGuard(WorkerSlots& s) : slots_(s) {}
    ~SlotGuard() { slots_.release(); }
    SlotGuard(const SlotGuard&) = delete;
    SlotGuard& operator=(const SlotGuard&) = delete;

private:
    WorkerSlots& slots_;
};

}  // namespace sitescreen::serve
