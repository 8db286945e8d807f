// Drawing one view of a site map (the main view or the detail inset): the context under the
// features, the features, the buffers, the site, the alternative and the numbered labels.
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

KeepOut::KeepOut(const MapView& v, std::vector<Box> blocked) : v_(v), blocked_(std::move(blocked)) {
    for (const Box& b : blocked_)  // the low corner in metres first (y runs up)
        shapes_.push_back(
            {Box(to_m(b.min_corner().x(), b.max_corner().y()), to_m(b.max_corner().x(), b.min_corner().y())),
             Point(),
             0,
             nullptr,
             {}});
}

void KeepOut::add_circle(const Point& c, double r) {
    taken_.emplace_back(c, r);
    const Point m = to_m(c.x(), c.y());
    const double rm = r / v_.px_per_m;
    shapes_.push_back({Box(Point(m.x() - rm, m.y() - rm), Point(m.x() + rm, m.y() + rm)), m, rm, nullptr, {}});
}

bool KeepOut::free_px(const Point& p) const {
    for (const auto& [c, r] : taken_)
        if (std::hypot(p.x() - c.x(), p.y() - c.y()) < r) return false;
    for (const Box& b : blocked_)
        if (bg::within(p, b)) return false;
    return true;
}

// In Boost.Geometry: for these few small polygons its overlay costs a fraction of GEOS's (which
// builds a topology graph for each); GEOS's where Boost.Geometry gives up.
geos::GeomPtr KeepOut::take_from(geos::GeomPtr vis) const {
    MultiPolygon left;
    geos::to_multipolygon(vis.get(), left);
    try {
        for (const Shape& sh : shapes_) {
            if (!bg::intersects(sh.box, bg::return_envelope<Box>(left))) continue;
            MultiPolygon out;
            bg::difference(left, polygon_of(sh), out);
            if (out.empty()) return nullptr;
            left = std::move(out);
        }
        return geos::from_multipolygon(left);
    } catch (const std::exception&) {
        return take_from_by_geos(std::move(vis));
    }
}

geos::GeomPtr KeepOut::take_from_by_geos(geos::GeomPtr vis) const {
    auto ctx = geos::context();
    for (const Shape& sh : shapes_) {
        if (!bg::intersects(sh.box, geos::envelope(vis.get()))) continue;
        geos::GeomPtr away(GEOSDifference_r(ctx, vis.get(), area_of(sh)));
        if (!away || GEOSisEmpty_r(ctx, away.get())) return nullptr;
        vis = std::move(away);
    }
    return vis;
}

const Polygon& KeepOut::polygon_of(const Shape& sh) {
    if (sh.polygon.outer().empty()) {
        MultiPolygon mp;
        geos::to_multipolygon(area_of(sh), mp);
        if (!mp.empty()) sh.polygon = std::move(mp.front());
        bg::correct(sh.polygon);
    }
    return sh.polygon;
}

const GEOSGeometry* KeepOut::area_of(const Shape& sh) {
    if (sh.area) return sh.area.get();
    auto ctx = geos::context();
    if (sh.radius > 0) {
        geos::GeomPtr pt(GEOSGeom_createPointFromXY_r(ctx, sh.centre.x(), sh.centre.y()));
        sh.area.reset(GEOSBuffer_r(ctx, pt.get(), sh.radius, 8));
    } else {
        const Point &a = sh.box.min_corner(), &z = sh.box.max_corner();
        Polygon rect;
        for (const Point& p : {a, Point(z.x(), a.y()), z, Point(a.x(), z.y()), a}) rect.outer().push_back(p);
        bg::correct(rect);
        sh.area = geos::from_polygon(rect);
    }
    return sh.area.get();
}

bool label_point(const DrawFeature& f, const MapView& v, const KeepOut& keep, Point& out) {
    constexpr double kMargin = 14;
    auto free_px = [&](const Point& p) {
        if (p.x() < v.x0 + kMargin || p.x() > v.x0 + v.w - kMargin || p.y() < v.y0 + kMargin ||
            p.y() > v.y0 + v.h - kMargin)
            return false;
        return keep.free_px(p);
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
    const Point lo = keep.to_m(v.x0 + kMargin, v.y0 + v.h - kMargin),
                hi = keep.to_m(v.x0 + v.w - kMargin, v.y0 + kMargin);
    geos::GeomPtr vis = geos::clip_by_rect(f.area_xy.get(), lo.x(), lo.y(), hi.x(), hi.y());
    if (!vis || GEOSisEmpty_r(ctx, vis.get())) return false;
    vis = keep.take_from(std::move(vis));
    if (!vis) return false;
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

// Rivers, lakes and town dots with their names, under everything else. A town is drawn only
// where its name fits clear of the site, the other names and the map furniture (`keep_out`).
void draw_context(cairo_t* cr, const MapView& v, const ContextScene& c, const Box& cut, std::vector<Box> keep_out,
                  int max_labels) {
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (const auto& lake : c.lakes_xy) {
        add_geos_path(cr, v, lake.get());
        source(cr, kLakeFill);
        cairo_fill(cr);
        add_geos_path(cr, v, lake.get(), &cut);
        source(cr, kLakeEdge);
        cairo_set_line_width(cr, 0.7);
        cairo_stroke(cr);
    }
    source(cr, kRiver);
    cairo_set_line_width(cr, 1.3);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (const auto& line : c.rivers_xy) {
        add_line_path(cr, v, line.data(), line.size());
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
        draw_context(cr, v, s.context, s.clip_box, std::move(keep_out), main_view ? kMaxTownLabels : 4);
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
            cairo_new_path(cr);
            add_geos_path(cr, v, f.area_xy.get(), &s.clip_box);
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
            add_geos_path(cr, v, f.area_xy.get(), &s.clip_box);
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
        if (g.is_point) {
            stroke_circle(cr, v, v.cx, v.cy, rpx, {RingStroke{4, Rgb{1, 1, 1}, 0.7}, RingStroke{2, kRing}});
        } else {
            if (k < g.buffers_xy().size()) add_polygon_path(cr, v, g.buffers_xy()[k]);
            cairo_set_source_rgba(cr, 1, 1, 1, 0.7);
            cairo_set_line_width(cr, 4);
            cairo_stroke_preserve(cr);
            source(cr, kRing);
            cairo_set_line_width(cr, 2);
            cairo_stroke(cr);
        }
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
    KeepOut keep(v, std::move(blocked));
    keep.add_circle(Point(v.cx, v.cy), 22);
    if (s.has_alternative) keep.add_circle(v.pixel_xy(s.alternative_xy), 20);
    for (std::size_t i = 0; i < s.numbered.size(); ++i) {
        Point p;
        if (!label_point(*s.numbered[i], v, keep, p)) continue;
        number_badge(cr, p.x(), p.y(), s.numbered[i]->number, s.numbered_layer[i]->style.colour);
        keep.add_circle(p, 20);
    }
    cairo_restore(cr);
    cairo_rectangle(cr, v.x0 + 0.5, v.y0 + 0.5, v.w - 1, v.h - 1);
    source(cr, kMuted);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
}

}  // namespace site_map_kit
}  // namespace sitescreen
