// Per-site LEAP screening report as one self-contained HTML file: DIR/sites/<stem>.html
// (styles inline, the map embedded as a PNG data URI).
#pragma once
#include <memory>
#include <string>

#include "report/formats.h"
#include "report/markdown_report.h"
#include "report/site_map.h"
#include "report/writer.h"

namespace sitescreen {

// The page of one site (deterministic): the document of markdown_report.h with
// inline styles; images are expected as data URIs so that the page stands alone.
// `portfolio_link`: link back to ../report.html.
std::string html_site_report(const report::SiteReportDoc& doc, bool portfolio_link = false);

class HtmlReportWriter : public OutputWriter {
public:
    // `maps`: shared with the png writer (null: render here); `portfolio_link`: the portfolio page is written too;
    // `docs`: the report documents, shared with the md and pdf writers (null: built here).
    HtmlReportWriter(std::shared_ptr<SiteMapCache> maps, bool portfolio_link,
                     std::shared_ptr<report::SiteReportDocCache> docs = nullptr);
    // With an empty ctx.out_dir nothing is created: render_site() only (sitescreen serve).
    // The page is built on the screening threads (the plan's prepare) and written in order.
    WriterPlan begin(const RunContext& ctx) override;
    void write(const SiteOutput& site) override;
    std::string render_site(const SiteResult& result) const;
    void finish(const RunSummary& run) override;
    void abort() noexcept override;

private:
    std::shared_ptr<SiteMapCache> maps_;
    std::shared_ptr<report::SiteReportDocCache> docs_;
    bool portfolio_link_ = false;
    RunContext ctx_;
    std::string dir_;
    SiteFileNames names_;
    mutable report::ProvenanceTable provenance_;
};

}  // namespace sitescreen
