// The output formats: the table and factory, per-site file names, and what the reports read from a record.
#include "report/formats.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <string_view>

#include "core/errors.h"
#include "io/checksum.h"
#include "report/core_writers.h"
#include "report/gpkg_writer.h"
#include "report/html_report.h"
#include "report/markdown_report.h"
#include "report/pdf_report.h"
#include "report/portfolio_page.h"
#include "report/site_map.h"
#include "screen/assess.h"

namespace sitescreen {

namespace {

using Writer = std::unique_ptr<OutputWriter>;

// The per-site reports the portfolio page and sites.gpkg link to: ".html", ".md" or none.
std::string report_suffix(const std::set<std::string>& names) {
    return names.count("html") ? ".html" : names.count("md") ? ".md" : "";
}

// The factories of the table.
Writer jsonl_writer(const FormatRequest& r) { return make_jsonl_writer(r.jsonl_stream); }
Writer csv_writer(const FormatRequest&) { return make_csv_writer(); }
Writer gpkg_writer(const FormatRequest& r) { return std::make_unique<GpkgWriter>(report_suffix(r.names)); }
Writer portfolio_writer(const FormatRequest& r) {
    return std::make_unique<PortfolioPageWriter>(report_suffix(r.names));
}
Writer html_writer(const FormatRequest& r) {
    return std::make_unique<HtmlReportWriter>(r.maps, r.names.count("portfolio") > 0, r.docs);
}
Writer md_writer(const FormatRequest& r) {
    return std::make_unique<MarkdownReportWriter>(r.names.count("png") > 0, r.docs);
}
Writer png_writer(const FormatRequest& r) { return std::make_unique<PngMapWriter>(r.maps); }
Writer pdf_writer(const FormatRequest& r) { return std::make_unique<PdfReportWriter>(r.maps, true, r.docs); }
Writer run_writer(const FormatRequest&) { return make_run_json_writer(); }

}  // namespace

const std::vector<OutputFormat>& output_formats() {
    // pdf is asked for by name (docs/reports.md): it is in neither group.
    // clang-format off
    static const std::vector<OutputFormat> formats = {
        // {name, description,
        //  files, in data, in all, factory}
        {"jsonl", "one JSON object per site, every figure (for programs)",
         {"sites.jsonl"}, true, true, jsonl_writer},
        {"csv", "one row per site (for spreadsheets)",
         {"summary.csv"}, true, true, csv_writer},
        {"gpkg", "sites, buffers, hits and alternatives (for GIS)",
         {"sites.gpkg"}, false, true, gpkg_writer},
        {"portfolio", "the portfolio page: every site on a map and in a table",
         {"report.html"}, false, true, portfolio_writer},
        {"html", "a report per site, its map embedded",
         {"sites/<id>.html"}, false, true, html_writer},
        {"md", "a report per site in Markdown",
         {"sites/<id>.md"}, false, true, md_writer},
        {"png", "a map per site",
         {"sites/<id>.png"}, false, true, png_writer},
        {"pdf", "the portfolio and per-site reports as A4 PDFs",
         {"report.pdf", "sites/<id>.pdf"}, false, false, pdf_writer},
        {"run", "provenance: version, options, layers and their checksums, counts",
         {"run.json"}, true, true, run_writer},
    };
    // clang-format on
    return formats;
}

std::string output_format_list() {
    std::string out;
    for (const auto& f : output_formats()) out += (out.empty() ? "" : ",") + std::string(f.name);
    return out;
}

std::string output_format_group(const std::string& group, bool outside) {
    std::string out;
    for (const auto& f : output_formats())
        if ((group == "all" ? f.in_all : f.in_data) != outside) out += (out.empty() ? "" : ",") + std::string(f.name);
    return out;
}

std::set<std::string> parse_formats(const std::string& text) {
    std::set<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        const std::string f = text.substr(start, comma - start);
        start = comma + 1;
        if (f.empty()) continue;
        const bool group = f == "all" || f == "data";
        bool known = group;
        for (const auto& k : output_formats()) {
            if ((f == "all" && k.in_all) || (f == "data" && k.in_data)) out.insert(k.name);
            if (f == k.name) known = true;
        }
        if (!known) {
            std::string names = "all, data";
            for (const auto& k : output_formats()) names += ", " + std::string(k.name);
            throw UsageError("--formats: unknown format '" + f + "' (known: " + names + ")");
        }
        if (!group) out.insert(f);
    }
    out.insert("run");  // provenance is never optional
    return out;
}

std::vector<std::unique_ptr<OutputWriter>> make_writers(const std::set<std::string>& names,
                                                        std::ostream* jsonl_stream) {
    // One layout of each site's map serves every writer that shows it.
    const int map_users = int(names.count("png")) + int(names.count("html")) + int(names.count("pdf"));
    // And one report document of each site serves the md, html and pdf writers.
    const int doc_users = int(names.count("md")) + int(names.count("html")) + int(names.count("pdf"));
    const FormatRequest request{names, std::make_shared<SiteMapCache>(map_users),
                                std::make_shared<report::SiteReportDocCache>(doc_users), jsonl_stream};
    std::vector<std::unique_ptr<OutputWriter>> out;
    for (const auto& f : output_formats())
        if (names.count(f.name)) out.push_back(f.make(request));
    return out;
}

// ---------------------------------------------------------------- file names

namespace {

// Decodes one UTF-8 code point at s[i]; returns its length, 0 when invalid.
std::size_t utf8_decode(const std::string& s, std::size_t i, char32_t& cp) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (b < 0x80) {
        cp = b;
        return 1;
    }
    if ((b & 0xE0) == 0xC0)
        n = 2, cp = b & 0x1F;
    else if ((b & 0xF0) == 0xE0)
        n = 3, cp = b & 0x0F;
    else if ((b & 0xF8) == 0xF0)
        n = 4, cp = b & 0x07;
    else
        return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (c & 0x3F);
    }
    // Overlong forms, surrogates and out-of-range values are invalid.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

// Non-ASCII characters that are invisible, break lines, or look like path separators.
bool unsafe_non_ascii(char32_t cp) {
    return cp < 0xA0 || (cp >= 0x200B && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF ||
           cp == 0x2215 || cp == 0x2044 || cp == 0x29F8 || cp == 0xFF0F || cp == 0xFF3C || cp == 0x3000;
}

std::string ascii_lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

std::string safe_file_stem(const std::string& id) {
    constexpr std::size_t kMaxBytes = 120;
    std::string out;
    bool last_replaced = false;
    auto replace = [&] {
        if (!last_replaced) out += '_';
        last_replaced = true;
    };
    for (std::size_t i = 0; i < id.size();) {
        char32_t cp = 0;
        const std::size_t n = utf8_decode(id, i, cp);
        if (n == 0) {
            replace();
            ++i;
            continue;
        }
        const bool keep =
            n == 1 ? (std::isalnum(static_cast<unsigned char>(id[i])) || id[i] == '.' || id[i] == '-' || id[i] == '_')
                   : !unsafe_non_ascii(cp);
        if (keep) {
            if (out.size() + n > kMaxBytes) break;
            out.append(id, i, n);
            last_replaced = false;
        } else {
            if (out.size() + 1 > kMaxBytes) break;
            replace();
        }
        i += n;
    }
    // Not hidden, not option-like, no trailing dots (Windows drops them).
    while (!out.empty() && (out.back() == '.')) out.pop_back();
    if (!out.empty() && (out[0] == '.' || out[0] == '-')) out[0] = '_';
    if (out.empty() || out == "_") return "site";
    // Device names that Windows refuses as file names.
    const std::string base = ascii_lower(out.substr(0, out.find('.')));
    static const std::set<std::string> reserved = {"con",  "prn",  "aux",  "nul",  "com1", "com2", "com3", "com4",
                                                   "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3",
                                                   "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9"};
    if (reserved.count(base)) out = "_" + out;
    return out;
}

const std::string& SiteFileNames::stem(std::size_t index, const std::string& id) {
    if (index == last_index_) return last_stem_;
    std::string s = safe_file_stem(id);
    if (used_.count(ascii_lower(s))) {
        const std::string base = s + "-" + std::to_string(index);
        s = base;
        for (int k = 2; used_.count(ascii_lower(s)); ++k) s = base + "-" + std::to_string(k);
    }
    used_.insert(ascii_lower(s));
    last_index_ = index;
    last_stem_ = std::move(s);
    return last_stem_;
}

std::string url_path_escape(const std::string& file_name) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : file_name) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
            out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

// ---------------------------------------------------------------- reading a result

namespace report {

std::string verdict_level(const SiteResult& r) {
    if (r.site.error) return "error";
    return r.verdict ? level_key(*r.verdict) : "";
}

const std::vector<std::string>& verdict_levels() {
    static const std::vector<std::string> levels = {"no-go", "high", "medium", "low", "not_covered", "", "error"};
    return levels;
}

std::string verdict_label(const std::string& level, const i18n::Catalog& tr) {
    const std::string key = "verdict." + (level.empty() ? std::string("not_assessed") : level);
    if (tr.has(key)) return tr.text(key);
    std::string s = level;  // a level this version does not know: as given, in capitals
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string verdict_coverage_note(const Verdict& v, const i18n::Catalog& tr) {
    if (!partial_coverage(v)) return "";
    return tr.format("report.coverage_note", {{"assessed", std::to_string(v.coverage.assessed)},
                                              {"needed", std::to_string(v.coverage.needed)}});
}

std::string verdict_coverage_note(const SiteResult& r, const i18n::Catalog& tr) {
    return r.verdict && !r.site.error ? verdict_coverage_note(*r.verdict, tr) : "";
}

const char* verdict_colour(const std::string& level) {
    if (level == "no-go") return "#67000d";
    if (level == "high") return "#d7301f";
    if (level == "medium") return "#f0a30a";
    if (level == "low") return "#1a9850";
    if (level == "not_covered") return "#6f7f91";
    if (level == "error") return "#5f5f5f";
    return "#9e9e9e";
}

const char* verdict_text_colour(const std::string& level) { return level == "medium" ? "#1b1b1b" : "#ffffff"; }

std::string site_name(const Site& site) {
    const Json& a = site.attributes;
    if (!a.is_object()) return "";
    static const char* preferred[] = {"name",    "site_name", "sitename",     "名称",       "名字",   "站点名称",
                                      "name_zh", "name_cn",   "station_name", "plant_name", "name_en"};
    for (const char* key : preferred)
        for (auto it = a.begin(); it != a.end(); ++it)
            if (ascii_lower(it.key()) == key && it.value().is_string() && !it.value().get<std::string>().empty())
                return it.value().get<std::string>();
    return "";
}

std::vector<std::pair<std::string, std::string>> criteria_statuses(const SiteAnswer& answer) {
    std::vector<std::pair<std::string, std::string>> out;
    if (answer.criteria)
        for (const CriterionFinding& c : *answer.criteria)
            out.emplace_back(to_string(c.criterion), to_string(c.status));
    return out;
}

std::vector<std::string> demo_layers(const SiteResult& result, i18n::Lang lang) {
    std::vector<std::string> out;
    for (const LayerOutcome& o : result.layers) {
        if (!o.spec || !o.spec->provenance.demo) continue;
        if (!o.vector() && !o.raster()) continue;  // not measured: not in the record
        std::string t = o.spec->title.empty() ? o.spec->id : o.spec->title_for(lang);
        if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
    }
    return out;
}

const LayerSpec* layer_spec(const SiteResult& result, const std::string& id) {
    for (const LayerOutcome& o : result.layers)
        if (o.spec && o.spec->id == id) return o.spec;
    return nullptr;
}

std::string demo_marker(const SiteAnswer& answer) { return demo_marker(answer, i18n::catalog(i18n::Lang::En)); }

std::string demo_marker(const SiteAnswer& answer, const i18n::Catalog& tr) {
    bool screened = answer.demo_layer;
    std::vector<std::string> findings;
    if (answer.criteria)
        for (const CriterionFinding& c : *answer.criteria)
            for (const Evidence& e : c.evidence) {
                if (!e.demo || e.status != CriterionStatus::Met) continue;
                screened = true;
                const std::string& id = e.layer;
                if (!id.empty() && std::find(findings.begin(), findings.end(), id) == findings.end())
                    findings.push_back(id);
            }
    if (!screened) return {};
    if (findings.empty()) return tr.text("portfolio.demo_no_findings");
    std::string list;
    for (std::size_t i = 0; i < findings.size(); ++i) list += (i ? ", " : "") + findings[i];
    return tr.format("portfolio.demo_findings", {{"layers", list}});
}

std::string portfolio_demo_banner(const std::vector<std::string>& layers, const i18n::Catalog& tr) {
    std::string list;
    for (const auto& d : layers) list += (list.empty() ? "" : ", ") + d;
    return list.empty() ? tr.text("portfolio.demo_banner")
                        : tr.format("portfolio.demo_banner_layers", {{"layers", list}});
}

std::string roll_up_text(const Portfolio* portfolio, const i18n::Catalog& tr) {
    if (!portfolio) return "";
    using RollUp = Portfolio::RollUp;
    const RollUp up = portfolio->roll_up();
    const std::string rule = RollUp::kRule;
    std::string t = tr.text("portfolio.rollup");
    t += " (" + tr.text_or("portfolio.rollup_rule." + rule, rule) + ")";
    if (up.level) t += ": " + verdict_label(*up.level, tr);
    t += " — " + tr.text_or("portfolio.rollup_explanation." + rule, RollUp::kExplanation);
    return t;
}

std::vector<LonLat> alternative_locations(const SiteResult& r) {
    std::vector<LonLat> out;
    if (r.alternative)
        for (const AlternativeLocation& a : r.alternative->alternatives) out.push_back(a.at);
    return out;
}

const std::string& feature_label(const VectorFeature& f) { return f.name.empty() ? f.id : f.name; }

std::string radius_label(double r) { return r >= 1000 ? fmt::format("{:g} km", r / 1000) : fmt::format("{:g} m", r); }

std::string format_distance(double m) {
    if (!std::isfinite(m)) return "—";
    if (m < 1000) return fmt::format("{:.0f} m", m);
    if (m < 10000) return fmt::format("{:.1f} km", m / 1000);
    return fmt::format("{:.0f} km", m / 1000);
}

std::string format_area(double m2) {
    if (!std::isfinite(m2)) return "—";
    if (m2 < 1e4) return fmt::format("{:.0f} m²", m2);
    if (m2 < 1e6) return fmt::format("{:.1f} ha", m2 / 1e4);
    const double km2 = m2 / 1e6;
    return fmt::format(km2 < 10 ? "{:.2f} km²" : km2 < 100 ? "{:.1f} km²" : "{:.0f} km²", km2);
}

std::string format_share(double share) {
    if (!std::isfinite(share)) return "—";
    if (share <= 0) return "0 %";
    if (share < 0.001) return "<0.1 %";
    if (share > 0.999 && share < 1) return ">99.9 %";
    return fmt::format("{:.1f} %", share * 100);
}

std::string number_text(double d) {
    if (std::isfinite(d) && std::fabs(d) >= 1e4 && std::fabs(d) < 1e15) return fmt::format("{:.0f}", d);
    return fmt::format("{:.6g}", d);
}

std::string scalar_text(const Json& v) {
    if (v.is_null()) return "—";
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
    if (v.is_number_float()) return number_text(v.get<double>());
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

std::string humanise(const std::string& key) {
    std::string s = key;
    std::replace(s.begin(), s.end(), '_', ' ');
    if (!s.empty() && static_cast<unsigned char>(s[0]) < 0x80) s[0] = static_cast<char>(std::toupper(s[0]));
    return s;
}

const char* html_lang(i18n::Lang lang) { return lang == i18n::Lang::Zh ? "zh-Hans" : "en"; }

std::string html_escape(const std::string& s) {
    // Most texts have nothing to escape (a map's 75 KB data URI never has): one scan, one copy.
    // (Not find_first_of, which looks each character up in the set with a call of its own.)
    std::size_t first = 0;
    for (; first < s.size(); ++first) {
        const char c = s[first];
        if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'') break;
    }
    if (first == s.size()) return s;
    std::string out;
    out.reserve(s.size() + 16);
    out.append(s, 0, first);
    for (char c : std::string_view(s).substr(first)) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string base64(const std::string& bytes) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out((bytes.size() + 2) / 3 * 4, '=');  // sized once, written in place
    char* o = out.data();
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3, o += 4) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
        o[0] = table[v >> 18], o[1] = table[(v >> 12) & 63], o[2] = table[(v >> 6) & 63], o[3] = table[v & 63];
    }
    out.resize(static_cast<std::size_t>(o - out.data()));  // the last one or two bytes follow
    if (i + 1 == bytes.size()) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        const unsigned v =
            (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

namespace {

LayerProvenance provenance_of(const LayerSpec& spec, std::string sha256, i18n::Lang lang) {
    LayerProvenance p;
    p.id = spec.id;
    p.title = spec.title_for(lang);
    p.kind = spec.kind;
    p.criterion = to_string(spec.criterion);
    p.theme = spec.theme;
    p.source = spec.provenance.source;
    p.licence = spec.provenance.licence;
    p.date = spec.provenance.date;
    p.url = spec.provenance.url;
    p.note = spec.provenance.note;
    p.demo = spec.provenance.demo;
    p.sha256 = std::move(sha256);
    return p;
}

}  // namespace

void ProvenanceTable::begin(const RunContext& ctx) {
    rows_.clear();
    filled_ = false;
    lang_ = ctx.options.lang;
    if (!ctx.layers) return;
    const auto& specs = ctx.layers->catalog().layers;
    const auto& sums = ctx.layers->checksums();
    for (std::size_t i = 0; i < specs.size(); ++i)
        rows_.push_back(provenance_of(specs[i], i < sums.size() ? sums[i] : "", ctx.options.lang));
    filled_ = true;
}

std::vector<LayerProvenance> ProvenanceTable::rows(const SiteResult& r) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (filled_ || r.layers.empty()) return rows_;
    for (const LayerOutcome& o : r.layers) {
        if (!o.spec) continue;
        std::string sum;
        try {
            sum = dataset_sha256(o.spec->path);
        } catch (const std::exception&) {
            sum = "";
        }
        rows_.push_back(provenance_of(*o.spec, sum, lang_));
    }
    filled_ = true;
    return rows_;
}

}  // namespace report
}  // namespace sitescreen
