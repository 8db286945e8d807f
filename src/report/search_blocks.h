// The per-site report's avoidance-search section (docs/reports.md, "Alternative location"), from the
// typed answer (screen/result.h, AlternativeSearch), with every text from the message catalogs.
#pragma once
#include <vector>

#include "i18n/messages.h"
#include "report/markdown_report.h"
#include "screen/result.h"

namespace sitescreen::report {

// The ranked locations: rank, the verdict there, distance, bearing, longitude and latitude.
Block ranked_table(const std::vector<AlternativeLocation>& alternatives, const i18n::Catalog& tr);

// What the search did and, when it found a location, what the first one clears and what remains
// there: the rows the record's alternative has but for the location itself and the ranked list.
void search_blocks(const AlternativeSearch& a, std::vector<Block>& out, const i18n::Catalog& tr);

}  // namespace sitescreen::report
