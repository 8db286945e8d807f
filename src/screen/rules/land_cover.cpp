// land_cover: the share of natural land-cover classes within radius_m of the site, and the class
// at the site -> the exposure of the TNFD ecosystem_integrity criterion, and whether the site is in
// an area of high ecosystem integrity (docs/rules/land_cover.md).
#include <fmt/format.h>

#include <algorithm>

#include "screen/profile.h"
#include "screen/rules/measured.h"

namespace sitescreen::rules {

void LandCover::configure(const Section& s, const std::vector<double>& buffers_m) {
    s.only({"radius_m", "natural_share_threshold", "source"});
    s.require("radius_m");
    s.require("natural_share_threshold");
    radius_m = s.number("radius_m");
    if (radius_m <= 0) s.fail("radius_m must be greater than 0");
    natural_share_threshold = s.number("natural_share_threshold");
    if (natural_share_threshold < 0 || natural_share_threshold > 1)
        s.fail("natural_share_threshold must be between 0 and 1");
    if (std::find(buffers_m.begin(), buffers_m.end(), radius_m) == buffers_m.end()) {
        std::string list;
        for (double b : buffers_m) list += (list.empty() ? "" : ", ") + fmt::format("{:g}", b);
        s.fail(fmt::format("radius_m {:g} must be one of buffers_m ({}): the buffer whose class shares are rated",
                           radius_m, list));
    }
}

Band LandCover::band(std::optional<double> natural_share, bool natural_at_site) const {
    const std::string n = name();
    if (!natural_share) {
        // No valid cell in the buffer: the class at the site alone.
        if (natural_at_site) return {n + ".natural_site", Rating::Medium, true};
        return {n + ".modified_site", Rating::Low, false};
    }
    const bool natural_around = *natural_share >= natural_share_threshold;
    if (natural_around && natural_at_site) return {n + ".natural_site_and_surroundings", Rating::High, true};
    if (natural_around) return {n + ".natural_surroundings", Rating::Medium, true};
    if (natural_at_site) return {n + ".natural_site", Rating::Medium, false};
    return {n + ".modified", Rating::Low, false};
}

Json LandCover::json() const { return {{"radius_m", radius_m}, {"natural_share_threshold", natural_share_threshold}}; }

}  // namespace sitescreen::rules
