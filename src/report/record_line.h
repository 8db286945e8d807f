// A site's record (one line of sites.jsonl; docs/output.md), written straight from its SiteResult:
// the one writer of a record, for the CLI's sites.jsonl and for `sitescreen serve`. It lays the line
// out without building a Json tree first (building, walking and freeing that tree cost the CLI's
// `--formats data` a tenth of its time, and a fifth of a request's CPU in serve).
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

// Appends the record of `r` (no newline), listing at most `feature_cap` features per buffer
// (ScreenOptions::feature_cap), with serve's edits (tests/serve: serve's records equal the CLI's but
// for the edits). Its keys and figures are docs/output.md's and docs/site-record.schema.json's
// (tests/record_schema checks real records against the schema).
void append_site_record(std::string& out, const SiteResult& r, std::size_t feature_cap,
                        const RecordLineEdits& edits = {});

// The record of `r` as a Json value (its line read back), for code that inspects a record: tests.
Json site_record(const SiteResult& r, const ScreenOptions& options);

}  // namespace sitescreen
