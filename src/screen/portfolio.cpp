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

Portfolio::Entry Portfolio::entry(const Site& site, const SiteAnswer& answer) {
    Entry e;
    e.error = site.error.has_value();
    e.id = site.id;
    e.type = site.type;
    if (answer.verdict) {
        e.level = level_key(*answer.verdict);
        e.partial = partial_coverage(*answer.verdict);
    }
    if (answer.alternative) {
        e.searched = true;
        if (answer.alternative->found()) e.alternative_distance_m = answer.alternative->alternatives.front().distance_m;
    }
    if (answer.criteria)
        for (const CriterionFinding& c : *answer.criteria)
            if (c.status == CriterionStatus::Met) e.criteria_met.push_back(c.criterion);
    if (answer.metrics) e.tnfd = tnfd_contribution(*answer.metrics);
    return e;
}

void Portfolio::add(const SiteResult& r) { add(entry(r.site, answer_of(r))); }

void Portfolio::add(const Entry& e) {
    ++total_;
    if (e.error) {
        ++errors_;
        return;
    }
    if (e.level.empty()) return;
    ++assessed_;
    if (e.tnfd) tnfd_.add(*e.tnfd);
    ++by_level_[e.level];
    if (e.partial) ++low_partial_;
    ++by_type_[e.type.empty() ? std::string("(none)") : e.type][e.level];
    const int rank = level_rank(e.level);  // -1 for not_covered: outside the worst-of roll-up
    if (rank > worst_) {
        worst_ = rank;
        worst_sites_.clear();
    }
    if (rank >= 0 && rank == worst_ && worst_sites_.size() < 20) worst_sites_.push_back(e.id);
    for (const Criterion c : e.criteria_met) ++by_criterion_[to_string(c)];
    if (e.searched) {
        ++searched_;
        if (e.alternative_distance_m) {
            ++found_;
            alternative_distances_m_.push_back(*e.alternative_distance_m);
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
    j["tnfd"] = to_json(tnfd());
    const RollUp up = roll_up();
    j["roll_up"] = {{"rule", RollUp::kRule},
                    {"level", up.level ? Json(*up.level) : Json(nullptr)},
                    {"sites_at_level", up.sites_at_level},
                    {"explanation", RollUp::kExplanation}};
    return j;
}

const char* const Portfolio::RollUp::kExplanation =
    "the portfolio takes the worst site verdict (one no-go site makes the portfolio no-go); "
    "share_by_verdict gives the spread; not_covered sites (no layer has data there) are "
    "counted apart and do not enter the worst-of rule";

Portfolio::RollUp Portfolio::roll_up() const {
    RollUp up;
    if (worst_ >= 0) up.level = kLevelOrder[worst_];
    up.sites_at_level = worst_sites_;
    return up;
}

}  // namespace sitescreen
