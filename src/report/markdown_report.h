// Per-site LEAP screening report: its content as a small document model (shared
// with the HTML report) and its Markdown rendering, DIR/sites/<stem>.md.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "i18n/messages.h"
#include "report/formats.h"
#include "report/writer.h"

namespace sitescreen {

namespace report {

// Plain text everywhere: renderers escape.
struct Cell {
    Cell() = default;
    Cell(std::string text_, std::string tag_ = "", bool strong_ = false)  // NOLINT: implicit from text
        : text(std::move(text_)), tag(std::move(tag_)), strong(strong_) {}
    std::string text;
    std::vector<std::string> lines;  // several lines in one cell (evidence), instead of text
    std::string tag;  // a class for styling: "met", "not_met", "not_assessed" (criteria), "alert", "num", "mono"
    bool strong = false;
};

struct Block {
    enum class Kind { Banner, Heading, Verdict, Paragraph, Note, Bullets, Table, KeyValues, Image };
    Kind kind = Kind::Paragraph;
    int level = 2;                        // Heading: 1..4
    std::string text;                     // Banner, Heading, Paragraph, Note; Verdict: label; Image: source
    std::string tag;                      // Verdict: level; Heading: an anchor id
    std::vector<std::string> items;       // Bullets; Verdict: reasons; Image: {alt, caption}
    std::vector<std::string> header;      // Table
    std::vector<std::vector<Cell>> rows;  // Table; KeyValues: {key, value}
};

// Built in the run's language (ctx.options.lang): every renderer (Markdown, HTML, PDF) prints its
// texts as they are and takes the document's language for its own markup (html lang).
struct SiteReportDoc {
    i18n::Lang lang = i18n::Lang::En;
    std::string title;
    std::string level;  // verdict level
    std::vector<Block> blocks;
};

// The report of one site: a demonstration banner first when any demonstration
// layer was used, then identity, verdict, map, Locate, Evaluate, mitigation,
// alternative, attributes and provenance. `map_source` is the image reference
// (a file name or a data URI; "" for none: no Image block).
SiteReportDoc site_report_doc(const SiteResult& result, const RunContext& ctx,
                              const std::vector<LayerProvenance>& provenance, const std::string& map_source);

// The report document of the site being rendered, so that the Markdown, HTML and PDF writers
// build it once (as SiteMapCache lays out the map once). Thread-safe: each thread keeps its own
// last site, keyed by this cache's serial number and the site's index and id; after `users`
// calls (one per writer that shares the cache) the site's document is built again, so that it
// never outlives the result it was made from.
class SiteReportDocCache {
public:
    explicit SiteReportDocCache(int users = 1);
    // The document of `result` (site_report_doc, with `provenance()`'s rows on the first call for
    // the site), its Image block pointing at `map_source`: "" leaves the block without a source,
    // which every renderer skips. Valid until this thread's next call.
    const SiteReportDoc& get(const SiteResult& result, const RunContext& ctx,
                             const std::function<std::vector<LayerProvenance>()>& provenance, std::string map_source);

private:
    std::uint64_t serial_;
    int users_;
};

// A JSON value on one line (for table cells: the site's attributes, sites.gpkg's text columns);
// field names from the catalog's field.<key> (else humanise(key)).
std::string inline_text(const Json& value, const i18n::Catalog& tr = i18n::catalog(i18n::Lang::En));
// A Markdown code span holding `text` literally, whatever backticks, pipes or line breaks it has.
std::string md_code(const std::string& text);

}  // namespace report

std::string markdown_site_report(const report::SiteReportDoc& doc);

class MarkdownReportWriter : public OutputWriter {
public:
    // `with_map`: the png format is written too, so the report shows <stem>.png; `docs`: the
    // report documents, shared with the html and pdf writers (null: built here).
    explicit MarkdownReportWriter(bool with_map, std::shared_ptr<report::SiteReportDocCache> docs = nullptr);
    // The text is built on the screening threads (the plan's prepare) and written in order.
    WriterPlan begin(const RunContext& ctx) override;
    void write(const SiteOutput& site) override;
    void finish(const RunSummary& run) override;
    void abort() noexcept override;

private:
    std::string report_text(const SiteResult& result, const std::string& stem) const;
    bool with_map_;
    std::shared_ptr<report::SiteReportDocCache> docs_;
    RunContext ctx_;
    std::string dir_;
    SiteFileNames names_;
    mutable report::ProvenanceTable provenance_;
};

}  // namespace sitescreen
