// Screening pipeline: layers opened once, each site measured against every layer.
#include "screen/screener.h"

#include <algorithm>
#include <filesystem>
#include <future>
#include <mutex>
#include <numeric>
#include <thread>
#include <variant>

#include "core/errors.h"
#include "geo/geodesic.h"
#include "io/checksum.h"
#include "layers/registry.h"

namespace sitescreen {

std::shared_ptr<const LayerSet> LayerSet::open(const Catalog& catalog,
                                               const std::function<void(const LayerSpec&)>& progress,
                                               unsigned threads) {
    auto set = std::make_shared<LayerSet>();
    set->catalog_ = catalog;
    // Checksums (whole files: a national raster takes seconds) on their own
    // thread, alongside the loading and then the screening: first asked for
    // by a writer (run.json at the end, reports at the start).
    std::vector<std::string> paths;
    for (const LayerSpec& spec : set->catalog_.layers) paths.push_back(spec.path);
    std::shared_future<std::vector<DatasetChecksum>> sums = std::async(std::launch::async, [paths] {
                                                                std::vector<DatasetChecksum> out;
                                                                for (const auto& path : paths)
                                                                    out.push_back(dataset_checksum(path));
                                                                return out;
                                                            }).share();
    // The layers open side by side, up to `threads` at a time (each may also use `threads` for its
    // own work); `progress` hears of each as it starts. The raster layers start first: checking a
    // raster's CRS opens PROJ's database on its thread (about 10 ms, unless the raster's inspection
    // is cached), longer than a vector layer restored from the layer cache takes. Then the vector
    // layers, largest file first: the last to start are the quickest to load, so the threads end
    // together (the shipped pack's prefectures, 6 MB, are otherwise started eighth of ten). The
    // layer reported as failing is the first in catalog order that cannot be used, whatever the
    // thread count: once one fails, only layers before it in the catalog still start.
    const std::vector<LayerSpec>& specs = set->catalog_.layers;
    std::vector<std::size_t> order(specs.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::vector<std::uintmax_t> bytes(specs.size(), 0);
    for (std::size_t i = 0; i < specs.size(); ++i) {
        std::error_code ec;  // a dataset that is not one local file (a folder, PG:...) counts as 0
        const std::uintmax_t n = std::filesystem::file_size(specs[i].path, ec);
        if (!ec) bytes[i] = n;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const bool raster_a = measures<RasterMeasurement>(specs[a]), raster_b = measures<RasterMeasurement>(specs[b]);
        if (raster_a != raster_b) return raster_a;
        return bytes[a] > bytes[b];
    });
    std::vector<std::unique_ptr<Layer>> opened(specs.size());
    std::vector<std::exception_ptr> errors(specs.size());
    std::mutex mutex;
    std::size_t next = 0;                     // in `order`
    std::size_t first_failed = specs.size();  // catalog index
    auto work = [&] {
        for (;;) {
            std::size_t i;
            {
                std::lock_guard<std::mutex> lock(mutex);
                while (next < order.size() && order[next] > first_failed) ++next;
                if (next == order.size()) return;
                i = order[next++];
                if (progress) progress(specs[i]);
            }
            try {
                opened[i] = open_layer(specs[i], threads);
            } catch (...) {
                errors[i] = std::current_exception();
                std::lock_guard<std::mutex> lock(mutex);
                first_failed = std::min(first_failed, i);
            }
        }
    };
    const std::size_t workers = std::min<std::size_t>(std::max(1u, threads), specs.size());
    std::vector<std::thread> pool;
    for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    for (std::size_t i = 0; i < specs.size(); ++i)
        if (errors[i]) {
            try {
                sums.get();
            } catch (...) {
            }
            std::rethrow_exception(errors[i]);
        }
    for (auto& l : opened) {
        set->vectors_.push_back(l->features());
        set->layers_.push_back(std::move(l));
    }
    set->checksums_future_ = std::move(sums);
    return set;
}

std::shared_ptr<const LayerSet> LayerSet::of(const Catalog& catalog, std::vector<std::unique_ptr<Layer>> layers) {
    auto set = std::make_shared<LayerSet>();
    set->catalog_ = catalog;
    for (auto& l : layers) {
        set->vectors_.push_back(l->features());
        set->layers_.push_back(std::move(l));
    }
    std::promise<std::vector<DatasetChecksum>> none;
    none.set_value(std::vector<DatasetChecksum>(set->layers_.size()));
    set->checksums_future_ = none.get_future().share();
    return set;
}

void LayerSet::resolve_checksums() const {
    std::call_once(checksums_once_, [this] {
        std::vector<std::string> sums;
        std::vector<bool> cached;
        for (const DatasetChecksum& c : checksums_future_.get()) {
            sums.push_back(c.sha256);
            cached.push_back(c.from_cache);
        }
        checksums_ = std::move(sums);
        checksum_from_cache_ = std::move(cached);
    });
}

const std::vector<std::string>& LayerSet::checksums() const {
    resolve_checksums();
    return checksums_;
}

const std::vector<bool>& LayerSet::checksum_from_cache() const {
    resolve_checksums();
    return checksum_from_cache_;
}

const VectorLayer* LayerSet::vector_layer(const std::string& id) const {
    for (std::size_t i = 0; i < catalog_.layers.size(); ++i)
        if (catalog_.layers[i].id == id) return vectors_[i].get();
    return nullptr;
}

Screener::Screener(std::shared_ptr<const LayerSet> layers, ScreenOptions options)
    : layers_(std::move(layers)), options_(std::move(options)) {
    for (const auto& layer : layers_->all()) probes_.push_back(layer->make_probe(thread_));
}

Screener::~Screener() = default;

SiteResult Screener::screen(const Site& site, const std::vector<double>& radii_m) {
    return run(site, radii_m, nullptr, 0);
}

SiteResult Screener::screen_for_verdict(const Site& site, const std::vector<double>& raster_radii_m,
                                        double scan_reach_m) {
    return run(site, raster_radii_m, nullptr, 0, scan_reach_m, false);
}

SiteResult Screener::run(const Site& site, const std::vector<double>& radii_m, const std::vector<std::string>* only,
                         double nearest_limit_m, double scan_reach_m, bool vector_buffers) {
    SiteResult r;
    r.site = site;
    if (site.error) return r;
    try {
        r.geometry = make_site_geometry(site.lonlat, site.footprint_ll.empty() ? nullptr : &site.footprint_ll, radii_m,
                                        options_.circle_segments);
        const auto& specs = layers_->catalog().layers;
        for (std::size_t i = 0; i < specs.size(); ++i) {
            if (only && !only->empty() && std::find(only->begin(), only->end(), specs[i].id) == only->end()) continue;
            LayerOutcome o;
            o.spec = &specs[i];
            o.vector_layer = layers_->vectors()[i].get();
            ProbeOptions probe;
            probe.nearest_limit_m = nearest_limit_m;
            probe.scan_reach_m = scan_reach_m;
            probe.vector_buffers = vector_buffers;
            const bool tiles = options_.tile_union_layers.empty() || options_.tile_union_layers[i];
            probe.tile_union_min_radius_m = tiles ? options_.tile_union_min_radius_m : 0.0;
            o.measurement = probes_[i]->measure(*r.geometry, probe);
            for (const auto& w : measurement_warnings(o.measurement))
                r.warnings.push_back("layer '" + specs[i].id + "': " + w);
            r.layers.push_back(std::move(o));
        }
    } catch (const std::exception& e) {
        r.site.error = site.where + ": " + e.what();
        r.layers.clear();
        r.geometry.reset();
    }
    return r;
}

SiteResult Screener::screen_moved(const Site& site, LonLat new_centre, const std::vector<double>& radii_m,
                                  const std::vector<std::string>& only_layers) {
    Site moved = site;
    moved.lonlat = new_centre;
    if (!site.footprint_ll.empty()) {
        // Move the footprint rigidly: its shape in the old site's local frame,
        // re-anchored on the new centre.
        const LocalFrame from(site.lonlat), to(new_centre);
        const MultiPolygon xy = from.forward(site.footprint_ll);
        moved.footprint_ll = to.inverse(xy);
    }
    // The vector layers measure no buffer (a moved site's verdict reads none: screen_for_verdict),
    // scanned as far as the widest buffer, so that their distances are screen()'s.
    return run(moved, radii_m, &only_layers, kMovedNearestLimitM, radii_m.empty() ? 0.0 : radii_m.back(), false);
}

SiteAnswer answer_of(const SiteResult& r) {
    SiteAnswer a{r.verdict ? &*r.verdict : nullptr, r.mitigation ? &*r.mitigation : nullptr,
                 r.alternative ? &*r.alternative : nullptr, r.evaluate ? &r.evaluate->metrics : nullptr,
                 r.locate ? &r.locate->criteria : nullptr};
    // As the record's layers say it: a measured layer (one with an entry) from a demonstration source.
    for (const LayerOutcome& o : r.layers)
        if (o.spec && o.spec->provenance.demo && !std::holds_alternative<std::monostate>(o.measurement))
            a.demo_layer = true;
    return a;
}

}  // namespace sitescreen
