// Runs a stream of sites through the screeners on N threads and hands results to writers in input order.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/interrupt.h"
#include "io/site_reader.h"
#include "report/writer.h"
#include "screen/screener.h"

namespace sitescreen {

struct PipelineConfig {
    int threads = 0;                      // 0: all cores
    std::size_t batch_per_thread = 256;   // sites held in memory at once = threads x this
    // Buffer distances for a site (its profile's, or --buffers); empty = ScreenOptions::radii_m.
    std::function<std::vector<double>(const Site&)> radii_for;
    // The assessment (LEAP, verdict, mitigation, avoidance search); may be empty.
    std::function<void(SiteResult&, Screener&)> assess;
    // Told the number of sites done so far, from the writing thread.
    std::function<void(std::size_t)> progress;
    // Keep only sites of shard i of n (--shard i/n); see docs/scale.md.
    std::optional<std::pair<int, int>> shard;
    // Screeners to use, one per thread (then `threads` is their count), instead of new ones:
    // `sitescreen serve` keeps each worker's open raster readers from one request to the next.
    std::vector<Screener*> screeners;
};

struct PipelineStats {
    std::size_t total = 0, ok = 0, error = 0;
    std::vector<std::string> errors;            // the first 100 messages
    std::size_t duplicate_ids = 0;              // sites whose id was seen before
    std::vector<std::string> duplicate_examples;  // up to 20 ids
    struct Duplicate {
        std::string id, where, first;  // the id, the record that reuses it, where it was first seen
    };
    std::vector<Duplicate> duplicate_lines;       // the same 20, with their lines
    std::size_t warnings = 0;                   // warnings on all sites (SiteResult::warnings)
    std::size_t with_warnings = 0;              // sites with at least one warning
};

PipelineStats run_pipeline(SiteSource& sites, std::shared_ptr<const LayerSet> layers, const ScreenOptions& options,
                           const PipelineConfig& config, const std::vector<OutputWriter*>& writers);

// Position of a point on a Hilbert curve over lon/lat (order 16), used to
// process a batch in spatially coherent order and to cut spatial shards.
std::uint64_t hilbert_index(LonLat p);

}  // namespace sitescreen
