// The layer kinds: the catalog's `kind` -> how a layer of that kind is opened and what it measures.
// The one place that knows which kinds exist (docs/architecture.md, "Adding a layer kind").
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "layers/catalog.h"
#include "layers/layer.h"

namespace sitescreen {

struct LayerKindInfo {
    std::string name;  // the catalog's `kind`
    // Opens and checks a layer (the loading may use `threads` threads); throws InputError naming the
    // layer and the problem.
    std::function<std::unique_ptr<Layer>(const LayerSpec& spec, unsigned threads)> open;
    // What a catalog entry of this kind may not say: the message (catalog.cpp fails with it), or "".
    std::function<std::string(const LayerSpec& spec)> check_spec;
    // The index in Measurement of what its probes return (MeasurementIndex).
    std::size_t measures = 0;
    // Its columns in summary.csv and in the GeoPackage's sites table.
    std::function<SummaryColumns(const LayerSpec& spec)> summary_columns;
    std::function<std::vector<KeyColumn>(const LayerSpec& spec)> key_columns;
};

// Adds a kind (or replaces the one of the same name). The built-in kinds are listed in registry.cpp;
// tests may add their own.
void register_layer_kind(LayerKindInfo kind);
// The kind named `name`, or null.
const LayerKindInfo* find_layer_kind(const std::string& name);
// The kind of `spec` (the catalog accepts only registered kinds; throws std::logic_error otherwise).
const LayerKindInfo& layer_kind(const LayerSpec& spec);
// The names of the kinds, in the order they were registered.
std::vector<std::string> layer_kind_names();

// Opens the layer of `spec` through its kind.
std::unique_ptr<Layer> open_layer(const LayerSpec& spec, unsigned threads = 1);

// Whether the probes of spec's kind return the measurement type M.
template <class M>
bool measures(const LayerSpec& spec) {
    return layer_kind(spec).measures == MeasurementIndex<M>::value;
}

}  // namespace sitescreen
