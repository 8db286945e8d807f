// The raster kind (layers/registry.h): a raster checked once, read on each thread by its own
// RasterReader, the readers of one layer sharing its blocks and those of one thread their sweeps.
#pragma once
#include <vector>

#include "layers/layer.h"
#include "layers/registry.h"

namespace sitescreen {

LayerKindInfo raster_layer_kind();

// A raster measurement's key figures (KeyColumn): the value at the site, and its class for
// categorical layers. For any kind whose probes return a RasterMeasurement.
SummaryColumns raster_summary_columns(const LayerSpec& spec);
std::vector<KeyColumn> raster_key_columns(const LayerSpec& spec);
// Its summary.csv cells: the value at the site, then at each radius the majority class (categorical)
// or the mean.
std::vector<SummaryValue> raster_summary_values(const RasterMeasurement& m, const LayerSpec& spec,
                                                const std::vector<double>& radii_m);
std::vector<KeyValue> raster_key_values(const RasterMeasurement& m, const LayerSpec& spec, i18n::Lang lang);

}  // namespace sitescreen
