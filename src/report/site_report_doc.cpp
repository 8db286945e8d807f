// The per-site report as a document model (report::SiteReportDoc, markdown_report.h): the LEAP
// sections, the layer tables and the result's other parts as blocks, shared by the Markdown,
// HTML and PDF forms. Built from the typed result (screen/result.h, the layers' measurements),
// not from the site's record. Locate and Evaluate are laid out by leap_stages.h and leap_tables.h
// from the structs, the avoidance search's answer by search_blocks.h; only the site's own
// attributes, input data, are shown from JSON.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <map>

#include "i18n/messages.h"
#include "report/block_kit.h"
#include "report/leap_stages.h"
#include "report/leap_tables.h"
#include "report/search_blocks.h"
#include "report/markdown_report.h"
#include "report/site_slot.h"
#include "screen/profile.h"
#include "layers/record_format.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace report {
namespace {

using Kind = Block::Kind;
using i18n::Catalog;
using kit::heading;

bool all_scalars(const Json& a);

// A record field's name for people: the catalog's field.<key> when it has one, else humanise(key).
std::string field_name(const Catalog& tr, const std::string& key) { return tr.text_or("field." + key, humanise(key)); }

// A field's value for people: an enum value the catalog names (value.<key>.<value>: step "avoid"
// -> "避免") in its words, anything else as inline_text.
std::string field_value(const Catalog& tr, const std::string& key, const Json& v) {
    if (v.is_string()) return tr.text_or("value." + key + "." + v.get<std::string>(), v.get<std::string>());
    if (v.is_array() && all_scalars(v)) {  // a list of enum values: criteria met, criteria not assessed
        std::string s;
        for (const Json& e : v) s += (s.empty() ? "" : "; ") + field_value(tr, key, e);
        return s;
    }
    return inline_text(v, tr);
}

bool is_scalar(const Json& v) { return !v.is_object() && !v.is_array(); }

bool all_scalars(const Json& a) {
    return std::all_of(a.begin(), a.end(), [](const Json& e) { return is_scalar(e); });
}

Block paragraph(std::string text, Kind kind = Kind::Paragraph) {
    Block b;
    b.kind = kind;
    b.text = std::move(text);
    return b;
}

// The mitigation hierarchy's steps: the stage, the action, the findings behind it and its trigger.
Block mitigation_table(const std::vector<MitigationStep>& steps, const Catalog& tr) {
    Block t;
    t.kind = Kind::Table;
    t.header = {tr.text("field.step"), tr.text("field.action"), tr.text("field.because"), tr.text("field.trigger")};
    for (const MitigationStep& s : steps) {
        const std::string stage = to_string(s.step);
        t.rows.push_back({Cell{tr.text_or("value.step." + stage, stage), "", true}, Cell{s.action}, Cell{s.because},
                          Cell{tr.text_or("value.trigger." + s.trigger, s.trigger)}});
    }
    return t;
}

// The profile the site was assessed with: the verdict's, else Locate's.
std::string profile_of(const SiteResult& r) {
    if (r.verdict) return r.verdict->profile;
    return r.locate ? r.locate->profile.type : std::string();
}

// A class label of the record (written as in the catalog) in the report's language.
std::string class_label_in(const LayerSpec* spec, const std::string& label, i18n::Lang lang) {
    if (spec)
        for (const auto& [value, c] : spec->classes)
            if (c.label == label) return c.label_for(lang);
    return label;
}

// A feature's category (the layer's own value, "core") in the report's language: in English as the
// record gives it, as before; in another language the catalog's rendering of that category's label
// where it gives one (label_zh "核心区"), else the value.
std::string category_in(const LayerSpec* spec, const std::string& value, i18n::Lang lang) {
    if (lang == i18n::Lang::En || !spec) return value;
    const auto it = spec->categories.find(value);
    if (it == spec->categories.end() || !it->second.label_in.count(lang)) return value;
    return it->second.label_for(lang);
}

// A figure as the record rounds it (layers/record_format.h); 0 where the record has null.
double as_recorded(double v, int decimals) { return std::isfinite(v) ? record_round(v, decimals) : 0.0; }

// What each layer shows at the site and in each buffer, from the layers' measurements; the
// features listed per buffer are those the record lists (at most `feature_cap`).
void layer_tables(const SiteResult& result, std::size_t feature_cap, std::vector<Block>& out, const Catalog& tr) {
    std::vector<const LayerOutcome*> measured;
    for (const LayerOutcome& o : result.layers)
        if (o.spec && (o.vector() || o.raster())) measured.push_back(&o);
    if (measured.empty()) return;
    std::vector<double> radii;  // the radii of the layer with the most buffers
    for (const LayerOutcome* o : measured) {
        std::vector<double> rs;
        if (const VectorMeasurement* v = o->vector())
            for (const VectorBufferResult& b : v->buffers) rs.push_back(as_recorded(b.radius_m, kRadiusDecimals));
        else
            for (const RasterBufferStats& b : o->raster()->buffers)
                rs.push_back(as_recorded(b.radius_m, kRadiusDecimals));
        if (rs.size() > radii.size()) radii = std::move(rs);
    }
    Block t;
    t.kind = Kind::Table;
    t.header = {tr.text("report.layers.layer"), tr.text("report.layers.criterion"), tr.text("report.layers.at_site"),
                tr.text("report.layers.nearest")};
    for (double r : radii) t.header.push_back(tr.format("report.layers.within", {{"radius", radius_label(r)}}));
    Block feats;
    feats.kind = Kind::Table;
    feats.header = {tr.text("report.layers.layer"), tr.text("report.features.feature"),
                    tr.text("report.features.category"), tr.text("report.features.distance"),
                    radii.empty() ? tr.text("report.features.overlap_in_buffer")
                                  : tr.format("report.features.overlap_in", {{"radius", radius_label(radii.back())}})};
    std::vector<std::string> truncated;

    for (const LayerOutcome* o : measured) {
        const LayerSpec& spec = *o->spec;
        std::string title = spec.title.empty() ? spec.id : spec.title_for(tr.lang());
        std::string lower_title = title;
        for (char& c : lower_title) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (spec.provenance.demo && lower_title.find("demo") == std::string::npos)
            title += tr.text("report.layers.demo_suffix");
        const std::string criterion = to_string(spec.criterion);
        std::vector<Cell> row{Cell{title, "", true}, Cell{tr.text_or("criterion." + criterion, humanise(criterion))}};
        if (const RasterMeasurement* m = o->raster()) {
            std::string at = "—";
            if (spec.categorical && m->value_at_site)
                at = class_label_in(&spec, record_class_label(spec, std::llround(*m->value_at_site)), tr.lang());
            else if (m->value_at_site && std::isfinite(*m->value_at_site))
                at = scalar_text(Json(record_round(*m->value_at_site, kValueDecimals))) +
                     (spec.units.empty() ? "" : " " + spec.units);
            row.push_back(Cell{at});
            row.push_back(Cell{""});
            for (std::size_t k = 0; k < radii.size(); ++k) {
                std::string cell;
                if (k < m->buffers.size()) {
                    const RasterBufferStats& b = m->buffers[k];
                    if (spec.categorical && b.majority) {
                        const std::string label = record_class_label(spec, *b.majority);
                        cell = class_label_in(&spec, label, tr.lang());
                        // The share of the label's class (the last one so labelled, as in the record).
                        std::optional<double> share;
                        for (const auto& [value, sh] : b.class_shares)
                            if (record_class_label(spec, value) == label) share = sh;
                        if (share && std::isfinite(*share))
                            cell += " (" + format_share(record_round(*share, kShareDecimals)) + ")";
                    } else if (!spec.categorical && b.mean && std::isfinite(*b.mean)) {
                        cell = tr.format("report.layers.mean",
                                         {{"value", scalar_text(Json(record_round(*b.mean, kValueDecimals))) +
                                                        (spec.units.empty() ? "" : " " + spec.units)}});
                    } else {
                        cell = tr.text("report.layers.no_data");
                    }
                }
                row.push_back(Cell{cell, "num"});
            }
            t.rows.push_back(std::move(row));
            continue;
        }
        const VectorMeasurement& m = *o->vector();
        const std::vector<VectorFeature>& features = o->vector_layer->features();
        std::string at = tr.text(m.inside ? "report.layers.inside" : "report.layers.outside");
        if (m.inside) {
            std::string names;
            std::size_t n = 0;
            for (std::uint32_t f : m.inside_features) {
                if (n++ == 3) {
                    names += ", …";
                    break;
                }
                names += (names.empty() ? "" : ", ") + feature_label(features[f]);
            }
            if (!names.empty()) at += ": " + names;
        }
        const bool context = spec.theme == "admin" || spec.criterion == Criterion::Context;
        row.push_back(Cell{at, !m.inside || context ? "" : "alert", m.inside && !context});
        std::string near = "—";
        if (m.nearest_distance_m && m.nearest_feature && std::isfinite(*m.nearest_distance_m)) {
            const std::string& nm = feature_label(features[*m.nearest_feature]);
            near = format_distance(record_round(*m.nearest_distance_m, kDistanceDecimals)) +
                   (nm.empty() ? "" : " (" + nm + ")");
        }
        row.push_back(Cell{near});
        for (std::size_t k = 0; k < radii.size(); ++k) {
            std::string cell;
            if (k < m.buffers.size()) {
                const VectorBufferResult& b = m.buffers[k];
                const auto count = static_cast<long long>(b.feature_count);
                cell = format_share(as_recorded(b.overlap_share, kShareDecimals));
                cell += count == 1 ? tr.text("report.layers.one_feature")
                                   : tr.format("report.layers.n_features", {{"count", std::to_string(count)}});
            }
            row.push_back(Cell{cell, "num"});
        }
        // Features in the largest buffer (admin units are context, listed above).
        if (spec.theme != "admin" && !m.buffers.empty()) {
            const std::size_t k = m.buffers.size() - 1;
            const VectorBufferResult& last = m.buffers[k];
            std::size_t listed = 0;
            for (const FeatureHit& h : m.hits) {
                if (h.distance_m > last.radius_m) continue;
                if (listed == feature_cap) break;
                const VectorFeature& f = features[h.feature];
                const double overlap =
                    as_recorded(k < h.overlap_area_m2.size() ? h.overlap_area_m2[k] : 0.0, kAreaDecimals);
                feats.rows.push_back({Cell{title}, Cell{feature_label(f), "", true},
                                      Cell{category_in(&spec, f.category, tr.lang())},
                                      Cell{format_distance(as_recorded(h.distance_m, kDistanceDecimals)), "num"},
                                      Cell{overlap > 0 ? format_area(overlap) : "—", "num"}});
                ++listed;
            }
            if (last.feature_count > listed)
                truncated.push_back(tr.format("report.features.truncated",
                                              {{"layer", title},
                                               {"count", std::to_string(static_cast<long long>(last.feature_count))},
                                               {"listed", std::to_string(listed)}}));
        }
        t.rows.push_back(std::move(row));
    }
    out.push_back(heading(3, tr.text("report.layers.heading")));
    out.push_back(paragraph(tr.text("report.layers.note"), Kind::Note));
    out.push_back(std::move(t));
    if (!feats.rows.empty()) {
        out.push_back(heading(3, tr.text("report.features.heading")));
        out.push_back(std::move(feats));
        for (const auto& n : truncated) out.push_back(paragraph(n, Kind::Note));
    }
}

}  // namespace

std::string inline_text(const Json& v, const i18n::Catalog& tr) {
    if (v.is_boolean()) return tr.text(v.get<bool>() ? "report.yes" : "report.no");
    if (is_scalar(v)) return scalar_text(v);
    std::string s;
    if (v.is_array()) {
        for (const Json& e : v) s += (s.empty() ? "" : "; ") + inline_text(e, tr);
        return s;
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
        if (it.value().is_null()) continue;
        s += (s.empty() ? "" : ", ") + field_name(tr, it.key()) + ": " + field_value(tr, it.key(), it.value());
    }
    return s;
}

SiteReportDoc site_report_doc(const SiteResult& r, const RunContext& ctx,
                              const std::vector<LayerProvenance>& provenance, const std::string& map_source) {
    SiteReportDoc doc;
    doc.lang = ctx.options.lang;
    const Catalog& tr = i18n::catalog(doc.lang);
    const std::string name = site_name(r.site);
    doc.title = name.empty() ? tr.format("report.title", {{"id", r.site.id}})
                             : tr.format("report.title_named", {{"id", r.site.id}, {"name", name}});
    doc.level = verdict_level(r);
    auto& out = doc.blocks;

    // The demonstration banner comes first, before anything a reader could act on.
    std::vector<std::string> demo = demo_layers(r, doc.lang);
    if (demo.empty() && ctx.any_demo)
        for (const auto& p : provenance)
            if (p.demo) demo.push_back(p.title.empty() ? p.id : p.title);
    if (!demo.empty() || ctx.any_demo) {
        std::string list;
        for (const auto& d : demo) list += (list.empty() ? "" : ", ") + d;
        out.push_back(paragraph(
            list.empty() ? tr.text("report.demo_banner") : tr.format("report.demo_banner_layers", {{"layers", list}}),
            Kind::Banner));
    }

    out.push_back(heading(1, doc.title));
    {
        Block v;
        v.kind = Kind::Verdict;
        v.tag = doc.level;
        v.text = tr.format("report.verdict",
                           {{"label", verdict_label(doc.level, tr)}, {"note", verdict_coverage_note(r, tr)}});
        if (r.verdict) v.items = r.verdict->reasons;
        if (r.site.error) v.items.push_back(*r.site.error);
        out.push_back(std::move(v));
        if (r.verdict && !r.verdict->conditions.empty()) {
            out.push_back(paragraph(tr.text("report.conditions")));
            Block conditions;
            conditions.kind = Kind::Bullets;
            conditions.items = r.verdict->conditions;
            out.push_back(std::move(conditions));
        }
    }

    // Identity.
    {
        Block kv;
        kv.kind = Kind::KeyValues;
        kv.rows.push_back({Cell{tr.text("report.identity.site_id")}, Cell{r.site.id, "mono"}});
        if (!name.empty()) kv.rows.push_back({Cell{tr.text("report.identity.name")}, Cell{name}});
        if (!r.site.type.empty())
            kv.rows.push_back(
                {Cell{tr.text("report.identity.type")}, Cell{tr.text_or("site_type." + r.site.type, r.site.type)}});
        if (r.site.has_coordinates)
            kv.rows.push_back(
                {Cell{tr.text("report.identity.location")},
                 Cell{tr.format("report.identity.location_value", {{"lon", fmt::format("{:.6f}", r.site.lonlat.lon)},
                                                                   {"lat", fmt::format("{:.6f}", r.site.lonlat.lat)}}),
                      "mono"}});
        kv.rows.push_back(
            {Cell{tr.text("report.identity.geometry")},
             Cell{tr.text(r.site.footprint_ll.empty() ? "report.identity.point" : "report.identity.polygon")}});
        std::vector<std::string> admin;
        for (const LayerOutcome& o : r.layers)
            if (o.spec && o.spec->theme == "admin")
                if (const VectorMeasurement* m = o.vector())
                    for (std::uint32_t f : m->inside_features) {
                        const std::string& n = o.vector_layer->features()[f].name;
                        if (!n.empty() && std::find(admin.begin(), admin.end(), n) == admin.end()) admin.push_back(n);
                    }
        if (!admin.empty()) {
            std::string a;
            for (const auto& n : admin) a += (a.empty() ? "" : " · ") + n;
            kv.rows.push_back({Cell{tr.text("report.identity.admin_units")}, Cell{a}});
        }
        if (r.geometry && !r.geometry->radii_m.empty()) {
            std::string b;
            for (double rm : r.geometry->radii_m) b += (b.empty() ? "" : ", ") + radius_label(rm);
            kv.rows.push_back({Cell{tr.text("report.identity.buffers")}, Cell{b}});
        }
        kv.rows.push_back({Cell{tr.text("report.identity.input")}, Cell{r.site.where, "mono"}});
        kv.rows.push_back({Cell{tr.text("report.identity.status")},
                           Cell{r.site.error ? tr.format("report.identity.status_error", {{"error", *r.site.error}})
                                             : tr.text("report.identity.status_screened")}});
        out.push_back(std::move(kv));
    }

    if (!map_source.empty()) {
        Block img;
        img.kind = Kind::Image;
        img.text = map_source;
        img.items = {tr.format("report.map.alt", {{"id", r.site.id}}), tr.text("report.map.caption")};
        out.push_back(std::move(img));
    }

    if (!r.site.error) {
        out.push_back(heading(2, tr.text("report.heading.locate"), "locate"));
        if (!r.locate)
            out.push_back(paragraph(tr.text("report.note.locate_not_assessed"), Kind::Note));
        else
            locate_blocks(r, profile_of(r), out, tr);
        layer_tables(r, ctx.options.feature_cap, out, tr);

        out.push_back(heading(2, tr.text("report.heading.evaluate"), "evaluate"));
        if (!r.evaluate || !r.locate)
            out.push_back(paragraph(tr.text("report.note.not_assessed"), Kind::Note));
        else
            evaluate_blocks(*r.evaluate, *r.locate, out, tr);

        out.push_back(heading(2, tr.text("report.heading.mitigation"), "mitigation"));
        if (!r.mitigation || r.mitigation->empty())
            out.push_back(paragraph(tr.text("report.note.no_mitigation"), Kind::Note));
        else
            out.push_back(mitigation_table(*r.mitigation, tr));

        out.push_back(heading(2, tr.text("report.heading.alternative"), "alternative"));
        if (r.alternative && r.alternative->found()) {
            const AlternativeLocation& first = r.alternative->alternatives.front();
            out.push_back(
                paragraph(tr.format("report.alternative.found", {{"distance", format_distance(first.distance_m)},
                                                                 {"bearing", fmt::format("{:.0f}", first.bearing_deg)},
                                                                 {"lon", fmt::format("{:.6f}", first.at.lon)},
                                                                 {"lat", fmt::format("{:.6f}", first.at.lat)}})));
            // The ranked alternatives, one row each (the first is the one above).
            if (r.alternative->alternatives.size() > 1) out.push_back(ranked_table(r.alternative->alternatives, tr));
            search_blocks(*r.alternative, out, tr);
        } else if (r.alternative) {
            out.push_back(paragraph(tr.text("report.alternative.none"), Kind::Note));
            search_blocks(*r.alternative, out, tr);
        } else {
            out.push_back(paragraph(tr.text("report.alternative.no_search"), Kind::Note));
        }
    }

    const Json& attrs = r.site.attributes;
    if (attrs.is_object() && !attrs.empty()) {
        out.push_back(heading(2, tr.text("report.heading.attributes"), "attributes"));
        Block kv;
        kv.kind = Kind::KeyValues;
        for (auto it = attrs.begin(); it != attrs.end(); ++it)
            kv.rows.push_back({Cell{it.key()}, Cell{inline_text(it.value(), tr)}});
        out.push_back(std::move(kv));
    }

    out.push_back(heading(2, tr.text("report.heading.provenance"), "provenance"));
    {
        Block kv;
        kv.kind = Kind::KeyValues;
        kv.rows.push_back({Cell{tr.text("report.provenance.tool")}, Cell{"sitescreen " + ctx.tool_version}});
        const std::string profile = profile_of(r);
        kv.rows.push_back({Cell{tr.text("report.provenance.profile")},
                           Cell{profile.empty() ? (r.site.type.empty() ? "—" : r.site.type) : profile}});
        kv.rows.push_back({Cell{tr.text("report.provenance.method")}, Cell{tr.text("report.provenance.method_value")}});
        out.push_back(std::move(kv));
        Block t;
        t.kind = Kind::Table;
        t.header = {tr.text("report.layers.layer"),    tr.text("report.provenance.source"),
                    tr.text("report.provenance.date"), tr.text("report.provenance.licence"),
                    tr.text("report.provenance.demo"), "SHA-256"};
        for (const auto& p : provenance) {
            std::string src = p.source;
            if (!p.url.empty()) src += (src.empty() ? "" : " ") + ("<" + p.url + ">");
            t.rows.push_back({Cell{(p.title.empty() ? p.id : p.title) + " (" + p.id + ")", "", true},
                              Cell{src.empty() ? "—" : src}, Cell{p.date.empty() ? "—" : p.date},
                              Cell{p.licence.empty() ? "—" : p.licence},
                              Cell{p.demo ? kDemoMarker : tr.text("report.provenance.not_demo"), p.demo ? "alert" : ""},
                              Cell{p.sha256.empty() ? "—" : p.sha256, "mono"}});
        }
        out.push_back(std::move(t));
    }
    return doc;
}

namespace {
std::atomic<std::uint64_t> next_doc_cache_serial{1};

// One thread's last site: its document and where its Image block is.
struct CachedDoc {
    SiteSlot site;
    SiteReportDoc doc;
    Block* image = nullptr;
};
}  // namespace

SiteReportDocCache::SiteReportDocCache(int users)
    : serial_(next_doc_cache_serial.fetch_add(1)), users_(std::max(1, users)) {}

const SiteReportDoc& SiteReportDocCache::get(const SiteResult& result, const RunContext& ctx,
                                             const std::function<std::vector<LayerProvenance>()>& provenance,
                                             std::string map_source) {
    thread_local CachedDoc slot;
    if (!slot.site.holds(serial_, users_, result)) {
        // Built with an Image block wherever the site has a map; each caller points it at its own.
        slot.doc = site_report_doc(result, ctx, provenance(), result.geometry ? "map" : "");
        slot.image = nullptr;
        for (Block& b : slot.doc.blocks)
            if (b.kind == Block::Kind::Image) slot.image = &b;
        slot.site.made_for(serial_, result);
    }
    ++slot.site.uses;
    if (slot.image) slot.image->text = std::move(map_source);
    return slot.doc;
}

}  // namespace report

}  // namespace sitescreen
