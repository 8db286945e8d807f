// serve writes each site's sites.jsonl line with the CLI's record writer (report/record_line.h),
// with its edits (`source`, the error's prefix, the layers asked for) made on the way: the bytes
// must be those of the CLI's record with those edits made on it as JSON. The record's line must
// also read back as JSON that writes out to the same bytes.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "cli/screen_setup.h"
#include "layers/catalog.h"
#include "report/core_writers.h"
#include "report/record_line.h"
#include "run/pipeline.h"

using namespace sitescreen;

namespace {

// Receives each result, and compares serve's line with the CLI's record edited as JSON.
class RecordLineCheck : public OutputWriter {
public:
    explicit RecordLineCheck(const ScreenOptions& options) : options_(options) {}
    WriterPlan begin(const RunContext&) override {
        WriterPlan plan;
        plan.reads_result = true;
        return plan;
    }
    void write(const SiteOutput& s) override {
        const SiteResult& r = *s.result;
        const Json record = site_record(r, options_);  // the line, read back
        ++sites;
        if (r.site.error) ++errors;
        std::string direct;
        append_site_record(direct, r, options_.feature_cap);
        EXPECT_EQ(direct, to_json_line(record)) << r.site.where;

        // serve's edits, made on the record as the Collector made them before it wrote lines directly.
        const std::string source = "sites[" + std::to_string(r.site.index) + "]";
        std::string error;
        Json edited = record;
        edited["source"] = source;
        if (r.site.error) {
            error = *r.site.error;
            if (error.rfind(r.site.where, 0) == 0) error = source + error.substr(r.site.where.size());
            edited["error"] = error;
        }
        const std::set<std::string> only = {layer_a, layer_b};
        Json kept = Json::array();
        for (const auto& l : record["layers"])
            if (only.count(l["layer"].get<std::string>())) kept.push_back(l);
        edited["layers"] = kept;
        RecordLineEdits edits;
        edits.source = &source;
        if (r.site.error) edits.error = &error;
        edits.only_layers = &only;
        std::string direct_edited;
        append_site_record(direct_edited, r, options_.feature_cap, edits);
        EXPECT_EQ(direct_edited, to_json_line(edited)) << r.site.where;
        if (!kept.empty()) ++with_layers_kept;
    }
    void finish(const RunSummary&) override {}
    void abort() noexcept override {}

    std::string layer_a, layer_b;
    int sites = 0, errors = 0, with_layers_kept = 0;

private:
    const ScreenOptions& options_;
};

struct Run {
    std::shared_ptr<const LayerSet> layers;
    cli::ScreenSetup setup;
};

Run& shipped() {
    static Run* run = [] {
        auto* r = new Run();
        r->setup.catalog_path = default_catalog_path();
        r->setup.load_tables();
        r->layers = LayerSet::open(load_catalog(r->setup.catalog_path));
        r->setup.prepare(r->layers);
        return r;
    }();
    return *run;
}

// Screens the sites with the shipped layers and the assessment, as `screen` does, checking every line.
RecordLineCheck check(SiteReaderOptions in, std::size_t max_sites) {
    Run& run = shipped();
    RecordLineCheck checker(run.setup.options);
    // A vector and a raster layer (a categorical one when the catalog has it) for the edits.
    for (const auto& l : run.layers->catalog().layers) {
        if (l.kind == "vector" && checker.layer_a.empty()) checker.layer_a = l.id;
        if (l.kind == "raster" && (checker.layer_b.empty() || l.categorical)) checker.layer_b = l.id;
    }
    auto sites = open_sites(in);
    struct First : SiteSource {
        SiteSource& in;
        std::size_t left;
        First(SiteSource& s, std::size_t n) : in(s), left(n) {}
        bool next(Site& out) override {
            if (left == 0) return false;
            --left;
            return in.next(out);
        }
        std::vector<std::string> fields() const override { return in.fields(); }
    } first(*sites, max_sites);
    PipelineConfig pc;
    pc.threads = 1;
    pc.radii_for = run.setup.radii_resolver();
    pc.assess = run.setup.assessor();
    const std::vector<BegunWriter> writers = {{&checker, checker.begin(RunContext{})}};
    run_pipeline(first, run.layers, run.setup.options, pc, writers);
    return checker;
}

}  // namespace

TEST(RecordLine, EqualsTheRecordsJsonForTheSampleSites) {
    SiteReaderOptions in;
    in.path = std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv";
    const RecordLineCheck c = check(in, 1000);
    EXPECT_GE(c.sites, 19);
    EXPECT_GT(c.with_layers_kept, 0);
}

TEST(RecordLine, EqualsTheRecordsJsonForChargersAndErrorRows) {
    // 300 Shenzhen chargers, and rows the reader refuses (error rows: `error` relabelled).
    std::string csv = "id,type,lon,lat\nbad1,charger,abc,22.5\nbad2,charger,114.0,95\n";
    SiteReaderOptions in;
    in.path = std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/shenzhen_ev_chargers_gcj02.csv";
    in.coords = CoordSystem::Gcj02;
    const RecordLineCheck c = check(in, 300);
    EXPECT_EQ(c.sites, 300);

    SiteReaderOptions bad;
    bad.path = "request";
    bad.csv_stream = std::make_shared<std::istringstream>(csv);
    const RecordLineCheck e = check(bad, 10);
    EXPECT_EQ(e.sites, 2);
    EXPECT_EQ(e.errors, 2);
}
