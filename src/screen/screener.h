// The screening pipeline: open every layer once, then measure each site against all of them.
#pragma once
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/site.h"
#include "geo/site_geometry.h"
#include "i18n/messages.h"
#include "io/checksum.h"
#include "layers/catalog.h"
#include "layers/layer.h"
#include "layers/vector/vector_layer.h"
#include "screen/result.h"

namespace sitescreen {

// One layer's measurement for one site.
struct LayerOutcome {
    const LayerSpec* spec = nullptr;
    const VectorLayer* vector_layer = nullptr;  // the layer's features (Layer::features), for names and geometry
    Measurement measurement;
    // The measurement as a vector or raster one; null when it is another.
    const VectorMeasurement* vector() const { return std::get_if<VectorMeasurement>(&measurement); }
    const RasterMeasurement* raster() const { return std::get_if<RasterMeasurement>(&measurement); }
};

struct SiteResult {
    Site site;
    std::optional<SiteGeometry> geometry;  // absent for error rows
    std::vector<LayerOutcome> layers;      // catalog order
    // Filled by the assessment (docs/leap.md); null / empty for error rows and runs without it.
    // Typed (screen/result.h) and serialized by result.cpp.
    std::optional<Locate> locate;
    std::optional<Evaluate> evaluate;
    std::optional<Verdict> verdict;
    std::optional<std::vector<MitigationStep>> mitigation;
    std::optional<AlternativeSearch> alternative;  // only when the avoidance search ran
    // Where the tool cannot give a figure it trusts, it says so here (one
    // sentence each, naming the layer or step), rather than give a plausible
    // number: sites.jsonl `warnings`, counted in run.json and on the closing
    // line (docs/output.md). Anything that screens or assesses a site may add.
    std::vector<std::string> warnings;
};

// The assessment's typed answer for a site: each null when the site has none. It stays with the
// result when the rest of it went into the record (the pipeline's writers without the result).
struct SiteAnswer {
    const Verdict* verdict = nullptr;
    const std::vector<MitigationStep>* mitigation = nullptr;
    const AlternativeSearch* alternative = nullptr;
    const SiteMetrics* metrics = nullptr;
    const std::vector<CriterionFinding>* criteria = nullptr;
    bool demo_layer = false;  // a demonstration layer was measured for the site
};
SiteAnswer answer_of(const SiteResult& r);

// Limits on the work one run may ask for (docs/cli.md, docs/input.md): buffer distances from
// 1 m to 200 km (four times the widest shipped profile buffer, 50 km), at most 20 of them (the
// summary.csv columns grow with every buffer and layer), at most 1000 features listed per buffer.
inline constexpr double kMinBufferM = 1.0;
inline constexpr double kMaxBufferM = 200000.0;
inline constexpr std::size_t kMaxBuffers = 20;
inline constexpr std::size_t kMaxFeatureCap = 1000;
// Spreadsheets open at most this many columns (Excel: 16,384); summary.csv stays within it.
inline constexpr std::size_t kMaxCsvColumns = 16384;

struct ScreenOptions {
    std::vector<double> radii_m{1000, 10000, 50000};
    bool radii_from_profile = true;  // false when --buffers was given
    int circle_segments = 256;       // vertices of a point site's circle for raster coverage
    std::size_t feature_cap = 20;    // features listed per buffer in sites.jsonl
    // Point sites whose largest buffer is at least this wide take union areas
    // from the layers dissolved per tile (docs/method.md); 0: never.
    double tile_union_min_radius_m = VectorLayer::kTileUnionMinRadiusM;
    // Whether the dissolved tiles are used only where they pay (the pipeline estimates both ways'
    // work per layer from the first sites of the run: docs/method.md) or wherever a site is wide
    // enough (--tile-union on).
    bool tile_union_auto = true;
    // Per catalog layer, whether its wide point sites take the dissolved tiles (set by the
    // pipeline in auto mode); empty: every layer does.
    std::vector<char> tile_union_layers;
    // The language of every text for people: reports, map, verdict reasons, mitigation (--lang).
    i18n::Lang lang = i18n::Lang::En;
};

// Opened layers, shared read-only by every thread: one Layer per catalog layer, in catalog order.
class LayerSet {
public:
    // Opens and checks every layer of the catalog; throws InputError naming the
    // first layer that cannot be used. `progress` is told each layer as it
    // loads. Layers load on `threads` threads while the checksums of
    // all layers are computed alongside.
    static std::shared_ptr<const LayerSet> open(const Catalog& catalog,
                                                const std::function<void(const LayerSpec&)>& progress = {},
                                                unsigned threads = 1);
    // A set of layers already opened (tests: a kind of their own); `layers` in catalog order.
    static std::shared_ptr<const LayerSet> of(const Catalog& catalog, std::vector<std::unique_ptr<Layer>> layers);
    const Catalog& catalog() const { return catalog_; }
    const std::vector<std::unique_ptr<const Layer>>& all() const { return layers_; }
    const Layer& layer(std::size_t i) const { return *layers_[i]; }
    // Each layer's features held in memory (Layer::features); null for a layer without.
    const std::vector<std::shared_ptr<const VectorLayer>>& vectors() const { return vectors_; }
    // SHA-256 of each layer's files; waits for them on first call (throws
    // InputError if a file could not be read).
    const std::vector<std::string>& checksums() const;
    // Whether each of checksums() was reused from the checksum cache rather
    // than read now (io/checksum.h); waits and throws as checksums().
    const std::vector<bool>& checksum_from_cache() const;
    const VectorLayer* vector_layer(const std::string& id) const;

private:
    Catalog catalog_;
    std::vector<std::unique_ptr<const Layer>> layers_;
    std::vector<std::shared_ptr<const VectorLayer>> vectors_;
    std::shared_future<std::vector<DatasetChecksum>> checksums_future_;
    mutable std::once_flag checksums_once_;
    mutable std::vector<std::string> checksums_;
    mutable std::vector<bool> checksum_from_cache_;
    void resolve_checksums() const;
};

// Per-thread screening context: one Probe per layer (its readers and buffers).
class Screener {
public:
    Screener(std::shared_ptr<const LayerSet> layers, ScreenOptions options);
    ~Screener();

    // Measures one site against every layer. Never throws for a bad site: the
    // result's site.error is set instead.
    SiteResult screen(const Site& site, const std::vector<double>& radii_m);
    SiteResult screen(const Site& site) { return screen(site, options_.radii_m); }
    // What a site's verdict rests on, at less cost: the raster layers measure the buffers of
    // `raster_radii_m` only, and the vector layers no buffer, their features scanned out to
    // `scan_reach_m` as for a buffer that wide. Every distance, inside and footprint overlap (and
    // so every finding that rests on them) is the one screen() with that buffer measures, to the
    // last bit. The avoidance search confirms an alternative so (docs/leap.md, "Avoidance search").
    SiteResult screen_for_verdict(const Site& site, const std::vector<double>& raster_radii_m, double scan_reach_m);

    // Measures a site at another location / footprint (the avoidance search),
    // restricted to the layers whose ids are listed (all when empty). The
    // nearest feature is looked for only out to kMovedNearestLimitM (10 km),
    // enough for every proximity band of the profiles; beyond, it is null. The raster layers
    // measure the buffers of `radii_m`; the vector layers none (their distances, insides and
    // footprint overlaps are those of a scan as wide as the widest of `radii_m`).
    SiteResult screen_moved(const Site& site, LonLat new_centre, const std::vector<double>& radii_m,
                            const std::vector<std::string>& only_layers);

    const LayerSet& layers() const { return *layers_; }
    const ScreenOptions& options() const { return options_; }
    // This run's choice of the dissolved tiles per layer (ScreenOptions::tile_union_layers).
    void set_tile_union_layers(std::vector<char> layers) { options_.tile_union_layers = std::move(layers); }

private:
    static constexpr double kMovedNearestLimitM = 10000;
    SiteResult run(const Site& site, const std::vector<double>& radii_m, const std::vector<std::string>* only,
                   double nearest_limit_m, double scan_reach_m = 0, bool vector_buffers = true);
    std::shared_ptr<const LayerSet> layers_;
    ScreenOptions options_;
    ThreadState thread_;                          // what this thread's probes share; outlives them
    std::vector<std::unique_ptr<Probe>> probes_;  // per layer, in catalog order
};

}  // namespace sitescreen
