// Runs a stream of sites through the screeners on N threads and hands results to writers in input order.
// The writers' plans (report/writer.h) say what is built for them on the screening threads.
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
    int threads = 0;                     // 0: all cores
    std::size_t batch_per_thread = 256;  // sites held in memory at once = threads x this
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
    // Write each batch on the calling thread after it is screened, rather than on a writer
    // thread of the run alongside the next batch: `sitescreen serve` screens a request's few
    // sites in one batch, where a thread started and joined per request cost more than it saved.
    bool write_on_caller = false;
};

struct PipelineStats {
    std::size_t total = 0, ok = 0, error = 0;
    std::vector<std::string> errors;              // the first 100 messages
    std::size_t duplicate_ids = 0;                // sites whose id was seen before
    std::vector<std::string> duplicate_examples;  // up to 20 ids
    struct Duplicate {
        std::string id, where, first;  // the id, the record that reuses it, where it was first seen
    };
    std::vector<Duplicate> duplicate_lines;  // the same 20, with their lines
    // --tile-union auto: per vector layer, the work estimated from the first sites of the run
    // (at most kTileUnionProbeSites) and whether its wide buffers took the dissolved tiles.
    struct TileUnionChoice {
        std::string layer;
        std::size_t sites = 0;  // wide point sites among those probed
        VectorLayer::UnionWork work;
        bool tiles = false;
    };
    std::vector<TileUnionChoice> tile_union;
    std::size_t warnings = 0;       // warnings on all sites (SiteResult::warnings)
    std::size_t with_warnings = 0;  // sites with at least one warning
};

// The sites read ahead to choose, per layer, between the dissolved tiles and the per-site union.
inline constexpr std::size_t kTileUnionProbeSites = 4096;
// The dissolved tiles are chosen for a layer where, over the sites probed,
//   kDissolveVertexCost x dissolve vertices + kTileSiteCost x wide sites < per-site vertices,
// costs in units of one vertex of the per-site union (2.6 us on the benchmark machine). Fitted to
// the benchmark workload's 20, 1,000 and 10,000 sites at {1, 10, 50} km (docs/performance.md,
// "Dissolved tiles or a union per site"): a dissolved vertex costs 1.33 union vertices, and a
// site measured against the tiles 1,520 (clipping the tiles across its circles).
inline constexpr double kDissolveVertexCost = 1.33;
inline constexpr double kTileSiteCost = 1520;

PipelineStats run_pipeline(SiteSource& sites, std::shared_ptr<const LayerSet> layers, const ScreenOptions& options,
                           const PipelineConfig& config, const std::vector<BegunWriter>& writers);

// Position of a point on a Hilbert curve over lon/lat (order 16), used to
// process a batch in spatially coherent order and to cut spatial shards.
std::uint64_t hilbert_index(LonLat p);

}  // namespace sitescreen
