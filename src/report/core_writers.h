// The machine-readable outputs: sites.jsonl, summary.csv and run.json.
#pragma once
#include <memory>
#include <ostream>

#include "report/writer.h"

namespace sitescreen {

// sites.jsonl in the output folder, or JSON Lines on `stream` when given (--out -).
std::unique_ptr<OutputWriter> make_jsonl_writer(std::ostream* stream = nullptr);
std::unique_ptr<OutputWriter> make_csv_writer();
std::unique_ptr<OutputWriter> make_run_json_writer();

// One JSON line, compact, UTF-8 kept as is (no \u escapes), stable key order.
std::string to_json_line(const Json& j);

// One summary.csv cell from text: RFC 4180 quoting, and a leading apostrophe on text a
// spreadsheet would run as a formula (starting with = + - @, tab or CR; not a plain number).
std::string csv_field(const std::string& s);

}  // namespace sitescreen
