// The per-site report's dedicated LEAP tables: L2 activity, L3 ecosystems, E1 services, E4 factors.
#include "report/leap_tables.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/rounding.h"
#include "report/block_kit.h"
#include "report/formats.h"
#include "screen/profile.h"

namespace sitescreen::report {
namespace {

using Kind = Block::Kind;
using i18n::Catalog;
using kit::joined, kit::note, kit::table, kit::yes_no;

// An enum value of the record in the catalog's words (value.<field>.<value>: "VH" -> "很高（VH）"),
// else as given; "—" for none.
std::string enum_text(const Catalog& tr, const std::string& field, const char* name) {
    return tr.text_or("value." + field + "." + name, name);
}

Block heading(std::string text) { return kit::heading(4, std::move(text)); }

// A GET unit for people: its code and, where the catalog names it, its name ("T2.2 Deciduous
// temperate forests"). The code is kept: it is the typology's identifier.
std::string get_unit(const Catalog& tr, const std::string& code) {
    std::string key = code;
    std::replace(key.begin(), key.end(), '.', '_');
    const std::string name = tr.text_or("ecosystem.get." + key, "");
    return name.empty() ? code : code + " " + name;
}

// The candidates' codes of a unit.
std::vector<std::string> candidate_codes(const EcosystemUnit& u) {
    std::vector<std::string> out;
    for (const EcosystemCandidate& c : u.candidates) out.push_back(c.code);
    return out;
}

std::string candidate_text(const Catalog& tr, const std::vector<std::string>& codes) {
    std::string s;
    for (const auto& c : codes) s += (s.empty() ? "" : tr.text("e4.sep")) + get_unit(tr, c);
    return s;
}

// A driver's name (land_use_change -> "Land-use change" / "土地利用变化").
std::string driver_name(const Catalog& tr, const std::string& d) {
    return tr.text_or("report.e4.driver_name." + d, tr.text_or("field." + d, humanise(d)));
}

}  // namespace

void activity_blocks(const ActivityUse& a, const std::string& profile, std::vector<Block>& out, const Catalog& tr) {
    out.push_back(heading(tr.text("report.activity.heading")));
    if (!a.warning.empty()) out.push_back(note(a.warning));

    std::string from_text;
    switch (a.from) {
        case ActivityFrom::Activity:
            from_text = tr.text("report.activity.from_activity");
            break;
        case ActivityFrom::Isic:
            from_text = tr.text("report.activity.from_isic");
            break;
        case ActivityFrom::ProfileDefault:
            from_text =
                tr.format("report.activity.from_default", {{"profile", tr.text_or("site_type." + profile, profile)}});
            break;
        case ActivityFrom::None:
            from_text = tr.text("report.activity.from_none");
            break;
    }

    Block kv;
    kv.kind = Kind::KeyValues;
    if (a.id.empty()) {
        kv.rows.push_back({Cell{tr.text("report.activity.activity")}, Cell{tr.text("activity.none")}});
        kv.rows.push_back({Cell{tr.text("report.activity.from")}, Cell{from_text}});
        out.push_back(std::move(kv));
        return;
    }
    const std::string title = a.title.empty() ? a.id : a.title;
    const bool judgement = a.match == "judgement";
    kv.rows.push_back({Cell{tr.text("report.activity.activity")}, Cell{title, "", true}});
    kv.rows.push_back({Cell{tr.text("report.activity.id")}, Cell{a.id, "mono"}});
    kv.rows.push_back({Cell{tr.text("report.activity.from")}, Cell{from_text}});
    kv.rows.push_back(
        {Cell{tr.text("report.activity.value_chain")}, Cell{enum_text(tr, "value_chain", a.value_chain.c_str())}});
    std::string isic;
    for (const auto& c : a.isic) isic += (isic.empty() ? "" : ", ") + c;
    if (!isic.empty()) kv.rows.push_back({Cell{tr.text("report.activity.isic")}, Cell{isic}});
    kv.rows.push_back({Cell{tr.text("report.activity.encore_row")},
                       Cell{tr.format("report.activity.encore_row_value",
                                      {{"code", a.encore_code},
                                       {"name", a.encore_name},
                                       {"level", enum_text(tr, "level", a.encore_level.c_str())}})}});
    kv.rows.push_back({Cell{tr.text("report.activity.match")},
                       Cell{tr.text(judgement ? "report.activity.match_judgement" : "report.activity.match_exact"),
                            judgement ? "alert" : "", judgement}});
    out.push_back(std::move(kv));
    if (judgement)
        out.push_back(note(tr.format("report.activity.judgement_note",
                                     {{"activity", title}, {"code", a.encore_code}, {"name", a.encore_name}})));
    out.push_back(
        note(tr.format("report.activity.source_note", {{"version", a.encore_version}, {"licence", a.licence}})));

    // Dependencies, then impacts: each as ENCORE rates it and the materiality the tool reads.
    auto row_of = [&](const ActivityTopicUse& e, bool with_driver) {
        Cell materiality{e.materiality ? enum_text(tr, "materiality", to_string(*e.materiality))
                                       : (e.not_found.empty() ? "—" : e.not_found)};
        materiality.strong = e.materiality == Materiality::High;
        std::vector<Cell> row{Cell{e.title.empty() ? e.id : e.title, "", true},
                              Cell{enum_text(tr, "encore_rating", e.encore_rating.c_str())}, materiality};
        if (with_driver) row.push_back(Cell{e.driver ? driver_name(tr, to_string(*e.driver)) : "—"});
        row.push_back(Cell{yes_no(e.location_dependent, tr)});
        return row;
    };
    if (!a.dependencies.empty()) {
        out.push_back(heading(tr.text("report.activity.dependencies")));
        Block t = table({tr.text("report.activity.service"), tr.text("report.activity.rating"),
                         tr.text("report.activity.materiality"), tr.text("report.activity.location")});
        for (const ActivityTopicUse& e : a.dependencies) t.rows.push_back(row_of(e, false));
        out.push_back(std::move(t));
    }
    if (!a.impacts.empty()) {
        out.push_back(heading(tr.text("report.activity.impacts")));
        Block t = table({tr.text("report.activity.pressure"), tr.text("report.activity.rating"),
                         tr.text("report.activity.materiality"), tr.text("report.activity.driver"),
                         tr.text("report.activity.location")});
        for (const ActivityTopicUse& e : a.impacts) t.rows.push_back(row_of(e, true));
        out.push_back(std::move(t));
    }
}

void ecosystem_blocks(const std::vector<LayerEcosystems>& ecosystems, const SiteResult& result, std::vector<Block>& out,
                      const Catalog& tr) {
    if (ecosystems.empty()) return;
    out.push_back(heading(tr.text("report.ecosystems.heading")));
    for (const LayerEcosystems& e : ecosystems) {
        const LayerSpec* spec = layer_spec(result, e.layer);
        std::string title = spec && !spec->title.empty() ? spec->title_for(tr.lang()) : e.layer;
        if (!e.resolution.empty())
            title = tr.format("report.ecosystems.layer_value", {{"layer", title}, {"resolution", e.resolution}});
        if (!e.mapped) {
            out.push_back(note(e.why.empty() ? title : e.why));
            continue;
        }
        Block kv;
        kv.kind = Kind::KeyValues;
        kv.rows.push_back({Cell{tr.text("report.ecosystems.layer")}, Cell{title}});
        std::string here_key;  // the unit at the site, as the buffers' rows are keyed
        if (!e.at_site) {
            kv.rows.push_back(
                {Cell{tr.text("report.ecosystems.class_at_site")}, Cell{tr.text("report.ecosystems.no_data")}});
        } else {
            const EcosystemAtSite& here = *e.at_site;
            const std::string value = std::to_string(here.value);
            const std::string cls =
                here.class_label && !here.class_label->empty()
                    ? tr.format("report.ecosystems.class_value", {{"class", *here.class_label}, {"value", value}})
                    : value;
            kv.rows.push_back({Cell{tr.text("report.ecosystems.class_at_site")}, Cell{cls}});
            if (const auto& get = here.get) {
                kv.rows.push_back({Cell{tr.text("report.ecosystems.at_site")},
                                   Cell{tr.format("report.ecosystems.unit_level",
                                                  {{"unit", get_unit(tr, get->code)},
                                                   {"level", enum_text(tr, "level", get->level.c_str())}}),
                                        "", true}});
                const std::vector<std::string> cands = candidate_codes(*get);
                if (!cands.empty() && !(cands.size() == 1 && cands[0] == get->code))
                    kv.rows.push_back({Cell{tr.text("report.ecosystems.candidates")}, Cell{candidate_text(tr, cands)}});
                here_key = get->code + "|" + candidate_text(tr, cands);
            } else {
                kv.rows.push_back(
                    {Cell{tr.text("report.ecosystems.at_site")}, Cell{tr.text("report.ecosystems.not_mapped_class")}});
            }
        }
        out.push_back(std::move(kv));

        // The mix per buffer: one row per GET unit (code and candidates), one column per buffer.
        if (e.buffers.empty()) continue;
        struct Unit {
            std::string code, level, candidates;
            std::vector<std::string> shares;
        };
        std::vector<Unit> units;
        const std::size_t n = e.buffers.size();
        std::vector<std::string> unmapped(n, "—"), valid(n, "—");
        bool any_unmapped = false;
        Block t = table({tr.text("report.ecosystems.unit"), tr.text("report.ecosystems.level"),
                         tr.text("report.ecosystems.candidates"), tr.text("report.ecosystems.at_site_column")});
        for (std::size_t k = 0; k < n; ++k) {
            const EcosystemBuffer& b = e.buffers[k];
            t.header.push_back(tr.format("report.layers.within", {{"radius", radius_label(b.radius_m)}}));
            for (const EcosystemBuffer::Share& m : b.mix) {
                const std::string& code = m.unit.code;
                const std::vector<std::string> cands = candidate_codes(m.unit);
                const std::string cand = cands.size() == 1 && cands[0] == code ? "" : candidate_text(tr, cands);
                auto it = std::find_if(units.begin(), units.end(),
                                       [&](const Unit& u) { return u.code == code && u.candidates == cand; });
                if (it == units.end()) {
                    units.push_back(Unit{code, enum_text(tr, "level", m.unit.level.c_str()), cand,
                                         std::vector<std::string>(n, "—")});
                    it = units.end() - 1;
                }
                it->shares[k] = format_share(m.share);
            }
            if (b.unmapped_share) {
                unmapped[k] = format_share(*b.unmapped_share);
                any_unmapped = true;
            }
            valid[k] = format_share(b.valid_share);
        }
        for (const Unit& u : units) {
            const bool is_here = !here_key.empty() && here_key == u.code + "|" + u.candidates;
            std::vector<Cell> row{Cell{get_unit(tr, u.code), "", true}, Cell{u.level},
                                  Cell{u.candidates.empty() ? "—" : u.candidates},
                                  Cell{is_here ? tr.text("report.yes") : "—"}};
            for (const auto& sh : u.shares) row.push_back(Cell{sh, "num"});
            t.rows.push_back(std::move(row));
        }
        if (any_unmapped) {
            std::vector<Cell> row{Cell{tr.text("report.ecosystems.unmapped")}, Cell{"—"}, Cell{"—"}, Cell{"—"}};
            for (const auto& sh : unmapped) row.push_back(Cell{sh, "num"});
            t.rows.push_back(std::move(row));
        }
        std::vector<Cell> row{Cell{tr.text("report.ecosystems.valid")}, Cell{"—"}, Cell{"—"}, Cell{"—"}};
        for (const auto& sh : valid) row.push_back(Cell{sh, "num"});
        t.rows.push_back(std::move(row));
        out.push_back(std::move(t));
    }
    out.push_back(note(tr.text("report.ecosystems.note")));
}

void service_blocks(const std::vector<EcosystemService>& services, const std::vector<LayerEcosystems>& ecosystems,
                    std::vector<Block>& out, const Catalog& tr) {
    out.push_back(heading(tr.text("report.services.heading")));
    if (services.empty()) {
        const bool named =
            std::any_of(ecosystems.begin(), ecosystems.end(), [](const LayerEcosystems& e) { return e.mapped; });
        out.push_back(note(tr.text(named ? "report.services.none" : "report.services.unknown")));
        return;
    }
    Block t = table({tr.text("report.activity.service"), tr.text("report.activity.rating"),
                     tr.text("report.activity.materiality"), tr.text("report.services.provided_by"),
                     tr.text("report.ecosystems.at_site_column"), tr.text("report.services.share")});
    for (const EcosystemService& s : services) {
        Cell by, here, share;
        for (const EcosystemService::Provider& p : s.provided_by) {
            std::string line = get_unit(tr, p.code);
            if (!p.candidates.empty() && !(p.candidates.size() == 1 && p.candidates[0] == p.code))
                line = tr.format("report.services.possibly",
                                 {{"unit", line}, {"candidates", candidate_text(tr, p.candidates)}});
            by.lines.push_back(line);
            here.lines.push_back(yes_no(p.at_site, tr));
            share.lines.push_back(p.radius_m > 0
                                      ? tr.format("report.services.share_value", {{"share", format_share(p.share)},
                                                                                  {"radius", radius_label(p.radius_m)}})
                                      : "—");
        }
        const std::string materiality = to_string(s.materiality);
        t.rows.push_back({Cell{s.title.empty() ? s.service : s.title, "", true},
                          Cell{enum_text(tr, "encore_rating", s.encore_rating.c_str())},
                          Cell{enum_text(tr, "materiality", materiality.c_str()), "", materiality == "high"}, by, here,
                          share});
    }
    out.push_back(std::move(t));
    out.push_back(note(tr.text("report.services.note")));
}

void e4_blocks(const RiskRatings& e4, std::vector<Block>& out, const Catalog& tr) {
    Block kv;
    kv.kind = Kind::KeyValues;
    kv.rows.push_back(
        {Cell{tr.text("report.e4.highest_rating")},
         Cell{e4.highest ? enum_text(tr, "rating", to_string(*e4.highest)) : std::string("—"), "", true}});
    kv.rows.push_back({Cell{tr.text("report.e4.verdict_from_rating")},
                       Cell{enum_text(tr, "verdict_level", to_string(e4.verdict_from_rating))}});
    out.push_back(std::move(kv));

    if (e4.drivers.empty()) return;
    Block t = table({tr.text("report.e4.driver"), tr.text("report.activity.materiality"), tr.text("report.e4.rating"),
                     tr.text("report.e4.verdict_level"), tr.text("report.e4.severity"), tr.text("report.e4.extent"),
                     tr.text("report.e4.irreversibility"), tr.text("report.e4.likelihood")});
    Block traces;
    traces.kind = Kind::Bullets;
    for (const DriverRating& d : e4.drivers) {
        const std::string name = driver_name(tr, to_string(d.driver));
        if (!d.trace.empty())
            traces.items.push_back(tr.format("report.e4.trace", {{"driver", name}, {"trace", d.trace}}));
        if (!d.rating) continue;  // not rated against the place (GHG): its trace says why
        Cell severity{"—"}, extent{"—"}, irreversibility{"—"}, likelihood{"—"};
        if (const auto& f = d.factors) {
            const std::string sev = to_string(f->severity), irr = to_string(f->irreversibility),
                              lk = to_string(f->likelihood), from = to_string(f->severity_from),
                              exposure = to_string(f->exposure);
            severity.text = tr.format("report.e4.severity_value", {{"level", tr.text_or("e4.level." + sev, sev)},
                                                                   {"share", format_share(f->affected_share)},
                                                                   {"from", tr.text_or("e4.from." + from, from)}});
            extent.text.clear();
            extent.lines.push_back(f->area_ha
                                       ? tr.format("report.e4.area", {{"area", fmt::format("{:.1f}", *f->area_ha)}})
                                       : tr.text("e4.no_footprint"));
            extent.lines.push_back(f->buffer_share && f->radius_m
                                       ? tr.format("report.e4.buffer", {{"share", format_share(*f->buffer_share)},
                                                                        {"radius", radius_label(*f->radius_m)}})
                                       : tr.text("e4.no_buffer_share"));
            irreversibility.text = tr.format(
                "report.e4.irreversibility_value",
                {{"level", tr.text_or("e4.level." + irr, irr)}, {"theme", tr.text_or("theme." + f->theme, f->theme)}});
            likelihood.text = tr.format("report.e4.likelihood_value",
                                        {{"level", tr.text_or("e4.likelihood_level." + lk, lk)},
                                         {"exposure", tr.text_or("report.e4.exposure." + exposure,
                                                                 enum_text(tr, "exposure", exposure.c_str()))}});
        }
        t.rows.push_back(
            {Cell{name, "", true}, Cell{enum_text(tr, "materiality", to_string(d.materiality))},
             Cell{enum_text(tr, "rating", to_string(*d.rating)), "", true},
             Cell{d.verdict_level ? enum_text(tr, "verdict_level", to_string(*d.verdict_level)) : std::string("—")},
             severity, extent, irreversibility, likelihood});
    }
    if (!t.rows.empty()) {
        out.push_back(std::move(t));
        out.push_back(note(tr.text("report.e4.note")));
    }
    if (!traces.items.empty()) {
        out.push_back(heading(tr.text("report.e4.traces")));
        out.push_back(std::move(traces));
    }
}

namespace {

// A metric's figure for people: hectares to 0.1, cubic metres a year whole.
std::string metric_figure(double v, const std::string& unit) {
    return unit == "ha" ? fmt::format("{:.1f}", v) : fmt_thousands(v);
}

// C3.0's inputs in a sentence: the withdrawal and where it came from, the water-stress category and
// its layer, and whether the unit is scarce by the profile's threshold.
std::string water_basis(const SiteMetrics& m, const Catalog& tr) {
    const MetricInputs& in = m.inputs;
    std::vector<std::string> parts;
    if (in.withdrawal_m3)
        parts.push_back(tr.format("report.metrics.withdrawal",
                                  {{"value", fmt_thousands(*in.withdrawal_m3)}, {"from", in.withdrawal_from}}));
    if (in.bws_cat)
        parts.push_back(
            tr.format("report.metrics.stress", {{"category", std::to_string(*in.bws_cat)}, {"layer", in.bws_layer}}));
    if (in.arid) parts.push_back(tr.text("report.metrics.arid"));
    if (m.scarce)
        parts.push_back(tr.format(*m.scarce ? "report.metrics.scarce" : "report.metrics.not_scarce",
                                  {{"high", std::to_string(in.high_bws_cat)}}));
    return joined(parts);
}

}  // namespace

void metrics_blocks(const SiteMetrics& m, std::vector<Block>& out, const Catalog& tr) {
    Block t = table({tr.text("portfolio.tnfd.id"), tr.text("portfolio.tnfd.metric"), tr.text("report.metrics.value"),
                     tr.text("report.metrics.basis")});
    for (const TnfdMetricDef& d : tnfd_metric_defs()) {
        const MetricValue& v = m[d.metric];
        const std::string key = d.key, unit = d.unit;
        std::string value = v.not_available;
        if (v.value) {
            value = metric_figure(*v.value, unit);
            if (d.metric == TnfdMetric::LandUseChangeSensitive && m.sensitive_upper_ha &&
                metric_figure(*m.sensitive_upper_ha, unit) != value)
                value = tr.format("portfolio.tnfd.lower_bound",
                                  {{"value", value}, {"upper", metric_figure(*m.sensitive_upper_ha, unit)}});
            value += " " + tr.text_or("value.unit." + unit, unit);
        }
        std::string basis;
        switch (d.metric) {
            case TnfdMetric::TotalSpatialFootprint:
                if (v.value) basis = m.footprint_from;
                break;
            case TnfdMetric::LandUseChangeNatural:
                if (m.land_cover && !m.land_cover->layer.empty()) {
                    const FootprintLandCover& land = *m.land_cover;
                    basis = tr.format("report.metrics.natural_basis",
                                      {{"layer", land.layer},
                                       {"shape", land.shape},
                                       {"valid", format_share(land.valid_share)},
                                       {"natural", land.natural_share ? format_share(*land.natural_share) : "—"}});
                }
                break;
            case TnfdMetric::LandUseChangeSensitive:
                break;
            case TnfdMetric::WaterWithdrawalScarce:
                basis = water_basis(m, tr);
                break;
        }
        t.rows.push_back({Cell{d.tnfd}, Cell{tr.text_or("portfolio.tnfd.metric_title." + key, d.title), "", true},
                          Cell{value, v.value ? "num" : ""}, Cell{basis}});
    }
    out.push_back(std::move(t));
    if (m.land_cover && !m.land_cover->natural_classes.empty()) {
        const std::string classes = joined(m.land_cover->natural_classes);
        out.push_back(
            note(tr.format("report.metrics.natural_classes", {{"layer", m.land_cover->layer}, {"classes", classes}})));
    }

    if (m.themes.empty()) return;
    out.push_back(heading(tr.text("field.sensitive_locations")));
    Block themes =
        table({tr.text("field.theme"), tr.text("field.inside"), tr.text("field.near"), tr.text("report.layers.nearest"),
               tr.text("field.layers_inside"), tr.text("field.footprint_overlap_ha")});
    for (const SensitiveTheme& th : m.themes) {
        const std::string layers = joined(th.layers_inside);
        themes.rows.push_back({Cell{tr.text_or("value.theme." + th.theme, th.theme), "", th.inside},
                               Cell{yes_no(th.inside, tr), "", th.inside}, Cell{yes_no(th.near, tr)},
                               Cell{th.nearest_m ? format_distance(*th.nearest_m) : "—", "num"},
                               Cell{layers.empty() ? "—" : layers},
                               Cell{th.footprint_overlap_ha ? fmt::format("{:.1f}", *th.footprint_overlap_ha) : "—",
                                    th.footprint_overlap_ha ? "num" : ""}});
    }
    out.push_back(std::move(themes));
    out.push_back(note(tr.format("report.metrics.near_note", {{"near", fmt::format("{:.0f}", m.inputs.near_m)}})));
}

}  // namespace sitescreen::report
