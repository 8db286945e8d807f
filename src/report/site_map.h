// The per-site map image (PNG, drawn with cairo): the site, its buffer rings, the
// features it touches, admin context, the alternative location, scale bar, north
// arrow and legend.
#pragma once
#include <cairo.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "geo/local_frame.h"
#include "report/formats.h"
#include "report/writer.h"

namespace sitescreen {

struct MapContextData;

// Where a lon/lat point lands on the image: the map is the site's azimuthal
// equidistant frame (true geodesic distance and azimuth from the site, north up).
struct MapView {
    LocalFrame frame{LonLat{}};
    double px_per_m = 1;
    double cx = 0, cy = 0;                // pixel of the site's centre
    double x0 = 0, y0 = 0, w = 0, h = 0;  // the view's rectangle on the image (pixels)
    Point pixel(LonLat p) const;
    Point pixel_xy(const Point& metres) const { return Point(cx + metres.x() * px_per_m, cy - metres.y() * px_per_m); }
};

struct SiteMapImage {
    std::string png;  // empty for sites without geometry (error rows)
    int width = 0, height = 0;
    MapView main;  // the map of the largest buffer
    bool has_detail = false;
    MapView detail;  // the inset around the smallest buffer
};

struct SiteMapOptions {
    int width = 1100;
    int height = 760;
    i18n::Lang lang = i18n::Lang::En;  // legend and labels
    // Rivers, lakes and towns drawn lightly under the findings: `context` when set, else the
    // installation's pack (report/map_context.h, read on first use) unless `shared_context` is
    // false. A missing pack only leaves them out.
    const MapContextData* context = nullptr;
    bool shared_context = true;
};

// What a map shows of the context (for tests and the curious): river pieces and lakes in the
// main view, and the towns in it with the names they are labelled with, most important first.
struct SiteMapContextSummary {
    std::size_t river_pieces = 0;
    std::size_t lakes = 0;
    std::vector<std::string> towns;
};

// A site's map laid out once (features in the site's frame, views, legend),
// then drawn on any cairo surface: an image for the PNG, a PDF page as
// vector graphics. It refers to `result`, which must outlive it.
class SiteMapDrawing {
public:
    SiteMapDrawing(const SiteResult& result, const SiteMapOptions& options = {});
    ~SiteMapDrawing();
    SiteMapDrawing(const SiteMapDrawing&) = delete;
    SiteMapDrawing& operator=(const SiteMapDrawing&) = delete;

    bool empty() const;  // the site has no geometry (error rows): nothing to draw
    int width() const;   // the map's box, in the units of draw()
    int height() const;
    // Draws the map into the box (0, 0, width(), height()) of cr's user space.
    // `split_latin_and_cjk` (for PDF): Latin text in DejaVu Sans, CJK in Noto
    // Sans CJK SC, so that the embedded font subsets stay small.
    void draw(cairo_t* cr, bool split_latin_and_cjk = false) const;
    SiteMapContextSummary context() const;
    // Rasterised at one pixel per unit and encoded (what render_site_map returns).
    SiteMapImage image() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Renders a site's map from its typed result (geometry, layers, verdict, alternatives).
SiteMapImage render_site_map(const SiteResult& result, const SiteMapOptions& options = {});

// The map of the site being rendered, so that the png, html and pdf writers
// lay it out and rasterise it once. Thread-safe: each thread keeps its own
// last site, keyed by this cache's serial number and the site's index and id.
// `users`: the writers sharing the cache, each asking once per site (get() or
// drawing()); after that many calls the site is laid out again, so a layout
// never outlives the result it was made from.
class SiteMapCache {
public:
    explicit SiteMapCache(int users = 1);
    const SiteMapImage& get(const SiteResult& result);
    const SiteMapDrawing& drawing(const SiteResult& result);
    // Called by the begin() of each writer that shares the cache: the map's options for this
    // run (the language of the legend and labels).
    void begin(const RunContext& ctx) { options_.lang = ctx.options.lang; }

private:
    SiteMapOptions options_;
    std::uint64_t serial_;
    int users_;
};

// Writes DIR/sites/<stem>.png for every site with geometry. The image is
// rendered on the screening threads (the plan's prepare) and written in order.
class PngMapWriter : public OutputWriter {
public:
    explicit PngMapWriter(std::shared_ptr<SiteMapCache> cache);
    WriterPlan begin(const RunContext& ctx) override;
    void write(const SiteOutput& site) override;
    void finish(const RunSummary& run) override;
    void abort() noexcept override;

private:
    std::shared_ptr<SiteMapCache> cache_;
    std::string dir_;
    SiteFileNames names_;
};

}  // namespace sitescreen
