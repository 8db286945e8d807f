// Which site a thread's cached report part belongs to (SiteMapCache's map, SiteReportDocCache's
// document), so that the writers sharing a cache make it once per site.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "screen/screener.h"

namespace sitescreen {

// The cache's serial number, the site's index and id, and how many of the cache's users have had
// the slot. A slot serves at most `users` calls (one per writer sharing the cache) and is then
// made again: what it keeps may refer to the caller's result, which a later call with the same
// site may no longer hold.
struct SiteSlot {
    std::uint64_t serial = 0;
    std::size_t index = 0;
    std::string id;
    int uses = 0;

    bool holds(std::uint64_t cache, int users, const SiteResult& r) const {
        return serial == cache && index == r.site.index && id == r.site.id && uses < users;
    }
    // Called once what the slot keeps has been made for `r` (a failure before leaves it unclaimed).
    void made_for(std::uint64_t cache, const SiteResult& r) {
        serial = cache;
        index = r.site.index;
        id = r.site.id;
        uses = 0;
    }
};

}  // namespace sitescreen
