// The per-site map image (PNG, drawn with cairo): the site, its buffer rings, the
// features it touches, admin context, the alternative location, scale bar, north
// arrow and legend.
#pragma once
#include <memory>
#include <string>

#include "geo/local_frame.h"
#include "report/formats.h"
#include "report/writer.h"

namespace sitescreen {

// Where a lon/lat point lands on the image: the map is the site's azimuthal
// equidistant frame (true geodesic distance and azimuth from the site, north up).
struct MapView {
    LocalFrame frame{LonLat{}};
    double px_per_m = 1;
    double cx = 0, cy = 0;          // pixel of the site's centre
    double x0 = 0, y0 = 0, w = 0, h = 0;  // the view's rectangle on the image (pixels)
    Point pixel(LonLat p) const;
    Point pixel_xy(const Point& metres) const { return Point(cx + metres.x() * px_per_m, cy - metres.y() * px_per_m); }
};

struct SiteMapImage {
    std::string png;          // empty for sites without geometry (error rows)
    int width = 0, height = 0;
    MapView main;             // the map of the largest buffer
    bool has_detail = false;
    MapView detail;           // the inset around the smallest buffer
};

struct SiteMapOptions {
    int width = 1100;
    int height = 760;
    i18n::Lang lang = i18n::Lang::En;  // legend and labels
};

// Renders a site's map. `record` is the site's sites.jsonl object (text, verdict,
// alternative); geometry comes from the typed result.
SiteMapImage render_site_map(const SiteResult& result, const Json& record, const SiteMapOptions& options = {});

// The last site's map, so that the png and html writers render it once.
class SiteMapCache {
public:
    const SiteMapImage& get(const SiteResult& result, const Json& record);
    // Set by the writers' begin() from the run (the language of the legend).
    void set_options(const SiteMapOptions& options) { options_ = options; }

private:
    SiteMapOptions options_;
    std::size_t index_ = static_cast<std::size_t>(-1);
    std::string id_;
    SiteMapImage image_;
};

// Writes DIR/sites/<stem>.png for every site with geometry.
class PngMapWriter : public OutputWriter {
public:
    explicit PngMapWriter(std::shared_ptr<SiteMapCache> cache);
    void begin(const RunContext& ctx) override;
    void write(const SiteResult& result, const Json& record) override;
    void finish(const Json& run) override;
    void abort() noexcept override;

private:
    std::shared_ptr<SiteMapCache> cache_;
    std::string dir_;
    SiteFileNames names_;
};

}  // namespace sitescreen
