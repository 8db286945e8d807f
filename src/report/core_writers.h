// The machine-readable outputs (sites.jsonl, summary.csv, run.json) and the two writers of no file.
#pragma once

#include <charconv>
#include <memory>
#include <ostream>

#include "report/writer.h"
#include "screen/assess.h"

namespace sitescreen {

// sites.jsonl in the output folder, or JSON Lines on `stream` when given (--out -).
std::unique_ptr<OutputWriter> make_jsonl_writer(std::ostream* stream = nullptr);
std::unique_ptr<OutputWriter> make_csv_writer();
std::unique_ptr<OutputWriter> make_run_json_writer();

// Two writers of no file, for run.json and the closing line (`screen` adds them to the formats'):

// Counts the sites that carry the demonstration marker (report::demo_marker).
class DemoCounter : public OutputWriter {
public:
    WriterPlan begin(const RunContext&) override;
    void write(const SiteOutput& site) override;
    void finish(const RunSummary&) override {}
    void abort() noexcept override {}
    std::size_t with_demo_data() const { return with_data_; }          // a demonstration layer was screened
    std::size_t with_demo_findings() const { return with_findings_; }  // one of them decided a finding

private:
    std::size_t with_data_ = 0, with_findings_ = 0;
};

// Feeds the portfolio roll-up (run.json's `portfolio`) with every site, in input order.
class PortfolioWriter : public OutputWriter {
public:
    explicit PortfolioWriter(Portfolio& p) : portfolio_(p) {}
    WriterPlan begin(const RunContext&) override;
    void write(const SiteOutput& site) override;
    void finish(const RunSummary&) override {}
    void abort() noexcept override {}

private:
    Portfolio& portfolio_;
};

// One JSON line, compact, UTF-8 kept as is (no \u escapes), stable key order.
std::string to_json_line(const Json& j);
// The same text appended to `out` (a line built in parts: `serve` relabels a record's `source`
// as it writes it, without copying the record).
void append_json(std::string& out, const Json& j);
// A JSON string (quoted, escaped as append_json escapes it), without building a Json for it.
void append_json_string(std::string& out, const std::string& s);
// A number as nlohmann's dump lays it out, with the shortest digits that read back to it.
void append_double(std::string& out, double x);
template <typename Int>
void append_integer(std::string& out, Int v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

// One summary.csv cell from text: RFC 4180 quoting, and a leading apostrophe on text a
// spreadsheet would run as a formula (starting with = + - @, tab or CR; not a plain number).
std::string csv_field(const std::string& s);

}  // namespace sitescreen
