// Screens the sites of one POST /v1/screen request through the pipeline `sitescreen screen` runs.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "serve/engine.h"
#include "report/writer.h"
#include "serve/site_request.h"

namespace sitescreen {
class HtmlReportWriter;
}

namespace sitescreen::serve {

struct ScreenAnswer {
    std::vector<std::string> lines;  // each site's record as its sites.jsonl line (no newline)
    std::size_t ok = 0, error = 0;
    std::string first_error;  // the first site error, for a single-site request
};

// Throws RequestError: 400 for input the reader refuses as a whole (the CLI's message), 413 for
// more sites than the limit, 503 when the deadline passes before every site is screened.
// `screener` is the calling worker's own (no other thread uses it meanwhile).
// `also`: a writer that receives the sites too, begun here with the run's context (no output
// folder: it must write nothing to disk).
ScreenAnswer screen_sites(const ScreenEngine& engine, Screener& screener, SitesRequest& request,
                          const RequestLimits& limits, std::chrono::steady_clock::time_point deadline,
                          OutputWriter* also = nullptr);

// The full HTML report of each site, as `sitescreen screen --formats html` writes it to
// sites/<id>.html (the same writer: HtmlReportWriter), kept in memory. `label`: the request's
// (SitesRequest::label): the page's "Input" then names the site as the record's `source` does,
// sites[3] or features[3], not the in-memory file the reader read.
class ReportPages : public OutputWriter {
public:
    explicit ReportPages(std::string label = {});
    ~ReportPages() override;
    WriterPlan begin(const RunContext& ctx) override;
    void write(const SiteOutput& site) override;
    void finish(const RunSummary&) override {}
    void abort() noexcept override {}
    const std::vector<std::string>& pages() const { return pages_; }

private:
    std::unique_ptr<HtmlReportWriter> html_;
    std::string label_;
    std::vector<std::string> pages_;
};

}  // namespace sitescreen::serve
