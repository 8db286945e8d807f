// The portfolio page DIR/report.html: one self-contained offline HTML file with an
// interactive map of every site coloured by verdict (Leaflet, compiled in), a
// sortable table, counts per verdict and per criterion, and links to each site's report.
#pragma once
#include <map>
#include <string>
#include <vector>

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
    void finish(const Json& run) override;
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

// The outline of the admin layers near the sites, simplified, as a GeoJSON
// FeatureCollection string ("" when the run has no admin layer).
std::string admin_outline_geojson(const LayerSet& layers, double west, double south, double east, double north,
                                  std::size_t max_vertices = 60000);

// admin_outline_geojson through a cache on disk: the union of a national layer's units costs a
// second or more of CPU, a quarter of a 100-site run, and is the same on every run of the same
// admin layers over the same box. Kept in `folder` (outline_cache_folder()) under the SHA-256 of
// a key holding the build's outline code (`build_id`: outline_cache_build_id()), the box, max_vertices and each admin
// layer's catalog entry as run.json records it (`catalog_layers`: run.json's catalog.layers, with each file's sha256);
// the file holds the key too, and is used only when it matches. No cache when `folder` is "" or
// an admin layer has no checksum (e.g. a PG: source); a cache that cannot be read or written only
// means computing the outline. `from_cache` (optional): whether the cached text was used.
std::string cached_admin_outline_geojson(const LayerSet& layers, const Json& catalog_layers,
                                         const std::string& build_id, const std::string& folder, double west,
                                         double south, double east, double north, std::size_t max_vertices = 60000,
                                         bool* from_cache = nullptr);
// The SHA-256 of the sources that make an outline (the vector layers' loading, geo/, this page's
// code; made by CMake): a build that draws outlines differently never reads another's.
std::string outline_cache_build_id();
// Outlines kept in the cache folder; the least recently used go first.
constexpr std::size_t kOutlineCacheFiles = 16;
// Where the outlines are cached: admin-outlines/ beside the checksum cache file
// (checksum_cache_file(), io/checksum.h; "" when that cache is off).
std::string outline_cache_folder();

// Leaflet's script and stylesheet as compiled in (third_party/leaflet), trimmed of references to
// files that are not bundled (source map, images): for the portfolio page and the service's map.
std::string leaflet_js();
std::string leaflet_css();

}  // namespace sitescreen
