// The one-site path through a writer, as the pipeline takes it, and the writers' finish
// (report/writer.h).
#include "report/writer.h"

#include "core/parallel_for.h"

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
    parallel_for(first.size(), threads, [&](std::size_t i) { first[i]->finish(run); });
    for (OutputWriter* w : last) w->finish(run);
}

}  // namespace sitescreen
