// The portfolio page DIR/report.html: one self-contained offline HTML file with an
// interactive map of every site coloured by verdict (Leaflet, compiled in), a
// sortable table, counts per verdict and per criterion, and links to each site's report.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "report/admin_outline.h"
#include "report/formats.h"
#include "report/writer.h"

namespace sitescreen {

class PortfolioPageWriter : public OutputWriter {
public:
    // `report_suffix`: ".html" or ".md" when per-site reports are written (rows
    // and markers link to sites/<stem><suffix>), "" for no links.
    explicit PortfolioPageWriter(std::string report_suffix);
    WriterPlan begin(const RunContext& ctx) override;
    void write(const SiteOutput& site) override;
    void finish(const RunSummary& run) override;
    void abort() noexcept override;

private:
    struct Row {
        std::string id, name, type, status, verdict, link, error;
        std::string demo;  // report::demo_marker: "" or "DEMO ..."
        bool has_point = false;
        double lon = 0, lat = 0;
        int criteria_met = 0;
        std::vector<std::string> met;  // criteria met
    };
    std::string report_suffix_;
    RunContext ctx_;
    SiteFileNames names_;
    report::ProvenanceTable provenance_;
    std::vector<Row> rows_;
    std::vector<std::string> criteria_order_;                                     // criteria in first-seen order
    std::map<std::string, std::map<std::string, std::size_t>> criterion_counts_;  // criterion -> status -> sites
    std::vector<std::string> demo_titles_;
    std::string admin_geojson_;
};

// Leaflet's script and stylesheet as compiled in (third_party/leaflet), trimmed of references to
// files that are not bundled (source map, images): for the portfolio page and the service's map.
std::string leaflet_js();
std::string leaflet_css();

}  // namespace sitescreen
