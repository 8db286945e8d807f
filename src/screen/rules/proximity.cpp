// proximity: the distance from the site to a biodiversity-important feature (inside, or the
// nearest one) -> the exposure of the layer's TNFD criterion, and whether the site is in or near a
// sensitive location (docs/rules/proximity.md).
#include "screen/profile.h"
#include "screen/rules/measured.h"

namespace sitescreen::rules {

void Proximity::configure(const Section& s) {
    s.only({"sensitive_within_m", "high_within_m", "moderate_within_m", "species_screen_m", "source"});
    auto positive = [&](const char* k) {
        s.require(k);
        const double v = s.number(k);
        if (v <= 0) s.fail(std::string(k) + " must be greater than 0");
        return v;
    };
    sensitive_within_m = positive("sensitive_within_m");
    high_within_m = positive("high_within_m");
    moderate_within_m = positive("moderate_within_m");
    species_screen_m = positive("species_screen_m");
    if (moderate_within_m < high_within_m) s.fail("moderate_within_m must be >= high_within_m");
    if (species_screen_m < moderate_within_m) s.fail("species_screen_m must be >= moderate_within_m");
}

Band Proximity::band(bool inside, double distance_m) const {
    const std::string n = name();
    // "met" is a property of the place (TNFD: in or near a sensitive location); the exposure bands
    // are the site type's reach, and may be narrower or wider than sensitive_within_m.
    const bool met = inside || distance_m <= sensitive_within_m;
    if (inside) return {n + ".inside", Rating::VeryHigh, true};
    if (distance_m <= high_within_m) return {n + ".high", Rating::High, met};
    if (distance_m <= moderate_within_m) return {n + ".moderate", Rating::Medium, met};
    return {n + ".far", Rating::Low, met};
}

Json Proximity::json() const {
    return {{"sensitive_within_m", sensitive_within_m},
            {"high_within_m", high_within_m},
            {"moderate_within_m", moderate_within_m},
            {"species_screen_m", species_screen_m}};
}

}  // namespace sitescreen::rules
