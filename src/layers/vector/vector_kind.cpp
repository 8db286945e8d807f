// The vector kind (vector_kind.h).
#include "layers/vector/vector_kind.h"

#include <fmt/format.h>

#include "layers/record_format.h"

namespace sitescreen {

namespace {

class VectorProbe final : public Probe {
public:
    VectorProbe(std::shared_ptr<const VectorLayer> layer, std::shared_ptr<VectorScratch> scratch)
        : layer_(std::move(layer)), scratch_(std::move(scratch)) {}
    Measurement measure(const SiteGeometry& site, const ProbeOptions& options) override {
        return layer_->measure(site, *scratch_, options.nearest_limit_m, options.tile_union_min_radius_m,
                               options.scan_reach_m, options.vector_buffers);
    }

private:
    std::shared_ptr<const VectorLayer> layer_;
    std::shared_ptr<VectorScratch> scratch_;  // shared by the vector probes of this thread
};

class VectorKindLayer final : public Layer {
public:
    explicit VectorKindLayer(std::shared_ptr<const VectorLayer> layer) : layer_(std::move(layer)) {}
    const LayerSpec& spec() const override { return layer_->spec(); }
    std::unique_ptr<Probe> make_probe(ThreadState& thread) const override {
        return std::make_unique<VectorProbe>(layer_, thread.get<VectorScratch>());
    }
    void describe(Json& j) const override {
        const VectorLayerInfo& i = layer_->info();
        j["feature_count"] = i.feature_count;
        j["crs"] = i.crs_name;
        j["invalid_repaired"] = i.invalid_repaired;
        j["without_geometry"] = i.without_geometry;
        j["unrepairable"] = i.unrepairable;
    }
    std::string check(Json& j) const override {
        const VectorLayerInfo& i = layer_->info();
        j["crs"] = i.crs_name;
        j["geometry_type"] = i.geometry_type;
        j["features"] = i.feature_count;
        j["pieces"] = i.piece_count;
        j["invalid_repaired"] = i.invalid_repaired;
        j["without_geometry"] = i.without_geometry;
        j["extent"] = {i.west, i.south, i.east, i.north};
        return fmt::format(
            "vector  {} features ({} pieces), {}, {} invalid repaired, extent {:.3f},{:.3f} .. {:.3f},{:.3f}",
            i.feature_count, i.piece_count, i.crs_name, i.invalid_repaired, i.west, i.south, i.east, i.north);
    }
    std::shared_ptr<const VectorLayer> features() const override { return layer_; }

private:
    std::shared_ptr<const VectorLayer> layer_;
};

}  // namespace

SummaryColumns vector_summary_columns(const LayerSpec&) {
    SummaryColumns c;
    c.site = {".inside", ".nearest_m"};
    c.buffer_suffix = ".share_";
    return c;
}

std::vector<SummaryValue> vector_summary_values(const VectorMeasurement& m, const std::vector<double>& radii_m) {
    std::vector<SummaryValue> out;
    out.reserve(2 + radii_m.size());
    out.emplace_back(m.inside);
    out.push_back(summary_figure(m.nearest_feature ? m.nearest_distance_m : std::nullopt, kDistanceDecimals));
    for (const double r : radii_m) {
        const VectorBufferResult* b = recorded_buffer(m.buffers, r);
        out.push_back(b ? summary_figure(b->overlap_share, kShareDecimals) : SummaryValue());
    }
    return out;
}

std::vector<KeyColumn> vector_key_columns(const LayerSpec&) {
    return {{"_inside", KeyColumn::Type::Boolean}, {"_nearest_m", KeyColumn::Type::Real}};
}

std::vector<KeyValue> vector_key_values(const VectorMeasurement& m) {
    return {KeyValue(m.inside ? 1LL : 0LL), m.nearest_distance_m ? KeyValue(*m.nearest_distance_m) : KeyValue()};
}

LayerKindInfo vector_layer_kind() {
    LayerKindInfo k;
    k.name = "vector";
    k.open = [](const LayerSpec& spec, unsigned threads) -> std::unique_ptr<Layer> {
        return std::make_unique<VectorKindLayer>(VectorLayer::load(spec, threads));
    };
    k.check_spec = [](const LayerSpec&) { return std::string(); };
    k.measures = MeasurementIndex<VectorMeasurement>::value;
    k.summary_columns = vector_summary_columns;
    k.key_columns = vector_key_columns;
    return k;
}

}  // namespace sitescreen
