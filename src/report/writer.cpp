// The one-site path through a writer, as the pipeline takes it (report/writer.h).
#include "report/writer.h"

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

}  // namespace sitescreen
