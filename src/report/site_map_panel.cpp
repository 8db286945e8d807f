// A site map's side panel: the site, its verdict, the detail inset's frame and the legend.
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

void draw_panel(cairo_t* cr, const Scene& s, const MapView* detail, double x, double width, double height) {
    const SiteResult& r = *s.result;
    const SiteGeometry& g = *r.geometry;
    const double text_w = width - 10;
    const i18n::Catalog& tr = *s.tr;
    double y = 30;

    set_font(cr, 20, true);
    text_at(cr, x, y, fit(cr, tr.format("report.title", {{"id", r.site.id}}), text_w), kInk);
    const std::string name = report::site_name(r.site);
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
    text_at(
        cr, x + 10, y + 22,
        fit(cr, tr.format("report.verdict", {{"label", report::verdict_label(level, tr)}, {"note", s.coverage_note}}),
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

}  // namespace site_map_kit
}  // namespace sitescreen
