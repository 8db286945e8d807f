// E4 impact materiality factors (TNFD LEAP E4): severity, extent, irreversibility and likelihood of
// each driver's highest rating, from Locate's evidence and config/materiality.yaml (docs/leap.md).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "core/site.h"
#include "screen/result.h"

namespace sitescreen {

struct E4Factors {
    double severity_high = 0.5, severity_medium = 0.1;  // affected-share bands
    std::string irreversibility_default = "medium";
    std::map<std::string, std::string> irreversibility;  // theme -> high | medium | low
    std::map<std::string, std::string> likelihood;       // exposure -> likelihood word
    std::string file;

    // Loads and validates config/materiality.yaml; throws InputError "<file>: <key>: <problem>".
    static E4Factors load(const std::string& path);
};

// $SITESCREEN_MATERIALITY, else <exe>/../share/sitescreen/config/materiality.yaml, else the source tree's.
std::string default_materiality_path();

// Adds severity, extent, irreversibility and likelihood to each rated driver of evaluate.e4 and
// appends the four to its trace. `criteria` is the site's Locate L4 (the evidence), `evaluate`
// its evaluate record (e2 pairs, e3 footprint), both as built by the Assessor.
void add_e4_factors(const E4Factors& f, const std::vector<CriterionFinding>& criteria, Json& evaluate);

}  // namespace sitescreen
