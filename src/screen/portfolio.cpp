// The portfolio roll-up of screened sites (assess.h, Portfolio): counts by verdict, type and
// criterion, for run.json and the portfolio page.
#include "screen/assess.h"
#include "screen/assess_kit.h"

#include "screen/e4_factors.h"
#include "screen/ecosystems.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "core/errors.h"
#include "geo/geodesic.h"
#include "geo/geos_kit.h"
#include "geo/local_frame.h"
#include "io/checksum.h"
#include "io/interrupt.h"
#include "screen/rules/rule.h"
#include "screen/tnfd_metrics.h"

namespace sitescreen {

using namespace assess_kit;

namespace {
const char* const kLevelOrder[] = {"low", "medium", "high", "no-go"};
constexpr const char* kNotCovered = "not_covered";
int level_rank(const std::string& s) {
    for (int i = 0; i < 4; ++i)
        if (s == kLevelOrder[i]) return i;
    return -1;
}
}  // namespace

void Portfolio::add(const SiteResult& r) {
    static const Json none;
    const auto m = r.evaluate.is_object() ? r.evaluate.find("metrics") : r.evaluate.end();
    add_fields(r.site.error.has_value(), r.site.id, r.site.type, r.verdict ? to_json(*r.verdict) : none, r.locate,
               r.alternative ? to_json(*r.alternative) : none,
               r.evaluate.is_object() && m != r.evaluate.end() ? *m : none);
}

void Portfolio::add_record(const Json& rec) {
    static const Json none;
    auto field = [&](const char* key) -> const Json& {
        const auto it = rec.find(key);
        return it == rec.end() ? none : *it;
    };
    const Json& id = field("id");
    const Json& type = field("type");
    const Json& evaluate = field("evaluate");
    const auto metrics = evaluate.is_object() ? evaluate.find("metrics") : evaluate.end();
    add_fields(field("status") == "error", id.is_string() ? id.get<std::string>() : std::string(),
               type.is_string() ? type.get<std::string>() : std::string(), field("verdict"), field("locate"),
               field("alternative"), evaluate.is_object() && metrics != evaluate.end() ? *metrics : none);
}

void Portfolio::digest_record(const Json& rec, Json& into) {
    for (const char* key : {"id", "type", "status", "alternative"}) {
        const auto it = rec.find(key);
        if (it != rec.end()) into[key] = *it;
    }
    // The roll-up needs whether an alternative was found and how far: not the ranked list.
    if (into.contains("alternative") && into["alternative"].is_object())
        for (const char* key : {"alternatives", "remaining"}) into["alternative"].erase(key);
    const auto verdict = rec.find("verdict");
    if (verdict != rec.end()) {
        const auto level = verdict->is_object() ? verdict->find("level") : verdict->end();
        into["verdict"] = level != verdict->end() ? Json{{"level", *level}} : Json(nullptr);
        const auto text = verdict->is_object() ? verdict->find("level_text") : verdict->end();
        if (level != verdict->end() && text != verdict->end()) into["verdict"]["level_text"] = *text;
    }
    const auto evaluate = rec.find("evaluate");
    if (evaluate != rec.end() && evaluate->is_object() && evaluate->contains("metrics"))
        into["evaluate"]["metrics"] = (*evaluate)["metrics"];
    const auto locate = rec.find("locate");
    if (locate != rec.end()) {
        Json& l = into["locate"];
        l = nullptr;
        if (locate->is_object()) {
            const auto l4 = locate->find("l4");
            if (l4 != locate->end() && l4->is_object()) {
                const auto met = l4->find("criteria_met");
                l = Json::object();
                if (met != l4->end())
                    l["l4"]["criteria_met"] = *met;
                else
                    l["l4"] = Json::object();
            }
        }
    }
}

void Portfolio::add_fields(bool error, const std::string& id, const std::string& type, const Json& verdict,
                           const Json& locate, const Json& alternative, const Json& metrics) {
    ++total_;
    if (error) {
        ++errors_;
        return;
    }
    if (!verdict.is_object() || !verdict.contains("level")) return;
    ++assessed_;
    tnfd_.add(metrics);
    const std::string level = verdict["level"].get<std::string>();
    ++by_level_[level];
    if (level == "low" && verdict.contains("level_text") && verdict["level_text"] != "low") ++low_partial_;
    ++by_type_[type.empty() ? std::string("(none)") : type][level];
    const int rank = level_rank(level);  // -1 for not_covered: outside the worst-of roll-up
    if (rank > worst_) {
        worst_ = rank;
        worst_sites_.clear();
    }
    if (rank >= 0 && rank == worst_ && worst_sites_.size() < 20) worst_sites_.push_back(id);
    if (locate.is_object()) {
        const Json& met = locate["l4"]["criteria_met"];
        for (const auto& c : met) ++by_criterion_[c.get<std::string>()];
    }
    if (alternative.is_object()) {
        ++searched_;
        if (alternative.value("found", false)) {
            ++found_;
            alternative_distances_m_.push_back(alternative["distance_m"].get<double>());
        }
    }
}

Json Portfolio::summary() const {
    Json j;
    j["sites"] = total_;
    j["assessed"] = assessed_;
    j["errors"] = errors_;
    Json by = Json::object(), share = Json::object();
    for (int i = 3; i >= 0; --i) {
        auto it = by_level_.find(kLevelOrder[i]);
        const std::size_t n = it == by_level_.end() ? 0 : it->second;
        by[kLevelOrder[i]] = n;
        share[kLevelOrder[i]] = assessed_ ? round3(static_cast<double>(n) / assessed_) : 0.0;
    }
    {
        auto it = by_level_.find(kNotCovered);
        const std::size_t n = it == by_level_.end() ? 0 : it->second;
        by[kNotCovered] = n;
        share[kNotCovered] = assessed_ ? round3(static_cast<double>(n) / assessed_) : 0.0;
    }
    j["by_verdict"] = by;
    j["share_by_verdict"] = share;
    // Low verdicts for which some criterion the profile needs was not assessed, counted apart
    // (they are among by_verdict.low): "low (3 of 5 criteria assessed)".
    j["low_partial_coverage"] = low_partial_;
    Json crit = Json::object();
    for (Criterion c : kTnfdCriteria) {
        auto it = by_criterion_.find(to_string(c));
        crit[to_string(c)] = it == by_criterion_.end() ? 0 : it->second;
    }
    j["by_criterion"] = crit;
    Json types = Json::object();
    for (const auto& [t, levels] : by_type_) {
        Json e = Json::object();
        for (int i = 3; i >= 0; --i) {
            auto it = levels.find(kLevelOrder[i]);
            e[kLevelOrder[i]] = it == levels.end() ? 0 : it->second;
        }
        auto nc = levels.find(kNotCovered);
        e[kNotCovered] = nc == levels.end() ? 0 : nc->second;
        types[t] = e;
    }
    j["by_type"] = types;
    Json alt = {{"searched", searched_}, {"found", found_}};
    if (!alternative_distances_m_.empty()) {
        std::vector<double> d = alternative_distances_m_;
        std::sort(d.begin(), d.end());
        alt["median_distance_m"] = round1(d[d.size() / 2]);
        alt["max_distance_m"] = round1(d.back());
    }
    j["alternatives"] = alt;
    j["tnfd"] = tnfd_.summary();
    j["roll_up"] = {{"rule", "worst"},
                    {"level", worst_ >= 0 ? Json(kLevelOrder[worst_]) : Json(nullptr)},
                    {"sites_at_level", worst_sites_},
                    {"explanation",
                     "the portfolio takes the worst site verdict (one no-go site makes the portfolio no-go); "
                     "share_by_verdict gives the spread; not_covered sites (no layer has data there) are "
                     "counted apart and do not enter the worst-of rule"}};
    return j;
}

}  // namespace sitescreen
