// A site map's scene: the site, its buffers, the features found, the alternative and the context,
// clipped to the view and in the map's metres (site_map_kit.h).
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

namespace {

// Whether a lon/lat box meets the view's lon/lat box, whose longitudes run past +-180 for a view
// across the antimeridian (geodesic::bounding_box): the box is also tried 360 degrees east and west.
bool meets_view(const Box& b, const Box& view_ll) {
    if (bg::intersects(b, view_ll)) return true;
    if (view_ll.min_corner().x() >= -180 && view_ll.max_corner().x() <= 180) return false;
    for (const double shift : {-360.0, 360.0}) {
        const Box moved(Point(b.min_corner().x() + shift, b.min_corner().y()),
                        Point(b.max_corner().x() + shift, b.max_corner().y()));
        if (bg::intersects(moved, view_ll)) return true;
    }
    return false;
}

void build_context(ContextScene& c, const MapContextData& data, const LocalFrame& frame, const Box& view_ll,
                   double clip_half, i18n::Lang lang) {
    const Box clip_box(Point(-clip_half, -clip_half), Point(clip_half, clip_half));
    for (const ContextLake& lake : data.lakes) {
        if (!meets_view(lake.box, view_ll)) continue;
        std::vector<Polygon> near_ll;
        for (const Polygon& piece : lake.area) {
            Box b;
            bg::envelope(piece, b);
            if (!meets_view(b, view_ll)) continue;
            Polygon p = frame.near_part(piece, view_ll);
            if (!p.outer().empty()) near_ll.push_back(std::move(p));
        }
        geos::GeomPtr clipped = feature_area_xy(near_ll, frame, view_ll, clip_box);
        if (clipped && !GEOSisEmpty_r(geos::context(), clipped.get())) c.lakes_xy.push_back(std::move(clipped));
    }
    for (const ContextLine& line : data.rivers) {
        if (!meets_view(line.box, view_ll)) continue;
        std::vector<Point> xy;
        xy.reserve(line.points.size());
        for (const LonLat& p : line.points) xy.push_back(frame.forward(p));
        c.rivers_xy.push_back(std::move(xy));
    }
    for (const ContextTown& t : data.towns) {
        if (c.towns.size() == kMaxContextTowns) break;
        if (!meets_view(Box(Point(t.at.lon, t.at.lat), Point(t.at.lon, t.at.lat)), view_ll)) continue;
        const Point xy = frame.forward(t.at);
        if (std::fabs(xy.x()) > clip_half || std::fabs(xy.y()) > clip_half) continue;
        c.towns.push_back({xy, town_label(t, lang), t.seat});
    }
}

}  // namespace

geos::GeomPtr feature_area_xy(const std::vector<Polygon>& near_ll, const LocalFrame& frame, const Box& view_ll,
                              const Box& clip_box) {
    if (near_ll.empty()) return nullptr;
    // Made valid first: a thinned piece may cross itself beyond the view, and a rectangle clip
    // follows a ring's turning, so a ring that crosses itself anywhere can come out inside out.
    MultiPolygon joined;
    if (near_ll.size() == 1) {
        geos::to_multipolygon(geos::make_valid(geos::from_polygon(near_ll.front())).get(), joined);
    } else {
        std::vector<geos::GeomPtr> parts;
        parts.reserve(near_ll.size());
        for (const Polygon& p : near_ll) parts.push_back(geos::from_polygon(p));
        geos::to_multipolygon(geos::union_all(std::move(parts)).get(), joined);
    }
    std::vector<geos::GeomPtr> cut;
    for (const Polygon& p : joined)
        if (geos::GeomPtr part = geos::cut_to_box(frame.forward_near(p, view_ll), clip_box))
            cut.push_back(std::move(part));
    if (cut.empty()) return nullptr;
    if (cut.size() == 1) return geos::make_valid(std::move(cut.front()));
    return geos::union_all(std::move(cut));
}

Scene build_scene(const SiteResult& r, double view_half_m, i18n::Lang lang, const MapContextData* context) {
    Scene s;
    s.tr = &i18n::catalog(lang);
    s.result = &r;
    s.level = report::verdict_level(r);
    if (r.verdict) s.coverage_note = report::verdict_coverage_note(*r.verdict, *s.tr);
    s.demo = !report::demo_layers(r, lang).empty();
    const LocalFrame frame(r.geometry->centre);
    // Lon/lat box sure to hold the square view (its corners are sqrt(2) * half away).
    const Box view_ll = geodesic::bounding_box(r.geometry->centre, view_half_m * 1.5);
    const double clip_half = view_half_m * 1.1;
    const Box clip_box(Point(-clip_half, -clip_half), Point(clip_half, clip_half));
    s.clip_box = clip_box;
    if (context) build_context(s.context, *context, frame, view_ll, clip_half, lang);

    for (std::size_t li = 0; li < r.layers.size(); ++li) {
        const LayerOutcome& o = r.layers[li];
        if (!o.vector() || !o.vector_layer || !o.spec) continue;
        DrawLayer dl;
        dl.title = o.spec->title.empty() ? o.spec->id : o.spec->title_for(lang);
        dl.theme = o.spec->theme;
        dl.admin = o.spec->theme == "admin";
        dl.demo = o.spec->provenance.demo;
        dl.style = theme_style(o.spec->theme, li);
        dl.hit_count = o.vector()->hits.size();
        const auto& feats = o.vector_layer->features();
        std::size_t drawn = 0;
        for (const FeatureHit& h : o.vector()->hits) {
            if (drawn++ == kMaxHitsPerLayer) break;
            DrawFeature df;
            const VectorFeature& vf = feats[h.feature];
            df.name = report::feature_label(vf);
            df.distance_m = h.distance_m;
            df.inside = std::find(o.vector()->inside_features.begin(), o.vector()->inside_features.end(), h.feature) !=
                        o.vector()->inside_features.end();
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
            std::vector<Polygon> near_ll;
            for (const Polygon& piece : o.vector_layer->feature_polygons(h.feature)) {
                Box b;
                bg::envelope(piece, b);
                if (!meets_view(b, view_ll)) continue;
                Polygon p = frame.near_part(piece, view_ll);
                if (!p.outer().empty()) near_ll.push_back(std::move(p));
            }
            df.area_xy = feature_area_xy(near_ll, frame, view_ll, clip_box);
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

    const std::vector<LonLat> alternatives = report::alternative_locations(r);
    s.has_alternative = !alternatives.empty();
    if (s.has_alternative) {
        const AlternativeLocation& first = r.alternative->alternatives.front();
        s.alternative = first;
        s.alternative_xy = frame.forward(alternatives.front());
        for (std::size_t i = 1; i < alternatives.size(); ++i)
            s.more_alternatives_xy.push_back(frame.forward(alternatives[i]));
    }
    return s;
}

}  // namespace site_map_kit
}  // namespace sitescreen
