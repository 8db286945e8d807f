// One request's sites through run_pipeline on the calling thread, with the records collected in order.
#include "serve/screen_run.h"

#include <set>

#include <fmt/format.h>

#include "core/errors.h"
#include "report/core_writers.h"
#include "report/html_report.h"
#include "report/record_line.h"
#include "run/pipeline.h"
#include "sitescreen/version.h"

namespace sitescreen::serve {

namespace {

// Stops reading at the deadline and refuses more sites than the limit (a CSV body's count is
// known only as it is read).
class BoundedSource : public SiteSource {
public:
    BoundedSource(SiteSource& in, std::size_t max_sites, std::chrono::steady_clock::time_point deadline)
        : in_(in), max_(max_sites), deadline_(deadline) {}
    bool next(Site& out) override {
        if (std::chrono::steady_clock::now() >= deadline_) {
            timed_out_ = true;
            return false;
        }
        if (!in_.next(out)) return false;
        if (++read_ > max_)
            throw RequestError(
                413, fmt::format("more than {} sites in one request (send larger batches to POST /v1/jobs)", max_));
        return true;
    }
    std::vector<std::string> fields() const override { return in_.fields(); }
    bool timed_out() const { return timed_out_; }
    std::size_t read() const { return read_; }

private:
    SiteSource& in_;
    std::size_t max_, read_ = 0;
    std::chrono::steady_clock::time_point deadline_;
    bool timed_out_ = false;
};

// Keeps each record as its sites.jsonl line, with `source` saying where in the request the site was.
// The line is written from the result by the CLI's record writer (report/record_line.h), with
// `source`, `error` and `layers` changed on the way, on the screening thread.
class Collector : public OutputWriter {
public:
    Collector(const SitesRequest& r, const ScreenOptions& options, ScreenAnswer& out)
        : label_(r.label), only_(r.only_layers.begin(), r.only_layers.end()), options_(options), out_(out) {}
    WriterPlan begin(const RunContext&) override {
        WriterPlan plan;
        plan.prepare = [this](const SiteOutput& s) { return line(*s.result); };
        return plan;
    }
    void write(const SiteOutput& s) override {
        if (!s.site.error) {
            ++out_.ok;
        } else {
            ++out_.error;
            if (out_.first_error.empty()) out_.first_error = label_.empty() ? *s.site.error : relabelled_error(s.site);
        }
        out_.lines.push_back(s.prepared);
    }
    void finish(const RunSummary&) override {}
    void abort() noexcept override {}

private:
    std::string line(const SiteResult& result) const {
        std::string source, error;
        RecordLineEdits edits;
        if (!label_.empty()) {
            source = fmt::format("{}[{}]", label_, result.site.index);
            edits.source = &source;
            if (result.site.error) {
                error = relabelled_error(result.site);
                edits.error = &error;
            }
        }
        if (!only_.empty()) edits.only_layers = &only_;
        std::string line;
        line.reserve(8192);
        append_site_record(line, result, options_.feature_cap, edits);
        return line;
    }
    // The site's error with the reader's name of the site ("request:2") at its start replaced by
    // the request's (sites[1]), as the line's `source`.
    std::string relabelled_error(const Site& site) const {
        const std::string source = fmt::format("{}[{}]", label_, site.index);
        const std::string& error = *site.error;
        const std::string& old_source = site.where;
        if (!old_source.empty() && error.rfind(old_source, 0) == 0) return source + error.substr(old_source.size());
        return error;
    }
    std::string label_;
    std::set<std::string> only_;
    const ScreenOptions& options_;
    ScreenAnswer& out_;
};

}  // namespace

ReportPages::ReportPages(std::string label)
    : html_(std::make_unique<HtmlReportWriter>(nullptr, false)), label_(std::move(label)) {}
ReportPages::~ReportPages() = default;
WriterPlan ReportPages::begin(const RunContext& ctx) {
    html_->begin(ctx);  // no output folder: the plan's page is what it would write
    WriterPlan plan;    // the page is made in prepare(); write() keeps it
    plan.prepare = [this](const SiteOutput& s) {
        const SiteResult& result = *s.result;
        if (label_.empty()) return html_->render_site(result);  // a CSV body: "request:2" already
        SiteResult named = result;
        named.site.where = fmt::format("{}[{}]", label_, result.site.index);
        return html_->render_site(named);
    };
    return plan;
}
void ReportPages::write(const SiteOutput& s) { pages_.push_back(s.prepared); }

ScreenAnswer screen_sites(const ScreenEngine& engine, Screener& screener, SitesRequest& request,
                          const RequestLimits& limits, std::chrono::steady_clock::time_point deadline,
                          OutputWriter* also) {
    std::unique_ptr<SiteSource> sites;
    try {
        sites = open_sites(request.reader);
    } catch (const InputError& e) {
        std::string m = e.what();
        // A GeoJSON body is read from memory: name it as the caller knows it.
        if (request.geojson && m.rfind(request.geojson->path(), 0) == 0)
            m = "request" + m.substr(request.geojson->path().size());
        throw RequestError(400, m);
    }
    BoundedSource bounded(*sites, limits.max_sites, deadline);
    ScreenAnswer answer;
    Collector collector(request, engine.options, answer);
    PipelineConfig pc;
    pc.screeners = {&screener};  // one thread: the service's workers run requests side by side
    pc.batch_per_thread = 1;     // the deadline is checked between sites
    pc.write_on_caller = true;   // no writer thread started and joined per request
    pc.radii_for = engine.radii_for;
    pc.assess = engine.assess;
    // The collector needs no context, and writes its lines from the results: without `also`, no
    // record is built.
    std::vector<BegunWriter> writers = {{&collector, collector.begin(RunContext{})}};
    if (also) {
        // As `screen` sets the context up for its writers (src/cli/screen_command.cpp).
        RunContext ctx;
        ctx.layers = engine.layers.get();
        ctx.options = engine.options;
        ctx.site_fields = sites->fields();
        ctx.any_demo = engine.layers->catalog().any_demo();
        ctx.tool_version = SITESCREEN_VERSION;
        writers.push_back({also, also->begin(ctx)});
    }
    try {
        run_pipeline(bounded, engine.layers, engine.options, pc, writers);
    } catch (const InputError& e) {
        throw RequestError(400, e.what());
    }
    if (bounded.timed_out())
        throw RequestError(503, fmt::format("time limit of {:g} s reached after {} sites of the request (send large "
                                            "batches to POST /v1/jobs)",
                                            limits.time_limit_s, answer.lines.size()));
    return answer;
}

}  // namespace sitescreen::serve
