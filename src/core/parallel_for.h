// Work shared out on a few threads: the jobs taken in turn from a counter.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

#include "core/first_error.h"

namespace sitescreen {

// Runs job(i) for every i in [0, count) on up to `threads` threads, the calling one among them,
// each taking the next i from a shared counter: which thread runs a job varies, so what a job
// writes must depend on i alone. Once a job throws, no job is started after it, and the first
// exception is rethrown here when the running ones have returned. A thread that cannot be started
// leaves its share to the others. On one thread the jobs run in order.
template <class Job>
void parallel_for(std::size_t count, unsigned threads, Job&& job) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    FirstError error;
    auto work = [&] {
        for (std::size_t i; !failed.load() && (i = next.fetch_add(1)) < count;) {
            try {
                job(i);
            } catch (...) {
                error.capture();
                failed.store(true);
            }
        }
    };
    std::vector<std::thread> helpers;
    const std::size_t side_by_side = std::min<std::size_t>(std::max(threads, 1u), count);
    for (std::size_t t = 1; t < side_by_side; ++t) {
        try {
            helpers.emplace_back(work);
        } catch (const std::system_error&) {
            break;  // no thread to be had: the others take its share
        }
    }
    work();
    for (std::thread& t : helpers) t.join();
    error.rethrow();
}

}  // namespace sitescreen
