// water_stress: a basin's WRI Aqueduct 4.0 baseline water-stress category -> the exposure of the
// TNFD water_risk criterion, and whether the site is in an area of water stress
// (docs/rules/water_stress.md).
#include "screen/profile.h"
#include "screen/rules/measured.h"

namespace sitescreen::rules {

WaterStress::WaterStress() : arid_exposure(Rating::Medium) {}

void WaterStress::configure(const Section& s) {
    s.only({"medium_bws_cat", "high_bws_cat", "extreme_bws_cat", "arid_exposure", "source"});
    for (const char* k : {"medium_bws_cat", "high_bws_cat", "extreme_bws_cat"}) s.require(k);
    medium_bws_cat = s.integer("medium_bws_cat");
    high_bws_cat = s.integer("high_bws_cat");
    extreme_bws_cat = s.integer("extreme_bws_cat");
    // Aqueduct's categories run from -1 (arid and low water use) to 4 (extremely high); a band
    // starts at a stress category (0..4).
    for (const auto& [k, v] : {std::pair<const char*, int>{"medium_bws_cat", medium_bws_cat},
                               {"high_bws_cat", high_bws_cat},
                               {"extreme_bws_cat", extreme_bws_cat}})
        if (v < 0 || v > 4)
            s.fail(std::string(k) + " must be an Aqueduct stress category from 0 (low) to 4 (extremely high), not " +
                   std::to_string(v));
    if (high_bws_cat < medium_bws_cat) s.fail("high_bws_cat must be >= medium_bws_cat");
    if (extreme_bws_cat < high_bws_cat) s.fail("extreme_bws_cat must be >= high_bws_cat");
    if (s.has("arid_exposure")) {
        const std::string a = s.text("arid_exposure");
        const auto r = rating_from_string(a);
        if (!r) s.fail("arid_exposure: expected very_high, high, medium or low, not '" + a + "'");
        arid_exposure = *r;
    }
}

Band WaterStress::band(int bws_cat, bool arid) const {
    const std::string n = name();
    // An arid unit is not "high water stress" (the ratio is not computed where almost no water is
    // used): its own exposure, never met.
    if (arid) return {n + ".arid", arid_exposure, false};
    if (bws_cat >= extreme_bws_cat)
        return {n + ".extremely_high", Rating::VeryHigh, true};  // extreme_bws_cat >= high_bws_cat
    if (bws_cat >= high_bws_cat) return {n + ".high", Rating::High, true};
    if (bws_cat >= medium_bws_cat) return {n + ".medium", Rating::Medium, false};
    return {n + ".low", Rating::Low, false};
}

Json WaterStress::json() const {
    return {{"medium_bws_cat", medium_bws_cat},
            {"high_bws_cat", high_bws_cat},
            {"extreme_bws_cat", extreme_bws_cat},
            {"arid_exposure", to_string(arid_exposure)}};
}

}  // namespace sitescreen::rules
