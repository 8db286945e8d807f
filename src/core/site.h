// A candidate site as read from the user's input, before screening.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/types.h"

namespace sitescreen {

using Json = nlohmann::ordered_json;

struct Site {
    std::size_t index = 0;             // 0-based position in the input (output order)
    std::string id;                    // the user's id (or generated "site-<n>" when none)
    std::string where;                 // "sites.csv:17" or "sites.gpkg: feature 12" for messages
    std::string type;                  // plant | mine | charger | "" (from the `type` attribute or --type)
    LonLat lonlat;                     // WGS 84 after any conversion; the point, or a point inside the footprint
    MultiPolygon footprint_ll;         // WGS 84 polygon footprint; empty for point sites
    Json attributes = Json::object();  // every input attribute, as read
    std::optional<std::string> error;  // set when the site cannot be screened
    bool has_coordinates = false;      // lon/lat are meaningful (false for error rows without them)
    // What the input gave, for the record's `geometry` on an error row too: "point", "polygon", or
    // "" when it gave neither (no geometry, an empty one, a line; written null). A site with a
    // footprint is a polygon whatever this says.
    std::string geometry = "point";

    // The record's `geometry`: "polygon", "point", or "" for null.
    const std::string& geometry_kind() const {
        static const std::string polygon = "polygon";
        return footprint_ll.empty() ? geometry : polygon;
    }
};

}  // namespace sitescreen
