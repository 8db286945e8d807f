// Per-site map images drawn with cairo in the site's azimuthal equidistant frame
// (so rings are circles, distances from the site are true, and north is up).
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
#include <map>

#include "geo/geodesic.h"
#include "geo/geos_kit.h"
#include "io/atomic_file.h"
#include "report/map_context.h"
#include "report/site_map_png.h"

namespace fs = std::filesystem;

namespace sitescreen {

Point MapView::pixel(LonLat p) const { return pixel_xy(frame.forward(p)); }

namespace {

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

Rgb rgb(const char* hex) {
    const unsigned long v = std::strtoul(hex + 1, nullptr, 16);
    return {((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0};
}

void source(cairo_t* cr, Rgb c, double alpha = 1.0) { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha); }

// How a layer theme is drawn: colour, fill opacity and stacking order (low first).
struct ThemeStyle {
    Rgb colour;
    double fill_alpha = 0.25;
    int order = 1;
    bool hatch = false;  // diagonal lines over a light fill: stays readable where layers overlap
};

ThemeStyle theme_style(const std::string& theme, std::size_t layer_index) {
    if (theme == "water_stress" || theme == "water_risk") return {rgb("#b35806"), 0.05, 0};
    if (theme == "protected_area" || theme == "nature_reserve") return {rgb("#238b45"), 0.28, 2};
    if (theme == "wetland" || theme == "ramsar") return {rgb("#2171b5"), 0.30, 3};
    if (theme == "heritage") return {rgb("#6a51a3"), 0.28, 4};
    if (theme == "kba" || theme == "key_biodiversity_area") return {rgb("#e7298a"), 0.28, 4};
    if (theme == "red_line") return {rgb("#cb181d"), 0.07, 5, true};
    static const char* palette[] = {"#1b9e77", "#d95f02", "#7570b3", "#66a61e", "#e6ab02", "#a6761d"};
    return {rgb(palette[layer_index % 6]), 0.25, 1};
}

const Rgb kRing = rgb("#1f2f5c");
const Rgb kAdmin = rgb("#555555");
const Rgb kAlternative = rgb("#08519c");
const Rgb kBackground = rgb("#f6f4ee");
const Rgb kInk = rgb("#1b1b1b");
const Rgb kMuted = rgb("#5a5a5a");
const Rgb kDemo = rgb("#b30000");
// The context under the findings: light enough that every finding stays on top.
const Rgb kRiver = rgb("#9ecae1");
const Rgb kLakeFill = rgb("#deebf7");
const Rgb kLakeEdge = rgb("#b3d3ea");
const Rgb kTown = rgb("#8a8a8a");
const Rgb kTownText = rgb("#6e6e6e");
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
    Json coverage;                  // {"verdict": {level, level_text, coverage}}: the badge's coverage note
    std::vector<DrawLayer> layers;  // drawing order
    std::vector<std::string> admin_names;
    std::vector<const DrawFeature*> numbered;
    std::vector<const DrawLayer*> numbered_layer;
    bool has_alternative = false;
    report::Alternative alternative;
    Point alternative_xy;
    std::vector<Point> more_alternatives_xy;  // the ranked alternatives after the first (rank 2, 3, ...)
    bool demo = false;
    const i18n::Catalog* tr = &i18n::catalog(i18n::Lang::En);  // legend and labels
};

std::string feature_label(const VectorFeature& f) { return !f.name.empty() ? f.name : f.id; }

geos::GeomPtr clip_to_rect(geos::GeomPtr g, double half) {
    if (!g) return g;
    return geos::GeomPtr(GEOSClipByRect_r(geos::context(), g.get(), -half, -half, half, half));
}

void build_context(ContextScene& c, const MapContextData& data, const LocalFrame& frame, const Box& view_ll,
                   double clip_half, i18n::Lang lang) {
    for (const ContextLake& lake : data.lakes) {
        if (!bg::intersects(lake.box, view_ll)) continue;
        std::vector<geos::GeomPtr> parts;
        for (const Polygon& piece : lake.area) {
            Box b;
            bg::envelope(piece, b);
            if (bg::intersects(b, view_ll)) parts.push_back(geos::from_polygon(frame.forward(piece)));
        }
        if (parts.empty()) continue;
        geos::GeomPtr clipped = clip_to_rect(geos::union_all(std::move(parts)), clip_half);
        if (clipped && !GEOSisEmpty_r(geos::context(), clipped.get())) c.lakes_xy.push_back(std::move(clipped));
    }
    for (const ContextLine& line : data.rivers) {
        if (!bg::intersects(line.box, view_ll)) continue;
        std::vector<Point> xy;
        xy.reserve(line.points.size());
        for (const LonLat& p : line.points) xy.push_back(frame.forward(p));
        c.rivers_xy.push_back(std::move(xy));
    }
    for (const ContextTown& t : data.towns) {
        if (c.towns.size() == kMaxContextTowns) break;
        if (!bg::within(Point(t.at.lon, t.at.lat), view_ll)) continue;
        const Point xy = frame.forward(t.at);
        if (std::fabs(xy.x()) > clip_half || std::fabs(xy.y()) > clip_half) continue;
        c.towns.push_back({xy, town_label(t, lang), t.seat});
    }
}

Scene build_scene(const SiteResult& r, const Json& record, double view_half_m, i18n::Lang lang,
                  const MapContextData* context) {
    Scene s;
    s.tr = &i18n::catalog(lang);
    s.result = &r;
    s.level = report::verdict_level(record);
    if (record.is_object() && record.contains("verdict") && record["verdict"].is_object()) {
        const Json& v = record["verdict"];
        s.coverage["verdict"] = Json::object();
        for (const char* k : {"level", "level_text", "coverage"})
            if (v.contains(k)) s.coverage["verdict"][k] = v[k];
    }
    s.demo = !report::demo_layers(record).empty();
    const LocalFrame frame(r.geometry->centre);
    // Lon/lat box sure to hold the square view (its corners are sqrt(2) * half away).
    const Box view_ll = geodesic::bounding_box(r.geometry->centre, view_half_m * 1.5);
    const double clip_half = view_half_m * 1.1;
    if (context) build_context(s.context, *context, frame, view_ll, clip_half, lang);

    for (std::size_t li = 0; li < r.layers.size(); ++li) {
        const LayerOutcome& o = r.layers[li];
        if (!o.vector || !o.vector_layer || !o.spec) continue;
        DrawLayer dl;
        dl.title = o.spec->title.empty() ? o.spec->id : o.spec->title_for(lang);
        dl.theme = o.spec->theme;
        dl.admin = o.spec->theme == "admin";
        dl.demo = o.spec->provenance.demo;
        dl.style = theme_style(o.spec->theme, li);
        dl.hit_count = o.vector->hits.size();
        const auto& feats = o.vector_layer->features();
        std::size_t drawn = 0;
        for (const FeatureHit& h : o.vector->hits) {
            if (drawn++ == kMaxHitsPerLayer) break;
            DrawFeature df;
            const VectorFeature& vf = feats[h.feature];
            df.name = feature_label(vf);
            df.distance_m = h.distance_m;
            df.inside = std::find(o.vector->inside_features.begin(), o.vector->inside_features.end(), h.feature) !=
                        o.vector->inside_features.end();
            df.fill_alpha = dl.style.fill_alpha;
            auto cat = o.spec->categories.find(vf.category);
            // More sensitive categories (a reserve's core zone, extreme water stress) a little darker.
            if (cat != o.spec->categories.end() && cat->second.severity)
                df.fill_alpha = std::min(dl.style.fill_alpha * 2.2,
                                         dl.style.fill_alpha * (1.0 + 0.3 * std::max(0, *cat->second.severity)));
            if (cat != o.spec->categories.end() && !cat->second.label.empty())
                df.category = cat->second.label_for(lang);
            else
                df.category = vf.category;
            std::vector<geos::GeomPtr> parts;
            for (const Polygon& piece : o.vector_layer->feature_polygons(h.feature)) {
                Box b;
                bg::envelope(piece, b);
                if (!bg::intersects(b, view_ll)) continue;
                parts.push_back(geos::from_polygon(frame.forward(piece)));
            }
            if (!parts.empty()) df.area_xy = clip_to_rect(geos::union_all(std::move(parts)), clip_half);
            for (const Point& p : o.vector_layer->feature_points(h.feature)) {
                const Point xy = frame.forward(p);
                if (std::fabs(xy.x()) <= clip_half && std::fabs(xy.y()) <= clip_half) df.points_xy.push_back(xy);
            }
            if ((!df.area_xy || GEOSisEmpty_r(geos::context(), df.area_xy.get())) && df.points_xy.empty()) continue;
            if (dl.admin && df.inside &&
                std::find(s.admin_names.begin(), s.admin_names.end(), df.name) == s.admin_names.end())
                s.admin_names.push_back(df.name);
            dl.features.push_back(std::move(df));
        }
        if (!dl.features.empty()) s.layers.push_back(std::move(dl));
    }
    std::stable_sort(s.layers.begin(), s.layers.end(), [](const DrawLayer& a, const DrawLayer& b) {
        return (a.admin ? 100 : a.style.order) < (b.admin ? 100 : b.style.order);
    });

    // Number the nearest features of the nature layers (not admin units).
    std::vector<std::pair<const DrawLayer*, DrawFeature*>> all;
    for (auto& dl : s.layers)
        if (!dl.admin)
            for (auto& df : dl.features) all.emplace_back(&dl, &df);
    std::stable_sort(all.begin(), all.end(),
                     [](const auto& a, const auto& b) { return a.second->distance_m < b.second->distance_m; });
    for (std::size_t i = 0; i < all.size() && static_cast<int>(i) < kMaxNumbered; ++i) {
        all[i].second->number = static_cast<int>(i) + 1;
        s.numbered.push_back(all[i].second);
        s.numbered_layer.push_back(all[i].first);
    }

    s.has_alternative = report::found_alternative(record, s.alternative);
    if (s.has_alternative) {
        s.alternative_xy = frame.forward(LonLat{s.alternative.lon, s.alternative.lat});
        const Json& ranked = record["alternative"].value("alternatives", Json::array());
        for (std::size_t i = 1; i < ranked.size(); ++i)
            if (ranked[i].contains("lon") && ranked[i]["lon"].is_number() && ranked[i].contains("lat") &&
                ranked[i]["lat"].is_number())
                s.more_alternatives_xy.push_back(
                    frame.forward(LonLat{ranked[i]["lon"].get<double>(), ranked[i]["lat"].get<double>()}));
    }
    return s;
}

// ---------------------------------------------------------------- drawing helpers

// In a PDF, Latin text is set in DejaVu Sans and CJK in Noto Sans CJK SC:
// cairo's subset of Noto CJK holding both Latin and CJK glyphs carries whole
// subroutine tables (about 0.9 MB). A context drawn for a PDF carries this
// state (cairo user data); an image's does not, and keeps the one face.
constexpr const char* kLatinFont = "DejaVu Sans";
const cairo_user_data_key_t kSplitFacesKey{};
struct SplitFaces {
    bool bold = false;
};

SplitFaces* split_faces(cairo_t* cr) { return static_cast<SplitFaces*>(cairo_get_user_data(cr, &kSplitFacesKey)); }

void select_face(cairo_t* cr, const char* family, bool bold) {
    cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
}

void set_font(cairo_t* cr, double size, bool bold = false) {
    if (SplitFaces* split = split_faces(cr)) {
        split->bold = bold;
        select_face(cr, kLatinFont, bold);
    } else {
        select_face(cr, kFont, bold);
    }
    cairo_set_font_size(cr, size);
}

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

double text_width(cairo_t* cr, const std::string& t) {
    double w = 0;
    for_each_run(cr, t, [&](const std::string& run) {
        cairo_text_extents_t e;
        cairo_text_extents(cr, run.c_str(), &e);
        w += e.x_advance;
    });
    return w;
}

// Cuts text to fit `max_w` pixels, on a UTF-8 character boundary, with an ellipsis.
std::string fit(cairo_t* cr, const std::string& t, double max_w) {
    if (text_width(cr, t) <= max_w) return t;
    std::string s = t;
    while (!s.empty()) {
        std::size_t cut = s.size() - 1;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s.resize(cut);
        if (text_width(cr, s + "…") <= max_w) return s + "…";
    }
    return "…";
}

void text_at(cairo_t* cr, double x, double y, const std::string& t, Rgb c) {
    source(cr, c);
    cairo_move_to(cr, x, y);
    for_each_run(cr, t, [&](const std::string& run) { cairo_show_text(cr, run.c_str()); });
    cairo_new_path(cr);  // show_text leaves a current point: the next shape must not connect to it
}

// Text with a white halo, readable over any map content.
void halo_text(cairo_t* cr, double x, double y, const std::string& t, Rgb c) {
    cairo_move_to(cr, x, y);
    for_each_run(cr, t, [&](const std::string& run) { cairo_text_path(cr, run.c_str()); });
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, 3.5);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    source(cr, c);
    cairo_fill(cr);
    cairo_new_path(cr);
}

void add_ring_path(cairo_t* cr, const MapView& v, const GEOSGeometry* ring) {
    auto ctx = geos::context();
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx, seq, &n);
    for (unsigned i = 0; i < n; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(ctx, seq, i, &x, &y);
        const Point p = v.pixel_xy(Point(x, y));
        if (i == 0)
            cairo_move_to(cr, p.x(), p.y());
        else
            cairo_line_to(cr, p.x(), p.y());
    }
    cairo_close_path(cr);
}

void add_geos_path(cairo_t* cr, const MapView& v, const GEOSGeometry* g) {
    if (!g) return;
    auto ctx = geos::context();
    const int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx, g)) return;
        add_ring_path(cr, v, GEOSGetExteriorRing_r(ctx, g));
        const int nh = GEOSGetNumInteriorRings_r(ctx, g);
        for (int i = 0; i < nh; ++i) add_ring_path(cr, v, GEOSGetInteriorRingN_r(ctx, g, i));
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < n; ++i) add_geos_path(cr, v, GEOSGetGeometryN_r(ctx, g, i));
    }
}

void add_polygon_path(cairo_t* cr, const MapView& v, const MultiPolygon& mp) {
    auto ring = [&](const Ring& r) {
        for (std::size_t i = 0; i < r.size(); ++i) {
            const Point p = v.pixel_xy(r[i]);
            if (i == 0)
                cairo_move_to(cr, p.x(), p.y());
            else
                cairo_line_to(cr, p.x(), p.y());
        }
        cairo_close_path(cr);
    };
    for (const Polygon& p : mp) {
        ring(p.outer());
        for (const Ring& h : p.inners()) ring(h);
    }
}

// A repeating tile of diagonal lines in `c`.
PatternPtr hatch_pattern(Rgb c) {
    SurfacePtr tile(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10));
    {
        CairoPtr t(cairo_create(tile.get()));
        source(t.get(), c, 0.75);
        cairo_set_line_width(t.get(), 1.3);
        for (double o : {-10.0, 0.0, 10.0}) {
            cairo_move_to(t.get(), o, 10);
            cairo_line_to(t.get(), o + 10, 0);
        }
        cairo_stroke(t.get());
    }
    PatternPtr p(cairo_pattern_create_for_surface(tile.get()));
    cairo_pattern_set_extend(p.get(), CAIRO_EXTEND_REPEAT);
    return p;
}

void circle(cairo_t* cr, double x, double y, double r) {
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * kPi);
}

void triangle_marker(cairo_t* cr, double x, double y, double r) {
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + r * 0.87, y + r * 0.5);
    cairo_line_to(cr, x - r * 0.87, y + r * 0.5);
    cairo_close_path(cr);
}

void star_path(cairo_t* cr, double x, double y, double r) {
    for (int i = 0; i < 10; ++i) {
        const double a = -kPi / 2 + i * kPi / 5;
        const double rr = i % 2 == 0 ? r : r * 0.45;
        if (i == 0)
            cairo_move_to(cr, x + rr * std::cos(a), y + rr * std::sin(a));
        else
            cairo_line_to(cr, x + rr * std::cos(a), y + rr * std::sin(a));
    }
    cairo_close_path(cr);
}

void number_badge(cairo_t* cr, double x, double y, int n, Rgb ring) {
    circle(cr, x, y, 8.5);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    source(cr, ring);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
    set_font(cr, 11, true);
    const std::string t = std::to_string(n);
    cairo_text_extents_t e;
    cairo_text_extents(cr, t.c_str(), &e);
    text_at(cr, x - e.x_advance / 2, y + 4, t, kInk);
}

// A round length (1, 2 or 5 x 10^k metres) no longer than `max_m`.
double nice_length(double max_m) {
    const double p = std::pow(10.0, std::floor(std::log10(std::max(max_m, 1e-3))));
    for (double f : {5.0, 2.0, 1.0})
        if (f * p <= max_m) return f * p;
    return p;
}

std::string length_label(double m) {
    if (m >= 1000) return fmt::format("{:g} km", m / 1000);
    return fmt::format("{:g} m", m);
}

// The scale is that of the site's azimuthal equidistant frame: exact geodesic
// metres along lines through the site, within 0.01 % over the whole view.
Box scale_bar(cairo_t* cr, const MapView& v, double target_px) {
    const double len_m = nice_length(target_px / v.px_per_m);
    const double len_px = len_m * v.px_per_m;
    const double x = v.x0 + 14, y = v.y0 + v.h - 22;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_rectangle(cr, x - 8, y - 20, len_px + 60, 34);
    cairo_fill(cr);
    const int segments = 4;
    for (int i = 0; i < segments; ++i) {
        cairo_rectangle(cr, x + i * len_px / segments, y, len_px / segments, 6);
        if (i % 2 == 0)
            source(cr, kInk);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        source(cr, kInk);
        cairo_set_line_width(cr, 1);
        cairo_stroke(cr);
    }
    set_font(cr, 11);
    text_at(cr, x - 3, y - 5, "0", kInk);
    const std::string label = length_label(len_m);
    text_at(cr, x + len_px - text_width(cr, label) / 2, y - 5, label, kInk);
    return Box(Point(x - 18, y - 30), Point(x + len_px + 62, y + 24));
}

void north_arrow(cairo_t* cr, double x, double y) {
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    circle(cr, x, y, 24);
    cairo_fill(cr);
    // Left half dark, right half light: the classic north arrow.
    cairo_move_to(cr, x, y - 16);
    cairo_line_to(cr, x - 8, y + 12);
    cairo_line_to(cr, x, y + 6);
    cairo_close_path(cr);
    source(cr, kInk);
    cairo_fill(cr);
    cairo_move_to(cr, x, y - 16);
    cairo_line_to(cr, x + 8, y + 12);
    cairo_line_to(cr, x, y + 6);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    source(cr, kInk);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
    set_font(cr, 12, true);
    text_at(cr, x - text_width(cr, "N") / 2, y - 19 + 2, "N", kInk);
}

// Where to put a feature's number inside a view: a point on the visible part of
// the feature, clear of the site marker, the other numbers and the map furniture
// (`taken`: pixel circles; `blocked`: pixel rectangles), or next to its first visible point.
bool label_point(const DrawFeature& f, const MapView& v, const std::vector<std::pair<Point, double>>& taken,
                 const std::vector<Box>& blocked, Point& out) {
    constexpr double kMargin = 14;
    auto free_px = [&](const Point& p) {
        if (p.x() < v.x0 + kMargin || p.x() > v.x0 + v.w - kMargin || p.y() < v.y0 + kMargin ||
            p.y() > v.y0 + v.h - kMargin)
            return false;
        for (const auto& [c, r] : taken)
            if (std::hypot(p.x() - c.x(), p.y() - c.y()) < r) return false;
        for (const Box& b : blocked)
            if (bg::within(p, b)) return false;
        return true;
    };
    for (const Point& p : f.points_xy) {
        const Point px = v.pixel_xy(p);
        for (const Point off : {Point(11, -11), Point(11, 11), Point(-11, -11), Point(-11, 11)}) {
            const Point c(px.x() + off.x(), px.y() + off.y());
            if (free_px(c)) {
                out = c;
                return true;
            }
        }
    }
    if (!f.area_xy) return false;
    auto ctx = geos::context();
    auto to_m = [&](double px, double py) { return Point((px - v.cx) / v.px_per_m, (v.cy - py) / v.px_per_m); };
    const Point lo = to_m(v.x0 + kMargin, v.y0 + v.h - kMargin), hi = to_m(v.x0 + v.w - kMargin, v.y0 + kMargin);
    geos::GeomPtr vis(GEOSClipByRect_r(ctx, f.area_xy.get(), lo.x(), lo.y(), hi.x(), hi.y()));
    if (!vis || GEOSisEmpty_r(ctx, vis.get())) return false;
    std::vector<geos::GeomPtr> keep_out;
    for (const auto& [c, r] : taken) {
        const Point m = to_m(c.x(), c.y());
        geos::GeomPtr pt(GEOSGeom_createPointFromXY_r(ctx, m.x(), m.y()));
        keep_out.emplace_back(GEOSBuffer_r(ctx, pt.get(), r / v.px_per_m, 8));
    }
    for (const Box& b : blocked) {
        const Point a = to_m(b.min_corner().x(), b.max_corner().y()), z = to_m(b.max_corner().x(), b.min_corner().y());
        Polygon rect;
        for (const Point& p : {a, Point(z.x(), a.y()), z, Point(a.x(), z.y()), a}) rect.outer().push_back(p);
        bg::correct(rect);
        keep_out.push_back(geos::from_polygon(rect));
    }
    if (!keep_out.empty()) {
        geos::GeomPtr blocked_area = geos::union_all(std::move(keep_out));
        geos::GeomPtr away(GEOSDifference_r(ctx, vis.get(), blocked_area.get()));
        if (!away || GEOSisEmpty_r(ctx, away.get())) return false;
        vis = std::move(away);
    }
    // The largest free part.
    const GEOSGeometry* best = nullptr;
    double best_area = 0;
    const int n = GEOSGetNumGeometries_r(ctx, vis.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(ctx, vis.get(), i);
        const double a = geos::area(part);
        if (a > best_area) best_area = a, best = part;
    }
    if (!best || best_area * v.px_per_m * v.px_per_m < 40) return false;  // too small to hold a number
    geos::GeomPtr pos(GEOSPointOnSurface_r(ctx, best));
    if (!pos) return false;
    double x = 0, y = 0;
    GEOSGeomGetX_r(ctx, pos.get(), &x);
    GEOSGeomGetY_r(ctx, pos.get(), &y);
    out = v.pixel_xy(Point(x, y));
    return true;
}

// An alternative location's star: filled, with a white outline.
void alternative_star(cairo_t* cr, const Point& at, double r) {
    star_path(cr, at.x(), at.y(), r);
    source(cr, kAlternative);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 0.15 * r);
    cairo_stroke(cr);
}

// Rivers, lakes and town dots with their names, under everything else. A town is drawn only
// where its name fits clear of the site, the other names and the map furniture (`keep_out`).
void draw_context(cairo_t* cr, const MapView& v, const ContextScene& c, std::vector<Box> keep_out, int max_labels) {
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (const auto& lake : c.lakes_xy) {
        add_geos_path(cr, v, lake.get());
        source(cr, kLakeFill);
        cairo_fill_preserve(cr);
        source(cr, kLakeEdge);
        cairo_set_line_width(cr, 0.7);
        cairo_stroke(cr);
    }
    source(cr, kRiver);
    cairo_set_line_width(cr, 1.3);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (const auto& line : c.rivers_xy) {
        for (std::size_t i = 0; i < line.size(); ++i) {
            const Point p = v.pixel_xy(line[i]);
            if (i == 0)
                cairo_move_to(cr, p.x(), p.y());
            else
                cairo_line_to(cr, p.x(), p.y());
        }
        cairo_stroke(cr);
    }
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    int labelled = 0;
    for (const ContextTownXY& t : c.towns) {
        if (labelled == max_labels) break;
        const Point px = v.pixel_xy(t.xy);
        if (px.x() < v.x0 + 4 || px.x() > v.x0 + v.w - 4 || px.y() < v.y0 + 4 || px.y() > v.y0 + v.h - 4) continue;
        set_font(cr, t.seat <= 1 ? 11 : 10);
        const double tw = text_width(cr, t.label), th = t.seat <= 1 ? 11 : 10;
        bool placed = false;
        Box label;
        for (const Point off : {Point(5, 4), Point(-5 - tw, 4), Point(-tw / 2, -6), Point(-tw / 2, th + 5)}) {
            const Box b(Point(px.x() + off.x() - 2, px.y() + off.y() - th - 1),
                        Point(px.x() + off.x() + tw + 2, px.y() + off.y() + 3));
            if (b.min_corner().x() < v.x0 + 2 || b.max_corner().x() > v.x0 + v.w - 2 || b.min_corner().y() < v.y0 + 2 ||
                b.max_corner().y() > v.y0 + v.h - 2)
                continue;
            bool clear = true;
            for (const Box& k : keep_out)
                if (bg::intersects(b, k)) {
                    clear = false;
                    break;
                }
            if (clear) {
                label = b;
                placed = true;
                break;
            }
        }
        if (!placed) continue;
        circle(cr, px.x(), px.y(), t.seat <= 1 ? 3.2 : 2.5);
        source(cr, kTown);
        cairo_fill(cr);
        cairo_move_to(cr, label.min_corner().x() + 2, label.max_corner().y() - 3);
        for_each_run(cr, t.label, [&](const std::string& run) { cairo_text_path(cr, run.c_str()); });
        cairo_set_source_rgba(cr, 1, 1, 1, 0.75);
        cairo_set_line_width(cr, 2.5);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke_preserve(cr);
        source(cr, kTownText);
        cairo_fill(cr);
        cairo_new_path(cr);
        keep_out.push_back(label);
        keep_out.emplace_back(Point(px.x() - 4, px.y() - 4), Point(px.x() + 4, px.y() + 4));
        ++labelled;
    }
}

void draw_view(cairo_t* cr, const MapView& v, const Scene& s, bool main_view) {
    const SiteResult& r = *s.result;
    const SiteGeometry& g = *r.geometry;
    cairo_save(cr);
    cairo_rectangle(cr, v.x0, v.y0, v.w, v.h);
    cairo_clip(cr);
    source(cr, kBackground);
    cairo_paint(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);

    {
        // Town names keep clear of the site, the alternatives and where the furniture goes.
        std::vector<Box> keep_out{Box(Point(v.cx - 26, v.cy - 26), Point(v.cx + 26, v.cy + 26))};
        if (s.has_alternative) {
            const Point a = v.pixel_xy(s.alternative_xy);
            keep_out.emplace_back(Point(a.x() - 16, a.y() - 16), Point(a.x() + 16, a.y() + 16));
        }
        for (const Point& m_xy : s.more_alternatives_xy) {
            const Point m = v.pixel_xy(m_xy);
            keep_out.emplace_back(Point(m.x() - 12, m.y() - 14), Point(m.x() + 20, m.y() + 10));
        }
        const double bar_w = v.w * (main_view ? 0.28 : 0.35) + 90;
        keep_out.emplace_back(Point(v.x0, v.y0 + v.h - 56), Point(v.x0 + bar_w, v.y0 + v.h));
        if (main_view) {
            const double ny = v.y0 + (s.demo ? 68 : 40);
            keep_out.emplace_back(Point(v.x0 + v.w - 72, ny - 36), Point(v.x0 + v.w, ny + 36));
            set_font(cr, 10);
            const double nw = text_width(cr, s.tr->text("map.projection"));
            keep_out.emplace_back(Point(v.x0 + v.w - nw - 24, v.y0 + v.h - 30), Point(v.x0 + v.w, v.y0 + v.h));
            if (s.demo) keep_out.emplace_back(Point(v.x0, v.y0), Point(v.x0 + v.w, v.y0 + 40));
        }
        draw_context(cr, v, s.context, std::move(keep_out), main_view ? kMaxTownLabels : 4);
    }

    // Nature layers: fills, then outlines.
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (const DrawLayer& dl : s.layers) {
        if (dl.admin) continue;
        for (const DrawFeature& f : dl.features) {
            if (!f.area_xy) continue;
            add_geos_path(cr, v, f.area_xy.get());
            source(cr, dl.style.colour, f.fill_alpha);
            cairo_fill_preserve(cr);
            if (dl.style.hatch) {
                PatternPtr hatch = hatch_pattern(dl.style.colour);
                cairo_set_source(cr, hatch.get());
                cairo_fill_preserve(cr);
            }
            source(cr, dl.style.colour, 0.85);
            cairo_set_line_width(cr, 1.1);
            cairo_stroke(cr);
        }
    }
    // Admin context: outlines only, coarser layers (fewer units) drawn thicker.
    for (const DrawLayer& dl : s.layers) {
        if (!dl.admin) continue;
        const double width = dl.features.size() <= 2 ? 1.8 : 1.2;
        for (const DrawFeature& f : dl.features) {
            if (!f.area_xy) continue;
            add_geos_path(cr, v, f.area_xy.get());
            source(cr, kAdmin, 0.9);
            cairo_set_line_width(cr, width);
            const double dash[] = {7, 3};
            cairo_set_dash(cr, dash, 2, 0);
            cairo_stroke(cr);
            cairo_set_dash(cr, nullptr, 0, 0);
        }
    }
    // Point features.
    for (const DrawLayer& dl : s.layers)
        for (const DrawFeature& f : dl.features)
            for (const Point& p : f.points_xy) {
                const Point px = v.pixel_xy(p);
                triangle_marker(cr, px.x(), px.y(), 7);
                source(cr, dl.style.colour, 0.9);
                cairo_fill_preserve(cr);
                cairo_set_source_rgb(cr, 1, 1, 1);
                cairo_set_line_width(cr, 1.2);
                cairo_stroke(cr);
            }

    // Buffer rings with their radius.
    set_font(cr, 11, true);
    for (std::size_t k = 0; k < g.radii_m.size(); ++k) {
        const double rpx = g.radii_m[k] * v.px_per_m;
        if (rpx < 3) continue;
        if (g.is_point)
            circle(cr, v.cx, v.cy, rpx);
        else if (k < g.buffers_xy().size())
            add_polygon_path(cr, v, g.buffers_xy()[k]);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.7);
        cairo_set_line_width(cr, 4);
        cairo_stroke_preserve(cr);
        source(cr, kRing);
        cairo_set_line_width(cr, 2);
        cairo_stroke(cr);
        if (rpx > 18) {
            double lx = v.cx + rpx * 0.7071 + 4, ly = v.cy - rpx * 0.7071 - 4;
            if (!g.is_point && k < g.buffers_xy().size()) {
                Box b;
                bg::envelope(g.buffers_xy()[k], b);
                const Point tr = v.pixel_xy(Point(b.max_corner().x() * 0.72, b.max_corner().y() * 0.72));
                lx = tr.x() + 4;
                ly = tr.y() - 4;
            }
            halo_text(cr, lx, ly, length_label(g.radii_m[k]), kRing);
        }
    }

    // The site: its footprint, then its marker in the verdict's colour.
    const Rgb verdict = rgb(report::verdict_colour(s.level));
    if (!g.is_point) {
        add_polygon_path(cr, v, g.footprint_xy);
        source(cr, verdict, 0.45);
        cairo_fill_preserve(cr);
        source(cr, kInk);
        cairo_set_line_width(cr, 2);
        cairo_stroke(cr);
    }

    // The alternative location: an arrow from the site and a star.
    if (s.has_alternative) {
        const Point a = v.pixel_xy(s.alternative_xy);
        const double dx = a.x() - v.cx, dy = a.y() - v.cy, len = std::hypot(dx, dy);
        if (len > 24) {
            const double ux = dx / len, uy = dy / len;
            const double sx = v.cx + ux * 10, sy = v.cy + uy * 10, ex = a.x() - ux * 12, ey = a.y() - uy * 12;
            cairo_move_to(cr, sx, sy);
            cairo_line_to(cr, ex - ux * 8, ey - uy * 8);
            cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
            cairo_set_line_width(cr, 5);
            cairo_stroke_preserve(cr);
            source(cr, kAlternative);
            cairo_set_line_width(cr, 2.5);
            cairo_stroke(cr);
            cairo_move_to(cr, ex, ey);
            cairo_line_to(cr, ex - ux * 12 - uy * 6, ey - uy * 12 + ux * 6);
            cairo_line_to(cr, ex - ux * 12 + uy * 6, ey - uy * 12 - ux * 6);
            cairo_close_path(cr);
            source(cr, kAlternative);
            cairo_fill(cr);
        }
        // The other ranked alternatives: smaller stars with their rank.
        for (std::size_t i = 0; i < s.more_alternatives_xy.size(); ++i) {
            const Point m = v.pixel_xy(s.more_alternatives_xy[i]);
            alternative_star(cr, m, 7);
            set_font(cr, 11, true);
            halo_text(cr, m.x() + 8, m.y() - 6, std::to_string(i + 2), kAlternative);
        }
        alternative_star(cr, a, 10);
    }

    const double marker_r = g.is_point ? 7 : 5;
    circle(cr, v.cx, v.cy, marker_r);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 5);
    cairo_stroke_preserve(cr);
    source(cr, verdict);
    cairo_fill_preserve(cr);
    source(cr, kInk);
    cairo_set_line_width(cr, 1.6);
    cairo_stroke(cr);

    // Map furniture, remembered so that the feature numbers keep clear of it.
    std::vector<Box> blocked;
    if (main_view) {
        const double ny = v.y0 + (s.demo ? 68 : 40);
        north_arrow(cr, v.x0 + v.w - 36, ny);
        blocked.emplace_back(Point(v.x0 + v.w - 72, ny - 36), Point(v.x0 + v.w, ny + 36));
        blocked.push_back(scale_bar(cr, v, v.w * 0.28));
        set_font(cr, 10);
        const std::string note = s.tr->text("map.projection");
        cairo_set_source_rgba(cr, 1, 1, 1, 0.75);
        const double nw = text_width(cr, note);
        cairo_rectangle(cr, v.x0 + v.w - nw - 14, v.y0 + v.h - 20, nw + 10, 16);
        cairo_fill(cr);
        text_at(cr, v.x0 + v.w - nw - 9, v.y0 + v.h - 8, note, kMuted);
        blocked.emplace_back(Point(v.x0 + v.w - nw - 24, v.y0 + v.h - 30), Point(v.x0 + v.w, v.y0 + v.h));
        if (s.demo) {
            cairo_set_source_rgba(cr, kDemo.r, kDemo.g, kDemo.b, 0.9);
            cairo_rectangle(cr, v.x0, v.y0, v.w, 28);
            cairo_fill(cr);
            set_font(cr, 14, true);
            text_at(cr, v.x0 + 12, v.y0 + 19, s.tr->text("map.demo_banner"), Rgb{1, 1, 1});
            blocked.emplace_back(Point(v.x0, v.y0), Point(v.x0 + v.w, v.y0 + 40));
        }
    } else {
        blocked.push_back(scale_bar(cr, v, v.w * 0.35));
    }

    // Numbers of the nearest features, clear of the site, each other and the furniture.
    std::vector<std::pair<Point, double>> taken{{Point(v.cx, v.cy), 22}};
    if (s.has_alternative) taken.emplace_back(v.pixel_xy(s.alternative_xy), 20);
    for (std::size_t i = 0; i < s.numbered.size(); ++i) {
        Point p;
        if (!label_point(*s.numbered[i], v, taken, blocked, p)) continue;
        number_badge(cr, p.x(), p.y(), s.numbered[i]->number, s.numbered_layer[i]->style.colour);
        taken.emplace_back(p, 20);
    }
    cairo_restore(cr);
    cairo_rectangle(cr, v.x0 + 0.5, v.y0 + 0.5, v.w - 1, v.h - 1);
    source(cr, kMuted);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
}

// ---------------------------------------------------------------- the side panel

void legend_swatch_fill(cairo_t* cr, double x, double y, const ThemeStyle& style) {
    cairo_rectangle(cr, x, y - 10, 18, 12);
    source(cr, style.colour, style.hatch ? style.fill_alpha : std::max(style.fill_alpha, 0.3));
    cairo_fill_preserve(cr);
    if (style.hatch) {
        PatternPtr hatch = hatch_pattern(style.colour);
        cairo_set_source(cr, hatch.get());
        cairo_fill_preserve(cr);
    }
    const Rgb c = style.colour;
    source(cr, c, 0.9);
    cairo_set_line_width(cr, 1.2);
    cairo_stroke(cr);
}

void draw_panel(cairo_t* cr, const Scene& s, const Json& record, const MapView* detail, double x, double width,
                double height) {
    const SiteResult& r = *s.result;
    const SiteGeometry& g = *r.geometry;
    const double text_w = width - 10;
    const i18n::Catalog& tr = *s.tr;
    double y = 30;

    set_font(cr, 20, true);
    text_at(cr, x, y, fit(cr, tr.format("report.title", {{"id", r.site.id}}), text_w), kInk);
    const std::string name = report::site_name(record);
    if (!name.empty()) {
        y += 24;
        set_font(cr, 16);
        text_at(cr, x, y, fit(cr, name, text_w), kInk);
    }
    y += 20;
    set_font(cr, 12);
    std::string line = fmt::format("{:.5f}, {:.5f}", g.centre.lon, g.centre.lat);
    if (!r.site.type.empty()) line = tr.text_or("site_type." + r.site.type, r.site.type) + " · " + line;
    text_at(cr, x, y, fit(cr, line, text_w), kMuted);

    // Verdict badge.
    y += 12;
    const std::string level = s.level;
    cairo_rectangle(cr, x, y, text_w, 32);
    source(cr, rgb(report::verdict_colour(level)));
    cairo_fill(cr);
    set_font(cr, 17, true);
    text_at(cr, x + 10, y + 22,
            fit(cr,
                tr.format("report.verdict", {{"label", report::verdict_label(level, tr)},
                                             {"note", report::verdict_coverage_note(s.coverage, tr)}}),
                text_w - 20),
            rgb(report::verdict_text_colour(level)));
    y += 32;

    if (!s.admin_names.empty()) {
        std::string admin;
        for (const auto& n : s.admin_names) admin += (admin.empty() ? "" : " · ") + n;
        y += 20;
        set_font(cr, 13);
        text_at(cr, x, y, fit(cr, tr.format("map.admin", {{"names", admin}}), text_w), kInk);
    }
    if (s.demo) {
        y += 19;
        set_font(cr, 12, true);
        text_at(cr, x, y, fit(cr, tr.text("map.demo_used"), text_w), kDemo);
    }

    if (detail) {
        y += 20;
        set_font(cr, 12, true);
        text_at(cr, x, y, fit(cr, tr.text("map.detail"), text_w), kInk);
        y = detail->y0 + detail->h;
    }

    // Legend.
    y += 24;
    set_font(cr, 13, true);
    text_at(cr, x, y, tr.text("map.legend"), kInk);
    set_font(cr, 12);
    auto entry = [&](const std::string& label) { text_at(cr, x + 26, y, fit(cr, label, text_w - 26), kInk); };
    y += 20;
    circle(cr, x + 9, y - 4, 6);
    source(cr, rgb(report::verdict_colour(level)));
    cairo_fill_preserve(cr);
    source(cr, kInk);
    cairo_set_line_width(cr, 1.4);
    cairo_stroke(cr);
    entry(tr.text(g.is_point ? "map.site_point" : "map.site_footprint"));
    y += 19;
    circle(cr, x + 9, y - 4, 6);
    source(cr, kRing);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
    std::string radii;
    for (double rm : g.radii_m) radii += (radii.empty() ? "" : ", ") + length_label(rm);
    entry(tr.format("map.buffers", {{"radii", radii}}));
    if (s.has_alternative) {
        y += 19;
        star_path(cr, x + 9, y - 4, 7);
        source(cr, kAlternative);
        cairo_fill(cr);
        entry(tr.format("map.alternative", {{"distance", report::format_distance(s.alternative.distance_m)},
                                            {"bearing", fmt::format("{:.0f}", s.alternative.bearing_deg)}}));
    }
    bool admin_listed = false;
    for (const DrawLayer& dl : s.layers) {
        if (dl.admin && admin_listed) continue;
        y += 19;
        if (y > height - 40) break;
        if (dl.admin) {
            admin_listed = true;
            cairo_move_to(cr, x, y - 4);
            cairo_line_to(cr, x + 18, y - 4);
            source(cr, kAdmin);
            cairo_set_line_width(cr, 1.5);
            const double dash[] = {5, 2};
            cairo_set_dash(cr, dash, 2, 0);
            cairo_stroke(cr);
            cairo_set_dash(cr, nullptr, 0, 0);
        } else if (!dl.features.empty() && !dl.features.front().area_xy) {
            triangle_marker(cr, x + 9, y - 4, 7);
            source(cr, dl.style.colour, 0.9);
            cairo_fill(cr);
        } else {
            legend_swatch_fill(cr, x, y, dl.style);
        }
        std::string lower_title = dl.title;
        for (char& c : lower_title) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (dl.admin)
            entry(tr.text("map.admin_boundaries"));
        else
            entry(dl.title + (dl.demo && lower_title.find("demo") == std::string::npos
                                  ? tr.text("report.layers.demo_suffix")
                                  : ""));
    }

    // The context under the map: one line for rivers, lakes and towns, with their sources.
    const ContextScene& context = s.context;
    if ((!context.rivers_xy.empty() || !context.lakes_xy.empty() || !context.towns.empty()) && y < height - 40) {
        y += 19;
        cairo_rectangle(cr, x, y - 10, 18, 12);
        source(cr, kLakeFill);
        cairo_fill(cr);
        cairo_move_to(cr, x, y - 2);
        cairo_curve_to(cr, x + 6, y - 9, x + 11, y + 1, x + 18, y - 7);
        source(cr, kRiver);
        cairo_set_line_width(cr, 1.6);
        cairo_stroke(cr);
        circle(cr, x + 13, y - 7, 2.5);
        source(cr, kTown);
        cairo_fill(cr);
        entry(tr.text("map.context_legend"));
        if (y < height - 40) {
            y += 15;
            set_font(cr, 10);
            text_at(cr, x + 26, y, fit(cr, tr.text("map.context_sources"), text_w - 26), kMuted);
            set_font(cr, 12);
        }
    }

    // The numbered features, nearest first.
    if (!s.numbered.empty() && y < height - 60) {
        y += 26;
        set_font(cr, 13, true);
        text_at(cr, x, y, tr.text("map.nearest"), kInk);
        for (std::size_t i = 0; i < s.numbered.size(); ++i) {
            y += 20;
            if (y > height - 12) break;
            const DrawFeature& f = *s.numbered[i];
            number_badge(cr, x + 9, y - 4, f.number, s.numbered_layer[i]->style.colour);
            set_font(cr, 12);
            const std::string where = f.inside ? tr.text("map.at_site") : report::format_distance(f.distance_m);
            const double ww = text_width(cr, where);
            text_at(cr, x + text_w - ww, y, where, kMuted);
            const std::string label = f.category.empty() ? f.name : f.name + " · " + f.category;
            text_at(cr, x + 24, y, fit(cr, label, text_w - 30 - ww), kInk);
        }
    }
}

}  // namespace

struct SiteMapDrawing::Impl {
    const Json* record = nullptr;
    SiteMapImage img;  // size and views; png stays empty
    Scene scene;
    double panel_x = 0, panel_w = 0;
};

SiteMapDrawing::SiteMapDrawing(const SiteResult& r, const Json& record, const SiteMapOptions& options)
    : impl_(std::make_unique<Impl>()) {
    impl_->record = &record;
    SiteMapImage& img = impl_->img;
    img.width = options.width;
    img.height = options.height;
    if (!r.geometry) return;
    const SiteGeometry& g = *r.geometry;

    // The main view holds the largest buffer and the alternative location.
    double reach = 0;
    if (g.is_point) {
        for (double rm : g.radii_m) reach = std::max(reach, rm);
    } else {
        for (const auto& b : g.buffers_xy()) {
            Box box;
            bg::envelope(b, box);
            reach = std::max({reach, std::fabs(box.min_corner().x()), std::fabs(box.max_corner().x()),
                              std::fabs(box.min_corner().y()), std::fabs(box.max_corner().y())});
        }
        if (g.buffers_xy().empty() && !g.footprint_xy.empty()) {
            Box box;
            bg::envelope(g.footprint_xy, box);
            reach = std::max({std::fabs(box.min_corner().x()), std::fabs(box.max_corner().x()),
                              std::fabs(box.min_corner().y()), std::fabs(box.max_corner().y())});
        }
    }
    report::Alternative alt;
    if (report::found_alternative(record, alt)) {
        const Point a = LocalFrame(g.centre).forward(LonLat{alt.lon, alt.lat});
        reach = std::max({reach, std::fabs(a.x()) * 1.06, std::fabs(a.y()) * 1.06});
        for (const Json& other : record["alternative"].value("alternatives", Json::array()))
            if (other.contains("lon") && other["lon"].is_number() && other.contains("lat") &&
                other["lat"].is_number()) {
                const Point o =
                    LocalFrame(g.centre).forward(LonLat{other["lon"].get<double>(), other["lat"].get<double>()});
                reach = std::max({reach, std::fabs(o.x()) * 1.06, std::fabs(o.y()) * 1.06});
            }
    }
    if (reach <= 0) reach = 1000;
    const double half = reach * 1.08;

    const double map_size = std::min<double>(options.height, options.width * 0.69);
    img.main.frame = LocalFrame(g.centre);
    img.main.x0 = 0;
    img.main.y0 = 0;
    img.main.w = map_size;
    img.main.h = map_size;
    img.main.px_per_m = map_size / 2 / half;
    img.main.cx = map_size / 2;
    img.main.cy = map_size / 2;

    const MapContextData* context = options.context;
    if (!context && options.shared_context) context = shared_map_context(options.lang).data.get();
    impl_->scene = build_scene(r, record, half, options.lang, context);
    const Scene& scene = impl_->scene;

    const double panel_x = map_size + 16, panel_w = options.width - map_size - 28;
    impl_->panel_x = panel_x;
    impl_->panel_w = panel_w;
    // The detail inset: the smallest buffer, when it is small on the main map.
    if (!g.radii_m.empty()) {
        double d = g.radii_m.front() * 1.35;
        if (!g.is_point && !g.buffers_xy().empty()) {
            Box box;
            bg::envelope(g.buffers_xy().front(), box);
            d = 1.15 * std::max({std::fabs(box.min_corner().x()), std::fabs(box.max_corner().x()),
                                 std::fabs(box.min_corner().y()), std::fabs(box.max_corner().y())});
        }
        if (d < half * 0.4) {
            img.has_detail = true;
            img.detail.frame = img.main.frame;
            img.detail.x0 = panel_x;
            img.detail.w = panel_w - 10;
            img.detail.h = 210;
            // Below the header block (title, name, coordinates, verdict, admin, demo line).
            double y = 30 + (report::site_name(record).empty() ? 0 : 24) + 20 + 12 + 32;
            if (!scene.admin_names.empty()) y += 20;
            if (scene.demo) y += 19;
            y += 20 + 8;
            img.detail.y0 = y;
            img.detail.px_per_m = std::min(img.detail.w, img.detail.h) / 2 / d;
            img.detail.cx = img.detail.x0 + img.detail.w / 2;
            img.detail.cy = img.detail.y0 + img.detail.h / 2;
        }
    }
}

SiteMapDrawing::~SiteMapDrawing() = default;

bool SiteMapDrawing::empty() const { return impl_->scene.result == nullptr; }

SiteMapContextSummary SiteMapDrawing::context() const {
    SiteMapContextSummary out;
    const ContextScene& c = impl_->scene.context;
    out.river_pieces = c.rivers_xy.size();
    out.lakes = c.lakes_xy.size();
    for (const ContextTownXY& t : c.towns) out.towns.push_back(t.label);
    return out;
}
int SiteMapDrawing::width() const { return impl_->img.width; }
int SiteMapDrawing::height() const { return impl_->img.height; }

void SiteMapDrawing::draw(cairo_t* cr, bool split_latin_and_cjk) const {
    if (empty()) return;
    const SiteMapImage& img = impl_->img;
    if (split_latin_and_cjk)
        cairo_set_user_data(cr, &kSplitFacesKey, new SplitFaces, [](void* p) { delete static_cast<SplitFaces*>(p); });
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, img.width, img.height);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    draw_view(cr, img.main, impl_->scene, true);
    if (img.has_detail) draw_view(cr, img.detail, impl_->scene, false);
    draw_panel(cr, impl_->scene, *impl_->record, img.has_detail ? &img.detail : nullptr, impl_->panel_x, impl_->panel_w,
               img.height);
    cairo_restore(cr);
    if (split_latin_and_cjk) cairo_set_user_data(cr, &kSplitFacesKey, nullptr, nullptr);
}

SiteMapImage SiteMapDrawing::image() const {
    SiteMapImage img = impl_->img;
    if (empty()) return img;
    // One image per thread, drawn over for each site (draw() paints it all): a new one is fresh
    // memory, and its first paint took page faults costing a quarter of the drawing.
    thread_local SurfacePtr surface;
    if (!surface || cairo_image_surface_get_width(surface.get()) != img.width ||
        cairo_image_surface_get_height(surface.get()) != img.height)
        surface.reset(cairo_image_surface_create(CAIRO_FORMAT_RGB24, img.width, img.height));
    CairoPtr cr(cairo_create(surface.get()));
    draw(cr.get());
    cairo_surface_flush(surface.get());
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
        throw std::runtime_error(std::string("site map: cairo: ") + cairo_status_to_string(cairo_status(cr.get())));
    img.png = encode_map_png(surface.get());
    return img;
}

SiteMapImage render_site_map(const SiteResult& r, const Json& record, const SiteMapOptions& options) {
    return SiteMapDrawing(r, record, options).image();
}

namespace {

std::atomic<std::uint64_t> next_cache_serial{1};

// One thread's last site: its layout and its image, made when first asked for.
struct CachedMap {
    std::uint64_t serial = 0;
    std::size_t index = 0;
    std::string id;
    int uses = 0;
    std::unique_ptr<SiteMapDrawing> drawing;
    bool has_image = false;
    SiteMapImage image;
};

// The slot is served to at most `users` calls (one per writer that shares the
// cache) and then rebuilt: the layout refers to the caller's result and
// record, which a later call with the same site may no longer hold.
CachedMap& cached_map(std::uint64_t serial, int users, const SiteMapOptions& options, const SiteResult& result,
                      const Json& record) {
    // The layout holds GEOS geometries: the thread's GEOS context must be made
    // before this thread_local, so that it is destroyed after it.
    (void)geos::context();
    thread_local CachedMap slot;
    if (slot.serial != serial || slot.index != result.site.index || slot.id != result.site.id || !slot.drawing ||
        slot.uses >= users) {
        slot.drawing.reset();
        slot.drawing = std::make_unique<SiteMapDrawing>(result, record, options);
        slot.serial = serial;
        slot.index = result.site.index;
        slot.id = result.site.id;
        slot.uses = 0;
        slot.has_image = false;
        slot.image = SiteMapImage{};
    }
    ++slot.uses;
    return slot;
}

}  // namespace

SiteMapCache::SiteMapCache(int users) : serial_(next_cache_serial.fetch_add(1)), users_(std::max(1, users)) {}

const SiteMapDrawing& SiteMapCache::drawing(const SiteResult& result, const Json& record) {
    return *cached_map(serial_, users_, options_, result, record).drawing;
}

const SiteMapImage& SiteMapCache::get(const SiteResult& result, const Json& record) {
    CachedMap& slot = cached_map(serial_, users_, options_, result, record);
    if (!slot.has_image) {
        slot.image = slot.drawing->image();
        slot.has_image = true;
    }
    return slot.image;
}

PngMapWriter::PngMapWriter(std::shared_ptr<SiteMapCache> cache) : cache_(std::move(cache)) {}

void PngMapWriter::begin(const RunContext& ctx) {
    cache_->begin(ctx);
    dir_ = (fs::path(ctx.out_dir) / "sites").string();
    fs::create_directories(dir_);
}

void PngMapWriter::write(const SiteResult& result, const Json& record) {
    write_site(result, record, render_site(result, record));
}

std::string PngMapWriter::render_site(const SiteResult& result, const Json& record) const {
    return cache_->get(result, record).png;
}

void PngMapWriter::write_site(const SiteResult& result, const Json&, const std::string& png) {
    const std::string& stem = names_.stem(result.site.index, result.site.id);
    if (png.empty()) return;
    AtomicFile f((fs::path(dir_) / (stem + ".png")).string(), true, Durability::AtFolderSync);
    f.stream().write(png.data(), static_cast<std::streamsize>(png.size()));
    f.commit();
}

void PngMapWriter::finish(const Json&) {
    if (!dir_.empty()) sync_folder(dir_);  // the per-site files (Durability::AtFolderSync)
}
void PngMapWriter::abort() noexcept {}

}  // namespace sitescreen
