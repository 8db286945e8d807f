// The portfolio report's TNFD disclosure table, from run.json's portfolio.tnfd (docs/leap.md, "TNFD metrics"):
// in report.html and, with the same texts and figures, on report.pdf's front pages.
#pragma once
#include <string>
#include <vector>

#include "core/site.h"
#include "i18n/messages.h"
#include "report/markdown_report.h"

namespace sitescreen::report {

// Two HTML tables (core global disclosure metrics; sites in or near sensitive locations) with a
// heading and a note; "" when `run` has no portfolio.tnfd.
std::string tnfd_table_html(const Json& run, const i18n::Catalog& tr);

// The same as document blocks (headings at `level` and `level` + 1, the two tables, the note),
// for the PDF portfolio; empty when `run` has no portfolio.tnfd.
std::vector<Block> tnfd_table_blocks(const Json& run, const i18n::Catalog& tr, int level = 2);

}  // namespace sitescreen::report
