// The serializer of the assessment's typed results (result.h): the one place their sites.jsonl
// keys and enum values are written (docs/output.md, docs/site-record.schema.json). Keys come in
// the record's documented order.
#include "screen/result.h"

#include <fmt/format.h>

#include <utility>

#include "core/enum_names.h"

namespace sitescreen {

namespace {

const std::pair<Level, const char*> kLevelNames[] = {
    {Level::Low, "low"}, {Level::Medium, "medium"}, {Level::High, "high"}, {Level::NoGo, "no-go"}};
const std::pair<MitigationStage, const char*> kStageNames[] = {{MitigationStage::Avoid, "avoid"},
                                                               {MitigationStage::Minimise, "minimise"},
                                                               {MitigationStage::Restore, "restore"},
                                                               {MitigationStage::Offset, "offset"}};

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

}  // namespace

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

std::string level_text(const Verdict& v) {
    if (!v.covered) return level_key(v);
    if (v.level == Level::Low && !v.coverage.complete())
        return fmt::format("low ({} of {} criteria assessed)", v.coverage.assessed, v.coverage.needed);
    return to_string(v.level);
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

Json search_details(const AlternativeSearch& a) {
    Json j = to_json(a);
    j.erase("found");
    if (a.found())
        for (const char* k : {"lon", "lat", "distance_m", "bearing_deg", "alternatives"}) j.erase(k);
    return j;
}

Json search_settings(const AlternativeSearch& a) {
    Json j = to_json(a);
    for (const char* k : {"found", "lon", "lat", "distance_m", "bearing_deg", "clears", "alternatives",
                          "level_at_alternative", "lowers_verdict", "remaining"})
        j.erase(k);
    return j;
}

Json ranked_row(const AlternativeLocation& a, std::size_t index) {
    return {{"rank", index + 1},
            {"level_at_alternative", to_string(a.level_at_alternative)},
            {"distance_m", a.distance_m},
            {"bearing_deg", a.bearing_deg},
            {"lon", a.at.lon},
            {"lat", a.at.lat}};
}

}  // namespace sitescreen
