// Internal to src/report/: the parts of a site map (site_map.h) share these: the cairo handles,
// the palette and theme styles, the scene (what to draw, in map metres), and the drawing helpers.
// site_map_scene.cpp builds the scene; site_map_draw.cpp has the text, path, marker, scale bar and
// north arrow helpers; site_map_view.cpp draws a view (context, features, labels); site_map_panel.cpp
// the side panel with the legend; site_map.cpp the drawing's life cycle, the cache and the writer.
#pragma once

#include "report/site_map.h"
#include <cairo.h>
#include <fmt/format.h>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <vector>
#include <map>
#include "geo/geodesic.h"
#include "geo/geos_kit.h"
#include "io/atomic_file.h"
#include "report/map_context.h"
#include "report/site_map_png.h"

namespace sitescreen::site_map_kit {

struct SurfaceDestroy {
    void operator()(cairo_surface_t* s) const noexcept {
        if (s) cairo_surface_destroy(s);
    }
};
struct CairoDestroy {
    void operator()(cairo_t* c) const noexcept {
        if (c) cairo_destroy(c);
    }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDestroy>;
using CairoPtr = std::unique_ptr<cairo_t, CairoDestroy>;
struct PatternDestroy {
    void operator()(cairo_pattern_t* p) const noexcept {
        if (p) cairo_pattern_destroy(p);
    }
};
using PatternPtr = std::unique_ptr<cairo_pattern_t, PatternDestroy>;

// Covers Latin and CJK in one face, so the toy text API needs no fallback.
constexpr const char* kFont = "Noto Sans CJK SC";
constexpr double kPi = 3.14159265358979323846;
constexpr std::size_t kMaxHitsPerLayer = 400;  // features drawn per layer (nearest first)
constexpr int kMaxNumbered = 9;                // features numbered on the map and listed

struct Rgb {
    double r = 0, g = 0, b = 0;
};

inline Rgb rgb(const char* hex) {
    const unsigned long v = std::strtoul(hex + 1, nullptr, 16);
    return {((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0};
}

inline void source(cairo_t* cr, Rgb c, double alpha = 1.0) { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha); }

// How a layer theme is drawn: colour, fill opacity and stacking order (low first).
struct ThemeStyle {
    Rgb colour;
    double fill_alpha = 0.25;
    int order = 1;
    bool hatch = false;  // diagonal lines over a light fill: stays readable where layers overlap
};

inline ThemeStyle theme_style(const std::string& theme, std::size_t layer_index) {
    if (theme == "water_stress" || theme == "water_risk") return {rgb("#b35806"), 0.05, 0};
    if (theme == "protected_area" || theme == "nature_reserve") return {rgb("#238b45"), 0.28, 2};
    if (theme == "wetland" || theme == "ramsar") return {rgb("#2171b5"), 0.30, 3};
    if (theme == "heritage") return {rgb("#6a51a3"), 0.28, 4};
    if (theme == "kba" || theme == "key_biodiversity_area") return {rgb("#e7298a"), 0.28, 4};
    if (theme == "red_line") return {rgb("#cb181d"), 0.07, 5, true};
    static const char* palette[] = {"#1b9e77", "#d95f02", "#7570b3", "#66a61e", "#e6ab02", "#a6761d"};
    return {rgb(palette[layer_index % 6]), 0.25, 1};
}

inline const Rgb kRing = rgb("#1f2f5c");
inline const Rgb kAdmin = rgb("#555555");
inline const Rgb kAlternative = rgb("#08519c");
inline const Rgb kBackground = rgb("#f6f4ee");
inline const Rgb kInk = rgb("#1b1b1b");
inline const Rgb kMuted = rgb("#5a5a5a");
inline const Rgb kDemo = rgb("#b30000");
// The context under the findings: light enough that every finding stays on top.
inline const Rgb kRiver = rgb("#9ecae1");
inline const Rgb kLakeFill = rgb("#deebf7");
inline const Rgb kLakeEdge = rgb("#b3d3ea");
inline const Rgb kTown = rgb("#8a8a8a");
inline const Rgb kTownText = rgb("#6e6e6e");
constexpr std::size_t kMaxContextTowns = 60;  // towns in view considered for a label (most important first)
constexpr int kMaxTownLabels = 12;            // labelled on the main view; fewer on the inset

// ---------------------------------------------------------------- the scene

struct DrawFeature {
    std::string name;
    std::string category;  // its label from the catalog when there is one
    double distance_m = 0;
    bool inside = false;
    double fill_alpha = 0.25;
    geos::GeomPtr area_xy;         // polygons (metres, clipped near the view), may be null
    std::vector<Point> points_xy;  // point features
    int number = 0;                // 1.. for the numbered list, 0 = none
};

struct DrawLayer {
    std::string title, theme;
    bool admin = false, demo = false;
    ThemeStyle style;
    std::size_t hit_count = 0;
    std::vector<DrawFeature> features;
};

struct ContextTownXY {
    Point xy;
    std::string label;
    int seat = 3;
};

// The context pack's features near the site, in the site's frame (metres).
struct ContextScene {
    std::vector<std::vector<Point>> rivers_xy;
    std::vector<geos::GeomPtr> lakes_xy;
    std::vector<ContextTownXY> towns;  // most important first
};

struct Scene {
    const SiteResult* result = nullptr;
    ContextScene context;
    std::string level;              // verdict level
    std::string coverage_note;      // the badge's " (3 of 5 criteria assessed)", in the map's language
    std::vector<DrawLayer> layers;  // drawing order
    std::vector<std::string> admin_names;
    std::vector<const DrawFeature*> numbered;
    std::vector<const DrawLayer*> numbered_layer;
    bool has_alternative = false;
    AlternativeLocation alternative;  // the first, when has_alternative
    Point alternative_xy;
    std::vector<Point> more_alternatives_xy;  // the ranked alternatives after the first (rank 2, 3, ...)
    Box clip_box;  // what the areas (features, lakes) were cut to, in metres: a little more than the main view
    bool demo = false;
    const i18n::Catalog* tr = &i18n::catalog(i18n::Lang::En);  // legend and labels
};

Scene build_scene(const SiteResult& r, double view_half_m, i18n::Lang lang, const MapContextData* context);

// One feature's pieces (lon/lat, thinned by LocalFrame::near_part to `view_ll`) as one area in the
// frame's metres, cut to `clip_box`; null when nothing of it is in the box. The pieces are joined
// in lon/lat, where the edges along which a layer was cut into pieces coincide exactly: once
// projected, a long cut edge is a chord between its ends, and one piece's chord need not lie on its
// neighbour's (a hairline where they meet, drawn as a boundary that is not there).
geos::GeomPtr feature_area_xy(const std::vector<Polygon>& near_ll, const LocalFrame& frame, const Box& view_ll,
                              const Box& clip_box);

// ---------------------------------------------------------------- drawing helpers (site_map_draw.cpp)

constexpr const char* kLatinFont = "DejaVu Sans";
inline const cairo_user_data_key_t kSplitFacesKey{};
struct SplitFaces {
    bool bold = false;
};

SplitFaces* split_faces(cairo_t* cr);

void select_face(cairo_t* cr, const char* family, bool bold);

void set_font(cairo_t* cr, double size, bool bold = false);

double text_width(cairo_t* cr, const std::string& t);

// Cuts text to fit `max_w` pixels, on a UTF-8 character boundary, with an ellipsis.
std::string fit(cairo_t* cr, const std::string& t, double max_w);

void text_at(cairo_t* cr, double x, double y, const std::string& t, Rgb c);

// Text with a white halo, readable over any map content.
void halo_text(cairo_t* cr, double x, double y, const std::string& t, Rgb c);

// Points in the view's metres as an open line of cairo's path (a new subpath).
void add_line_path(cairo_t* cr, const MapView& v, const Point* pts, std::size_t n);

// A ring or polygon as cairo's path, closed. With `cut`, the box the geometry was cut to
// (Scene::clip_box), its edges along the box's sides are left out: an outline to stroke, open
// where the cut made it (those edges lie outside the view, and were stroked for nothing).
void add_ring_path(cairo_t* cr, const MapView& v, const GEOSGeometry* ring, const Box* cut = nullptr);

void add_geos_path(cairo_t* cr, const MapView& v, const GEOSGeometry* g, const Box* cut = nullptr);

void add_polygon_path(cairo_t* cr, const MapView& v, const MultiPolygon& mp);

// Whether `cr` draws straight onto an RGB24 image, pixel for pixel: no transformation, device
// offset or group. The map's pixel-level shortcuts (raster_ring, the halo labels' images, the
// white around the main view) are taken only there; the PDF and anything else go through cairo.
bool plain_rgb24_image(cairo_t* cr);

// A repeating tile of diagonal lines in `c`.
PatternPtr hatch_pattern(Rgb c);

void circle(cairo_t* cr, double x, double y, double r);

// Pixels [x0, x1) x [y0, y1).
struct PixelBox {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

// Circles smaller than this (radius, pixels) are left to cairo.
constexpr double kMinRasterRing = 8;

// Strokes a circle (centre cx, cy, radius r, line `width`, pixels) in `c` at opacity `alpha`
// straight into an RGB24 image surface, within `clip`: each pixel blended by the share of it the
// line covers. A buffer ring on a site map took cairo a quarter of a millisecond or more
// (its rasteriser works through every row of the circle's box in subsamples); this takes a
// fifth of that, and its pixels differ from cairo's by a few levels of 255 along the edges
// (tests/test_report.cpp). False, drawing nothing, for any other surface or a radius under
// kMinRasterRing.
bool raster_ring(cairo_surface_t* s, const PixelBox& clip, double cx, double cy, double r, double width, Rgb c,
                 double alpha);

// One stroke of a circle: line width (pixels), colour and opacity.
struct RingStroke {
    double width;
    Rgb colour;
    double alpha = 1.0;
};

// Strokes of one circle drawn in order (a halo, then the line over it), in one pass over the
// widest band's pixels: the image is the same as from one raster_ring call per stroke. False,
// drawing nothing, where raster_ring would be.
bool raster_ring(cairo_surface_t* s, const PixelBox& clip, double cx, double cy, double r,
                 const std::vector<RingStroke>& strokes);

// A circle of the view stroked, the strokes in order: by raster_ring where `cr` draws on an RGB24
// image with no transformation, clipped to the view (whose edges fall on whole pixels); else by
// cairo (the PDF). Leaves no current path.
void stroke_circle(cairo_t* cr, const MapView& v, double cx, double cy, double r,
                   const std::vector<RingStroke>& strokes);

void triangle_marker(cairo_t* cr, double x, double y, double r);

void star_path(cairo_t* cr, double x, double y, double r);

void number_badge(cairo_t* cr, double x, double y, int n, Rgb ring);

// A round length (1, 2 or 5 x 10^k metres) no longer than `max_m`.
double nice_length(double max_m);

std::string length_label(double m);

// The scale is that of the site's azimuthal equidistant frame: exact geodesic
// metres along lines through the site, within 0.01 % over the whole view.
Box scale_bar(cairo_t* cr, const MapView& v, double target_px);

void north_arrow(cairo_t* cr, double x, double y);

// An alternative location's star: filled, with a white outline.
void alternative_star(cairo_t* cr, const Point& at, double r);

// Calls f(run) for each run of `t` set in one face (the whole text unless split).
template <class F>
void for_each_run(cairo_t* cr, const std::string& t, F f) {
    SplitFaces* split = split_faces(cr);
    if (!split) {
        f(t);
        return;
    }
    std::size_t start = 0;
    bool start_cjk = false;
    for (std::size_t i = 0; i <= t.size();) {
        // A lead byte of U+2E80 and above (CJK radicals onwards): 0xE2 0xBA.. or 0xE3..0xEF, or 4-byte.
        const auto b = i < t.size() ? static_cast<unsigned char>(t[i]) : 0;
        const bool cjk = i < t.size() &&
                         (b >= 0xE3 || (b == 0xE2 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) >= 0xBA));
        if (i == t.size() || (i > start && cjk != start_cjk)) {
            if (i > start) {
                select_face(cr, start_cjk ? kFont : kLatinFont, split->bold);
                f(t.substr(start, i - start));
            }
            start = i;
            start_cjk = cjk;
            if (i == t.size()) break;
        }
        if (i == start) start_cjk = cjk;
        ++i;
        while (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) ++i;
    }
    select_face(cr, kLatinFont, split->bold);
}

// ---------------------------------------------------------------- views and panel

// Rivers, lakes and town dots with their names, under everything else. A town is drawn only
// where its name fits clear of the site, the other names and the map furniture (`keep_out`).
void draw_context(cairo_t* cr, const MapView& v, const ContextScene& c, const Box& cut, std::vector<Box> keep_out,
                  int max_labels);

// What a feature's number keeps clear of in a view: the site marker, the numbers placed so far
// (pixel circles) and the map furniture (pixel rectangles); also as areas in the view's metres,
// each taken from a feature's visible part only where its box meets it. (One at a time: a union
// of them all, grown as numbers were placed, cost a fifth of the map's drawing.)
class KeepOut {
public:
    KeepOut(const MapView& v, std::vector<Box> blocked);
    Point to_m(double px, double py) const { return Point((px - v_.cx) / v_.px_per_m, (v_.cy - py) / v_.px_per_m); }
    void add_circle(const Point& c, double r);
    // Clear of every circle and rectangle (in pixels).
    bool free_px(const Point& p) const;
    // `vis` (metres) less every shape whose box meets what is left of it; null when nothing is
    // left. take_from_by_geos: the same by GEOS's overlay (the fallback, and for tests).
    geos::GeomPtr take_from(geos::GeomPtr vis) const;
    geos::GeomPtr take_from_by_geos(geos::GeomPtr vis) const;

private:
    struct Shape {
        Box box;        // metres
        Point centre;   // a circle's; a rectangle is its box
        double radius;  // 0 for a rectangle
        mutable geos::GeomPtr area;
        mutable Polygon polygon;
    };
    // The shape as a Boost.Geometry polygon (GEOS's circle: the same 32 sides), on first use.
    static const Polygon& polygon_of(const Shape& sh);
    // The shape as GEOS makes it, on first use.
    static const GEOSGeometry* area_of(const Shape& sh);
    const MapView& v_;
    std::vector<Box> blocked_;
    std::vector<std::pair<Point, double>> taken_;
    std::vector<Shape> shapes_;
};

// Where to put a feature's number inside a view: a point on the largest part of the feature's
// visible part clear of what `keep` holds, or next to its first visible point (point features).
bool label_point(const DrawFeature& f, const MapView& v, const KeepOut& keep, Point& out);

void draw_view(cairo_t* cr, const MapView& v, const Scene& s, bool main_view);

void legend_swatch_fill(cairo_t* cr, double x, double y, const ThemeStyle& style);

void draw_panel(cairo_t* cr, const Scene& s, const MapView* detail, double x, double width, double height);

}  // namespace sitescreen::site_map_kit
