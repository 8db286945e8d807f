// The output formats: their one table and factory, the per-site file names they share, and the
// reading of a site record the reports share.
#pragma once
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "i18n/messages.h"
#include "report/writer.h"

namespace sitescreen {

class SiteMapCache;
namespace report {
class SiteReportDocCache;
}  // namespace report

// What a format's factory is given by make_writers().
struct FormatRequest {
    const std::set<std::string>& names;                // every format of the run (md shows png's maps, ...)
    std::shared_ptr<SiteMapCache> maps;                // one layout of each site's map, for png, html and pdf
    std::shared_ptr<report::SiteReportDocCache> docs;  // one report document of each site, for md, html and pdf
    std::ostream* jsonl_stream;                        // --out -: JSON Lines to this stream, not sites.jsonl
};

// Every output format: the one table of their names (docs/output.md, docs/cli.md). A new
// format is one OutputWriter and one row. The order is --help's and the writers' (each site is
// written, and the run finished, in this order: run.json last, once every other file is in
// place). `data` and `all` say which of the two group names include it (`all` is the default of
// --formats; "run", the provenance record, is always written).
struct OutputFormat {
    const char* name;
    const char* description;  // one line, for --help
    // What it writes in the output folder: "sites.jsonl", "sites/<id>.html" (one per site).
    std::vector<std::string> files;
    bool in_data;
    bool in_all;
    std::unique_ptr<OutputWriter> (*make)(const FormatRequest&);
};
const std::vector<OutputFormat>& output_formats();

// "jsonl,csv,gpkg,..." in the table's order.
std::string output_format_list();
// The names of one group ("data", "all") in the table's order, comma-separated; the formats
// outside it with `outside`.
std::string output_format_group(const std::string& group, bool outside = false);

// The formats a --formats text asks for: names and the groups `data` and `all`,
// comma-separated; "run" is always added. Throws UsageError naming an unknown one.
std::set<std::string> parse_formats(const std::string& text);

// The writers of the formats named, in the table's order (unknown names are ignored). Writers
// that share work (the map of png, html and pdf) share it through the factory.
std::vector<std::unique_ptr<OutputWriter>> make_writers(const std::set<std::string>& names,
                                                        std::ostream* jsonl_stream = nullptr);

// ---------------------------------------------------------------- file names

// A file-name stem for a site id: CJK and other non-ASCII letters kept, path
// separators, control and shell-hostile characters replaced with '_', at most
// 120 bytes (cut on a character boundary); "site" for an empty id.
std::string safe_file_stem(const std::string& id);

// Stems for sites/<stem>.{md,html,png}, unique within a run: the first site
// with a stem keeps it, a later one (a duplicate id, or ids that differ only
// in replaced characters or letter case) gets "-<index>" appended. Every
// writer keeps its own instance; they agree because they see the sites in the
// same (input) order.
class SiteFileNames {
public:
    const std::string& stem(std::size_t index, const std::string& id);

private:
    std::set<std::string> used_;  // lower-cased stems
    std::size_t last_index_ = static_cast<std::size_t>(-1);
    std::string last_stem_;
};

// A relative URL for a file name (percent-encodes what a URL path may not hold).
std::string url_path_escape(const std::string& file_name);

// ---------------------------------------------------------------- reading a result

namespace report {

// "no-go", "high", "medium", "low"; "error" for error rows; "" when not assessed.
std::string verdict_level(const SiteResult& r);
// Verdict levels in display order (counts, legends): worst first, then not assessed and errors.
const std::vector<std::string>& verdict_levels();
// "NO-GO", "HIGH", ..., "NOT ASSESSED" (verdict.<level> of the catalog; English without one).
std::string verdict_label(const std::string& level, const i18n::Catalog& tr = i18n::catalog(i18n::Lang::En));
// " (3 of 5 criteria assessed)" for a low verdict with criteria the profile needs not assessed, else "",
// in the catalog's language (report.coverage_note) where verdict.coverage gives the counts. Every
// output that shows the level shows it: reports, map badge, PDF, sites.gpkg (docs/output.md).
std::string verdict_coverage_note(const Verdict& v, const i18n::Catalog& tr = i18n::catalog(i18n::Lang::En));
// The same for a result: "" for an error row or a site not assessed.
std::string verdict_coverage_note(const SiteResult& r, const i18n::Catalog& tr = i18n::catalog(i18n::Lang::En));
const char* verdict_colour(const std::string& level);       // "#rrggbb"
const char* verdict_text_colour(const std::string& level);  // readable on verdict_colour

// The site's name from its attributes (name, Name, site_name, 名称, ...), or "".
std::string site_name(const Site& site);

// The TNFD criteria of Locate L4 as (name, status) in kTnfdCriteria order; status "met", "not_met"
// or "not_assessed". Empty for a site without an assessment.
std::vector<std::pair<std::string, std::string>> criteria_statuses(const SiteAnswer& answer);

// Titles of the demonstration layers measured for this site ("" entries skipped), in `lang` (the
// catalog's title_zh ...), for the reports people read.
std::vector<std::string> demo_layers(const SiteResult& result, i18n::Lang lang);

// The catalog entry of one of a result's layers, by layer id; nullptr when it has none.
const LayerSpec* layer_spec(const SiteResult& result, const std::string& id);

// The demonstration marker: every output a finding can travel in (summary.csv,
// sites.gpkg, report.html, run.json, the closing line) carries it.
inline constexpr const char* kDemoMarker = "DEMO";
// The site's demonstration-data cell: "" when no demonstration layer was
// screened; "DEMO findings: <layer ids>" when a demonstration layer decided a
// finding (evidence "met"); else "DEMO layers screened, no finding from them". The layers
// screened and the findings are the typed answer's (SiteAnswer::demo_layer, the L4 criteria).
std::string demo_marker(const SiteAnswer& answer);
// The same cell in the words of `tr` (portfolio.demo_findings / demo_no_findings; the English
// catalog gives the texts above, byte for byte).
std::string demo_marker(const SiteAnswer& answer, const i18n::Catalog& tr);

// The portfolio's demonstration banner (report.html, report.pdf), naming `layers`.
std::string portfolio_demo_banner(const std::vector<std::string>& layers,
                                  const i18n::Catalog& tr = i18n::catalog(i18n::Lang::En));
// "Portfolio roll-up (rule): LEVEL — explanation", as run.json's portfolio.roll_up states it; "" without
// a portfolio.
std::string roll_up_text(const Portfolio* portfolio, const i18n::Catalog& tr = i18n::catalog(i18n::Lang::En));

// Every location the avoidance search found, ranked (the first is the record's answer); empty when
// it found none or did not run.
std::vector<LonLat> alternative_locations(const SiteResult& r);

// A feature as reports and maps name it: its name, else its id.
const std::string& feature_label(const VectorFeature& f);
// "350 m", "1.2 km", "48 km"
std::string format_distance(double metres);
// A buffer's radius as its heading names it: "500 m", "1 km", "2.5 km" (shortest exact form).
std::string radius_label(double metres);
// "0.35 km²", "1,234 ha" style: m² below 1 ha, ha below 1 km², else km².
std::string format_area(double m2);
// "12.5 %", "<0.1 %", "0 %"
std::string format_share(double share);
// A figure as the report's generic fields write it: whole from 10,000 up ("435000"), else six
// significant digits without trailing zeros ("2.9", "0.437").
std::string number_text(double d);
// A JSON scalar as text (numbers as number_text, null as "—").
std::string scalar_text(const Json& v);
// "biodiversity_importance" -> "Biodiversity importance"
std::string humanise(const std::string& key);

std::string html_escape(const std::string& s);
// The HTML lang attribute of a language: "en", "zh-Hans" (the catalogs are Simplified Chinese).
const char* html_lang(i18n::Lang lang);
std::string base64(const std::string& bytes);

// One layer's provenance row, for the per-site reports and the portfolio page.
struct LayerProvenance {
    std::string id, title, kind, criterion, theme, source, licence, date, url, sha256, note;
    bool demo = false;
};

// Provenance of the run's layers: from ctx.layers (catalog and checksums)
// when the run has them, else from the first site's layer specs, checksums
// computed once per layer. rows() is thread-safe (writers call it on the
// screening threads); begin() is not.
class ProvenanceTable {
public:
    void begin(const RunContext& ctx);
    std::vector<LayerProvenance> rows(const SiteResult& r);  // filled on first use; a copy

private:
    std::mutex mutex_;
    std::vector<LayerProvenance> rows_;
    i18n::Lang lang_ = i18n::Lang::En;  // the titles' language
    bool filled_ = false;
};

}  // namespace report
}  // namespace sitescreen
