// The site map's drawing helpers: text (one face, or Latin and CJK split for PDF), paths from
// geometry, markers, hatching, the scale bar and the north arrow.
#include "report/site_map_kit.h"

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

namespace sitescreen {
namespace site_map_kit {

SplitFaces* split_faces(cairo_t* cr) { return static_cast<SplitFaces*>(cairo_get_user_data(cr, &kSplitFacesKey)); }

void select_face(cairo_t* cr, const char* family, bool bold) {
    cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
}

void set_font(cairo_t* cr, double size, bool bold) {
    if (SplitFaces* split = split_faces(cr)) {
        split->bold = bold;
        select_face(cr, kLatinFont, bold);
    } else {
        select_face(cr, kFont, bold);
    }
    cairo_set_font_size(cr, size);
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

// An alternative location's star: filled, with a white outline.
void alternative_star(cairo_t* cr, const Point& at, double r) {
    star_path(cr, at.x(), at.y(), r);
    source(cr, kAlternative);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 0.15 * r);
    cairo_stroke(cr);
}

}  // namespace site_map_kit
}  // namespace sitescreen
