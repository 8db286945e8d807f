// The portfolio report's TNFD disclosure table, from run.json's portfolio.tnfd (docs/leap.md, "TNFD metrics").
#pragma once
#include <string>

#include "core/site.h"
#include "i18n/messages.h"

namespace sitescreen::report {

// Two HTML tables (core global disclosure metrics; sites in or near sensitive locations) with a
// heading and a note; "" when `run` has no portfolio.tnfd.
std::string tnfd_table_html(const Json& run, const i18n::Catalog& tr);

}  // namespace sitescreen::report
