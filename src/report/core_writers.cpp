// sites.jsonl, summary.csv and run.json writers (docs/output.md).
#include "report/core_writers.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <variant>

#include "core/overloaded.h"
#include "io/atomic_file.h"
#include "layers/record_format.h"
#include "layers/registry.h"
#include "report/formats.h"
#include "report/record_line.h"

namespace fs = std::filesystem;

namespace sitescreen {

namespace {

// Text nlohmann's dump (ensure_ascii off) writes as it is: well-formed UTF-8 (Unicode's table
// 3-7: no overlong form, no surrogate, nothing past U+10FFFF) without control characters, '"' or
// '\\'. Anything else goes to nlohmann for its escapes and its U+FFFD for bad bytes. The names
// and texts of a Chinese record were a quarter of the time serve spends writing a line, in
// nlohmann's dump.
bool plain_text(const std::string& s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            if (c < 0x20 || c == '"' || c == '\\') return false;
            ++p;
            continue;
        }
        int n;
        unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c == 0xE0)
            n = 2, lo = 0xA0;
        else if (c >= 0xE1 && c <= 0xEC)
            n = 2;
        else if (c == 0xED)
            n = 2, hi = 0x9F;
        else if (c >= 0xEE && c <= 0xEF)
            n = 2;
        else if (c == 0xF0)
            n = 3, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3)
            n = 3;
        else if (c == 0xF4)
            n = 3, hi = 0x8F;
        else
            return false;
        if (end - p <= n) return false;
        if (p[1] < lo || p[1] > hi) return false;
        for (int i = 2; i <= n; ++i)
            if (p[i] < 0x80 || p[i] > 0xBF) return false;
        p += n + 1;
    }
    return true;
}

}  // namespace

void append_json_string(std::string& out, const std::string& s) {
    if (plain_text(s)) {
        out += '"';
        out += s;
        out += '"';
        return;
    }
    // Escapes and invalid UTF-8 (replaced by U+FFFD): nlohmann's own rules.
    out += Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A double as nlohmann's dump lays it out ("1.0", "0.0001", "1e-05",
// "1.5e+20": fixed notation for decimal exponents -4..15, else d.ddde+XX with
// at least two exponent digits), with the shortest digits that read back
// to the same double (std::to_chars, correctly rounded). nlohmann's own
// Grisu2 digits are not always the shortest: it printed -455.54101 as
// -455.54101000000003, about one value in 2,300 (JsonLine.NumbersAreTheShortestRoundTrip).
void append_double(std::string& out, double x) {
    if (std::signbit(x)) {
        out += '-';
        x = -x;
    }
    if (x == 0) {
        out += "0.0";
        return;
    }
    char sci[32];
    const auto r = std::to_chars(sci, sci + sizeof sci, x, std::chars_format::scientific);
    char digits[24];  // at most 17 significant digits
    int k = 0;
    const char* p = sci;
    for (; p < r.ptr && *p != 'e'; ++p)
        if (*p != '.') digits[k++] = *p;
    int e10 = 0;
    std::from_chars(p + 1 + (p[1] == '+' ? 1 : 0), r.ptr, e10);
    const int n = e10 + 1;    // the decimal point's place after the first digit
    if (k <= n && n <= 15) {  // digits[000].0
        out.append(digits, static_cast<std::size_t>(k));
        out.append(static_cast<std::size_t>(n - k), '0');
        out += ".0";
    } else if (0 < n && n <= 15) {  // dig.its
        out.append(digits, static_cast<std::size_t>(n));
        out += '.';
        out.append(digits + n, static_cast<std::size_t>(k - n));
    } else if (-4 < n && n <= 0) {  // 0.[000]digits
        out += "0.";
        out.append(static_cast<std::size_t>(-n), '0');
        out.append(digits, static_cast<std::size_t>(k));
    } else {  // d[.igits]e+XX
        out += digits[0];
        if (k > 1) {
            out += '.';
            out.append(digits + 1, static_cast<std::size_t>(k - 1));
        }
        const int e = n - 1;
        out += e < 0 ? "e-" : "e+";
        const int a = e < 0 ? -e : e;
        if (a < 10) out += '0';
        append_integer(out, a);
    }
}

// The same text as Json::dump(-1, ' ', false, replace), written straight into
// one string: nlohmann's serializer goes through a virtual call per
// character, which made serialising records a tenth of a run. Strings use
// nlohmann's escaping whenever they are not plain ASCII; numbers are
// append_double's (JsonLine.EqualsNlohmannDump checks the rest).

void append_json(std::string& out, const Json& j) {
    switch (j.type()) {
        case Json::value_t::null:
            out += "null";
            return;
        case Json::value_t::boolean:
            out += j.get<bool>() ? "true" : "false";
            return;
        case Json::value_t::number_integer:
            append_integer(out, j.get<Json::number_integer_t>());
            return;
        case Json::value_t::number_unsigned:
            append_integer(out, j.get<Json::number_unsigned_t>());
            return;
        case Json::value_t::number_float: {
            const double x = j.get<double>();
            if (!std::isfinite(x)) {
                out += "null";
                return;
            }
            append_double(out, x);
            return;
        }
        case Json::value_t::string:
            append_json_string(out, j.get_ref<const std::string&>());
            return;
        case Json::value_t::array: {
            out += '[';
            bool first = true;
            for (const Json& e : j) {
                if (!first) out += ',';
                first = false;
                append_json(out, e);
            }
            out += ']';
            return;
        }
        case Json::value_t::object: {
            out += '{';
            bool first = true;
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (!first) out += ',';
                first = false;
                append_json_string(out, it.key());
                out += ':';
                append_json(out, it.value());
            }
            out += '}';
            return;
        }
        default:
            out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
            return;  // binary, discarded
    }
}

std::string to_json_line(const Json& j) {
    std::string out;
    out.reserve(4096);
    append_json(out, j);
    return out;
}

namespace {

class JsonlWriter : public OutputWriter {
public:
    explicit JsonlWriter(std::ostream* stream) : stream_(stream) {}
    WriterPlan begin(const RunContext& ctx) override {
        if (!stream_) {
            file_.emplace((fs::path(ctx.out_dir) / "sites.jsonl").string());
            out_ = &file_->stream();
        } else {
            out_ = stream_;
        }
        feature_cap_ = ctx.options.feature_cap;
        WriterPlan plan;
        plan.prepare = [this](const SiteOutput& s) {
            std::string line;
            line.reserve(4096);
            append_site_record(line, *s.result, feature_cap_);
            line += '\n';
            return line;
        };
        plan.digest = digest_nothing;  // write() takes the line prepared
        return plan;
    }
    void write(const SiteOutput& s) override {
        const std::string& line = s.prepared;
        if (stream_) {
            *out_ << line;
            out_->flush();  // a pipe reader sees each site as it is done
            return;
        }
        // Lines go out a megabyte at a time: the stream writes anything over
        // 1 KB with a system call of its own, whatever its buffer.
        pending_ += line;
        if (pending_.size() >= kPendingBytes) write_pending();
    }
    void finish(const RunSummary&) override {
        if (file_) {
            write_pending();
            file_->commit();
        } else {
            out_->flush();
        }
    }
    void abort() noexcept override {
        if (file_) file_->discard();
    }

private:
    std::size_t feature_cap_ = 0;  // the record lists so many features per buffer
    static constexpr std::size_t kPendingBytes = std::size_t{1} << 20;
    void write_pending() {
        *out_ << pending_;
        file_->wrote(pending_.size());
        pending_.clear();
    }
    std::ostream* stream_ = nullptr;
    std::ostream* out_ = nullptr;
    std::optional<AtomicFile> file_;
    std::string pending_;  // lines not yet handed to the file
};

// Text that is exactly a decimal number ("-12.5", "+3", "1e5"): a spreadsheet reads it as that
// number, never as a formula, so it is data and stays as it is.
bool plain_number(const std::string& s) {
    std::size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
    }
    if (digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
        std::size_t exp = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
        if (exp == 0) return false;
    }
    return i == s.size();
}

}  // namespace

// CSV injection (OWASP): a text cell that starts with = + - @, a tab or a carriage return is
// run as a formula by spreadsheets. Such a cell gets a leading apostrophe (shown as text,
// never evaluated) and is quoted; text that is exactly a number is data and is left alone.
std::string csv_field(const std::string& s) {
    std::string t = s;
    if (!t.empty() && (t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@' || t[0] == '\t' || t[0] == '\r') &&
        !plain_number(t))
        t = "'" + t;
    const bool neutralised = t.size() != s.size();
    if (!neutralised && t.find_first_of(",\"\r\n") == std::string::npos) return t;
    std::string out = "\"";
    for (char c : t) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

namespace {

// A cell of summary.csv: figures with ten significant digits (those of the record, rounded as it
// rounds them, which Excel shows in full).
std::string csv_value(const SummaryValue& v) {
    return std::visit(Overloaded{[](const std::monostate&) { return std::string(); },
                                 [](bool b) { return std::string(b ? "true" : "false"); },
                                 [](double x) {
                                     char buf[64];
                                     std::snprintf(buf, sizeof buf, "%.10g", x);
                                     return std::string(buf);
                                 },
                                 [](const std::string& t) { return csv_field(t); }},
                      v);
}

std::string radius_tag(double r) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%gm", r);
    return buf;
}

class CsvWriter : public OutputWriter {
public:
    WriterPlan begin(const RunContext& ctx) override {
        file_.emplace((fs::path(ctx.out_dir) / "summary.csv").string());
        ctx_ = ctx;
        std::ostream& o = file_->stream();
        o << "\xEF\xBB\xBF";  // BOM: Excel then reads UTF-8 (Chinese names) correctly
        o << "id,lon,lat,type,status,error";
        columns_.clear();
        for (const LayerSpec& spec : ctx.layers->catalog().layers) {
            columns_.push_back(layer_kind(spec).summary_columns(spec));
            const SummaryColumns& c = columns_.back();
            for (const std::string& suffix : c.site) o << ',' << csv_field(spec.id + suffix);
            for (double r : ctx.options.radii_m) o << ',' << csv_field(spec.id + c.buffer_suffix + radius_tag(r));
        }
        o << ",verdict,criteria_met,alternative_distance_m,demo_data\r\n";
        WriterPlan plan;
        plan.prepare = [this](const SiteOutput& s) { return row(*s.result, s.answer); };
        plan.digest = digest_nothing;  // write() takes the row prepared
        return plan;
    }

    void write(const SiteOutput& s) override { file_->stream() << s.prepared; }
    // One row, from the typed result (on the screening threads): what the site's record says.
    std::string row(const SiteResult& r, const SiteAnswer& answer) const {
        const Site& site = r.site;
        std::ostringstream o;
        o << csv_field(site.id) << ',';
        if (site.has_coordinates)
            o << csv_value(summary_figure(site.lonlat.lon, kCoordinateDecimals)) << ','
              << csv_value(summary_figure(site.lonlat.lat, kCoordinateDecimals));
        else
            o << ',';
        o << ',' << csv_field(site.type) << ',' << (site.error ? "error" : "ok") << ','
          << (site.error ? csv_field(*site.error) : "");
        // The site's measured layers, in catalog order (an unmeasured layer has no values).
        std::size_t li = 0;
        for (std::size_t ci = 0; ci < columns_.size(); ++ci) {
            const LayerSpec& spec = ctx_.layers->catalog().layers[ci];
            while (li < r.layers.size() && std::holds_alternative<std::monostate>(r.layers[li].measurement)) ++li;
            std::vector<SummaryValue> values;
            if (li < r.layers.size() && r.layers[li].spec == &spec)
                values = summary_values(r.layers[li++].measurement, spec, ctx_.options.radii_m);
            values.resize(columns_[ci].site.size() + ctx_.options.radii_m.size());
            for (const SummaryValue& v : values) o << ',' << csv_value(v);
        }
        // The level as the verdict states it: "low (3 of 5 criteria assessed)" where coverage is partial.
        o << ',' << (answer.verdict ? csv_field(level_text(*answer.verdict)) : "");
        std::string met;
        if (answer.criteria)
            for (const CriterionFinding& c : *answer.criteria)
                if (c.status == CriterionStatus::Met)
                    met += (met.empty() ? "" : ";") + std::string(to_string(c.criterion));
        o << ',' << csv_field(met);
        const AlternativeSearch* alt = answer.alternative;
        o << ',' << (alt && alt->found() ? csv_value(alt->alternatives.front().distance_m) : "");
        o << ',' << csv_field(report::demo_marker(answer));
        o << "\r\n";
        return o.str();
    }
    void finish(const RunSummary&) override { file_->commit(); }
    void abort() noexcept override {
        if (file_) file_->discard();
    }

private:
    std::optional<AtomicFile> file_;
    RunContext ctx_;
    std::vector<SummaryColumns> columns_;  // per catalog layer, from its kind (layers/registry.h)
};

class RunJsonWriter : public OutputWriter {
public:
    WriterPlan begin(const RunContext& ctx) override {
        dir_ = ctx.out_dir;
        return {};  // nothing per site
    }
    void write(const SiteOutput&) override {}
    void finish(const RunSummary& run) override {
        AtomicFile f((fs::path(dir_) / "run.json").string());
        f.stream() << run.json.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
        f.commit();
    }
    void abort() noexcept override {}
    // run.json is written once every other output is in place: its presence says the run ended.
    bool finishes_last() const override { return true; }

private:
    std::string dir_;
};

}  // namespace

WriterPlan DemoCounter::begin(const RunContext&) {
    WriterPlan plan;  // the typed answer only: neither the record nor the whole result
    // "" or "D<marker>": the leading letter says whether a demonstration layer decided a finding.
    plan.prepare = [](const SiteOutput& s) {
        const std::string m = report::demo_marker(s.answer);
        if (m.empty()) return m;
        return (m.find(" findings: ") != std::string::npos ? "F" : "S") + m;
    };
    plan.digest = digest_nothing;  // the marker is made ahead
    return plan;
}

void DemoCounter::write(const SiteOutput& s) {
    const std::string& marker = s.prepared;
    if (marker.empty()) return;
    ++with_data_;
    if (marker[0] == 'F') ++with_findings_;
}

WriterPlan PortfolioWriter::begin(const RunContext&) {
    WriterPlan plan;
    // Nothing of the record: the entry is the typed answer's; each site's findings can go early.
    plan.digest = [](const SiteOutput& s) { return std::any(Portfolio::entry(s.site, s.answer)); };
    return plan;
}

void PortfolioWriter::write(const SiteOutput& s) { portfolio_.add(std::any_cast<const Portfolio::Entry&>(s.digest)); }

std::unique_ptr<OutputWriter> make_jsonl_writer(std::ostream* stream) { return std::make_unique<JsonlWriter>(stream); }
std::unique_ptr<OutputWriter> make_csv_writer() { return std::make_unique<CsvWriter>(); }
std::unique_ptr<OutputWriter> make_run_json_writer() { return std::make_unique<RunJsonWriter>(); }

}  // namespace sitescreen
