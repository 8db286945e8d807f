// Output writers: each format is one class behind this small interface (docs/output.md), and one
// row of the table in report/formats.cpp.
#pragma once
#include <any>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/site.h"
#include "screen/screener.h"

namespace sitescreen {

// What every writer may need to know about the run.
struct RunContext {
    std::string out_dir;               // the output folder (writers create their files inside it)
    const LayerSet* layers = nullptr;  // the opened layers (catalog, provenance, feature geometry)
    ScreenOptions options;
    std::vector<std::string> site_fields;  // the input's columns / fields, in order
    bool any_demo = false;                 // a demonstration layer is in use: say so first
    std::string tool_version;
    // Threads a writer may use for work at the end of the run, when the screening threads are
    // idle (the portfolio's admin outline): the run's --threads.
    unsigned threads = 1;
};

// One site as the pipeline hands it to a writer.
struct SiteOutput {
    const Site& site;  // always there: its id, index, source and error
    // The whole typed result: always in prepare() and digest(); in write() when the writer's plan
    // reads_result, else null.
    const SiteResult* result;
    // What the plan's prepare() built for this site ("" without one, and in prepare() itself).
    const std::string& prepared;
    // What the plan's digest() built for this site (empty without one, and in prepare() and
    // digest() themselves).
    const std::any& digest;
    // The typed verdict, mitigation, avoidance answer and metrics: always in prepare() and digest();
    // in write() when the plan reads_result.
    SiteAnswer answer;
};

// What a writer needs from the pipeline, returned by begin(). The pipeline builds what some
// writer reads and nothing else, and keeps each site's bulk no longer than a writer needs it.
struct WriterPlan {
    // write() reads SiteOutput::result. When no writer does, each site's findings and geometry are
    // let go on its screening thread, as soon as prepare() and digest() have read them.
    bool reads_result = false;
    // Builds a site's text or bytes ahead, on the screening threads (thread-safe): its output
    // comes back to write() as SiteOutput::prepared.
    std::function<std::string(const SiteOutput&)> prepare;
    // Builds what write() reads of a site (a writer's own typed value; digest_nothing when
    // prepare() built all it writes), on the screening threads, thread-safe: it comes back to
    // write() as SiteOutput::digest.
    std::function<std::any(const SiteOutput&)> digest;
};

// The digest of a writer whose write() reads nothing but what prepare() built.
inline std::any digest_nothing(const SiteOutput&) { return {}; }

class Portfolio;

// What a writer's finish() is given.
struct RunSummary {
    // The run.json object (complete but for finished_at): what run.json writes, and the recorded
    // catalog (the portfolio page keys its outline cache with it).
    const Json& json;
    // The portfolio's roll-up, typed (screen/assess.h), for the pages that show it; null when the
    // run writes to standard output and keeps none.
    const Portfolio* portfolio = nullptr;
};

// Receives results in input order (write is called from one thread), then finish().
// Writers create files through AtomicFile (io/atomic_file.h), so an interrupted
// run never leaves a truncated file.
class OutputWriter {
public:
    virtual ~OutputWriter() = default;
    virtual WriterPlan begin(const RunContext& ctx) = 0;
    virtual void write(const SiteOutput& site) = 0;
    virtual void finish(const RunSummary& run) = 0;
    // Discards partial output (temporary files) after an error or interrupt.
    virtual void abort() noexcept = 0;
    // Whether finish() waits until every other writer's has returned (run.json, which says the
    // run is complete). The other writers' finish() may run side by side (finish_writers).
    virtual bool finishes_last() const { return false; }
};

// Finishes the writers: those that do not finish last side by side on up to `threads` threads
// (the GeoPackage's spatial index, the portfolio page and the sync of the per-site files each
// take a second or so for 10,000 sites, and they do not wait on one another), then those that
// finish last, in order. Once one throws, no other is started, and the first exception is
// rethrown when the running ones have returned. One thread: in order, as a loop would.
void finish_writers(const std::vector<OutputWriter*>& writers, const RunSummary& run, unsigned threads);

// A begun writer and the plan its begin() returned: what the pipeline is given.
struct BegunWriter {
    OutputWriter* writer = nullptr;
    WriterPlan plan;
};

// One site through a begun writer outside the pipeline (tests, one-off pages): prepare(), digest()
// and write(), each given what the pipeline would give it.
void write_site(const BegunWriter& w, const SiteResult& result);

}  // namespace sitescreen
