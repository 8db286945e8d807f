// The portfolio report's TNFD disclosure table, from the typed summary run.json's portfolio.tnfd is
// written from (screen/tnfd_metrics.h; docs/leap.md, "TNFD metrics"): in report.html and, with the
// same texts and figures, on report.pdf's front pages.
#pragma once
#include <string>
#include <vector>

#include "core/site.h"
#include "i18n/messages.h"
#include "report/markdown_report.h"

namespace sitescreen {
class Portfolio;
}

namespace sitescreen::report {

// Two HTML tables (core global disclosure metrics; sites in or near sensitive locations) with a
// heading and a note; "" without a portfolio.
std::string tnfd_table_html(const Portfolio* portfolio, const i18n::Catalog& tr);

// The same as document blocks (headings at `level` and `level` + 1, the two tables, the note),
// for the PDF portfolio; empty without a portfolio.
std::vector<Block> tnfd_table_blocks(const Portfolio* portfolio, const i18n::Catalog& tr, int level = 2);

}  // namespace sitescreen::report
