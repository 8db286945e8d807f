// What `sitescreen serve` screens with, and how a request fails: the layers opened once and the
// assessment of `screen`, handed in by the CLI (src/cli/serve_command.cpp).
#pragma once
#include <cstddef>
#include <cstdio>
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
    Json catalog = Json::object();   // GET /v1/layers: run.json's `catalog` (provenance, checksums, demo flags)
    Json profiles = Json::object();  // the profiles in use, as in run.json
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

// The largest body a route reads, and the `serve` option that sets it (--max-body-mb for
// POST /v1/screen and /v1/report, --max-upload-mb for POST /v1/jobs).
struct BodyLimit {
    std::size_t bytes;
    const char* option;
    bool batches_elsewhere;  // the route can point to POST /v1/jobs for larger input
};

inline BodyLimit body_limit(const RequestLimits& limits, const std::string& path) {
    if (path == "/v1/jobs") return {limits.max_upload_bytes, "--max-upload-mb", false};
    return {limits.max_body_bytes, "--max-body-mb", true};
}

// A limit in the options' unit (MB of 2^20 bytes): whole as the options set it, else to
// two decimals (a limit set in code below 1 MB reads "0.01 MB", never "0 MB").
inline std::string mebibytes(std::size_t bytes) {
    if (bytes % (std::size_t{1} << 20) == 0) return std::to_string(bytes >> 20);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(bytes) / (1 << 20));
    return buf;
}

// The one answer to a body over its route's limit, whether it is refused from its Content-Length
// before it is read or counted while it is read (length 0: not known).
inline RequestError body_too_large(const std::string& method, const std::string& path, const BodyLimit& limit,
                                   std::size_t length) {
    std::string m = length > 0 ? "the request body has " + std::to_string(length) + " bytes; "
                               : std::string("the request body is too large; ");
    m += method + " " + path + " accepts at most " + std::to_string(limit.bytes) + " bytes (" + mebibytes(limit.bytes) +
         " MB, set with " + limit.option + ")";
    if (limit.batches_elsewhere) m += "; send large batches to POST /v1/jobs";
    return RequestError(413, m);
}

}  // namespace sitescreen::serve
