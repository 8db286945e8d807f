// E4 impact materiality factors (TNFD LEAP E4): severity, extent, irreversibility and likelihood of
// each driver's highest rating, from Locate's evidence and config/materiality.yaml (docs/leap.md).
#pragma once
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/site.h"
#include "screen/result.h"

namespace sitescreen {

struct E4Factors {
    double severity_high = 0.5, severity_medium = 0.1;  // affected-share bands
    ImpactLevel irreversibility_default = ImpactLevel::Medium;
    std::map<std::string, ImpactLevel> irreversibility;  // by theme
    std::array<Likelihood, 4> likelihood{};              // by the receptor's exposure (Rating)
    std::string file;

    // Loads and validates config/materiality.yaml; throws InputError "<file>: <key>: <problem>".
    static E4Factors load(const std::string& path);
};

// $SITESCREEN_MATERIALITY, else <exe>/../share/sitescreen/config/materiality.yaml, else the source tree's.
std::string default_materiality_path();

// Adds severity, extent, irreversibility and likelihood to each driver of `ratings` rated against
// the place, and appends the four to its trace. `criteria` is the site's Locate L4 (the evidence),
// `pairs` its E2 pairs and `footprint_ha` E3's footprint, all as built by the Assessor.
void add_e4_factors(const E4Factors& f, const std::vector<CriterionFinding>& criteria,
                    const std::vector<DriverPair>& pairs, std::optional<double> footprint_ha, RiskRatings& ratings);

}  // namespace sitescreen
