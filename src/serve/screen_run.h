// Screens the sites of one POST /v1/screen request through the pipeline `sitescreen screen` runs.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "serve/engine.h"
#include "serve/site_request.h"

namespace sitescreen::serve {

struct ScreenAnswer {
    std::vector<std::string> lines;  // each site's record as its sites.jsonl line (no newline)
    std::size_t ok = 0, error = 0;
    std::string first_error;         // the first site error, for a single-site request
};

// Throws RequestError: 400 for input the reader refuses as a whole (the CLI's message), 413 for
// more sites than the limit, 503 when the deadline passes before every site is screened.
// `screener` is the calling worker's own (no other thread uses it meanwhile).
ScreenAnswer screen_sites(const ScreenEngine& engine, Screener& screener, SitesRequest& request,
                          const RequestLimits& limits, std::chrono::steady_clock::time_point deadline);

}  // namespace sitescreen::serve
