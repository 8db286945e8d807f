// Screening pipeline: layers opened once, each site measured against every layer.
#include "screen/screener.h"
#include "screen/record_format.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <variant>

#include "core/errors.h"
#include "core/overloaded.h"
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
    try {
        for (const LayerSpec& spec : set->catalog_.layers) {
            if (progress) progress(spec);
            set->layers_.push_back(open_layer(spec, threads));
            set->vectors_.push_back(set->layers_.back()->features());
        }
    } catch (...) {
        try {
            sums.get();
        } catch (...) {
        }
        throw;
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

SiteResult Screener::run(const Site& site, const std::vector<double>& radii_m, const std::vector<std::string>* only,
                         double nearest_limit_m) {
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
    return run(moved, radii_m, &only_layers, kMovedNearestLimitM);
}

// ---------------------------------------------------------------- JSON record

namespace {

double round_to(double v, int decimals) { return record_round(v, decimals); }

Json num(double v, int decimals) {
    if (!std::isfinite(v)) return nullptr;
    return round_to(v, decimals);
}

std::string class_label(const LayerSpec& spec, long long value) { return record_class_label(spec, value); }

Json feature_brief(const VectorLayer& layer, std::uint32_t f) {
    const VectorFeature& feat = layer.features()[f];
    Json j = Json::object();
    j["id"] = feat.id;
    j["name"] = feat.name;
    j["category"] = feat.category;
    return j;
}

// The keys every layer entry starts with (docs/output.md).
Json layer_header(const LayerSpec& spec) {
    Json j = Json::object();
    j["layer"] = spec.id;
    j["title"] = spec.title;
    j["kind"] = spec.kind;
    j["criterion"] = to_string(spec.criterion);
    j["theme"] = spec.theme;
    j["demo"] = spec.provenance.demo;
    return j;
}

Json vector_entry(const LayerOutcome& o, const VectorMeasurement& m, const ScreenOptions& options) {
    const LayerSpec& spec = *o.spec;
    const VectorLayer& layer = *o.vector_layer;
    Json j = layer_header(spec);
    j["inside"] = m.inside;
    Json inside = Json::array();
    for (std::uint32_t f : m.inside_features) {
        Json b = feature_brief(layer, f);
        b["attributes"] = layer.features()[f].attributes;
        inside.push_back(std::move(b));
    }
    j["inside_features"] = std::move(inside);
    Json nearest = Json::object();
    if (m.nearest_distance_m && m.nearest_feature) {
        nearest["distance_m"] = num(*m.nearest_distance_m, 2);
        const VectorFeature& feat = layer.features()[*m.nearest_feature];
        nearest["feature_id"] = feat.id;
        nearest["name"] = feat.name;
        nearest["category"] = feat.category;
    } else {
        nearest["distance_m"] = nullptr;
        nearest["feature_id"] = nullptr;
        nearest["name"] = nullptr;
        nearest["category"] = nullptr;
    }
    j["nearest"] = std::move(nearest);
    if (m.footprint_area_m2) {
        Json fp = Json::object();
        fp["area_m2"] = num(*m.footprint_area_m2, 1);
        fp["overlap_area_m2"] = num(m.footprint_overlap_area_m2.value_or(0), 1);
        fp["overlap_share"] =
            num(*m.footprint_area_m2 > 0 ? m.footprint_overlap_area_m2.value_or(0) / *m.footprint_area_m2 : 0.0, 6);
        j["footprint"] = std::move(fp);
    }
    Json buffers = Json::array();
    for (std::size_t k = 0; k < m.buffers.size(); ++k) {
        const VectorBufferResult& b = m.buffers[k];
        Json jb = Json::object();
        jb["radius_m"] = num(b.radius_m, 3);
        jb["buffer_area_m2"] = num(b.buffer_area_m2, 1);
        jb["overlap_area_m2"] = num(b.overlap_area_m2, 1);
        jb["overlap_share"] = num(b.overlap_share, 6);
        jb["feature_count"] = b.feature_count;
        Json feats = Json::array();
        std::size_t listed = 0;
        for (const FeatureHit& h : m.hits) {
            if (h.distance_m > b.radius_m) continue;
            if (listed == options.feature_cap) break;
            Json fj = feature_brief(layer, h.feature);
            fj["distance_m"] = num(h.distance_m, 2);
            fj["overlap_area_m2"] = num(k < h.overlap_area_m2.size() ? h.overlap_area_m2[k] : 0.0, 1);
            feats.push_back(std::move(fj));
            ++listed;
        }
        jb["features"] = std::move(feats);
        jb["features_truncated"] = b.feature_count > listed;
        buffers.push_back(std::move(jb));
    }
    j["buffers"] = std::move(buffers);
    return j;
}

Json raster_entry(const LayerOutcome& o, const RasterMeasurement& m) {
    const LayerSpec& spec = *o.spec;
    Json j = layer_header(spec);
    j["categorical"] = spec.categorical;
    j["units"] = spec.units;
    j["value_at_site"] = m.value_at_site ? num(*m.value_at_site, 6) : Json(nullptr);
    if (spec.categorical)
        j["class_at_site"] = m.value_at_site ? Json(class_label(spec, std::llround(*m.value_at_site))) : Json(nullptr);
    Json buffers = Json::array();
    for (const RasterBufferStats& b : m.buffers) {
        Json jb = Json::object();
        jb["radius_m"] = num(b.radius_m, 3);
        jb["buffer_area_m2"] = num(b.buffer_area_m2, 1);
        jb["valid_share"] = num(b.valid_share, 6);
        if (spec.categorical) {
            jb["majority"] = b.majority ? Json(*b.majority) : Json(nullptr);
            jb["majority_label"] = b.majority ? Json(class_label(spec, *b.majority)) : Json(nullptr);
            Json shares = Json::object();
            for (const auto& [value, share] : b.class_shares) shares[class_label(spec, value)] = num(share, 6);
            jb["class_shares"] = std::move(shares);
        } else {
            jb["mean"] = b.mean ? num(*b.mean, 6) : Json(nullptr);
            jb["min"] = b.min ? num(*b.min, 6) : Json(nullptr);
            jb["max"] = b.max ? num(*b.max, 6) : Json(nullptr);
        }
        buffers.push_back(std::move(jb));
    }
    j["buffers"] = std::move(buffers);
    return j;
}

}  // namespace

Json site_record(const SiteResult& r, const ScreenOptions& options) {
    const Site& s = r.site;
    Json j = Json::object();
    j["id"] = s.id;
    j["index"] = s.index;
    j["source"] = s.where;
    j["lon"] = s.has_coordinates ? num(s.lonlat.lon, 7) : Json(nullptr);
    j["lat"] = s.has_coordinates ? num(s.lonlat.lat, 7) : Json(nullptr);
    j["geometry"] = s.geometry_kind().empty() ? Json(nullptr) : Json(s.geometry_kind());
    j["type"] = s.type;
    j["status"] = s.error ? "error" : "ok";
    j["error"] = s.error ? Json(*s.error) : Json(nullptr);
    j["warnings"] = r.warnings;
    j["attributes"] = s.attributes;
    Json layers = Json::array();
    for (const LayerOutcome& o : r.layers) {
        // By the measurement's type (a kind may return either), not by the layer's kind.
        std::visit(Overloaded{[](const std::monostate&) {},  // not measured: no entry
                              [&](const VectorMeasurement& m) { layers.push_back(vector_entry(o, m, options)); },
                              [&](const RasterMeasurement& m) { layers.push_back(raster_entry(o, m)); }},
                   o.measurement);
    }
    j["layers"] = std::move(layers);
    j["locate"] = r.locate ? to_json(*r.locate) : Json(nullptr);
    j["evaluate"] = r.evaluate && r.locate ? to_json(*r.evaluate, *r.locate) : Json(nullptr);  // E1 reads Locate
    j["verdict"] = r.verdict ? to_json(*r.verdict) : Json(nullptr);
    j["mitigation"] = r.mitigation ? to_json(*r.mitigation) : Json(nullptr);
    j["alternative"] = r.alternative ? to_json(*r.alternative) : Json(nullptr);
    return j;
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
