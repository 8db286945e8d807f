// The machine-readable outputs: sites.jsonl, summary.csv and run.json.
#pragma once

#include <charconv>
#include <memory>
#include <ostream>

#include "report/writer.h"

namespace sitescreen {

// sites.jsonl in the output folder, or JSON Lines on `stream` when given (--out -).
std::unique_ptr<OutputWriter> make_jsonl_writer(std::ostream* stream = nullptr);
std::unique_ptr<OutputWriter> make_csv_writer();
std::unique_ptr<OutputWriter> make_run_json_writer();

// Counts the sites that carry the demonstration marker (report::demo_marker),
// for run.json and the closing line; writes no file.
class DemoCounter : public OutputWriter {
public:
    void begin(const RunContext&) override {}
    bool uses_result() const override { return false; }
    bool digests() const override { return true; }  // the marker is made ahead, in render()
    bool renders() const override { return true; }
    std::string render(const Json& record) const override;
    void write(const SiteResult& r, const Json& record) override { write_site(r, record, render(record)); }
    void write_site(const SiteResult& r, const Json& record, const std::string& marker) override;
    void finish(const Json&) override {}
    void abort() noexcept override {}
    std::size_t with_demo_data() const { return with_data_; }          // a demonstration layer was screened
    std::size_t with_demo_findings() const { return with_findings_; }  // one of them decided a finding

private:
    std::size_t with_data_ = 0, with_findings_ = 0;
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
