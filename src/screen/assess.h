// The assessment of a screened site: TNFD LEAP Locate (L1-L4) and Evaluate (E1-E4), the verdict,
// mitigation-hierarchy recommendations, the avoidance search, and the portfolio roll-up (docs/leap.md).
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "screen/activities.h"
#include "screen/e4_factors.h"
#include "screen/ecosystems.h"
#include "screen/profile.h"
#include "screen/screener.h"
#include "screen/tnfd_metrics.h"

namespace sitescreen {

struct AssessOptions {
    std::string fallback_type = "plant";  // profile for a site whose type has none (said so in the reasons)
    bool avoidance_search = true;         // run the search for no-go and high sites
    i18n::Lang lang = i18n::Lang::En;     // the language of reasons and mitigation texts (docs/output.md)
    // Dependencies and impacts by activity (config/activities.yaml); null: read from
    // activities_path, or default_activities_path() when that is empty.
    std::shared_ptr<const ActivityTable> activities = nullptr;
    // Land-cover classes to IUCN GET units (config/ecosystems.yaml); null: ecosystems_path, else
    // default_ecosystems_path().
    std::shared_ptr<const EcosystemMap> ecosystems = nullptr;
    // The E4 factors (config/materiality.yaml); null: materiality_path, else default_materiality_path().
    std::shared_ptr<const E4Factors> materiality = nullptr;
    // The files given on the command line (screen / serve --activities, --ecosystems, --materiality);
    // empty: the environment variable or the shipped file.
    std::string activities_path = "", ecosystems_path = "", materiality_path = "";
};

// The assessment's tables as `options` names them: those already loaded are kept, the others read
// from their *_path or the default (throws InputError naming the file and the key). The Assessor
// calls it; a command calls it first to fail on a bad table before it opens any layer.
void load_assessment_tables(AssessOptions& options);

// Applies site-type profiles to screening results. Immutable after construction:
// every const method may be called from several threads, each with its own Screener.
class Assessor {
public:
    // Throws InputError when the fallback type has no profile, or a profile's `activity` is not in
    // the activity table.
    Assessor(std::map<std::string, Profile> profiles, std::shared_ptr<const LayerSet> layers,
             AssessOptions options = {});

    // The profile's default buffer distances for a site type (the fallback's for an unknown type).
    std::vector<double> radii_for(const std::string& type) const;

    // The profile for a site type; `fallback` tells whether the fallback was used.
    const Profile& profile_for(const std::string& type, bool* fallback = nullptr) const;

    // Fills r.locate, r.evaluate, r.verdict, r.mitigation and r.alternative. Error rows are left
    // untouched (null fields). `screener` is used only by the avoidance search.
    void assess(SiteResult& r, Screener& screener) const;

    const std::map<std::string, Profile>& profiles() const { return profiles_; }
    const AssessOptions& options() const { return options_; }
    // The profiles as recorded in run.json.
    Json profiles_json() const;
    // The configuration files the assessment read (activities, ecosystems, materiality), each with
    // its absolute path and SHA-256, as recorded in run.json's `config_files`.
    Json config_files_json() const;

private:
    std::map<std::string, Profile> profiles_;
    std::shared_ptr<const LayerSet> layers_;
    AssessOptions options_;
};

// The portfolio roll-up for run.json: add every result in input order, then summary().
class Portfolio {
public:
    // What the roll-up takes of one site: small, so a run without per-site writers keeps only
    // this (the portfolio writer's digest, built on the screening thread).
    struct Entry {
        bool error = false;
        std::string id, type;
        std::string level;      // the verdict's level_key(): "no-go" ... "low", "not_covered"; "" not assessed
        bool partial = false;   // a low verdict with a criterion the profile needs not assessed
        bool searched = false;  // the avoidance search ran
        std::optional<double> alternative_distance_m;  // it found a location, this far (m)
        std::vector<Criterion> criteria_met;           // locate.l4.criteria_met
        std::optional<TnfdContribution> tnfd;          // what the TNFD metrics add up (none: not assessed)
    };
    // The entry of a site from its typed answer.
    static Entry entry(const Site& site, const SiteAnswer& answer);
    void add(const Entry& e);
    void add(const SiteResult& r);
    // The worst-of roll-up (run.json portfolio.roll_up).
    struct RollUp {
        static constexpr const char* kRule = "worst";
        static const char* const kExplanation;    // run.json's explanation (the pages' is the catalog's)
        std::optional<std::string> level;         // the worst verdict; none when no site has a low..no-go one
        std::vector<std::string> sites_at_level;  // the first 20 sites at it, in input order
    };
    RollUp roll_up() const;
    // Low verdicts with a criterion the profile needs not assessed (run.json portfolio.low_partial_coverage).
    std::size_t low_partial_coverage() const { return low_partial_; }
    // The TNFD disclosure table (run.json portfolio.tnfd).
    TnfdSummary tnfd() const { return tnfd_.summary(); }
    // run.json's portfolio (docs/output.md, "run.json"): the counts by verdict, criterion and type,
    // the avoidance search's, roll_up() and to_json(tnfd()).
    Json summary() const;

private:
    std::size_t total_ = 0, assessed_ = 0, errors_ = 0;
    std::size_t low_partial_ = 0;                      // low verdicts with a needed criterion not assessed
    std::map<std::string, std::size_t> by_level_;      // verdict level -> sites
    std::map<std::string, std::size_t> by_criterion_;  // criterion -> sites meeting it
    std::map<std::string, std::map<std::string, std::size_t>> by_type_;  // type -> level -> sites
    std::size_t searched_ = 0, found_ = 0;
    std::vector<double> alternative_distances_m_;
    int worst_ = -1;                        // index into the level order
    std::vector<std::string> worst_sites_;  // ids of the sites at the worst level (first 20)
    TnfdTable tnfd_;                        // the TNFD disclosure table (Evaluate::metrics)
};

}  // namespace sitescreen
