// Per-site LEAP screening report: its content as a small document model (shared
// with the HTML report) and its Markdown rendering, DIR/sites/<stem>.md.
#pragma once
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
// (a file name or a data URI; "" for none).
SiteReportDoc site_report_doc(const SiteResult& result, const RunContext& ctx,
                              const std::vector<LayerProvenance>& provenance, const std::string& map_source);

// A JSON value on one line (for table cells: the site's attributes, sites.gpkg's text columns);
// field names from the catalog's field.<key> (else humanise(key)).
std::string inline_text(const Json& value, const i18n::Catalog& tr = i18n::catalog(i18n::Lang::En));
// A Markdown code span holding `text` literally, whatever backticks, pipes or line breaks it has.
std::string md_code(const std::string& text);

}  // namespace report

std::string markdown_site_report(const report::SiteReportDoc& doc);

class MarkdownReportWriter : public OutputWriter {
public:
    // `with_map`: the png format is written too, so the report shows <stem>.png.
    explicit MarkdownReportWriter(bool with_map);
    // The text is built on the screening threads (the plan's prepare) and written in order.
    WriterPlan begin(const RunContext& ctx) override;
    void write(const SiteOutput& site) override;
    void finish(const RunSummary& run) override;
    void abort() noexcept override;

private:
    std::string report_text(const SiteResult& result, const std::string& stem) const;
    bool with_map_;
    RunContext ctx_;
    std::string dir_;
    SiteFileNames names_;
    mutable report::ProvenanceTable provenance_;
};

}  // namespace sitescreen
