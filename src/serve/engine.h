// What `sitescreen serve` screens with, and how a request fails: the layers opened once and the
// assessment of `screen`, handed in by the CLI (src/cli/serve_command.cpp).
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/site.h"
#include "screen/screener.h"

namespace sitescreen::serve {

// The same pieces `sitescreen screen` runs the pipeline with (cli::ScreenSetup), so that a site
// gets the same record from either.
struct ScreenEngine {
    std::shared_ptr<const LayerSet> layers;
    ScreenOptions options;
    std::function<std::vector<double>(const Site&)> radii_for;
    std::function<void(SiteResult&, Screener&)> assess;
    Json catalog = Json::object();  // GET /v1/layers: run.json's `catalog` (provenance, checksums, demo flags)
    Json profiles = Json::object(); // the profiles in use, as in run.json
};

// Limits on what one request may ask for (docs/serve.md).
struct RequestLimits {
    std::size_t max_body_bytes = 8u << 20;      // POST /v1/screen
    std::size_t max_upload_bytes = 256u << 20;  // POST /v1/jobs
    std::size_t max_sites = 1000;               // per POST /v1/screen; more go through /v1/jobs
    double time_limit_s = 30;                   // per request, waiting for a worker included
};

// A request that cannot be answered: the HTTP status and the message, worded as the CLI words it.
struct RequestError : std::runtime_error {
    RequestError(int http_status, const std::string& message) : std::runtime_error(message), status(http_status) {}
    int status;
};

}  // namespace sitescreen::serve
