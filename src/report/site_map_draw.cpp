// The site map's drawing helpers: text (one face, or Latin and CJK split for PDF), paths from
// geometry, markers, hatching, the scale bar and the north arrow.
#include "report/site_map_kit.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
#include <tuple>
#include <vector>
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

// Cuts text to fit `max_w` pixels, on a UTF-8 character boundary, with an ellipsis: the longest
// shorter start that fits with it. A start's width grows with its length (advances are not
// negative), so the cut is found by halving, not by trying every character from the end.
std::string fit(cairo_t* cr, const std::string& t, double max_w) {
    if (text_width(cr, t) <= max_w) return t;
    std::vector<std::size_t> cuts{0};  // the character boundaries before the end
    for (std::size_t i = 1; i < t.size(); ++i)
        if ((static_cast<unsigned char>(t[i]) & 0xC0) != 0x80) cuts.push_back(i);
    // cuts[lo] fits (or lo is 0: the ellipsis alone), cuts[hi] does not (or hi is past the end).
    std::size_t lo = 0, hi = cuts.size();
    while (hi - lo > 1) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (text_width(cr, t.substr(0, cuts[mid]) + "…") <= max_w)
            lo = mid;
        else
            hi = mid;
    }
    return t.substr(0, cuts[lo]) + "…";
}

void text_at(cairo_t* cr, double x, double y, const std::string& t, Rgb c) {
    source(cr, c);
    cairo_move_to(cr, x, y);
    for_each_run(cr, t, [&](const std::string& run) { cairo_show_text(cr, run.c_str()); });
    cairo_new_path(cr);  // show_text leaves a current point: the next shape must not connect to it
}

bool plain_rgb24_image(cairo_t* cr) {
    cairo_surface_t* target = cairo_get_target(cr);
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    double dx = 0, dy = 0;
    cairo_surface_get_device_offset(target, &dx, &dy);
    return cairo_surface_get_type(target) == CAIRO_SURFACE_TYPE_IMAGE &&
           cairo_image_surface_get_format(target) == CAIRO_FORMAT_RGB24 && cairo_get_group_target(cr) == target &&
           m.xx == 1 && m.yx == 0 && m.xy == 0 && m.yy == 1 && m.x0 == 0 && m.y0 == 0 && dx == 0 && dy == 0;
}

// Text with a white halo, readable over any map content.
namespace {

// Small things drawn once per thread and kept as images: the ring labels ("1 km", "5 km", ...),
// the alternatives' ranks and the features' number badges are the same at the same place on most
// maps. The key holds what is drawn (kind, text, face, size, colour) and the position's quarter
// pixel; the image is drawn at the whole pixel, so it lands within an eighth of a pixel of where
// it was asked for.
enum class StampKind { Halo, Badge };

struct StampKey {
    StampKind kind = StampKind::Halo;
    std::string text, family;
    int weight = 0;
    double size = 0, r = 0, g = 0, b = 0;
    int qx = 0, qy = 0;  // quarter pixels
    bool operator<(const StampKey& o) const {
        return std::tie(kind, text, family, weight, size, r, g, b, qx, qy) <
               std::tie(o.kind, o.text, o.family, o.weight, o.size, o.r, o.g, o.b, o.qx, o.qy);
    }
};

struct Stamp {
    SurfacePtr surface;
    int origin_x = 0, origin_y = 0;  // the drawing's origin in the image, less the quarter pixel
};

// The key of what `cr`'s font would draw in colour c at (x, y), or false where stamps are not
// used: `cr` is not a plain RGB24 image, the text is split into Latin and CJK faces (the PDF),
// or the face is not cairo's toy face at an unrotated size.
bool stamp_key(cairo_t* cr, StampKind kind, const std::string& t, Rgb c, double x, double y, StampKey& key) {
    cairo_font_face_t* face = cairo_get_font_face(cr);
    if (split_faces(cr) || !plain_rgb24_image(cr) || cairo_font_face_get_type(face) != CAIRO_FONT_TYPE_TOY)
        return false;
    cairo_matrix_t fm;
    cairo_get_font_matrix(cr, &fm);
    if (fm.yx != 0 || fm.xy != 0 || fm.xx != fm.yy) return false;
    key = StampKey{kind,
                   t,
                   cairo_toy_font_face_get_family(face),
                   static_cast<int>(cairo_toy_font_face_get_weight(face)),
                   fm.xx,
                   c.r,
                   c.g,
                   c.b,
                   static_cast<int>(std::lround((x - std::floor(x)) * 4)),
                   static_cast<int>(std::lround((y - std::floor(y)) * 4))};
    return true;
}

// Paints the stamp `key` at (x, y). The first time, it is drawn by draw(tmp, ox, oy), with `cr`'s
// font, at (ox, oy) in an image holding the box `ink` around the origin (x0, y0, x1, y1).
template <typename Draw>
bool paint_stamp(cairo_t* cr, double x, double y, StampKey&& key, const double (&ink)[4], Draw draw) {
    thread_local std::map<StampKey, Stamp> cache;
    auto it = cache.find(key);
    if (it == cache.end()) {
        if (cache.size() >= 512) cache.clear();  // a bound; maps ask for a handful
        constexpr int kPad = 1;                  // the edge's anti-aliasing
        Stamp img;
        img.origin_x = kPad + static_cast<int>(std::ceil(-ink[0]));
        img.origin_y = kPad + static_cast<int>(std::ceil(-ink[1]));
        const int w = img.origin_x + static_cast<int>(std::ceil(ink[2])) + kPad + 1;
        const int h = img.origin_y + static_cast<int>(std::ceil(ink[3])) + kPad + 1;
        img.surface.reset(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, std::max(w, 1), std::max(h, 1)));
        CairoPtr tmp(cairo_create(img.surface.get()));
        cairo_set_font_face(tmp.get(), cairo_get_font_face(cr));
        cairo_matrix_t fm;
        cairo_get_font_matrix(cr, &fm);
        cairo_set_font_matrix(tmp.get(), &fm);
        cairo_font_options_t* options = cairo_font_options_create();
        cairo_get_font_options(cr, options);
        cairo_set_font_options(tmp.get(), options);
        cairo_font_options_destroy(options);
        draw(tmp.get(), img.origin_x + key.qx / 4.0, img.origin_y + key.qy / 4.0);
        cairo_surface_flush(img.surface.get());
        if (cairo_status(tmp.get()) != CAIRO_STATUS_SUCCESS) return false;
        it = cache.emplace(std::move(key), std::move(img)).first;
    }
    cairo_set_source_surface(cr, it->second.surface.get(), std::floor(x) - it->second.origin_x,
                             std::floor(y) - it->second.origin_y);
    cairo_paint(cr);
    cairo_new_path(cr);
    return true;
}

void halo_path(cairo_t* cr, const std::string& t, Rgb c) {
    for_each_run(cr, t, [&](const std::string& run) { cairo_text_path(cr, run.c_str()); });
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, 3.5);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    source(cr, c);
    cairo_fill(cr);
    cairo_new_path(cr);
}

// Draws the label from the thread's stamps; false (nothing drawn) where they are not used.
bool cached_halo_text(cairo_t* cr, double x, double y, const std::string& t, Rgb c) {
    StampKey key;
    if (!stamp_key(cr, StampKind::Halo, t, c, x, y, key)) return false;
    cairo_text_extents_t e;
    cairo_text_extents(cr, t.c_str(), &e);
    constexpr double kHalo = 3;  // the halo's half width
    const double ink[4] = {e.x_bearing - kHalo, e.y_bearing - kHalo, e.x_bearing + e.width + kHalo,
                           e.y_bearing + e.height + kHalo};
    return paint_stamp(cr, x, y, std::move(key), ink, [&](cairo_t* tmp, double ox, double oy) {
        cairo_move_to(tmp, ox, oy);
        halo_path(tmp, t, c);
    });
}

void badge_ring(cairo_t* cr, double x, double y, Rgb ring) {
    circle(cr, x, y, 8.5);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    source(cr, ring);
    cairo_set_line_width(cr, 2);
    cairo_stroke(cr);
}

}  // namespace

void halo_text(cairo_t* cr, double x, double y, const std::string& t, Rgb c) {
    if (cached_halo_text(cr, x, y, t, c)) return;
    cairo_move_to(cr, x, y);
    halo_path(cr, t, c);
}

void number_badge(cairo_t* cr, double x, double y, int n, Rgb ring) {
    // The ring from a stamp. The number is drawn by cairo: it puts glyphs at whole pixels, by a
    // rounding of its own that a stamp at the quarter pixel would not follow.
    set_font(cr, 11, true);
    StampKey key;
    const double ink[4] = {-10, -10, 10, 10};  // the ring's outer edge is 9.5 from the centre
    if (!stamp_key(cr, StampKind::Badge, "", ring, x, y, key) ||
        !paint_stamp(cr, x, y, std::move(key), ink,
                     [&](cairo_t* tmp, double ox, double oy) { badge_ring(tmp, ox, oy, ring); }))
        badge_ring(cr, x, y, ring);
    const std::string t = std::to_string(n);
    cairo_text_extents_t e;
    cairo_text_extents(cr, t.c_str(), &e);
    text_at(cr, x - e.x_advance / 2, y + 4, t, kInk);
}

void add_line_path(cairo_t* cr, const MapView& v, const Point* pts, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const Point p = v.pixel_xy(pts[i]);
        if (i == 0)
            cairo_move_to(cr, p.x(), p.y());
        else
            cairo_line_to(cr, p.x(), p.y());
    }
}

void add_ring_path(cairo_t* cr, const MapView& v, const GEOSGeometry* ring, const Box* cut) {
    auto ctx = geos::context();
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx, seq, &n);
    thread_local std::vector<Point> pts;
    pts.resize(n);
    for (unsigned i = 0; i < n; ++i) {
        double x = 0, y = 0;
        GEOSCoordSeq_getXY_r(ctx, seq, i, &x, &y);
        pts[i] = Point(x, y);
    }
    // Edge i (pts[i] to pts[i + 1]) along a side of `cut`: made by the cut, not the feature's.
    auto on_cut = [&](unsigned i) {
        const Point &a = pts[i], &b = pts[i + 1];
        return (a.x() == b.x() && (a.x() == cut->min_corner().x() || a.x() == cut->max_corner().x())) ||
               (a.y() == b.y() && (a.y() == cut->min_corner().y() || a.y() == cut->max_corner().y()));
    };
    unsigned first_cut = n;
    if (cut && n >= 2)
        for (unsigned i = 0; i + 1 < n && first_cut == n; ++i)
            if (on_cut(i)) first_cut = i;
    if (first_cut == n) {
        add_line_path(cr, v, pts.data(), n);
        cairo_close_path(cr);
        return;
    }
    // Open runs of the feature's own edges, from the end of the first edge on the cut around.
    bool open = false;
    for (unsigned k = 1; k < n; ++k) {
        const unsigned i = (first_cut + k) % (n - 1);  // edge i; the ring is closed (pts[n - 1] == pts[0])
        if (on_cut(i)) {
            open = false;
            continue;
        }
        if (!open) {
            const Point a = v.pixel_xy(pts[i]);
            cairo_move_to(cr, a.x(), a.y());
            open = true;
        }
        const Point b = v.pixel_xy(pts[i + 1]);
        cairo_line_to(cr, b.x(), b.y());
    }
}

void add_geos_path(cairo_t* cr, const MapView& v, const GEOSGeometry* g, const Box* cut) {
    if (!g) return;
    auto ctx = geos::context();
    const int type = GEOSGeomTypeId_r(ctx, g);
    if (type == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx, g)) return;
        add_ring_path(cr, v, GEOSGetExteriorRing_r(ctx, g), cut);
        const int nh = GEOSGetNumInteriorRings_r(ctx, g);
        for (int i = 0; i < nh; ++i) add_ring_path(cr, v, GEOSGetInteriorRingN_r(ctx, g, i), cut);
    } else if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION) {
        const int n = GEOSGetNumGeometries_r(ctx, g);
        for (int i = 0; i < n; ++i) add_geos_path(cr, v, GEOSGetGeometryN_r(ctx, g, i), cut);
    }
}

void add_polygon_path(cairo_t* cr, const MapView& v, const MultiPolygon& mp) {
    auto ring = [&](const Ring& r) {
        add_line_path(cr, v, r.data(), r.size());
        cairo_close_path(cr);
    };
    for (const Polygon& p : mp) {
        ring(p.outer());
        for (const Ring& h : p.inners()) ring(h);
    }
}

// A repeating tile of diagonal lines in `c`: on each row, two pixels of the line's colour at
// three quarters opacity, one pixel further left on the row below (45 degrees), and nothing
// between. Drawn pixel by pixel, not stroked: a stroked line of 1.3 pixels (as before) has the
// same ink, but its anti-aliased edges gave each line three colours more on every row it
// crosses, which made the hatched part of a map the costliest to encode as a PNG (a colour
// lookup for each short run; 0.15 ms a map on average over 1,000 maps of sites in China).
PatternPtr hatch_pattern(Rgb c) {
    constexpr int kTile = 10;
    SurfacePtr tile(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, kTile, kTile));
    cairo_surface_flush(tile.get());
    unsigned char* data = cairo_image_surface_get_data(tile.get());
    const int stride = cairo_image_surface_get_stride(tile.get());
    constexpr double kAlpha = 0.75;
    auto channel = [](double v) { return static_cast<std::uint32_t>(std::lround(v * kAlpha * 255)); };
    // Premultiplied, as cairo's ARGB32 is.
    const std::uint32_t ink = channel(1) << 24 | channel(c.r) << 16 | channel(c.g) << 8 | channel(c.b);
    for (int y = 0; y < kTile; ++y) {
        auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        for (int x = 0; x < kTile; ++x) {
            const int d = (x + y) % kTile;  // the line runs from the bottom left to the top right
            row[x] = d == kTile - 1 || d == 0 ? ink : 0;
        }
    }
    cairo_surface_mark_dirty(tile.get());
    PatternPtr p(cairo_pattern_create_for_surface(tile.get()));
    cairo_pattern_set_extend(p.get(), CAIRO_EXTEND_REPEAT);
    return p;
}

void circle(cairo_t* cr, double x, double y, double r) {
    cairo_new_sub_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * kPi);
}

bool raster_ring(cairo_surface_t* s, const PixelBox& clip, double cx, double cy, double r,
                 const std::vector<RingStroke>& strokes) {
    if (cairo_surface_get_type(s) != CAIRO_SURFACE_TYPE_IMAGE ||
        cairo_image_surface_get_format(s) != CAIRO_FORMAT_RGB24 || r < kMinRasterRing || strokes.empty())
        return false;
    double widest = 0;
    for (const RingStroke& k : strokes) {
        if (k.width <= 0) return false;
        widest = std::max(widest, k.width);
    }
    const int x0 = std::max(clip.x0, 0), y0 = std::max(clip.y0, 0);
    const int x1 = std::min(clip.x1, cairo_image_surface_get_width(s));
    const int y1 = std::min(clip.y1, cairo_image_surface_get_height(s));
    cairo_surface_flush(s);
    unsigned char* data = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    // A pixel's coverage by a stroke: how much of the band |d - r| <= width / 2 falls across it,
    // d the distance of its centre, along the normal (exact for a band crossing the pixel square
    // straight, within a few per cent at any angle once the radius is a few pixels). The pixels
    // are those the widest band crosses, which hold every narrower one's; each pixel takes the
    // strokes in order, so the image is the same as from one call per stroke, with one square
    // root per pixel rather than one per pixel and stroke.
    struct Ink {
        int src[3];
        double half, width, alpha;
    };
    std::vector<Ink> inks;
    for (const RingStroke& k : strokes)
        inks.push_back(
            {{static_cast<int>(std::lround(k.colour.r * 255)), static_cast<int>(std::lround(k.colour.g * 255)),
              static_cast<int>(std::lround(k.colour.b * 255))},
             k.width / 2,
             k.width,
             k.alpha});
    const double outer = r + widest / 2 + 0.5, inner = r - widest / 2 - 0.5;
    const int ya = std::max(y0, static_cast<int>(std::floor(cy - outer)));
    const int yb = std::min(y1, static_cast<int>(std::ceil(cy + outer)));
    for (int y = ya; y < yb; ++y) {
        const double dy = y + 0.5 - cy, outer2 = outer * outer - dy * dy;
        if (outer2 <= 0) continue;
        const double xo = std::sqrt(outer2);
        const double xi = inner > 0 && std::abs(dy) < inner ? std::sqrt(inner * inner - dy * dy) : -1;
        auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        // Opacity in 1/65536: each channel moves that share of the way to the colour, rounded.
        auto blend = [&](int x, const Ink& ink, std::int32_t a) {
            const std::uint32_t p = row[x];
            std::uint32_t out = 0;
            for (int ch = 0; ch < 3; ++ch) {
                const int shift = 16 - 8 * ch;
                const std::int32_t was = (p >> shift) & 255;  // |src - was| a < 2^24: no overflow
                out |= static_cast<std::uint32_t>(was + (((ink.src[ch] - was) * a + 32768) >> 16)) << shift;
            }
            row[x] = out;
        };
        // The pixels the band crosses: one span over the ring's top or bottom, else one each side.
        const double spans[2][2] = {{cx - xo, xi < 0 ? cx + xo : cx - xi}, {cx + xi, cx + xo}};
        for (int k = 0; k < (xi < 0 ? 1 : 2); ++k) {
            const int xa = std::max(x0, static_cast<int>(std::floor(spans[k][0] - 0.5)));
            const int xb = std::min(x1, static_cast<int>(std::ceil(spans[k][1] + 0.5)));
            int x = xa;
#if defined(__SSE2__)
            // Two pixels at a time: the same double operations (IEEE square root, min, truncation
            // of a positive value), so the same opacities.
            const __m128d dy2 = _mm_set1_pd(dy * dy), cx_v = _mm_set1_pd(cx), r_v = _mm_set1_pd(r);
            const __m128d one = _mm_set1_pd(1.0), k65536 = _mm_set1_pd(65536), k_half = _mm_set1_pd(0.5);
            const __m128d sign = _mm_set1_pd(-0.0);
            for (; x + 2 <= xb; x += 2) {
                const __m128d px = _mm_add_pd(_mm_set_pd(x + 1, x), k_half);
                const __m128d dx = _mm_sub_pd(px, cx_v);
                const __m128d d = _mm_sqrt_pd(_mm_add_pd(_mm_mul_pd(dx, dx), dy2));
                const __m128d off = _mm_andnot_pd(sign, _mm_sub_pd(d, r_v));  // |d - r|
                for (const Ink& ink : inks) {
                    const __m128d edge = _mm_set1_pd(ink.half + 0.5), width_v = _mm_set1_pd(ink.width);
                    const __m128d cover = _mm_min_pd(_mm_min_pd(_mm_sub_pd(edge, off), one), width_v);
                    const int covered = _mm_movemask_pd(_mm_cmpgt_pd(cover, _mm_setzero_pd()));
                    if (covered == 0) continue;
                    const __m128d scale = _mm_set1_pd(ink.alpha);
                    const __m128i a =
                        _mm_cvttpd_epi32(_mm_add_pd(_mm_mul_pd(_mm_mul_pd(scale, cover), k65536), k_half));
                    if (covered & 1) blend(x, ink, _mm_cvtsi128_si32(a));
                    if (covered & 2) blend(x + 1, ink, _mm_cvtsi128_si32(_mm_srli_si128(a, 4)));
                }
            }
#endif
            for (; x < xb; ++x) {
                const double dx = x + 0.5 - cx;
                const double d = std::sqrt(dx * dx + dy * dy);
                for (const Ink& ink : inks) {
                    const double cover = std::min({ink.half + 0.5 - std::abs(d - r), 1.0, ink.width});
                    if (cover <= 0) continue;
                    blend(x, ink, static_cast<std::int32_t>(ink.alpha * cover * 65536 + 0.5));
                }
            }
        }
    }
    cairo_surface_mark_dirty_rectangle(s, x0, ya, std::max(0, x1 - x0), std::max(0, yb - ya));
    return true;
}

bool raster_ring(cairo_surface_t* s, const PixelBox& clip, double cx, double cy, double r, double width, Rgb c,
                 double alpha) {
    return raster_ring(s, clip, cx, cy, r, {RingStroke{width, c, alpha}});
}

void stroke_circle(cairo_t* cr, const MapView& v, double cx, double cy, double r,
                   const std::vector<RingStroke>& strokes) {
    // The view's edges on whole pixels, as cairo sees them.
    auto whole = [](double a) { return std::abs(a - std::round(a)) < 1e-6; };
    const bool on_pixels = whole(v.x0) && whole(v.y0) && whole(v.x0 + v.w) && whole(v.y0 + v.h);
    const PixelBox clip{static_cast<int>(std::lround(v.x0)), static_cast<int>(std::lround(v.y0)),
                        static_cast<int>(std::lround(v.x0 + v.w)), static_cast<int>(std::lround(v.y0 + v.h))};
    cairo_new_path(cr);
    if (on_pixels && plain_rgb24_image(cr) && raster_ring(cairo_get_target(cr), clip, cx, cy, r, strokes)) return;
    for (const RingStroke& k : strokes) {
        circle(cr, cx, cy, r);
        source(cr, k.colour, k.alpha);
        cairo_set_line_width(cr, k.width);
        cairo_stroke(cr);
    }
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
