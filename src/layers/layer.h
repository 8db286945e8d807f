// Every layer of the catalog behind one interface (docs/architecture.md, "Adding a layer kind"):
// a Layer is opened once from its catalog entry and shared read-only by the screening threads;
// each thread measures sites through its own Probe. The kinds are listed in layers/registry.cpp.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "core/site.h"
#include "geo/site_geometry.h"
#include "layers/catalog.h"
#include "layers/raster/raster_layer.h"
#include "layers/vector/vector_layer.h"

namespace sitescreen {

// What a probe found around one site. A kind whose facts are those of an existing measurement
// returns it (a PostGIS layer that pushes the query down answers as a vector layer does, and its
// results are written as a vector layer's); monostate: not measured.
using Measurement = std::variant<std::monostate, VectorMeasurement, RasterMeasurement>;

// The index in Measurement of the measurement type M.
template <class M, class V = Measurement>
struct MeasurementIndex;
template <class M, class... Ts>
struct MeasurementIndex<M, std::variant<Ts...>> {
    static constexpr std::size_t value = [] {
        std::size_t i = 0;
        (void)((std::is_same_v<M, Ts> ? false : (++i, true)) && ...);
        return i;
    }();
};

// The measurement's warnings (one sentence each; none when not measured).
const std::vector<std::string>& measurement_warnings(const Measurement& m);

// How a probe measures one site; a kind uses what applies to it.
struct ProbeOptions {
    double nearest_limit_m = 0;          // the nearest feature is searched for out to this (0: unlimited)
    double tile_union_min_radius_m = 0;  // point sites this wide take union areas from dissolved tiles (0: never)
    double scan_reach_m = 0;             // vector features are scanned out to at least this (VectorLayer::measure)
    bool vector_buffers = true;          // false: vector layers measure no buffer (distances, insides, overlaps)
};

// What the probes of one screening thread share, by type (e.g. the raster sweep records, the vector
// measure's working memory): one per Screener, so never used by two threads at once. This is where a
// kind keeps per-thread state, rather than in thread_locals.
class ThreadState {
public:
    template <class T>
    std::shared_ptr<T> get() {
        std::shared_ptr<void>& p = items_[std::type_index(typeid(T))];
        if (!p) p = std::make_shared<T>();
        return std::static_pointer_cast<T>(p);
    }

private:
    std::unordered_map<std::type_index, std::shared_ptr<void>> items_;
};

// Measures sites against one layer on one thread (its readers, handles and buffers are its own).
class Probe {
public:
    virtual ~Probe() = default;
    virtual Measurement measure(const SiteGeometry& site, const ProbeOptions& options) = 0;
};

// One opened layer, shared read-only by every thread.
class Layer {
public:
    virtual ~Layer() = default;
    virtual const LayerSpec& spec() const = 0;
    // A probe for one screening thread; `thread` holds what that thread's probes share.
    virtual std::unique_ptr<Probe> make_probe(ThreadState& thread) const = 0;
    // run.json: what opening found (counts, size, CRS), added to the layer's catalog entry.
    virtual void describe(Json& entry) const = 0;
    // `layers check`: the same for its JSON entry, and its line of text after the layer's id.
    virtual std::string check(Json& entry) const = 0;
    // The features behind this layer's measurements, held in memory, for their names and geometry
    // (maps, GeoPackage hits, the avoidance search); null when the layer has none.
    virtual std::shared_ptr<const VectorLayer> features() const { return nullptr; }
};

// The columns summary.csv gives a layer (docs/output.md): one per `site` suffix, then one per
// buffer radius.
struct SummaryColumns {
    std::vector<std::string> site;  // after the layer's id: ".inside"
    std::string buffer_suffix;      // after the layer's id, followed by the radius: ".share_" (".share_1000m")
};
// A cell of summary.csv: empty, true or false, a figure (rounded as the site's record rounds it:
// layers/record_format.h) or text.
using SummaryValue = std::variant<std::monostate, bool, double, std::string>;
// A figure's cell: as the record rounds it to `decimals`, empty when absent or not finite.
SummaryValue summary_figure(std::optional<double> v, int decimals);
// A measurement's summary.csv cells: one per `site` column of SummaryColumns, then one per radius
// of `radii_m` (empty where the site was measured at other radii, as a profile may ask). None when
// not measured.
std::vector<SummaryValue> summary_values(const Measurement& m, const LayerSpec& spec,
                                         const std::vector<double>& radii_m);

// The key figures the GeoPackage's sites table gives a layer, one column each.
struct KeyColumn {
    enum class Type { Boolean, Real, Text };
    std::string suffix;  // after the layer's id: "_inside"
    Type type = Type::Real;
};
using KeyValue = std::variant<std::monostate, long long, double, std::string>;  // monostate: null

// A measurement's key figures, one per column of the layer's kind (KeyColumn), in `lang`.
std::vector<KeyValue> key_values(const Measurement& m, const LayerSpec& spec, i18n::Lang lang);

}  // namespace sitescreen
