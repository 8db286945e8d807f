// The raster kind (raster_kind.h).
#include "layers/raster/raster_kind.h"

#include <cmath>

#include <fmt/format.h>

#include "layers/raster/raster_blocks.h"
#include "layers/record_format.h"

namespace sitescreen {

namespace {

// What the raster probes of one thread share.
struct RasterThreadState {
    std::shared_ptr<RasterSweeps> sweeps = make_raster_sweeps();
};

class RasterProbe final : public Probe {
public:
    RasterProbe(const LayerSpec& spec, std::shared_ptr<RasterBlocks> blocks, std::shared_ptr<RasterSweeps> sweeps,
                bool wgs84_lonlat)
        : spec_(spec), blocks_(std::move(blocks)), sweeps_(std::move(sweeps)), wgs84_lonlat_(wgs84_lonlat) {}
    Measurement measure(const SiteGeometry& site, const ProbeOptions&) override {
        // Opened on first use: a thread that never measures this layer opens no handle.
        if (!reader_) reader_ = std::make_unique<RasterReader>(spec_, blocks_, sweeps_, wgs84_lonlat_);
        return reader_->measure(site);
    }

private:
    LayerSpec spec_;
    std::shared_ptr<RasterBlocks> blocks_;
    std::shared_ptr<RasterSweeps> sweeps_;
    bool wgs84_lonlat_;  // as found when the layer was opened
    std::unique_ptr<RasterReader> reader_;
};

class RasterKindLayer final : public Layer {
public:
    explicit RasterKindLayer(const LayerSpec& spec)
        : spec_(spec), info_(inspect_raster_cached(spec)), blocks_(std::make_shared<RasterBlocks>()) {}
    const LayerSpec& spec() const override { return spec_; }
    std::unique_ptr<Probe> make_probe(ThreadState& thread) const override {
        return std::make_unique<RasterProbe>(spec_, blocks_, thread.get<RasterThreadState>()->sweeps,
                                             info_.wgs84_lonlat);
    }
    void describe(Json& j) const override {
        j["size"] = {info_.width, info_.height};
        j["crs"] = info_.crs_name;
        j["data_type"] = info_.data_type;
    }
    std::string check(Json& j) const override {
        const RasterInfo& i = info_;
        j["crs"] = i.crs_name;
        j["size"] = {i.width, i.height};
        j["data_type"] = i.data_type;
        j["nodata"] = i.nodata ? Json(*i.nodata) : Json(nullptr);
        j["extent"] = {i.west, i.south, i.east, i.north};
        return fmt::format("raster  {}x{} {}, {}, extent {:.3f},{:.3f} .. {:.3f},{:.3f}", i.width, i.height,
                           i.data_type, i.crs_name, i.west, i.south, i.east, i.north);
    }

private:
    LayerSpec spec_;
    RasterInfo info_;
    std::shared_ptr<RasterBlocks> blocks_;  // shared by the readers of every thread
};

}  // namespace

SummaryColumns raster_summary_columns(const LayerSpec& spec) {
    SummaryColumns c;
    c.site = {".value_at_site"};
    c.buffer_suffix = spec.categorical ? ".majority_" : ".mean_";
    return c;
}

std::vector<SummaryValue> raster_summary_values(const RasterMeasurement& m, const LayerSpec& spec,
                                                const std::vector<double>& radii_m) {
    std::vector<SummaryValue> out;
    out.reserve(1 + radii_m.size());
    out.push_back(summary_figure(m.value_at_site, kValueDecimals));
    for (const double r : radii_m) {
        const RasterBufferStats* b = recorded_buffer(m.buffers, r);
        if (!b)
            out.emplace_back();
        else if (!spec.categorical)
            out.push_back(summary_figure(b->mean, kValueDecimals));
        else if (b->majority)
            out.emplace_back(record_class_label(spec, *b->majority));
        else
            out.emplace_back();
    }
    return out;
}

std::vector<KeyColumn> raster_key_columns(const LayerSpec& spec) {
    std::vector<KeyColumn> c = {{"_value", KeyColumn::Type::Real}};
    if (spec.categorical) c.push_back({"_class", KeyColumn::Type::Text});
    return c;
}

std::vector<KeyValue> raster_key_values(const RasterMeasurement& m, const LayerSpec& spec, i18n::Lang lang) {
    std::vector<KeyValue> out(spec.categorical ? 2 : 1);
    if (!m.value_at_site) return out;
    out[0] = *m.value_at_site;
    if (spec.categorical) {
        const auto v = std::llround(*m.value_at_site);
        const auto it = spec.classes.find(v);
        out[1] = it != spec.classes.end() && !it->second.label.empty() ? it->second.label_for(lang) : std::to_string(v);
    }
    return out;
}

LayerKindInfo raster_layer_kind() {
    LayerKindInfo k;
    k.name = "raster";
    k.open = [](const LayerSpec& spec, unsigned) -> std::unique_ptr<Layer> {
        return std::make_unique<RasterKindLayer>(spec);
    };
    k.check_spec = [](const LayerSpec& spec) {
        return spec.filter.empty() ? std::string() : std::string("'filter' applies to vector layers only");
    };
    k.measures = MeasurementIndex<RasterMeasurement>::value;
    k.summary_columns = raster_summary_columns;
    k.key_columns = raster_key_columns;
    return k;
}

}  // namespace sitescreen
