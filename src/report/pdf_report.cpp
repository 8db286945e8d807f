// PDF reports per site and for the portfolio, rendered from the same document as the HTML.
#include "report/pdf_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "io/atomic_file.h"
#include "report/markdown_report.h"
#include "report/tnfd_table.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

// What the Image block of the document points at: the PDF draws the map itself.
constexpr const char* kMapSource = "vector map";

// `map`: null when the document has no Image block with a source (the map is not drawn).
std::vector<pdf::Page> site_pages(const report::SiteReportDoc& doc, const SiteMapDrawing* map, std::string& title) {
    title = doc.title + " — " + report::verdict_label(doc.level);
    // One layout at a time: two threads laying out pages at once (Pango 1.50, HarfBuzz, cairo
    // 1.16) now and then break a line of the same text at another glyph, so that the same input
    // gave different PDFs from run to run on two threads (never on one). Replaying the laid-out
    // pages into the PDF (pdf_of) stays parallel.
    static std::mutex layout_mutex;
    const std::lock_guard<std::mutex> lock(layout_mutex);
    pdf::PageWriter pages(doc.title);
    pages.document(doc, map);
    return pages.take_pages();
}

std::string pdf_of(const std::vector<pdf::Page>& pages, const std::string& title) {
    std::vector<const pdf::Page*> refs;
    for (const auto& p : pages) refs.push_back(&p);
    return pdf::write_pdf(refs, title);
}

}  // namespace

std::string pdf_site_report(const SiteResult& result, const RunContext& ctx,
                            const std::vector<report::LayerProvenance>& provenance, const SiteMapDrawing* map) {
    const bool with_map = map && !map->empty();
    const report::SiteReportDoc doc = report::site_report_doc(result, ctx, provenance, with_map ? kMapSource : "");
    std::string title;
    const std::vector<pdf::Page> pages = site_pages(doc, with_map ? map : nullptr, title);
    return pdf_of(pages, title);
}

PdfReportWriter::PdfReportWriter(std::shared_ptr<SiteMapCache> maps, bool portfolio,
                                 std::shared_ptr<report::SiteReportDocCache> docs)
    : maps_(maps ? std::move(maps) : std::make_shared<SiteMapCache>()),
      docs_(docs ? std::move(docs) : std::make_shared<report::SiteReportDocCache>()),
      portfolio_(portfolio) {}

PdfReportWriter::~PdfReportWriter() = default;

WriterPlan PdfReportWriter::begin(const RunContext& ctx) {
    ctx_ = ctx;
    dir_ = (fs::path(ctx.out_dir) / "sites").string();
    fs::create_directories(dir_);
    provenance_.begin(ctx);
    maps_->begin(ctx);
    rows_.clear();
    if (portfolio_) {
        portfolio_file_ = std::make_unique<AtomicFile>((fs::path(ctx.out_dir) / "report.pdf").string());
        portfolio_pdf_ = std::make_unique<pdf::PdfStream>(
            portfolio_file_->stream(), i18n::catalog(ctx.options.lang).text("portfolio.pdf.document"));
    }
    WriterPlan plan;
    plan.reads_result = true;
    plan.prepare = [this](const SiteOutput& s) { return render_site(*s.result); };
    return plan;
}

std::string PdfReportWriter::render_site(const SiteResult& result) const {
    const SiteMapDrawing& map = maps_->drawing(result);
    const bool with_map = !map.empty();
    const report::SiteReportDoc& doc = docs_->get(
        result, ctx_, [&] { return provenance_.rows(result); }, with_map ? kMapSource : "");
    std::string title;
    std::vector<pdf::Page> pages = site_pages(doc, with_map ? &map : nullptr, title);
    std::string out = pdf_of(pages, title);
    if (portfolio_) {
        std::lock_guard<std::mutex> lock(pending_mutex_);
        pending_[result.site.index] = std::move(pages);
    }
    return out;
}

void PdfReportWriter::write(const SiteOutput& s) {
    const SiteResult& result = *s.result;
    const std::string& pdf = s.prepared;
    const std::string& stem = names_.stem(result.site.index, result.site.id);
    {
        AtomicFile f((fs::path(dir_) / (stem + ".pdf")).string(), true, Durability::AtFolderSync);
        f.stream().write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
        f.commit();
    }
    if (!portfolio_) return;
    std::vector<pdf::Page> pages;
    {
        std::lock_guard<std::mutex> lock(pending_mutex_);
        auto it = pending_.find(result.site.index);
        if (it != pending_.end()) {
            pages = std::move(it->second);
            pending_.erase(it);
        }
    }
    Row row;
    row.id = result.site.id;
    row.name = report::site_name(result.site);
    row.type = result.site.type;
    row.verdict = report::verdict_level(result);
    row.verdict_note = report::verdict_coverage_note(result, i18n::catalog(ctx_.options.lang));
    row.first_page = portfolio_pdf_->pages();
    for (const auto& [criterion, status] : report::criteria_statuses(s.answer)) {
        if (!criterion_counts_.count(criterion)) criteria_order_.push_back(criterion);
        ++criterion_counts_[criterion][status];
        row.criteria_met += status == "met";
    }
    for (const auto& d : report::demo_layers(result, ctx_.options.lang))
        if (std::find(demo_titles_.begin(), demo_titles_.end(), d) == demo_titles_.end()) demo_titles_.push_back(d);
    for (const auto& p : pages) portfolio_pdf_->add(p);
    rows_.push_back(std::move(row));
}

std::vector<pdf::Page> PdfReportWriter::front_pages(const Portfolio* portfolio, std::size_t front_count) {
    using report::Block;
    using report::Cell;
    using Kind = Block::Kind;
    report::SiteReportDoc doc;
    auto add = [&](Kind kind, std::string text, int level = 2) {
        Block b;
        b.kind = kind;
        b.text = std::move(text);
        b.level = level;
        doc.blocks.push_back(std::move(b));
        return &doc.blocks.back();
    };
    std::vector<std::string> demo = demo_titles_;
    for (const auto& p : provenance_.rows(SiteResult{}))
        if (p.demo && std::find(demo.begin(), demo.end(), p.title.empty() ? p.id : p.title) == demo.end())
            demo.push_back(p.title.empty() ? p.id : p.title);
    const i18n::Catalog& tr = i18n::catalog(ctx_.options.lang);
    const std::size_t layers = provenance_.rows(SiteResult{}).size();
    if (!demo.empty() || ctx_.any_demo) add(Kind::Banner, report::portfolio_demo_banner(demo, tr));
    add(Kind::Heading,
        tr.format(rows_.size() == 1 ? "portfolio.heading_one" : "portfolio.heading",
                  {{"count", std::to_string(rows_.size())}}),
        1);
    add(Kind::Note, tr.format(layers == 1 ? "portfolio.sub_one" : "portfolio.sub",
                              {{"version", ctx_.tool_version}, {"layers", std::to_string(layers)}, {"demo", ""}}));

    add(Kind::Heading, tr.text("portfolio.verdicts"));
    std::map<std::string, std::size_t> by_level;
    for (const Row& r : rows_) ++by_level[r.verdict];
    Block* verdicts = add(Kind::Table, "");
    verdicts->header = {tr.text("portfolio.column.verdict"), tr.text("portfolio.pdf.sites_count")};
    for (const auto& l : report::verdict_levels()) {
        const auto it = by_level.find(l);
        if (it == by_level.end() && (l.empty() || l == "error" || l == "not_covered")) continue;
        verdicts->rows.push_back({Cell{report::verdict_label(l, tr), l == "no-go" || l == "high" ? "alert" : ""},
                                  Cell{std::to_string(it == by_level.end() ? 0 : it->second), "num"}});
    }
    if (const std::string t = report::roll_up_text(portfolio, tr); !t.empty()) add(Kind::Paragraph, t);
    if (!criteria_order_.empty()) {
        add(Kind::Heading, tr.text("portfolio.criteria.heading"));
        Block* crit = add(Kind::Table, "");
        crit->header = {tr.text("portfolio.pdf.criterion"), tr.text("portfolio.criteria.met"),
                        tr.text("portfolio.criteria.not_met"), tr.text("portfolio.criteria.not_assessed")};
        for (const auto& c : criteria_order_) {
            auto& counts = criterion_counts_[c];
            crit->rows.push_back({Cell{tr.text_or("criterion." + c, report::humanise(c)), "", true},
                                  Cell{std::to_string(counts["met"]), "num"},
                                  Cell{std::to_string(counts["not_met"]), "num"},
                                  Cell{std::to_string(counts["not_assessed"]), "num"}});
        }
    }
    // The TNFD disclosure table, as report.html shows it, from the typed portfolio (Portfolio::tnfd()).
    for (Block& b : report::tnfd_table_blocks(portfolio, tr)) doc.blocks.push_back(std::move(b));
    add(Kind::Heading, tr.text("portfolio.sites"));
    add(Kind::Note, tr.text("portfolio.pdf.sites_note"));
    Block* sites = add(Kind::Table, "");
    sites->header = {tr.text("portfolio.pdf.number"),     tr.text("portfolio.column.site_id"),
                     tr.text("portfolio.column.name"),    tr.text("portfolio.column.type"),
                     tr.text("portfolio.column.verdict"), tr.text("portfolio.column.criteria_met"),
                     tr.text("portfolio.pdf.start_page")};
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        const Row& r = rows_[i];
        sites->rows.push_back({Cell{std::to_string(i + 1), "num"}, Cell{r.id}, Cell{r.name},
                               Cell{i18n::catalog(ctx_.options.lang).text_or("site_type." + r.type, r.type)},
                               Cell{report::verdict_label(r.verdict, tr) + r.verdict_note,
                                    r.verdict == "no-go" || r.verdict == "high" ? "alert" : ""},
                               Cell{std::to_string(r.criteria_met), "num"},
                               Cell{std::to_string(front_count + r.first_page + 1), "num"}});
    }
    pdf::PageWriter pages(tr.text("portfolio.pdf.footer"));
    pages.document(doc, nullptr);
    return pages.take_pages();
}

void PdfReportWriter::finish(const RunSummary& run) {
    if (!dir_.empty()) sync_folder(dir_);  // the per-site PDFs (Durability::AtFolderSync)
    if (!portfolio_) return;
    // The page numbers in the site table depend on how many pages the front
    // matter takes, which they hardly change: lay it out until it is stable.
    std::vector<pdf::Page> front = front_pages(run.portfolio, 0);
    for (int pass = 0; pass < 3; ++pass) {
        std::vector<pdf::Page> again = front_pages(run.portfolio, front.size());
        const bool stable = again.size() == front.size();
        front = std::move(again);
        if (stable) break;
    }
    for (const auto& p : front) portfolio_pdf_->add(p);
    portfolio_pdf_->finish();
    portfolio_file_->stream().flush();
    // cairo writes pages in the order they come; the front matter, made last, goes first.
    pdf::move_last_pages_first(portfolio_file_->temp_path(), front.size());
    portfolio_file_->commit();
    portfolio_pdf_.reset();
    portfolio_file_.reset();
}

void PdfReportWriter::abort() noexcept {
    portfolio_pdf_.reset();
    if (portfolio_file_) portfolio_file_->discard();
    portfolio_file_.reset();
}

}  // namespace sitescreen
