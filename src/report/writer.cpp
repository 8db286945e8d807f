// The one-site path through a writer, as the pipeline takes it, and the writers' finish
// (report/writer.h).
#include "report/writer.h"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>

#include "core/first_error.h"

namespace sitescreen {

void write_site(const BegunWriter& w, const SiteResult& result) {
    const std::string none;
    const std::any no_digest;
    const SiteAnswer answer = answer_of(result);
    const SiteOutput ahead{result.site, &result, none, no_digest, answer};
    const std::string prepared = w.plan.prepare ? w.plan.prepare(ahead) : none;
    const std::any digest = w.plan.digest ? w.plan.digest(ahead) : std::any();
    const SiteResult* whole = w.plan.reads_result ? &result : nullptr;
    w.writer->write(SiteOutput{result.site, whole, prepared, digest, whole ? answer : SiteAnswer{}});
}

void finish_writers(const std::vector<OutputWriter*>& writers, const RunSummary& run, unsigned threads) {
    std::vector<OutputWriter*> first, last;
    for (OutputWriter* w : writers) (w->finishes_last() ? last : first).push_back(w);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    FirstError error;
    auto work = [&] {
        for (std::size_t i; !failed.load() && (i = next.fetch_add(1)) < first.size();) {
            try {
                first[i]->finish(run);
            } catch (...) {
                error.capture();
                failed.store(true);
            }
        }
    };
    std::vector<std::thread> helpers;
    const std::size_t side_by_side = std::min<std::size_t>(std::max(threads, 1u), first.size());
    for (std::size_t t = 1; t < side_by_side; ++t) {
        try {
            helpers.emplace_back(work);
        } catch (const std::system_error&) {
            break;  // no thread to be had: this one finishes the rest
        }
    }
    work();
    for (std::thread& t : helpers) t.join();
    error.rethrow();
    for (OutputWriter* w : last) w->finish(run);
}

}  // namespace sitescreen
