// The vector kind (layers/registry.h): a VectorLayer loaded in memory, measured on each thread with
// that thread's working memory (VectorScratch).
#pragma once
#include <vector>

#include "layers/layer.h"
#include "layers/registry.h"

namespace sitescreen {

LayerKindInfo vector_layer_kind();

// A vector measurement's key figures (KeyColumn): inside, nearest distance. For any kind whose
// probes return a VectorMeasurement.
SummaryColumns vector_summary_columns(const LayerSpec& spec);
std::vector<KeyColumn> vector_key_columns(const LayerSpec& spec);
std::vector<KeyValue> vector_key_values(const VectorMeasurement& m);
// Its summary.csv cells: inside, nearest distance, then the overlap share at each radius.
std::vector<SummaryValue> vector_summary_values(const VectorMeasurement& m, const std::vector<double>& radii_m);

}  // namespace sitescreen
