// Output writers: each format is one class behind this small interface (docs/output.md).
#pragma once
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
};

// Receives results in input order (write is called from one thread), then finish().
// Writers create files through AtomicFile (io/atomic_file.h), so an interrupted
// run never leaves a truncated file.
class OutputWriter {
public:
    virtual ~OutputWriter() = default;
    virtual void begin(const RunContext& ctx) = 0;
    // `record` is the site's sites.jsonl object (site_record()).
    virtual void write(const SiteResult& result, const Json& record) = 0;
    // Text of one site that a writer can build ahead, on the screening
    // threads, from the record alone (thread-safe; "" for writers that build
    // nothing ahead). The pipeline hands it back to write_site().
    virtual std::string render(const Json& record) const {
        (void)record;
        return {};
    }
    virtual bool renders() const { return false; }
    // The same, for writers that need the typed result too (its geometry, for
    // the maps): what the pipeline calls. `result` is whole when the writer's
    // uses_result() is true; a writer that returns false must not read it.
    virtual std::string render_site(const SiteResult& result, const Json& record) const {
        (void)result;
        return render(record);
    }
    // What the pipeline calls, in input order: `rendered` is render_site(result, record).
    virtual void write_site(const SiteResult& result, const Json& record, const std::string& rendered) {
        (void)rendered;
        write(result, record);
    }
    // False for writers that use `record` alone: the pipeline then frees each
    // site's findings and geometry as soon as its record is built.
    virtual bool uses_result() const { return true; }
    // Writers whose write_site() reads only a few fields of the record (or
    // none: they wrote it ahead in render()) return true and copy those
    // fields into `into` in digest(). When every writer does, the pipeline
    // hands write_site() the digest, and frees the record on the screening
    // thread that built it: cheaper than freeing it on the writing thread
    // (the allocator's caches are per thread), and off that thread's load.
    // digest() runs on the screening threads, like render(): thread-safe.
    virtual bool digests() const { return false; }
    virtual void digest(const Json& record, Json& into) const {
        (void)record;
        (void)into;
    }
    // `run` is the run.json object (complete but for finished_at).
    virtual void finish(const Json& run) = 0;
    // Discards partial output (temporary files) after an error or interrupt.
    virtual void abort() noexcept = 0;
};

}  // namespace sitescreen
