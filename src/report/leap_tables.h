// The per-site report's dedicated LEAP tables (#23): L2 the activity's dependencies and impacts, L3
// the ecosystems at the site and their mix per buffer, E1 the services the activity depends on, E4
// each rating with its four factors, and the site's TNFD metrics. Built from the typed result (screen/result.h) into
// the document model that the Markdown, HTML and PDF reports share; every text from the message catalogs.
#pragma once
#include <string>
#include <vector>

#include "core/site.h"
#include "i18n/messages.h"
#include "report/markdown_report.h"
#include "screen/result.h"

namespace sitescreen::report {

// L2, locate.activity: the row used (and where it came from: the site's attribute or the profile's
// default), a note when ENCORE has no row for the activity (`match: judgement`) and where the
// ratings come from, then one table of dependencies and one of impacts. `profile` is the profile
// applied to the site ("plant").
void activity_blocks(const ActivityUse& activity, const std::string& profile, std::vector<Block>& out,
                     const i18n::Catalog& tr);

// L3, locate.l3.ecosystems: per land-cover layer the IUCN GET unit at the site and a table of the
// units' shares in each buffer.
void ecosystem_blocks(const std::vector<LayerEcosystems>& ecosystems, const SiteResult& result, std::vector<Block>& out,
                      const i18n::Catalog& tr);

// E1, evaluate.e1.services: each service the activity depends on with the ecosystems that provide it;
// `ecosystems` (locate.l3.ecosystems) tells "none provides one" from "no ecosystem was named".
void service_blocks(const std::vector<EcosystemService>& services, const std::vector<LayerEcosystems>& ecosystems,
                    std::vector<Block>& out, const i18n::Catalog& tr);

// E4, evaluate.e4: the highest rating, then one row per driver with its materiality, rating,
// verdict level, severity, extent, irreversibility and likelihood, then each rating's trace.
void e4_blocks(const RiskRatings& e4, std::vector<Block>& out, const i18n::Catalog& tr);

// The TNFD metrics, evaluate.metrics: one row per metric (its TNFD number, title, the value with its
// unit or why it is not available, and how it was obtained), the land-cover classes counted as
// natural, then the sensitive locations by theme: inside, near, the nearest feature, the layers the
// site is inside and the footprint's overlap.
void metrics_blocks(const SiteMetrics& m, std::vector<Block>& out, const i18n::Catalog& tr);

}  // namespace sitescreen::report
