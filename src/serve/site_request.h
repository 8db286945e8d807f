// A POST /v1/screen body turned into the input `sitescreen screen` reads: JSON sites become CSV rows
// in memory (their keys the columns), GeoJSON stays GeoJSON, a CSV body is read as it is.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io/memory_file.h"
#include "io/site_reader.h"
#include "serve/engine.h"

namespace sitescreen::serve {

struct SitesRequest {
    SiteReaderOptions reader;             // as `screen` builds them from --coords, --crs, --type...
    std::unique_ptr<MemoryFile> geojson;  // a GeoJSON body, held while it is read
    // How each site's `source` reads in the answer: "sites" gives sites[3], "features" features[3];
    // empty keeps the reader's (line N of a CSV body).
    std::string label;
    bool single = false;                   // one site, not a list: a site in error fails the request
    std::vector<std::string> only_layers;  // "layers": the layer entries to keep in each record
};

using QueryParams = std::multimap<std::string, std::string>;

// Throws RequestError (400 malformed or contradictory, 413 too many sites, 415 unknown content
// type) with a message that names the field, as the CLI names the option or column.
SitesRequest parse_sites_request(const std::string& body, const std::string& content_type, const QueryParams& query,
                                 const RequestLimits& limits, const Catalog& catalog);

// The part of a JSON library's parse error a person needs ("line 1, column 5: ...").
std::string json_error_text(const std::string& what);

}  // namespace sitescreen::serve
