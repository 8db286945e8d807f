// Per-site map images drawn with cairo in the site's azimuthal equidistant frame
// (so rings are circles, distances from the site are true, and north is up).
#include "report/site_map.h"
#include "report/site_map_kit.h"

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
#include "report/site_slot.h"

namespace fs = std::filesystem;

namespace sitescreen {

using namespace site_map_kit;

Point MapView::pixel(LonLat p) const { return pixel_xy(frame.forward(p)); }

struct SiteMapDrawing::Impl {
    SiteMapImage img;  // size and views; png stays empty
    Scene scene;
    double panel_x = 0, panel_w = 0;
};

SiteMapDrawing::SiteMapDrawing(const SiteResult& r, const SiteMapOptions& options) : impl_(std::make_unique<Impl>()) {
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
    // The alternatives, ranked (the first is the record's answer, also in the ranked list).
    for (const LonLat& at : report::alternative_locations(r)) {
        const Point o = LocalFrame(g.centre).forward(at);
        reach = std::max({reach, std::fabs(o.x()) * 1.06, std::fabs(o.y()) * 1.06});
    }
    if (reach <= 0) reach = 1000;
    const double half = reach * 1.08;

    // The main view on whole pixels (1100 x 0.69 is 758.99999999999989): its edges are then
    // where cairo's clip puts them, and the image's white is painted only around it (draw()).
    const double map_size = std::floor(std::min<double>(options.height, options.width * 0.69) + 1e-9);
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
    impl_->scene = build_scene(r, half, options.lang, context);
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
            double y = 30 + (report::site_name(r.site).empty() ? 0 : 24) + 20 + 12 + 32;
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
    const MapView& m = img.main;
    if (plain_rgb24_image(cr) && m.x0 == 0 && m.y0 == 0 && m.w == std::floor(m.w) && m.h == std::floor(m.h)) {
        // The main view paints its own background over whole pixels: white only around it (on an
        // image, 0.3 of the pixels; a PDF keeps its one white page).
        cairo_rectangle(cr, m.w, 0, img.width - m.w, img.height);
        cairo_rectangle(cr, 0, m.h, m.w, img.height - m.h);
        cairo_fill(cr);
    } else {
        cairo_paint(cr);
    }
    draw_view(cr, img.main, impl_->scene, true);
    if (img.has_detail) draw_view(cr, img.detail, impl_->scene, false);
    draw_panel(cr, impl_->scene, img.has_detail ? &img.detail : nullptr, impl_->panel_x, impl_->panel_w, img.height);
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

SiteMapImage render_site_map(const SiteResult& r, const SiteMapOptions& options) {
    return SiteMapDrawing(r, options).image();
}

namespace {

std::atomic<std::uint64_t> next_cache_serial{1};

// One thread's last site: its layout and its image, made when first asked for.
struct CachedMap {
    SiteSlot site;
    std::unique_ptr<SiteMapDrawing> drawing;
    bool has_image = false;
    SiteMapImage image;
};

// The slot is served to at most `users` calls (SiteSlot): the layout refers to the caller's result.
CachedMap& cached_map(std::uint64_t serial, int users, const SiteMapOptions& options, const SiteResult& result) {
    // The layout holds GEOS geometries: the thread's GEOS context must be made
    // before this thread_local, so that it is destroyed after it.
    (void)geos::context();
    thread_local CachedMap slot;
    if (!slot.site.holds(serial, users, result) || !slot.drawing) {
        slot.drawing.reset();
        slot.drawing = std::make_unique<SiteMapDrawing>(result, options);
        slot.site.made_for(serial, result);
        slot.has_image = false;
        slot.image = SiteMapImage{};
    }
    ++slot.site.uses;
    return slot;
}

}  // namespace

SiteMapCache::SiteMapCache(int users) : serial_(next_cache_serial.fetch_add(1)), users_(std::max(1, users)) {}

const SiteMapDrawing& SiteMapCache::drawing(const SiteResult& result) {
    return *cached_map(serial_, users_, options_, result).drawing;
}

const SiteMapImage& SiteMapCache::get(const SiteResult& result) {
    CachedMap& slot = cached_map(serial_, users_, options_, result);
    if (!slot.has_image) {
        slot.image = slot.drawing->image();
        slot.has_image = true;
    }
    return slot.image;
}

PngMapWriter::PngMapWriter(std::shared_ptr<SiteMapCache> cache) : cache_(std::move(cache)) {}

WriterPlan PngMapWriter::begin(const RunContext& ctx) {
    cache_->begin(ctx);
    dir_ = (fs::path(ctx.out_dir) / "sites").string();
    fs::create_directories(dir_);
    WriterPlan plan;  // the map is drawn in prepare(); write() needs only the site's name
    plan.prepare = [this](const SiteOutput& s) { return cache_->get(*s.result).png; };
    return plan;
}

void PngMapWriter::write(const SiteOutput& s) {
    const std::string& png = s.prepared;
    const std::string& stem = names_.stem(s.site.index, s.site.id);
    if (png.empty()) return;
    AtomicFile f((fs::path(dir_) / (stem + ".png")).string(), true, Durability::AtFolderSync);
    f.stream().write(png.data(), static_cast<std::streamsize>(png.size()));
    f.commit();
}

void PngMapWriter::finish(const RunSummary&) {
    if (!dir_.empty()) sync_folder(dir_);  // the per-site files (Durability::AtFolderSync)
}
void PngMapWriter::abort() noexcept {}

}  // namespace sitescreen
