// A site's sites.jsonl line written straight from its SiteResult (record_line.h).
#include "report/record_line.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <variant>

#include "core/overloaded.h"
#include "report/core_writers.h"
#include "layers/record_format.h"

namespace sitescreen {

namespace {

// A recorded figure: null when not finite, else rounded (layers/record_format.h).
void append_num(std::string& out, double v, int decimals) {
    if (const std::optional<double> x = recorded_figure(v, decimals))
        append_double(out, *x);
    else
        out += "null";
}

// `,"key":` (the key plain ASCII, as every key written here is).
void key(std::string& out, const char* k, bool first = false) {
    if (!first) out += ',';
    out += '"';
    out += k;
    out += "\":";
}

void append_bool(std::string& out, bool b) { out += b ? "true" : "false"; }

// {"id","name","category"} of a feature, open (the caller adds its keys and the brace).
void feature_brief(std::string& out, const VectorLayer& layer, std::uint32_t f) {
    const VectorFeature& feat = layer.features()[f];
    key(out, "id", true);
    append_json_string(out, feat.id);
    key(out, "name");
    append_json_string(out, feat.name);
    key(out, "category");
    append_json_string(out, feat.category);
}

// The k-th entry of a layer's "buffers", opened: its radius and area (the caller adds the rest).
void open_buffer(std::string& out, std::size_t k, double radius_m, double buffer_area_m2) {
    if (k) out += ',';
    out += '{';
    key(out, "radius_m", true);
    append_num(out, radius_m, kRadiusDecimals);
    key(out, "buffer_area_m2");
    append_num(out, buffer_area_m2, kAreaDecimals);
}

void layer_header(std::string& out, const LayerSpec& spec) {
    key(out, "layer", true);
    append_json_string(out, spec.id);
    key(out, "title");
    append_json_string(out, spec.title);
    key(out, "kind");
    append_json_string(out, spec.kind);
    key(out, "criterion");
    append_json_string(out, to_string(spec.criterion));
    key(out, "theme");
    append_json_string(out, spec.theme);
    key(out, "demo");
    append_bool(out, spec.provenance.demo);
}

void vector_entry(std::string& out, const LayerOutcome& o, const VectorMeasurement& m, std::size_t feature_cap) {
    const LayerSpec& spec = *o.spec;
    const VectorLayer& layer = *o.vector_layer;
    out += '{';
    layer_header(out, spec);
    key(out, "inside");
    append_bool(out, m.inside);
    key(out, "inside_features");
    out += '[';
    for (std::size_t i = 0; i < m.inside_features.size(); ++i) {
        if (i) out += ',';
        out += '{';
        feature_brief(out, layer, m.inside_features[i]);
        key(out, "attributes");
        append_json(out, layer.features()[m.inside_features[i]].attributes);
        out += '}';
    }
    out += ']';
    key(out, "nearest");
    if (m.nearest_distance_m && m.nearest_feature) {
        const VectorFeature& feat = layer.features()[*m.nearest_feature];
        out += '{';
        key(out, "distance_m", true);
        append_num(out, *m.nearest_distance_m, kDistanceDecimals);
        key(out, "feature_id");
        append_json_string(out, feat.id);
        key(out, "name");
        append_json_string(out, feat.name);
        key(out, "category");
        append_json_string(out, feat.category);
        out += '}';
    } else {
        out += R"({"distance_m":null,"feature_id":null,"name":null,"category":null})";
    }
    if (m.footprint_area_m2) {
        key(out, "footprint");
        out += '{';
        key(out, "area_m2", true);
        append_num(out, *m.footprint_area_m2, kAreaDecimals);
        key(out, "overlap_area_m2");
        append_num(out, m.footprint_overlap_area_m2.value_or(0), kAreaDecimals);
        key(out, "overlap_share");
        append_num(out, *m.footprint_area_m2 > 0 ? m.footprint_overlap_area_m2.value_or(0) / *m.footprint_area_m2 : 0.0,
                   kShareDecimals);
        out += '}';
    }
    key(out, "buffers");
    out += '[';
    for (std::size_t k = 0; k < m.buffers.size(); ++k) {
        const VectorBufferResult& b = m.buffers[k];
        open_buffer(out, k, b.radius_m, b.buffer_area_m2);
        key(out, "overlap_area_m2");
        append_num(out, b.overlap_area_m2, kAreaDecimals);
        key(out, "overlap_share");
        append_num(out, b.overlap_share, kShareDecimals);
        key(out, "feature_count");
        append_integer(out, b.feature_count);
        key(out, "features");
        out += '[';
        std::size_t listed = 0;
        for (const FeatureHit& h : m.hits) {
            if (h.distance_m > b.radius_m) continue;
            if (listed == feature_cap) break;
            if (listed) out += ',';
            out += '{';
            feature_brief(out, layer, h.feature);
            key(out, "distance_m");
            append_num(out, h.distance_m, kDistanceDecimals);
            key(out, "overlap_area_m2");
            append_num(out, k < h.overlap_area_m2.size() ? h.overlap_area_m2[k] : 0.0, kAreaDecimals);
            out += '}';
            ++listed;
        }
        out += ']';
        key(out, "features_truncated");
        append_bool(out, b.feature_count > listed);
        out += '}';
    }
    out += "]}";
}

void raster_entry(std::string& out, const LayerOutcome& o, const RasterMeasurement& m) {
    const LayerSpec& spec = *o.spec;
    out += '{';
    layer_header(out, spec);
    key(out, "categorical");
    append_bool(out, spec.categorical);
    key(out, "units");
    append_json_string(out, spec.units);
    key(out, "value_at_site");
    if (m.value_at_site)
        append_num(out, *m.value_at_site, kValueDecimals);
    else
        out += "null";
    if (spec.categorical) {
        key(out, "class_at_site");
        if (m.value_at_site)
            append_json_string(out, record_class_label(spec, std::llround(*m.value_at_site)));
        else
            out += "null";
    }
    key(out, "buffers");
    out += '[';
    for (std::size_t k = 0; k < m.buffers.size(); ++k) {
        const RasterBufferStats& b = m.buffers[k];
        open_buffer(out, k, b.radius_m, b.buffer_area_m2);
        key(out, "valid_share");
        append_num(out, b.valid_share, kShareDecimals);
        if (spec.categorical) {
            key(out, "majority");
            if (b.majority)
                append_integer(out, *b.majority);
            else
                out += "null";
            key(out, "majority_label");
            if (b.majority)
                append_json_string(out, record_class_label(spec, *b.majority));
            else
                out += "null";
            // As the record's object takes them: a label met again keeps its first place and
            // takes the later share.
            std::vector<std::pair<std::string, double>> shares;
            for (const auto& [value, share] : b.class_shares) {
                std::string label = record_class_label(spec, value);
                auto same = std::find_if(shares.begin(), shares.end(), [&](const auto& s) { return s.first == label; });
                if (same != shares.end())
                    same->second = share;
                else
                    shares.emplace_back(std::move(label), share);
            }
            key(out, "class_shares");
            out += '{';
            for (std::size_t i = 0; i < shares.size(); ++i) {
                if (i) out += ',';
                append_json_string(out, shares[i].first);
                out += ':';
                append_num(out, shares[i].second, kShareDecimals);
            }
            out += '}';
        } else {
            key(out, "mean");
            if (b.mean)
                append_num(out, *b.mean, kValueDecimals);
            else
                out += "null";
            key(out, "min");
            if (b.min)
                append_num(out, *b.min, kValueDecimals);
            else
                out += "null";
            key(out, "max");
            if (b.max)
                append_num(out, *b.max, kValueDecimals);
            else
                out += "null";
        }
        out += '}';
    }
    out += "]}";
}

}  // namespace

void append_site_record(std::string& out, const SiteResult& r, std::size_t feature_cap, const RecordLineEdits& edits) {
    const Site& s = r.site;
    out += '{';
    key(out, "id", true);
    append_json_string(out, s.id);
    key(out, "index");
    append_integer(out, s.index);
    key(out, "source");
    append_json_string(out, edits.source ? *edits.source : s.where);
    key(out, "lon");
    if (s.has_coordinates)
        append_num(out, s.lonlat.lon, kCoordinateDecimals);
    else
        out += "null";
    key(out, "lat");
    if (s.has_coordinates)
        append_num(out, s.lonlat.lat, kCoordinateDecimals);
    else
        out += "null";
    key(out, "geometry");
    if (s.geometry_kind().empty())
        out += "null";
    else
        append_json_string(out, s.geometry_kind());
    key(out, "type");
    append_json_string(out, s.type);
    key(out, "status");
    out += s.error ? "\"error\"" : "\"ok\"";
    key(out, "error");
    if (s.error)
        append_json_string(out, edits.error ? *edits.error : *s.error);
    else
        out += "null";
    key(out, "warnings");
    out += '[';
    for (std::size_t i = 0; i < r.warnings.size(); ++i) {
        if (i) out += ',';
        append_json_string(out, r.warnings[i]);
    }
    out += ']';
    key(out, "attributes");
    append_json(out, s.attributes);
    key(out, "layers");
    out += '[';
    bool first = true;
    for (const LayerOutcome& o : r.layers) {
        if (std::holds_alternative<std::monostate>(o.measurement)) continue;  // not measured: no entry
        if (edits.only_layers && !edits.only_layers->count(o.spec->id)) continue;
        if (!first) out += ',';
        first = false;
        // By the measurement's type (a kind may return either), not the layer's kind.
        std::visit(Overloaded{[](const std::monostate&) {},
                              [&](const VectorMeasurement& m) { vector_entry(out, o, m, feature_cap); },
                              [&](const RasterMeasurement& m) { raster_entry(out, o, m); }},
                   o.measurement);
    }
    out += ']';
    key(out, "locate");
    append_json(out, r.locate ? to_json(*r.locate) : Json(nullptr));
    key(out, "evaluate");
    append_json(out, r.evaluate && r.locate ? to_json(*r.evaluate, *r.locate) : Json(nullptr));
    key(out, "verdict");
    append_json(out, r.verdict ? to_json(*r.verdict) : Json(nullptr));
    key(out, "mitigation");
    append_json(out, r.mitigation ? to_json(*r.mitigation) : Json(nullptr));
    key(out, "alternative");
    append_json(out, r.alternative ? to_json(*r.alternative) : Json(nullptr));
    out += '}';
}

Json site_record(const SiteResult& r, const ScreenOptions& options) {
    std::string line;
    append_site_record(line, r, options.feature_cap);
    return Json::parse(line);
}

}  // namespace sitescreen
