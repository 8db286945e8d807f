// The one-site path through a writer, as the pipeline takes it (report/writer.h).
#include "report/writer.h"

namespace sitescreen {

void write_site(const BegunWriter& w, const SiteResult& result, const Json& record) {
    const std::string none;
    const SiteResult* whole = w.plan.reads_result ? &result : nullptr;
    const std::string prepared = w.plan.prepare ? w.plan.prepare(SiteOutput{result.site, whole, record, none}) : none;
    w.writer->write(SiteOutput{result.site, whole, record, prepared});
}

}  // namespace sitescreen
