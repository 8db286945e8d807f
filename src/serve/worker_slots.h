// A bounded number of screenings at once: a request waits for a worker until its deadline, then
// screens with that worker's Screener (whose raster readers stay open between requests).
#pragma once
#include <chrono>
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <cstddef>
#include <mutex>
#include <optional>
#include <vector>

namespace sitescreen::serve {

// Workers go to waiting requests in the order they came (a condition variable alone wakes
// anyone, and a request could wait behind dozens that came later).
class WorkerSlots {
public:
    using Clock = std::chrono::steady_clock;
    explicit WorkerSlots(std::size_t slots) {
        for (std::size_t i = slots; i > 0; --i) free_.push_back(i - 1);
    }
    // A free worker's index, or nothing when none came free before `deadline`.
    std::optional<std::size_t> acquire(Clock::time_point deadline) {
        std::unique_lock<std::mutex> lock(mutex_);
        if (!free_.empty() && waiting_.empty()) {
            const std::size_t i = free_.back();
            free_.pop_back();
            return i;
        }
        Waiter me;
        waiting_.push_back(&me);
        me.granted.wait_until(lock, deadline, [&] { return me.slot.has_value(); });
        if (!me.slot) waiting_.erase(std::find(waiting_.begin(), waiting_.end(), &me));
        return me.slot;
    }
    void release(std::size_t i) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (waiting_.empty()) {
            free_.push_back(i);
            return;
        }
        Waiter* w = waiting_.front();  // the longest waiting
        waiting_.pop_front();
        w->slot = i;
        w->granted.notify_one();
    }

private:
    struct Waiter {
        std::condition_variable granted;
        std::optional<std::size_t> slot;
    };
    std::mutex mutex_;
    std::vector<std::size_t> free_;
    std::deque<Waiter*> waiting_;
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
