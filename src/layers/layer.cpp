// Measurements as one type (layer.h).
#include "layers/layer.h"

#include "core/overloaded.h"
#include "layers/raster/raster_kind.h"
#include "layers/record_format.h"
#include "layers/vector/vector_kind.h"

namespace sitescreen {

const std::vector<std::string>& measurement_warnings(const Measurement& m) {
    static const std::vector<std::string> none;
    return std::visit(Overloaded{[](const std::monostate&) -> const std::vector<std::string>& { return none; },
                                 [](const auto& x) -> const std::vector<std::string>& { return x.warnings; }},
                      m);
}

SummaryValue summary_figure(std::optional<double> v, int decimals) {
    if (!v) return {};
    if (const std::optional<double> x = recorded_figure(*v, decimals)) return *x;
    return {};
}

std::vector<SummaryValue> summary_values(const Measurement& m, const LayerSpec& spec,
                                         const std::vector<double>& radii_m) {
    return std::visit(Overloaded{[](const std::monostate&) { return std::vector<SummaryValue>(); },
                                 [&](const VectorMeasurement& v) { return vector_summary_values(v, radii_m); },
                                 [&](const RasterMeasurement& r) { return raster_summary_values(r, spec, radii_m); }},
                      m);
}

std::vector<KeyValue> key_values(const Measurement& m, const LayerSpec& spec, i18n::Lang lang) {
    return std::visit(Overloaded{[](const std::monostate&) { return std::vector<KeyValue>(); },
                                 [](const VectorMeasurement& v) { return vector_key_values(v); },
                                 [&](const RasterMeasurement& r) { return raster_key_values(r, spec, lang); }},
                      m);
}

}  // namespace sitescreen
