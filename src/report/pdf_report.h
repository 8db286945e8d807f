// PDF reports: DIR/sites/<stem>.pdf per site (the document of markdown_report.h,
// the map as vector graphics) and DIR/report.pdf for the portfolio (counts,
// the TNFD criteria table, one row per site, then every site's pages).
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "report/formats.h"
#include "report/pdf_pages.h"
#include "report/site_map.h"
#include "report/writer.h"

namespace sitescreen {

class AtomicFile;

// The PDF of one site (deterministic; A4; fonts embedded as subsets).
std::string pdf_site_report(const SiteResult& result, const RunContext& ctx,
                            const std::vector<report::LayerProvenance>& provenance, const SiteMapDrawing* map);

class PdfReportWriter : public OutputWriter {
public:
    // `maps`: shared with the png and html writers; `portfolio`: write report.pdf too; `docs`: the
    // report documents, shared with the html and md writers (null: built here).
    PdfReportWriter(std::shared_ptr<SiteMapCache> maps, bool portfolio,
                    std::shared_ptr<report::SiteReportDocCache> docs = nullptr);
    ~PdfReportWriter() override;
    // Pages are laid out on the screening threads (the plan's prepare); the writing thread
    // writes the site's file and copies its recorded pages into report.pdf.
    WriterPlan begin(const RunContext& ctx) override;
    void write(const SiteOutput& site) override;
    void finish(const RunSummary& run) override;
    void abort() noexcept override;

private:
    struct Row {
        std::string id, name, type, verdict;
        std::string verdict_note;  // report::verdict_coverage_note: " (3 of 5 criteria assessed)" or ""
        int criteria_met = 0;
        std::size_t first_page = 0;  // 0-based, among the per-site pages of report.pdf
    };
    std::vector<pdf::Page> front_pages(const Portfolio* portfolio, std::size_t front_count);
    std::string render_site(const SiteResult& result) const;

    std::shared_ptr<SiteMapCache> maps_;
    std::shared_ptr<report::SiteReportDocCache> docs_;
    bool portfolio_ = false;
    RunContext ctx_;
    std::string dir_;
    SiteFileNames names_;
    mutable report::ProvenanceTable provenance_;
    // Pages recorded by render_site() for report.pdf, until write() takes them.
    mutable std::mutex pending_mutex_;
    mutable std::map<std::size_t, std::vector<pdf::Page>> pending_;
    std::unique_ptr<AtomicFile> portfolio_file_;
    std::unique_ptr<pdf::PdfStream> portfolio_pdf_;
    std::vector<Row> rows_;
    std::vector<std::string> criteria_order_;
    std::map<std::string, std::map<std::string, std::size_t>> criterion_counts_;
    std::vector<std::string> demo_titles_;
};

}  // namespace sitescreen
