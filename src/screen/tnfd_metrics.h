// TNFD core global disclosure metrics that location data supports, per site (evaluate.metrics)
// and per portfolio (run.json portfolio.tnfd, the portfolio report): docs/leap.md, "TNFD metrics".
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "screen/screener.h"

namespace sitescreen {

// What the assessment knows about a site that the metrics use. Every figure is optional: a
// metric whose input is missing is reported `not available: <what is missing>`, never guessed.
struct MetricInputs {
    std::optional<double> declared_footprint_ha;  // the profile's footprint attribute (point sites)
    std::string footprint_attribute;              // its name, for the not-available text
    std::optional<double> withdrawal_m3;          // annual withdrawal (attribute, or output x intensity)
    std::string withdrawal_from;
    std::optional<int> bws_cat;  // Aqueduct baseline water stress category at the site
    bool arid = false;           // an "arid and low water use" unit
    std::string bws_layer;
    int high_bws_cat = 3;  // the profile's rules.water_stress.high_bws_cat
    double near_m = 0;     // the profile's rules.proximity.sensitive_within_m
};

// The land cover over the footprint (a polygon site's footprint, or a disc of a point site's
// declared area), measured by footprint_land_cover().
struct FootprintLandCover {
    std::string layer;                         // the land-cover layer measured; empty: none in the catalog
    double valid_share = 0;                    // share of the footprint covered by valid cells
    std::optional<double> natural_share;       // share of the valid area in classes of zone `natural`
    std::vector<std::string> natural_classes;  // labels of those classes, as the catalog gives them
    std::string shape;                         // "polygon" or "disc of the declared area"
};

// Measures the first categorical raster layer with classes of zone `natural` over the site's
// footprint (polygon sites: the footprint grown by 1 m, the smallest buffer; point sites: a
// geodesic disc of `footprint_ha`). nullopt when the site has no footprint.
std::optional<FootprintLandCover> footprint_land_cover(const SiteResult& r, std::optional<double> footprint_ha,
                                                       Screener& screener);

// The `evaluate.metrics` object of a site record (docs/output.md).
Json site_metrics_json(const SiteResult& r, const MetricInputs& in, const std::optional<FootprintLandCover>& land);

// The portfolio's disclosure table: add each site's `evaluate.metrics` (null for error rows),
// then summary() for run.json's portfolio.tnfd.
class TnfdTable {
public:
    void add(const Json& metrics);
    // {"metrics": [{"tnfd", "metric", "title", "unit", "value", "upper_bound", "sites_with_value",
    //  "sites_not_available", "method"}], "sensitive_locations": {"<theme>": {...}}}
    Json summary() const;

private:
    struct Sum {
        double value = 0, upper = 0;
        std::size_t with_value = 0, not_available = 0;
    };
    struct ThemeCount {
        std::size_t inside = 0, near = 0, inside_area_unknown = 0;
        double inside_ha = 0, footprint_ha_inside = 0, footprint_ha_near = 0;
    };
    std::map<std::string, Sum> sums_;
    std::map<std::string, ThemeCount> themes_;
    std::size_t sites_ = 0;
};

}  // namespace sitescreen
