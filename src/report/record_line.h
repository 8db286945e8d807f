// A site's sites.jsonl line written straight from its SiteResult: the bytes of
// to_json_line(site_record(result)), without building the record as a Json tree first (building,
// walking and freeing that tree was a fifth of a request's CPU in `sitescreen serve`).
#pragma once
#include <set>
#include <string>

#include "screen/screener.h"

namespace sitescreen {

// Changes `serve` makes to a record as it writes it (each absent: as the record has it).
struct RecordLineEdits {
    const std::string* source = nullptr;                 // `source` in place of the site's
    const std::string* error = nullptr;                  // `error` in place of the site's, when it has one
    const std::set<std::string>* only_layers = nullptr;  // `layers` keeps only these layer ids
};

// Appends the record of `r` (no newline). Byte for byte to_json_line(site_record(r, options)) with
// the edits applied as serve applied them to that record (tests/serve: serve's records equal the
// CLI's; RecordLine.EqualsTheRecordsJson).
void append_site_record(std::string& out, const SiteResult& r, const ScreenOptions& options,
                        const RecordLineEdits& edits = {});

}  // namespace sitescreen
