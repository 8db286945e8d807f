// Measured rules (docs/rules/README.md, "Measured rules"): water_stress, proximity and land_cover
// band a measured value (a basin's Aqueduct 4.0 water-stress category, the distance to a
// sensitive feature, the natural share of land cover around the site) into the exposure of a TNFD
// sensitive-location criterion and say whether the site meets it. They forbid nothing: the band
// feeds the profile's rating matrix (docs/leap.md). Each reads its own section rules.<name>, names
// itself in every error (`rules.water_stress: high_bws_cat must be >= medium_bws_cat`) and in the
// id of every band (`water_stress.high`), which the evidence's trace carries.
//
// They are declared here, not behind the Rule interface of rule.h, because the assessor reads
// their settings by type (the proximity bands also draw the setback, the near lists and the
// avoidance search's band; the land-cover radius chooses the buffer). Each is implemented in its
// own file: water_stress.cpp, proximity.cpp, land_cover.cpp.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "screen/rules/rule.h"

namespace sitescreen {
enum class Rating;  // screen/profile.h
}

namespace sitescreen::rules {

// What a measured rule says of one measured value.
struct Band {
    std::string id;     // "<rule>.<band>", e.g. water_stress.high, proximity.inside
    Rating exposure{};  // the exposure of the criterion the measured layer rates
    bool met = false;   // the TNFD sensitive-location criterion is met
};

// The measured rules, in the order rules.apply lists them in the shipped profiles. Every profile
// applies all three: the exposures the rating matrix needs rest on them.
const std::vector<std::string>& measured_rule_names();

// WRI Aqueduct 4.0 baseline water stress (bws_cat -1 arid and low water use, 0 low .. 4 extremely
// high) -> exposure of water_risk (docs/rules/water_stress.md).
class WaterStress {
public:
    WaterStress();
    static const char* name() { return "water_stress"; }
    int medium_bws_cat = 2;
    int high_bws_cat = 3;
    int extreme_bws_cat = 4;
    // Aqueduct "arid and low water use" (bws_cat -1, or category zone "arid"): the stress ratio
    // says little where there is almost no water; rated with this exposure instead.
    Rating arid_exposure;
    void configure(const Section& s);
    Band band(int bws_cat, bool arid) const;
    Json json() const;
};

// Distance bands to biodiversity-important features (TNFD sensitive locations; the bands are IFC PS6
// screening practice, not found in a source text) -> exposure (docs/rules/proximity.md).
class Proximity {
public:
    static const char* name() { return "proximity"; }
    double sensitive_within_m = 2000;  // TNFD criterion "met" inside or within this distance (a property of the place)
    double high_within_m = 2000;       // exposure bands (a property of the site type's reach)
    double moderate_within_m = 5000;
    double species_screen_m = 10000;
    void configure(const Section& s);
    Band band(bool inside, double distance_m) const;
    Json json() const;
};

// The natural share of land cover within radius_m, and the class at the site -> exposure of
// ecosystem_integrity (docs/rules/land_cover.md).
class LandCover {
public:
    static const char* name() { return "land_cover"; }
    double radius_m = 1000;                // buffer whose class shares are rated
    double natural_share_threshold = 0.5;  // natural share at or above which ecosystem integrity is "met"
    // `buffers_m`: the profile's buffers; radius_m must be one of them.
    void configure(const Section& s, const std::vector<double>& buffers_m);
    // `natural_share`: nullopt when no buffer has valid cells; `natural_at_site`: the class at the
    // site is of zone natural.
    Band band(std::optional<double> natural_share, bool natural_at_site) const;
    Json json() const;
};

}  // namespace sitescreen::rules
