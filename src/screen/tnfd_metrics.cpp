// TNFD core global disclosure metrics per site and per portfolio (docs/leap.md, "TNFD metrics").
// The metrics' ids, units and methods are tnfd_metric_defs() (result.cpp, with their serializer).
#include "screen/tnfd_metrics.h"
#include "core/rounding.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "geo/geodesic.h"
#include "i18n/messages.h"
#include "layers/registry.h"

namespace sitescreen {
namespace {

constexpr double kPi = 3.14159265358979323846;
// A polygon site's footprint is measured as its smallest buffer: the footprint grown by the
// smallest distance a buffer may have (kMinBufferM, 1 m), which adds a 1 m rim and nothing else.
constexpr double kFootprintRimM = kMinBufferM;

// The metrics' texts for people (why a value is not available, what it was measured over) are made
// in the language of the assessment (i18n::Scope); keys and values stay as they are.
const i18n::Catalog& tr() { return i18n::current(); }

// A metric's value, or why there is none (`missing`, in the run's language).
MetricValue metric(std::optional<double> value, const std::string& missing) {
    MetricValue m;
    m.value = value;
    if (!value) m.not_available = tr().format("metrics.not_available", {{"why", missing}});
    return m;
}

bool sensitive_layer(const LayerOutcome& o) {
    return o.spec && o.vector() && o.spec->criterion == Criterion::BiodiversityImportance;
}

}  // namespace

std::optional<FootprintLandCover> footprint_land_cover(const SiteResult& r, std::optional<double> footprint_ha,
                                                       Screener& screener) {
    const bool polygon = !r.site.footprint_ll.empty();
    if (!polygon && !(footprint_ha && *footprint_ha > 0)) return std::nullopt;
    FootprintLandCover out;
    const LayerSpec* land = nullptr;
    for (const auto& spec : screener.layers().catalog().layers)
        if (measures<RasterMeasurement>(spec) && spec.categorical &&
            std::any_of(spec.classes.begin(), spec.classes.end(),
                        [](const auto& c) { return c.second.zone == "natural"; })) {
            land = &spec;
            break;
        }
    if (!land) return out;
    out.layer = land->id;
    for (const auto& [value, c] : land->classes)
        // Shown in the site's report: the labels in the language of the assessment (i18n::Scope).
        if (c.zone == "natural")
            out.natural_classes.push_back(c.label.empty() ? std::to_string(value)
                                                          : c.label_for(i18n::current().lang()));
    // A point site's footprint: the disc of the declared area, radius sqrt(A / pi).
    const double radius_m =
        polygon ? kFootprintRimM : std::max(kFootprintRimM, std::sqrt(*footprint_ha * 10000.0 / kPi));
    out.shape = polygon ? tr().text("metrics.shape_polygon")
                        : tr().format("metrics.shape_disc", {{"radius", fmt::format("{:.0f}", radius_m)}});
    const SiteResult m = screener.screen_moved(r.site, r.site.lonlat, {radius_m}, {land->id});
    for (const auto& o : m.layers) {
        if (!o.spec || o.spec->id != land->id || !o.raster() || o.raster()->buffers.empty()) continue;
        const RasterBufferStats& b = o.raster()->buffers.front();
        out.valid_share = b.valid_share;
        if (b.valid_share <= 0) break;
        double share = 0;
        for (const auto& [value, frac] : b.class_shares) {
            const auto it = land->classes.find(value);
            if (it != land->classes.end() && it->second.zone == "natural") share += frac;
        }
        out.natural_share = share;
    }
    return out;
}

SiteMetrics site_metrics(const SiteResult& r, const MetricInputs& in, const std::optional<FootprintLandCover>& land) {
    const bool polygon = r.geometry && !r.geometry->is_point;
    SiteMetrics out;
    out.inputs = in;
    if (land) out.land_cover = *land;

    // C1.0: total spatial footprint.
    std::optional<double> footprint_ha;
    if (polygon) {
        footprint_ha = geodesic::polygon_area_m2(r.geometry->footprint_ll) / 10000.0;
        out.footprint_from = tr().text("metrics.from_polygon");
    } else if (in.declared_footprint_ha && *in.declared_footprint_ha > 0) {
        footprint_ha = *in.declared_footprint_ha;
        out.footprint_from = tr().format("metrics.from_attribute", {{"attribute", in.footprint_attribute}});
    }
    const std::string no_footprint = tr().format("metrics.no_footprint", {{"attribute", in.footprint_attribute}});
    out[TnfdMetric::TotalSpatialFootprint] =
        metric(footprint_ha ? std::optional<double>(round3(*footprint_ha)) : std::nullopt, no_footprint);

    // C1.1 in natural habitat: footprint x natural share of the land cover over it.
    {
        std::optional<double> v;
        std::string missing = no_footprint;
        if (footprint_ha && land) {
            if (land->layer.empty())
                missing = tr().text("metrics.no_land_cover_layer");
            else if (!land->natural_share)
                missing = tr().format("metrics.no_valid_cell", {{"layer", land->layer}});
            else
                v = round3(*footprint_ha * *land->natural_share);
        }
        out[TnfdMetric::LandUseChangeNatural] = metric(v, missing);
    }

    // Sensitive locations per theme (vector layers of criterion biodiversity_importance), and
    // C1.1 in sensitive locations from the footprint overlaps already measured.
    std::optional<double> nearest_any;
    bool inside_any = false;
    double largest_m2 = 0, sum_m2 = 0;
    bool overlap_known = polygon;
    for (const auto& o : r.layers) {
        if (!sensitive_layer(o)) continue;
        const VectorMeasurement& v = *o.vector();
        auto it = std::find_if(out.themes.begin(), out.themes.end(),
                               [&](const SensitiveTheme& t) { return t.theme == o.spec->theme; });
        if (it == out.themes.end()) {
            SensitiveTheme t;
            t.theme = o.spec->theme;
            if (polygon) t.footprint_overlap_ha = 0.0;
            it = out.themes.insert(out.themes.end(), std::move(t));
        }
        SensitiveTheme& t = *it;
        if (v.inside) {
            t.inside = true;
            t.layers_inside.push_back(o.spec->id);
            inside_any = true;
        }
        if (v.nearest_distance_m) {
            const double d = *v.nearest_distance_m;
            t.nearest_m = t.nearest_m ? std::min(*t.nearest_m, d) : d;
            if (!nearest_any || d < *nearest_any) nearest_any = d;
        }
        if (polygon) {
            const double a = v.footprint_overlap_area_m2.value_or(0.0);
            if (!v.footprint_overlap_area_m2 && v.inside) overlap_known = false;
            largest_m2 = std::max(largest_m2, a);
            sum_m2 += a;
            t.footprint_overlap_ha = round3(std::max(*t.footprint_overlap_ha, a / 10000.0));
        }
    }
    for (SensitiveTheme& t : out.themes) t.near = !t.inside && t.nearest_m && *t.nearest_m <= in.near_m;
    {
        std::optional<double> v, upper;
        std::string missing = no_footprint;
        if (polygon && overlap_known) {
            v = round3(largest_m2 / 10000.0);
            upper = round3(std::min(sum_m2 / 10000.0, *footprint_ha));
        } else if (polygon) {
            missing = tr().text("metrics.overlap_not_measured");
        } else if (footprint_ha) {
            // Where a point site's declared footprint lies is unknown; only a footprint far enough from
            // every feature is known to be outside them all (as a disc of its area around the point).
            const double radius_m = std::sqrt(*footprint_ha * 10000.0 / kPi);
            if (!inside_any && (!nearest_any || *nearest_any > radius_m))
                v = upper = 0.0;
            else
                missing = inside_any
                              ? tr().text("metrics.point_inside")
                              : tr().format("metrics.point_near", {{"distance", fmt::format("{:.0f}", *nearest_any)},
                                                                   {"radius", fmt::format("{:.0f}", radius_m)}});
        }
        out[TnfdMetric::LandUseChangeSensitive] = metric(v, missing);
        out.sensitive_upper_ha = upper;
    }

    // C3.0: withdrawal where the water-stress unit is scarce.
    {
        std::optional<double> v;
        std::string missing;
        const bool stress_known = in.bws_cat.has_value() || in.arid;
        const bool scarce = in.arid || (in.bws_cat && *in.bws_cat >= in.high_bws_cat);
        if (!in.withdrawal_m3)
            missing = tr().text("metrics.no_withdrawal");
        else if (!stress_known)
            missing = tr().text("metrics.no_stress_unit");
        else
            v = scarce ? round1(*in.withdrawal_m3) : 0.0;
        out[TnfdMetric::WaterWithdrawalScarce] = metric(v, missing);
        if (stress_known) out.scarce = scarce;
    }
    return out;
}

TnfdContribution tnfd_contribution(const SiteMetrics& metrics) {
    TnfdContribution c;
    for (std::size_t i = 0; i < kTnfdMetricCount; ++i) c.values[i] = metrics.values[i].value;
    c.sensitive_upper_ha = metrics.sensitive_upper_ha;
    c.themes.reserve(metrics.themes.size());
    for (const SensitiveTheme& t : metrics.themes)
        c.themes.push_back({t.theme, t.inside, t.near, t.footprint_overlap_ha});
    return c;
}

void TnfdTable::add(const TnfdContribution& site) {
    ++sites_;
    for (const TnfdMetricDef& d : tnfd_metric_defs()) {
        const std::optional<double>& value = site.values[static_cast<std::size_t>(d.metric)];
        Sum& s = sums_[static_cast<std::size_t>(d.metric)];
        if (!value) {
            ++s.not_available;
            continue;
        }
        ++s.with_value;
        s.value += *value;
        s.upper += d.metric == TnfdMetric::LandUseChangeSensitive && site.sensitive_upper_ha ? *site.sensitive_upper_ha
                                                                                             : *value;
    }
    // A site without a footprint adds no hectares.
    const double footprint_ha = site.values[static_cast<std::size_t>(TnfdMetric::TotalSpatialFootprint)].value_or(0.0);
    for (const TnfdContribution::Theme& t : site.themes) {
        ThemeCount& c = themes_[t.theme];
        if (t.inside) {
            ++c.inside;
            c.footprint_ha_inside += footprint_ha;
            if (t.footprint_overlap_ha)
                c.inside_ha += *t.footprint_overlap_ha;
            else
                ++c.inside_area_unknown;
        } else if (t.near) {
            ++c.near;
            c.footprint_ha_near += footprint_ha;
        }
    }
}

TnfdSummary TnfdTable::summary() const {
    TnfdSummary out;
    out.sites = sites_;
    for (const TnfdMetricDef& d : tnfd_metric_defs()) {
        const Sum& s = sums_[static_cast<std::size_t>(d.metric)];
        TnfdSummary::Metric m;
        m.def = &d;
        if (s.with_value) m.value = round3(s.value);
        if (s.with_value && d.metric == TnfdMetric::LandUseChangeSensitive) m.upper_bound = round3(s.upper);
        m.sites_with_value = s.with_value;
        m.sites_not_available = s.not_available;
        out.metrics.push_back(m);
    }
    for (const auto& [theme, c] : themes_)
        out.themes[theme] = {c.inside,
                             c.near,
                             c.inside_area_unknown,
                             round3(c.inside_ha),
                             round3(c.footprint_ha_inside),
                             round3(c.footprint_ha_near)};
    return out;
}

Json to_json(const TnfdSummary& s) {
    Json rows = Json::array();
    for (const TnfdSummary::Metric& m : s.metrics) {
        const TnfdMetricDef& d = *m.def;
        Json row = {{"tnfd", d.tnfd},
                    {"metric", d.key},
                    {"title", d.title},
                    {"unit", d.unit},
                    {"value", m.value ? Json(*m.value) : Json(nullptr)},
                    {"sites_with_value", m.sites_with_value},
                    {"sites_not_available", m.sites_not_available},
                    {"method", d.method}};
        if (d.metric == TnfdMetric::LandUseChangeSensitive)
            row["upper_bound"] = m.upper_bound ? Json(*m.upper_bound) : Json(nullptr);
        rows.push_back(std::move(row));
    }
    Json themes = Json::object();
    for (const auto& [theme, c] : s.themes)
        themes[theme] = {{"sites_inside", c.sites_inside},
                         {"sites_near", c.sites_near},
                         {"inside_ha", c.inside_ha},
                         {"sites_inside_area_unknown", c.sites_inside_area_unknown},
                         {"footprint_ha_of_sites_inside", c.footprint_ha_of_sites_inside},
                         {"footprint_ha_of_sites_near", c.footprint_ha_of_sites_near}};
    return {{"sites", s.sites},
            {"metrics", std::move(rows)},
            {"sensitive_locations",
             {{"themes", std::move(themes)},
              {"rule",
               "a site is inside a theme when its point or footprint intersects a feature of a vector layer "
               "of that theme whose criterion is biodiversity_importance; near when not inside and the nearest "
               "such feature is within its profile's rules.proximity.sensitive_within_m"}}}};
}

}  // namespace sitescreen
