// TNFD core global disclosure metrics per site and per portfolio (docs/leap.md, "TNFD metrics").
// Metric ids: TNFD Recommendations (2023), annex 1, core global disclosure metrics C1.0 (total
// spatial footprint), C1.1 (extent of land/freshwater/ocean-use change), C3.0 (water withdrawal
// and consumption from areas of water scarcity).
#include "screen/tnfd_metrics.h"

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

double round3(double x) { return std::round(x * 1000.0) / 1000.0; }
double round1(double x) { return std::round(x * 10.0) / 10.0; }

struct MetricDef {
    const char* key;
    const char* tnfd;
    const char* title;
    const char* unit;
    const char* method;
};

// The order of the portfolio table.
const MetricDef kMetrics[] = {
    {"total_spatial_footprint", "C1.0", "Total spatial footprint", "ha",
     "ellipsoidal (WGS 84) area of a polygon site's footprint; a point site's declared footprint attribute; "
     "a point site without one is not available"},
    {"land_use_change_natural", "C1.1", "Extent of land-use change in natural habitat", "ha",
     "footprint x share of the footprint in land-cover classes of zone natural (exact cell coverage of the "
     "footprint, or of a geodesic disc of a point site's declared area, centred on the point)"},
    {"land_use_change_sensitive", "C1.1", "Extent of land-use change in sensitive locations", "ha",
     "footprint area inside the features of vector layers whose criterion is biodiversity_importance (red "
     "lines, protected areas, wetlands, heritage); layers may overlap and their union is not formed: value is "
     "the largest single layer's overlap (a lower bound), upper_bound the sum over layers capped at the footprint"},
    {"water_withdrawal_scarce", "C3.0", "Water withdrawal from areas of water scarcity", "m3/yr",
     "the site's annual withdrawal when its water-stress unit is arid or at or above the profile's "
     "high_bws_cat (WRI Aqueduct 4.0 baseline water stress: high 40-80 %, extremely high > 80 %), else 0"},
};

Json metric(const MetricDef& d, std::optional<double> value, const std::string& missing) {
    Json j = {{"tnfd", d.tnfd}, {"unit", d.unit}, {"value", value ? Json(*value) : Json(nullptr)}};
    if (!value) j["not_available"] = tr().format("metrics.not_available", {{"why", missing}});
    return j;
}

const MetricDef& def(const char* key) {
    for (const auto& d : kMetrics)
        if (std::string(d.key) == key) return d;
    return kMetrics[0];
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

Json site_metrics_json(const SiteResult& r, const MetricInputs& in, const std::optional<FootprintLandCover>& land) {
    const bool polygon = r.geometry && !r.geometry->is_point;
    Json j = Json::object();

    // C1.0: total spatial footprint.
    std::optional<double> footprint_ha;
    std::string footprint_from;
    if (polygon) {
        footprint_ha = geodesic::polygon_area_m2(r.geometry->footprint_ll) / 10000.0;
        footprint_from = tr().text("metrics.from_polygon");
    } else if (in.declared_footprint_ha && *in.declared_footprint_ha > 0) {
        footprint_ha = *in.declared_footprint_ha;
        footprint_from = tr().format("metrics.from_attribute", {{"attribute", in.footprint_attribute}});
    }
    const std::string no_footprint = tr().format("metrics.no_footprint", {{"attribute", in.footprint_attribute}});
    {
        Json m = metric(def("total_spatial_footprint"),
                        footprint_ha ? std::optional<double>(round3(*footprint_ha)) : std::nullopt, no_footprint);
        if (footprint_ha) m["from"] = footprint_from;
        j["total_spatial_footprint"] = std::move(m);
    }

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
        Json m = metric(def("land_use_change_natural"), v, missing);
        if (land && !land->layer.empty()) {
            m["land_cover_layer"] = land->layer;
            m["measured_over"] = land->shape;
            m["valid_share"] = round3(land->valid_share);
            m["natural_share"] = land->natural_share ? Json(round3(*land->natural_share)) : Json(nullptr);
            m["natural_classes"] = land->natural_classes;
        }
        j["land_use_change_natural"] = std::move(m);
    }

    // Sensitive locations per theme (vector layers of criterion biodiversity_importance), and
    // C1.1 in sensitive locations from the footprint overlaps already measured.
    Json themes = Json::object();
    std::map<std::string, double> nearest_m;  // per theme, unrounded (the near test)
    std::optional<double> nearest_any;
    bool inside_any = false;
    double largest_m2 = 0, sum_m2 = 0;
    bool overlap_known = polygon;
    for (const auto& o : r.layers) {
        if (!sensitive_layer(o)) continue;
        const VectorMeasurement& v = *o.vector();
        Json& t = themes[o.spec->theme];
        if (t.is_null())
            t = {{"inside", false},
                 {"near", false},
                 {"nearest_m", nullptr},
                 {"layers_inside", Json::array()},
                 {"footprint_overlap_ha", polygon ? Json(0.0) : Json(nullptr)}};
        if (v.inside) {
            t["inside"] = true;
            t["layers_inside"].push_back(o.spec->id);
            inside_any = true;
        }
        if (v.nearest_distance_m) {
            const double d = *v.nearest_distance_m;
            auto [it, added] = nearest_m.emplace(o.spec->theme, d);
            if (!added) it->second = std::min(it->second, d);
            t["nearest_m"] = round1(it->second);
            if (!nearest_any || d < *nearest_any) nearest_any = d;
        }
        if (polygon) {
            const double a = v.footprint_overlap_area_m2.value_or(0.0);
            if (!v.footprint_overlap_area_m2 && v.inside) overlap_known = false;
            largest_m2 = std::max(largest_m2, a);
            sum_m2 += a;
            t["footprint_overlap_ha"] = round3(std::max(t["footprint_overlap_ha"].get<double>(), a / 10000.0));
        }
    }
    for (auto& [theme, t] : themes.items()) {
        const auto it = nearest_m.find(theme);
        t["near"] = !t["inside"].get<bool>() && it != nearest_m.end() && it->second <= in.near_m;
    }
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
        Json m = metric(def("land_use_change_sensitive"), v, missing);
        m["upper_bound"] = upper ? Json(*upper) : Json(nullptr);
        j["land_use_change_sensitive"] = std::move(m);
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
        Json m = metric(def("water_withdrawal_scarce"), v, missing);
        m["withdrawal_m3"] = in.withdrawal_m3 ? Json(round1(*in.withdrawal_m3)) : Json(nullptr);
        if (in.withdrawal_m3) m["withdrawal_from"] = in.withdrawal_from;
        m["bws_cat"] = in.bws_cat ? Json(*in.bws_cat) : Json(nullptr);
        m["bws_layer"] = in.bws_layer.empty() ? Json(nullptr) : Json(in.bws_layer);
        m["arid"] = in.arid;
        m["scarce"] = stress_known ? Json(scarce) : Json(nullptr);
        m["high_bws_cat"] = in.high_bws_cat;
        j["water_withdrawal_scarce"] = std::move(m);
    }

    j["sensitive_locations"] = {{"near_m", in.near_m}, {"themes", std::move(themes)}};
    return j;
}

void TnfdTable::add(const Json& metrics) {
    if (!metrics.is_object()) return;
    ++sites_;
    for (const auto& d : kMetrics) {
        const auto it = metrics.find(d.key);
        if (it == metrics.end() || !it->is_object()) continue;
        Sum& s = sums_[d.key];
        const auto value = it->find("value");
        if (value == it->end() || !value->is_number()) {
            ++s.not_available;
            continue;
        }
        ++s.with_value;
        s.value += value->get<double>();
        const auto up = it->find("upper_bound");
        s.upper += up != it->end() && up->is_number() ? up->get<double>() : value->get<double>();
    }
    const auto sl = metrics.find("sensitive_locations");
    if (sl == metrics.end() || !sl->is_object() || !sl->contains("themes")) return;
    double footprint_ha = 0;  // a site without a footprint adds no hectares
    const auto fp = metrics.find("total_spatial_footprint");
    if (fp != metrics.end() && fp->is_object() && fp->contains("value") && (*fp)["value"].is_number())
        footprint_ha = (*fp)["value"].get<double>();
    const Json& themes = (*sl)["themes"];
    if (!themes.is_object()) return;
    for (const auto& [theme, t] : themes.items()) {
        if (!t.is_object()) continue;
        ThemeCount& c = themes_[theme];
        if (t.value("inside", false)) {
            ++c.inside;
            c.footprint_ha_inside += footprint_ha;
            const auto overlap = t.find("footprint_overlap_ha");
            if (overlap != t.end() && overlap->is_number())
                c.inside_ha += overlap->get<double>();
            else
                ++c.inside_area_unknown;
        } else if (t.value("near", false)) {
            ++c.near;
            c.footprint_ha_near += footprint_ha;
        }
    }
}

Json TnfdTable::summary() const {
    Json rows = Json::array();
    for (const auto& d : kMetrics) {
        const auto it = sums_.find(d.key);
        const Sum s = it == sums_.end() ? Sum{} : it->second;
        Json row = {{"tnfd", d.tnfd},
                    {"metric", d.key},
                    {"title", d.title},
                    {"unit", d.unit},
                    {"value", s.with_value ? Json(round3(s.value)) : Json(nullptr)},
                    {"sites_with_value", s.with_value},
                    {"sites_not_available", s.not_available},
                    {"method", d.method}};
        if (std::string(d.key) == "land_use_change_sensitive")
            row["upper_bound"] = s.with_value ? Json(round3(s.upper)) : Json(nullptr);
        rows.push_back(std::move(row));
    }
    Json themes = Json::object();
    for (const auto& [theme, c] : themes_)
        themes[theme] = {{"sites_inside", c.inside},
                         {"sites_near", c.near},
                         {"inside_ha", round3(c.inside_ha)},
                         {"sites_inside_area_unknown", c.inside_area_unknown},
                         {"footprint_ha_of_sites_inside", round3(c.footprint_ha_inside)},
                         {"footprint_ha_of_sites_near", round3(c.footprint_ha_near)}};
    return {{"sites", sites_},
            {"metrics", std::move(rows)},
            {"sensitive_locations",
             {{"themes", std::move(themes)},
              {"rule",
               "a site is inside a theme when its point or footprint intersects a feature of a vector layer "
               "of that theme whose criterion is biodiversity_importance; near when not inside and the nearest "
               "such feature is within its profile's rules.proximity.sensitive_within_m"}}}};
}

}  // namespace sitescreen
