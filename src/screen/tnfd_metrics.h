// TNFD core global disclosure metrics that location data supports, per site (evaluate.metrics)
// and per portfolio (run.json portfolio.tnfd, the portfolio report): docs/leap.md, "TNFD metrics".
#pragma once
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "screen/screener.h"

namespace sitescreen {

// Measures the first categorical raster layer with classes of zone `natural` over the site's
// footprint (polygon sites: the footprint grown by 1 m, the smallest buffer; point sites: a
// geodesic disc of `footprint_ha`). nullopt when the site has no footprint.
std::optional<FootprintLandCover> footprint_land_cover(const SiteResult& r, std::optional<double> footprint_ha,
                                                       Screener& screener);

// A site's metrics (evaluate.metrics, docs/output.md; serialized by result.cpp), in the language of
// the assessment (i18n::Scope) for their texts.
SiteMetrics site_metrics(const SiteResult& r, const MetricInputs& in, const std::optional<FootprintLandCover>& land);

// The portfolio's disclosure table as run.json's portfolio.tnfd records it, its figures rounded as
// written there: what the portfolio page and report.pdf show (report/tnfd_table.cpp), and what
// to_json() below writes.
struct TnfdSummary {
    struct Metric {
        const TnfdMetricDef* def = nullptr;  // its key, TNFD code, title, unit and method
        std::optional<double> value;         // the sum over the sites with a value; none when no site has one
        // land_use_change_sensitive only (def->metric): the sum with each site's upper bound.
        std::optional<double> upper_bound;
        std::size_t sites_with_value = 0, sites_not_available = 0;
    };
    struct Theme {  // the sites inside or near a theme's sensitive locations (docs/leap.md)
        std::size_t sites_inside = 0, sites_near = 0, sites_inside_area_unknown = 0;
        double inside_ha = 0, footprint_ha_of_sites_inside = 0, footprint_ha_of_sites_near = 0;
    };
    std::size_t sites = 0;
    std::vector<Metric> metrics;          // in tnfd_metric_defs() order
    std::map<std::string, Theme> themes;  // by theme
};
// run.json's portfolio.tnfd (docs/output.md, "run.json"): a row per metric, the sites per theme,
// and the rule that counts them.
Json to_json(const TnfdSummary& s);

// What one site adds to the disclosure table: its metric values and where it stands in each
// theme. The portfolio keeps this of each site (Portfolio::Entry), not its whole SiteMetrics.
struct TnfdContribution {
    std::array<std::optional<double>, kTnfdMetricCount> values;  // by TnfdMetric
    std::optional<double> sensitive_upper_ha;                    // SiteMetrics::sensitive_upper_ha
    struct Theme {
        std::string theme;
        bool inside = false, near = false;
        std::optional<double> footprint_overlap_ha;
    };
    std::vector<Theme> themes;  // every theme the site was measured against, counted or not
};
TnfdContribution tnfd_contribution(const SiteMetrics& metrics);

// The portfolio's disclosure table: add each assessed site's contribution, then summary().
class TnfdTable {
public:
    void add(const TnfdContribution& site);
    TnfdSummary summary() const;

private:
    struct Sum {
        double value = 0, upper = 0;
        std::size_t with_value = 0, not_available = 0;
    };
    struct ThemeCount {
        std::size_t inside = 0, near = 0, inside_area_unknown = 0;
        double inside_ha = 0, footprint_ha_inside = 0, footprint_ha_near = 0;
    };
    std::array<Sum, kTnfdMetricCount> sums_{};  // by TnfdMetric
    std::map<std::string, ThemeCount> themes_;
    std::size_t sites_ = 0;
};

}  // namespace sitescreen
