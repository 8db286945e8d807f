// The per-site report's Locate (L1-L4) and Evaluate (E1-E4, the activity's pairs, the TNFD metrics)
// sections, built from the typed result (screen/result.h) into the document model the Markdown,
// HTML and PDF reports share. The stages with tables of their own come from leap_tables.h; the
// others (L1, L2's drivers, L3's context and layers, L4's summary, E1's assets, E2, E3, the
// activity's pairs) are laid out here. Every text from the message catalogs.
#pragma once
#include <string>
#include <vector>

#include "i18n/messages.h"
#include "report/markdown_report.h"
#include "screen/result.h"

namespace sitescreen::report {

// Locate: L1 and the criteria met, then L2 (the drivers and the activity), L3 (context, layers,
// ecosystems) and L4 (the criteria with their evidence). `r.locate` must be set; `profile` is the
// profile applied to the site ("plant").
void locate_blocks(const SiteResult& r, const std::string& profile, std::vector<Block>& out, const i18n::Catalog& tr);

// Evaluate: E1 (drivers, assets, services), E2, E3, E4, the activity's pairs and the TNFD metrics.
void evaluate_blocks(const Evaluate& e, const Locate& l, std::vector<Block>& out, const i18n::Catalog& tr);

// L4's criteria as a table: criterion, status, exposure, and the evidence (one line per layer read:
// its status and sentence), or why there is none.
Block criteria_table(const std::vector<CriterionFinding>& criteria, const i18n::Catalog& tr);

}  // namespace sitescreen::report
