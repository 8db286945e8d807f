// The serializer of the assessment's typed results (result.h): the one place their sites.jsonl
// keys and enum values are written (docs/output.md, docs/site-record.schema.json). Keys come in
// the record's documented order. Over 600 lines on purpose: it is the one serializer of the
// assessment's keys (tests/style/check_record_keys.py guards that no other file names them), and
// splitting it would give those keys two homes.
#include "screen/result.h"
#include "core/rounding.h"

#include <fmt/format.h>

#include <cmath>
#include <utility>

#include "core/enum_names.h"
#include "screen/profile.h"

namespace sitescreen {

namespace {

// An object with room for `keys` members before it grows. ordered_json keeps an object's members
// as pairs with a const key in a vector, which copies them (each member's whole subtree) rather
// than moves them when it grows: building a site's record by adding members one by one spent
// more time in those copies than in anything else it did.
Json object_with_room(std::size_t keys = 16) {
    Json j = Json::object();
    j.get_ref<Json::object_t&>().reserve(keys);
    return j;
}

const std::pair<Level, const char*> kLevelNames[] = {
    {Level::Low, "low"}, {Level::Medium, "medium"}, {Level::High, "high"}, {Level::NoGo, "no-go"}};
const std::pair<MitigationStage, const char*> kStageNames[] = {{MitigationStage::Avoid, "avoid"},
                                                               {MitigationStage::Minimise, "minimise"},
                                                               {MitigationStage::Restore, "restore"},
                                                               {MitigationStage::Offset, "offset"}};

const std::pair<ImpactLevel, const char*> kImpactLevelNames[] = {
    {ImpactLevel::Low, "low"}, {ImpactLevel::Medium, "medium"}, {ImpactLevel::High, "high"}};
const std::pair<Likelihood, const char*> kLikelihoodNames[] = {{Likelihood::Unlikely, "unlikely"},
                                                               {Likelihood::Possible, "possible"},
                                                               {Likelihood::Likely, "likely"},
                                                               {Likelihood::AlmostCertain, "almost_certain"}};
const std::pair<SeverityBasis, const char*> kSeverityBasisNames[] = {
    {SeverityBasis::FootprintOverlap, "footprint_overlap_share"},
    {SeverityBasis::NaturalShare, "natural_share"},
    {SeverityBasis::WaterStressUnit, "water_stress_unit"},
    {SeverityBasis::Inside, "inside"},
    {SeverityBasis::Near, "near"}};

const std::pair<CriterionStatus, const char*> kCriterionStatusNames[] = {
    {CriterionStatus::Met, "met"},
    {CriterionStatus::NotMet, "not_met"},
    {CriterionStatus::NotAssessed, "not_assessed"}};

const std::pair<ActivityFrom, const char*> kActivityFromNames[] = {{ActivityFrom::Activity, "attribute:activity"},
                                                                   {ActivityFrom::Isic, "attribute:isic"},
                                                                   {ActivityFrom::ProfileDefault, "profile_default"},
                                                                   {ActivityFrom::None, "none"}};
const std::pair<TopicFound, const char*> kTopicFoundNames[] = {
    {TopicFound::LocationIndependent, "location_independent"},
    {TopicFound::Met, "met"},
    {TopicFound::NotMet, "not_met"},
    {TopicFound::NotAssessed, "not_assessed"}};

Json texts(const std::vector<std::string>& v) { return Json(v); }

Json to_json(const ClearedFinding& c) {
    Json j = {{"rule", c.rule}, {"level", to_string(c.level)}, {"layer", c.layer}};
    if (c.feature_id || c.feature_name)
        j["feature"] = {{"id", c.feature_id.value_or("")}, {"name", c.feature_name.value_or("")}};
    j["what"] = c.what;
    return j;
}

// The keys every alternative location has, in the record's order; `into` may hold some already
// (the record's nulls), which are then set in place.
void put_location(Json& into, const AlternativeLocation& a) {
    into["lon"] = a.at.lon;
    into["lat"] = a.at.lat;
    into["distance_m"] = a.distance_m;
    into["bearing_deg"] = a.bearing_deg;
    into["clears"] = to_json(a.clears);
    into["level_at_alternative"] = to_string(a.level_at_alternative);
    into["lowers_verdict"] = a.lowers_verdict;
    into["remaining"] = texts(a.remaining);
}

Json number_or_null(const std::optional<double>& x) { return x ? Json(*x) : Json(nullptr); }

// An optional enum's name, or null.
template <class E>
Json name_or_null(const std::optional<E>& x) {
    return x ? Json(to_string(*x)) : Json(nullptr);
}

// TNFD Recommendations (2023), annex 1, core global disclosure metrics C1.0 (total spatial
// footprint), C1.1 (extent of land/freshwater/ocean-use change), C3.0 (water withdrawal and
// consumption from areas of water scarcity).
const std::array<TnfdMetricDef, kTnfdMetricCount> kTnfdMetrics = {{
    {TnfdMetric::TotalSpatialFootprint, "total_spatial_footprint", "C1.0", "Total spatial footprint", "ha",
     "ellipsoidal (WGS 84) area of a polygon site's footprint; a point site's declared footprint attribute; "
     "a point site without one is not available"},
    {TnfdMetric::LandUseChangeNatural, "land_use_change_natural", "C1.1",
     "Extent of land-use change in natural habitat", "ha",
     "footprint x share of the footprint in land-cover classes of zone natural (exact cell coverage of the "
     "footprint, or of a geodesic disc of a point site's declared area, centred on the point)"},
    {TnfdMetric::LandUseChangeSensitive, "land_use_change_sensitive", "C1.1",
     "Extent of land-use change in sensitive locations", "ha",
     "footprint area inside the features of vector layers whose criterion is biodiversity_importance (red "
     "lines, protected areas, wetlands, heritage); layers may overlap and their union is not formed: value is "
     "the largest single layer's overlap (a lower bound), upper_bound the sum over layers capped at the footprint"},
    {TnfdMetric::WaterWithdrawalScarce, "water_withdrawal_scarce", "C3.0",
     "Water withdrawal from areas of water scarcity", "m3/yr",
     "the site's annual withdrawal when its water-stress unit is arid or at or above the profile's "
     "high_bws_cat (WRI Aqueduct 4.0 baseline water stress: high 40-80 %, extremely high > 80 %), else 0"},
}};

// A metric's common keys: its TNFD id, unit and value, or why there is none.
Json metric_json(const SiteMetrics& m, TnfdMetric which) {
    const TnfdMetricDef& d = kTnfdMetrics[static_cast<std::size_t>(which)];
    const MetricValue& v = m[which];
    Json j = {{"tnfd", d.tnfd}, {"unit", d.unit}, {"value", number_or_null(v.value)}};
    if (!v.value) j["not_available"] = v.not_available;
    return j;
}

const char* shape_name(AlternativeSearch::Shape s) {
    switch (s) {
        case AlternativeSearch::Shape::Footprint:
            return "footprint";
        case AlternativeSearch::Shape::DeclaredArea:
            return "declared_area";
        case AlternativeSearch::Shape::Point:
            break;
    }
    return "point";
}

Json feature_json(const EvidenceFeature& f) {
    Json j = {{"id", f.id}, {"name", f.name}, {"category", f.category}};
    if (!f.zone.empty()) j["zone"] = f.zone;
    return j;
}

Json cell_json(const CellValue& v) {
    switch (v.kind) {
        case CellValue::Kind::Class:
            return Json(v.class_value);
        case CellValue::Kind::Value:
            return Json(v.value);
        case CellValue::Kind::NoCell:
            break;
    }
    return Json(nullptr);
}

}  // namespace

const std::array<TnfdMetricDef, kTnfdMetricCount>& tnfd_metric_defs() { return kTnfdMetrics; }

const char* to_string(CriterionStatus s) { return enum_name(kCriterionStatusNames, s); }
const char* to_string(ActivityFrom f) { return enum_name(kActivityFromNames, f); }
const char* to_string(TopicFound f) { return enum_name(kTopicFoundNames, f); }

Json criteria_met_json(const std::vector<CriterionFinding>& criteria) {
    Json met = Json::array();
    for (const CriterionFinding& c : criteria)
        if (c.status == CriterionStatus::Met) met.push_back(to_string(c.criterion));
    return met;
}

Json to_json(const Evidence& e) {
    Json j = {{"layer", e.layer}, {"theme", e.theme}};
    if (e.demo) j["demo"] = true;
    if (e.inside) j["inside"] = *e.inside;
    if (e.distance_m) j["distance_m"] = *e.distance_m;
    if (e.feature) j["feature"] = feature_json(*e.feature);
    if (!e.inside_features.empty()) {
        Json all = Json::array();
        for (const EvidenceFeature& f : e.inside_features) all.push_back(feature_json(f));
        j["inside_features"] = std::move(all);
    }
    if (e.bws_cat) j["bws_cat"] = *e.bws_cat;
    if (!e.bws_label.empty()) j["bws_label"] = e.bws_label;
    if (e.arid) j["arid"] = true;
    if (e.value_at_site) j["value_at_site"] = cell_json(*e.value_at_site);
    if (e.class_at_site) j["class_at_site"] = *e.class_at_site;
    if (!e.zone_at_site.empty()) j["zone_at_site"] = e.zone_at_site;
    if (e.radius_m) j["radius_m"] = *e.radius_m;
    if (e.overlap_share) j["overlap_share"] = *e.overlap_share;
    if (e.footprint_overlap_share) j["footprint_overlap_share"] = *e.footprint_overlap_share;
    if (e.natural_share) j["natural_share"] = *e.natural_share;
    if (e.resolution) j["resolution"] = *e.resolution;
    j["status"] = to_string(e.status);
    j["exposure"] = e.exposure ? Json(to_string(*e.exposure)) : Json(nullptr);
    j["why"] = e.why;
    return j;
}

Json l4_json(const std::vector<CriterionFinding>& criteria) {
    Json by_name = object_with_room();
    for (const CriterionFinding& c : criteria) {
        Json j = {{"status", to_string(c.status)},
                  {"exposure", c.exposure ? Json(to_string(*c.exposure)) : Json(nullptr)},
                  {"evidence", Json::array()}};
        for (const Evidence& e : c.evidence) j["evidence"].push_back(to_json(e));
        if (c.evidence.empty()) j["why"] = c.why;
        by_name[to_string(c.criterion)] = std::move(j);
    }
    Json met = criteria_met_json(criteria);
    return {{"sensitive", !met.empty()}, {"criteria_met", std::move(met)}, {"criteria", std::move(by_name)}};
}

const char* to_string(ImpactLevel l) { return enum_name(kImpactLevelNames, l); }
std::optional<ImpactLevel> impact_level_from_string(const std::string& s) { return enum_value(kImpactLevelNames, s); }
const char* to_string(Likelihood l) { return enum_name(kLikelihoodNames, l); }
std::optional<Likelihood> likelihood_from_string(const std::string& s) { return enum_value(kLikelihoodNames, s); }
const char* to_string(SeverityBasis b) { return enum_name(kSeverityBasisNames, b); }

Json to_json(const std::vector<DriverPair>& pairs) {
    Json j = Json::array();
    for (const DriverPair& p : pairs)
        j.push_back({{"driver", to_string(p.driver)},
                     {"receptor", to_string(p.receptor)},
                     {"materiality", to_string(p.materiality)},
                     {"exposure", name_or_null(p.exposure)},
                     {"rating", name_or_null(p.rating)},
                     {"trace", p.trace}});
    return j;
}

Json to_json(const RiskRatings& r) {
    Json drivers = object_with_room();
    for (const DriverRating& d : r.drivers) {
        Json e = {{"materiality", to_string(d.materiality)}, {"rating", name_or_null(d.rating)}, {"trace", d.trace}};
        if (d.verdict_level) e["verdict_level"] = to_string(*d.verdict_level);
        if (const auto& f = d.factors) {
            e["severity"] = {{"level", to_string(f->severity)},
                             {"affected_share", f->affected_share},
                             {"from", to_string(f->severity_from)},
                             {"layer", f->layer}};
            e["extent"] = {{"area_ha", number_or_null(f->area_ha)},
                           {"buffer_share", number_or_null(f->buffer_share)},
                           {"radius_m", number_or_null(f->radius_m)}};
            e["irreversibility"] = {{"level", to_string(f->irreversibility)},
                                    {"theme", f->theme},
                                    {"from", f->irreversibility_by_theme ? "theme" : "default"}};
            e["likelihood"] = {{"level", to_string(f->likelihood)}, {"exposure", to_string(f->exposure)}};
            e["factors_trace"] = f->trace;
        }
        drivers[to_string(d.driver)] = std::move(e);
    }
    return {{"drivers", std::move(drivers)},
            {"highest_rating", name_or_null(r.highest)},
            {"verdict_from_rating", to_string(r.verdict_from_rating)}};
}

Json to_json(const EvaluateFigures& e) {
    const SiteFigures& f = e.site;
    Json m = object_with_room();
    m["annual_output"] = number_or_null(f.annual_output);
    m["water_intensity_m3_per_unit"] = number_or_null(f.water_intensity);
    m["annual_withdrawal_m3"] = f.withdrawal_m3 ? Json(round1(*f.withdrawal_m3)) : Json(nullptr);
    if (f.withdrawal_m3) m["annual_withdrawal_from"] = f.withdrawal_from;
    m["footprint_ha"] = f.footprint_ha ? Json(round3(*f.footprint_ha)) : Json(nullptr);
    if (f.footprint_ha) m["footprint_from"] = f.footprint_from;
    m["capacity_mw"] = number_or_null(f.capacity_mw);
    m["project_category"] = f.project_category.empty() ? Json(nullptr) : Json(f.project_category);
    m["nearest_biodiversity_m"] = e.nearest_biodiversity_m ? Json(round1(*e.nearest_biodiversity_m)) : Json(nullptr);
    if (e.nearest_biodiversity_m) m["nearest_biodiversity_feature"] = e.nearest_biodiversity_feature;
    m["bws_cat"] = e.bws_cat ? Json(*e.bws_cat) : Json(nullptr);
    m["natural_share"] = e.natural_share ? Json(round3(*e.natural_share)) : Json(nullptr);
    if (e.natural_share) m["natural_share_radius_m"] = e.natural_share_radius_m;
    if (!f.notes.empty()) m["notes"] = f.notes;
    return m;
}

Json to_json(const LayerInterface& i) {
    Json j = {{"layer", i.layer}, {"theme", i.theme}, {"criterion", to_string(i.criterion)}};
    if (i.inside) {
        j["inside"] = *i.inside;
    } else {
        j["value_at_site"] = number_or_null(i.value_at_site);
    }
    if (i.inside || i.distance_m) j["distance_m"] = number_or_null(i.distance_m);
    if (i.feature) j["feature"] = *i.feature;
    if (i.bws_cat) j["bws_cat"] = *i.bws_cat;
    if (i.class_at_site) j["class_at_site"] = *i.class_at_site;
    if (i.natural_share) j["natural_share"] = *i.natural_share;
    return j;
}

Json to_json(const std::vector<LayerEcosystems>& ecosystems) {
    Json out = Json::array();
    for (const LayerEcosystems& e : ecosystems) {
        Json j = {{"layer", e.layer}, {"preset", e.preset.empty() ? Json(nullptr) : Json(e.preset)}};
        if (!e.resolution.empty()) j["resolution"] = e.resolution;
        j["mapped"] = e.mapped;
        if (!e.mapped) {
            j["why"] = e.why;
            out.push_back(std::move(j));
            continue;
        }
        Json here = nullptr;
        if (const auto& a = e.at_site) {
            here = {{"value", a->value}, {"class", a->class_label ? Json(*a->class_label) : Json(nullptr)}};
            if (const auto& u = a->get) {
                Json c = Json::array();
                for (const EcosystemCandidate& k : u->candidates) c.push_back({{"code", k.code}, {"name", k.name}});
                here["get"] = {{"code", u->code}, {"level", u->level}, {"name", u->name}, {"candidates", std::move(c)}};
            } else {
                here["get"] = nullptr;
            }
        }
        j["at_site"] = std::move(here);
        Json buffers = Json::array();
        for (const EcosystemBuffer& b : e.buffers) {
            Json mix = Json::array();
            for (const EcosystemBuffer::Share& m : b.mix) {
                Json c = Json::array();
                for (const EcosystemCandidate& k : m.unit.candidates) c.push_back(k.code);
                mix.push_back({{"code", m.unit.code},
                               {"level", m.unit.level},
                               {"name", m.unit.name},
                               {"share", m.share},
                               {"candidates", std::move(c)}});
            }
            Json be = {{"radius_m", b.radius_m}, {"valid_share", b.valid_share}, {"mix", std::move(mix)}};
            if (b.unmapped_share) be["unmapped_share"] = *b.unmapped_share;
            buffers.push_back(std::move(be));
        }
        j["buffers"] = std::move(buffers);
        out.push_back(std::move(j));
    }
    return out;
}

Json to_json(const std::vector<EcosystemService>& services) {
    Json out = Json::array();
    for (const EcosystemService& s : services) {
        Json by = Json::array();
        for (const EcosystemService::Provider& p : s.provided_by) {
            Json b = {{"code", p.code},
                      {"name", p.name},
                      {"candidates", p.candidates},
                      {"at_site", p.at_site},
                      {"layer", p.layer}};
            if (p.radius_m > 0) {
                b["radius_m"] = p.radius_m;
                b["share"] = p.share;
            }
            by.push_back(std::move(b));
        }
        out.push_back({{"service", s.service},
                       {"title", s.title},
                       {"materiality", to_string(s.materiality)},
                       {"encore_rating", s.encore_rating},
                       {"provided_by", std::move(by)}});
    }
    return out;
}

namespace {

Json materiality_or_null(const std::optional<Materiality>& m) { return m ? Json(to_string(*m)) : Json(nullptr); }
Json driver_or_null(const std::optional<Driver>& d) { return d ? Json(to_string(*d)) : Json(nullptr); }

// A rating's first keys: the topic under "service" (a dependency) or "pressure" (an impact).
const char* topic_key(bool dependency) { return dependency ? "service" : "pressure"; }

}  // namespace

Json to_json(const ActivityUse& u) {
    Json j = object_with_room();
    j["from"] = to_string(u.from);
    if (!u.warning.empty()) j["warning"] = u.warning;
    if (u.id.empty()) {
        j["id"] = nullptr;
        return j;
    }
    j["id"] = u.id;
    j["title"] = u.title;
    j["profile"] = u.profile;
    j["value_chain"] = u.value_chain;
    j["isic"] = u.isic;
    j["encore"] = {{"code", u.encore_code}, {"name", u.encore_name}, {"level", u.encore_level}, {"match", u.match}};
    j["source"] = {{"encore", u.encore_version}, {"licence", u.licence}, {"file", u.file}};
    for (const bool dependency : {true, false}) {
        Json list = Json::array();
        for (const ActivityTopicUse& t : dependency ? u.dependencies : u.impacts) {
            Json e = {{topic_key(dependency), t.id},
                      {"title", t.title},
                      {"encore_rating", t.encore_rating},
                      {"materiality", materiality_or_null(t.materiality)}};
            if (!t.materiality) e["not_found"] = t.not_found;
            if (!dependency) e["driver"] = driver_or_null(t.driver);
            e["location_dependent"] = t.location_dependent;
            list.push_back(std::move(e));
        }
        j[dependency ? "dependencies" : "impacts"] = std::move(list);
    }
    return j;
}

Json to_json(const ActivityPairs& p) {
    Json j = {{"activity", p.activity.empty() ? Json(nullptr) : Json(p.activity)},
              {"dependencies", Json::array()},
              {"impacts", Json::array()}};
    for (const bool dependency : {true, false}) {
        Json& list = j[dependency ? "dependencies" : "impacts"];
        for (const TopicPairing& t : dependency ? p.dependencies : p.impacts) {
            Json found = Json::array();
            for (const TopicPairing::Located& c : t.locate) {
                Json item = object_with_room();
                item["criterion"] = to_string(c.criterion);
                item["status"] = to_string(c.status);
                item["exposure"] = c.exposure ? Json(to_string(*c.exposure)) : Json(nullptr);
                found.push_back(std::move(item));
            }
            Json e = {{topic_key(dependency), t.id},
                      {"materiality", materiality_or_null(t.materiality)},
                      {"encore_rating", t.encore_rating},
                      {"locate", std::move(found)}};
            if (!dependency) e["driver"] = driver_or_null(t.driver);
            e["found"] = to_string(t.found);
            e["highest_exposure"] = t.highest_exposure ? Json(to_string(*t.highest_exposure)) : Json(nullptr);
            e["why"] = t.why;
            list.push_back(std::move(e));
        }
    }
    return j;
}

Json to_json(const Locate& l) {
    Json drivers = Json::array();
    for (const DriverMateriality& d : l.drivers)
        drivers.push_back({{"driver", to_string(d.driver)},
                           {"materiality", to_string(d.materiality)},
                           {"profile_materiality", to_string(d.profile_materiality)},
                           {"screened", d.materiality != Materiality::None},
                           {"location_dependent", d.location_dependent},
                           {"why", d.why}});
    Json context = Json::array();
    for (const ContextLayer& c : l.context)
        context.push_back({{"layer", c.layer}, {"theme", c.theme}, {"inside", c.inside}});
    Json layers = Json::array();
    for (const LayerInterface& i : l.layers) layers.push_back(to_json(i));
    Json l3 = object_with_room();
    l3["context"] = std::move(context);
    l3["layers"] = std::move(layers);
    l3["ecosystems"] = to_json(l.ecosystems);
    Json j = object_with_room();
    j["profile"] = {{"type", l.profile.type}, {"file", l.profile.file}, {"fallback", l.profile.fallback}};
    j["l1"] = {{"site_type", l.site_type}, {"value_chain", l.value_chain}, {"title", l.title}};
    j["l2"] = std::move(drivers);
    j["l3"] = std::move(l3);
    j["l4"] = l4_json(l.criteria);
    j["criteria_met"] = criteria_met_json(l.criteria);
    j["activity"] = to_json(l.activity);
    return j;
}

Json to_json(const Evaluate& e, const Locate& l) {
    // E1: the assets at stake are Locate's met evidence, the drivers its material ones.
    Json assets = Json::array();
    for (const CriterionFinding& c : l.criteria)
        for (const Evidence& ev : c.evidence)
            if (ev.status == CriterionStatus::Met)
                assets.push_back({{"criterion", to_string(c.criterion)},
                                  {"layer", ev.layer},
                                  {"theme", ev.theme},
                                  {"what", ev.why}});
    Json drivers = Json::array();
    for (const DriverMateriality& d : l.drivers)
        if (d.materiality != Materiality::None) drivers.push_back(to_string(d.driver));
    Json e1 = object_with_room();
    e1["assets"] = std::move(assets);
    e1["drivers"] = std::move(drivers);
    e1["services"] = to_json(e.services);
    Json j = object_with_room();
    j["e1"] = std::move(e1);
    j["e2"] = to_json(e.pairs);
    j["e3"] = to_json(e.figures);
    j["e4"] = to_json(e.ratings);
    j["e2_activity"] = to_json(e.activity);
    j["metrics"] = to_json(e.metrics);
    return j;
}

Json to_json(const SiteMetrics& m) {
    const MetricInputs& in = m.inputs;
    Json j = object_with_room();
    {
        Json f = metric_json(m, TnfdMetric::TotalSpatialFootprint);
        if (m[TnfdMetric::TotalSpatialFootprint].value) f["from"] = m.footprint_from;
        j["total_spatial_footprint"] = std::move(f);
    }
    {
        Json n = metric_json(m, TnfdMetric::LandUseChangeNatural);
        if (m.land_cover && !m.land_cover->layer.empty()) {
            const FootprintLandCover& land = *m.land_cover;
            n["land_cover_layer"] = land.layer;
            n["measured_over"] = land.shape;
            n["valid_share"] = round3(land.valid_share);
            n["natural_share"] = land.natural_share ? Json(round3(*land.natural_share)) : Json(nullptr);
            n["natural_classes"] = land.natural_classes;
        }
        j["land_use_change_natural"] = std::move(n);
    }
    {
        Json s = metric_json(m, TnfdMetric::LandUseChangeSensitive);
        s["upper_bound"] = number_or_null(m.sensitive_upper_ha);
        j["land_use_change_sensitive"] = std::move(s);
    }
    {
        Json w = metric_json(m, TnfdMetric::WaterWithdrawalScarce);
        w["withdrawal_m3"] = in.withdrawal_m3 ? Json(round1(*in.withdrawal_m3)) : Json(nullptr);
        if (in.withdrawal_m3) w["withdrawal_from"] = in.withdrawal_from;
        w["bws_cat"] = in.bws_cat ? Json(*in.bws_cat) : Json(nullptr);
        w["bws_layer"] = in.bws_layer.empty() ? Json(nullptr) : Json(in.bws_layer);
        w["arid"] = in.arid;
        w["scarce"] = m.scarce ? Json(*m.scarce) : Json(nullptr);
        w["high_bws_cat"] = in.high_bws_cat;
        j["water_withdrawal_scarce"] = std::move(w);
    }
    Json themes = object_with_room();
    for (const SensitiveTheme& t : m.themes)
        themes[t.theme] = {{"inside", t.inside},
                           {"near", t.near},
                           {"nearest_m", t.nearest_m ? Json(round1(*t.nearest_m)) : Json(nullptr)},
                           {"layers_inside", t.layers_inside},
                           {"footprint_overlap_ha", number_or_null(t.footprint_overlap_ha)}};
    j["sensitive_locations"] = {{"near_m", in.near_m}, {"themes", std::move(themes)}};
    return j;
}

Json to_json(const std::vector<ClearedFinding>& clears) {
    Json out = Json::array();
    for (const auto& c : clears) out.push_back(to_json(c));
    return out;
}

const char* to_string(Level l) { return enum_name(kLevelNames, l); }
std::optional<Level> level_from_string(const std::string& s) { return enum_value(kLevelNames, s); }
const char* to_string(MitigationStage s) { return enum_name(kStageNames, s); }
std::optional<MitigationStage> mitigation_stage_from_string(const std::string& s) { return enum_value(kStageNames, s); }

Json to_json(const rules::Citation& c) {
    return {{"instrument", c.instrument},
            {"number", c.number},
            {"article", c.article},
            {"date", c.date},
            {"verified", c.verified}};
}

Json to_json(const Finding& f) {
    return {{"rule", f.rule},
            {"set", rules::to_string(f.set)},
            {"outcome", rules::to_string(f.outcome)},
            {"level", to_string(f.level)},
            {"layer", f.layer},
            {"feature", f.feature},
            {"citation", to_json(f.citation)},
            {"conditions", texts(f.conditions)},
            {"conservative", f.conservative}};
}

const char* level_key(const Verdict& v) { return v.covered ? to_string(v.level) : "not_covered"; }

bool partial_coverage(const Verdict& v) { return v.covered && v.level == Level::Low && !v.coverage.complete(); }

std::string level_text(const Verdict& v) {
    if (partial_coverage(v))
        return fmt::format("low ({} of {} criteria assessed)", v.coverage.assessed, v.coverage.needed);
    return level_key(v);
}

Json to_json(const Verdict& v) {
    Json missing = Json::array();
    for (Criterion c : v.coverage.not_assessed) missing.push_back(to_string(c));
    Json rule_sets = Json::array();  // in the struct's order: each once, China first
    for (rules::RuleSet s : v.rule_sets) rule_sets.push_back(rules::to_string(s));
    Json findings = Json::array();
    for (const auto& f : v.findings) findings.push_back(to_json(f));
    return {{"level", level_key(v)},
            {"level_text", level_text(v)},
            {"coverage",
             {{"criteria_assessed", v.coverage.assessed},
              {"criteria_needed", v.coverage.needed},
              {"complete", v.coverage.complete()},
              {"not_assessed", std::move(missing)}}},
            {"covered", v.covered},
            {"profile", v.profile},
            {"reasons", texts(v.reasons)},
            {"rules_fired", texts(v.rules_fired)},
            {"conditions", texts(v.conditions)},
            {"jurisdiction", rules::to_string(v.jurisdiction)},
            {"rule_sets", std::move(rule_sets)},
            {"findings", std::move(findings)}};
}

Json to_json(const std::vector<MitigationStep>& steps) {
    Json out = Json::array();
    for (const auto& s : steps)
        out.push_back(
            {{"step", to_string(s.step)}, {"action", s.action}, {"because", s.because}, {"trigger", s.trigger}});
    return out;
}

Json to_json(const AlternativeSearch& a) {
    Json j;
    j["found"] = a.found();
    j["lon"] = nullptr;
    j["lat"] = nullptr;
    j["distance_m"] = nullptr;
    j["bearing_deg"] = nullptr;
    j["aim"] = a.aim_below == Level::NoGo ? "below no-go" : "below high";
    j["clears"] = Json::array();
    if (a.found()) put_location(j, a.alternatives.front());
    if (!a.note.empty()) j["note"] = a.note;
    Json all = Json::array();
    for (std::size_t k = 0; k < a.alternatives.size(); ++k) {
        Json alt;
        put_location(alt, a.alternatives[k]);
        alt["rank"] = k + 1;
        all.push_back(std::move(alt));
    }
    j["alternatives"] = std::move(all);
    j["search_radius_m"] = a.search_radius_m;
    j["step_m"] = a.step_m;
    j["resolution_m"] = a.resolution_m;
    j["searched_as"] = {
        {"shape", shape_name(a.shape)},
        {"footprint_radius_m",
         a.shape == AlternativeSearch::Shape::DeclaredArea ? Json(a.footprint_radius_m) : Json(nullptr)},
        {"setback_m", a.setback_m},
        {"reach_m", a.reach_m},
        {"separation_m", a.separation_m}};
    j["stopped"] = a.stopped_at_budget ? "budget" : "covered";
    j["certified"] = a.certified;
    j["layers_checked"] = a.layers_checked;
    j["candidates_evaluated"] = a.candidates_evaluated;
    j["areas_closed"] = a.areas_closed;
    j["verified"] = a.verified;
    j["rejected_by_full_screen"] = a.rejected_by_full_screen;
    if (!a.stays_within.empty()) {
        j["stays_within"] = a.stays_within;
        j["rejected_outside_units"] = a.rejected_outside_units;
    }
    j["moved"] = a.moved_footprint ? "footprint (translated rigidly)" : "point";
    if (!a.profile_note.empty()) j["profile_note"] = a.profile_note;
    return j;
}

Json search_settings(const AlternativeSearch& a) {
    Json j = to_json(a);
    for (const char* k : {"found", "lon", "lat", "distance_m", "bearing_deg", "clears", "alternatives",
                          "level_at_alternative", "lowers_verdict", "remaining"})
        j.erase(k);
    return j;
}

}  // namespace sitescreen
