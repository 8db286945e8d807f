// Per-site LEAP report as one self-contained HTML page (inline styles, map as a data URI).
#include "report/html_report.h"

#include <filesystem>

#include "io/atomic_file.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

using report::Block;
using report::html_escape;
using Kind = Block::Kind;

// How the map is embedded: a data URI of the PNG in base64.
constexpr const char* kPngDataUri = "data:image/png;base64,";

constexpr const char* kStyle = R"CSS(
:root { --ink:#1b1b1b; --muted:#5a5a5a; --line:#d9d9d9; }
* { box-sizing: border-box; }
body { margin:0; color:var(--ink); background:#eef0f2;
  font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;
  font-size:15px; line-height:1.45; }
.banner { background:#b30000; color:#fff; padding:12px 28px; font-weight:700; font-size:16px; }
main { max-width:1180px; margin:0 auto; padding:14px 28px 48px; background:#fff; }
.crumbs { margin:0 0 4px; font-size:13px; }
a { color:#08519c; }
h1 { font-size:28px; margin:8px 0 10px; }
h2 { font-size:21px; margin:30px 0 8px; padding-bottom:4px; border-bottom:2px solid var(--line); }
h3 { font-size:17px; margin:20px 0 6px; }
h4 { font-size:15px; margin:14px 0 4px; }
.verdict { border-left:12px solid; background:#f7f7f7; padding:12px 18px; margin:6px 0 16px; }
.verdict .label { display:inline-block; font-size:26px; font-weight:800; padding:2px 14px; border-radius:4px; letter-spacing:.02em; }
.verdict ul { margin:10px 0 2px; padding-left:22px; }
nav.toc { font-size:14px; margin:0 0 12px; }
nav.toc a { margin-right:14px; }
table { border-collapse:collapse; width:100%; margin:6px 0 16px; font-size:14px; }
th, td { border:1px solid var(--line); padding:5px 8px; text-align:left; vertical-align:top; }
thead th { background:#f0f2f4; }
table.kv th { width:210px; background:#fafafa; font-weight:600; }
td.num { text-align:right; white-space:nowrap; }
td.mono, .mono { font-family:"DejaVu Sans Mono",ui-monospace,monospace; font-size:12px; word-break:break-all; }
td.met, td.alert { background:#fde0dc; font-weight:700; }
td.not_met { color:#1d6b37; }
td.not_assessed { color:var(--muted); font-style:italic; }
.note { color:var(--muted); font-size:13px; margin:4px 0 8px; }
figure { margin:10px 0 18px; }
figure img { max-width:100%; height:auto; border:1px solid var(--line); }
figcaption { color:var(--muted); font-size:13px; }
@media print { body { background:#fff; } main { padding:0; } .banner { -webkit-print-color-adjust:exact; print-color-adjust:exact; } }
)CSS";

std::string cell_html(const report::Cell& c, const char* element) {
    std::string cls = c.tag;
    std::string s = std::string("<") + element + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">";
    std::string t = html_escape(c.text);
    if (!c.lines.empty()) {
        t.clear();
        for (const auto& l : c.lines) t += (t.empty() ? "" : "<br>") + html_escape(l);
    }
    if (c.strong && !t.empty()) t = "<strong>" + t + "</strong>";
    return s + t + "</" + element + ">";
}

}  // namespace

std::string html_site_report(const report::SiteReportDoc& doc, bool portfolio_link) {
    std::string s;
    s += std::string("<!DOCTYPE html>\n<html lang=\"") + report::html_lang(doc.lang) +
         "\">\n<head>\n<meta charset=\"utf-8\">\n";
    s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    s += "<title>" + html_escape(doc.title + " — " + report::verdict_label(doc.level, i18n::catalog(doc.lang))) +
         "</title>\n";
    s += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";

    std::size_t i = 0;
    // The banner goes before everything else, outside the main column.
    for (; i < doc.blocks.size() && doc.blocks[i].kind == Kind::Banner; ++i)
        s += "<div class=\"banner\" role=\"alert\">⚠ " + html_escape(doc.blocks[i].text) + "</div>\n";
    s += "<main>\n";
    if (portfolio_link)
        s += "<p class=\"crumbs\"><a href=\"../report.html\">← " +
             html_escape(i18n::catalog(doc.lang).text("report.portfolio_link")) + "</a></p>\n";

    for (; i < doc.blocks.size(); ++i) {
        const Block& b = doc.blocks[i];
        switch (b.kind) {
            case Kind::Banner:
                s += "<div class=\"banner\" role=\"alert\">⚠ " + html_escape(b.text) + "</div>\n";
                break;
            case Kind::Heading: {
                const std::string h = "h" + std::to_string(b.level);
                s += "<" + h + (b.tag.empty() ? "" : " id=\"" + html_escape(b.tag) + "\"") + ">" + html_escape(b.text) +
                     "</" + h + ">\n";
                break;
            }
            case Kind::Verdict: {
                s += "<section class=\"verdict\" style=\"border-color:" + std::string(report::verdict_colour(b.tag)) +
                     "\">\n<span class=\"label\" style=\"background:" + report::verdict_colour(b.tag) +
                     ";color:" + report::verdict_text_colour(b.tag) + "\">" + html_escape(b.text) + "</span>\n";
                if (!b.items.empty()) {
                    s += "<ul>\n";
                    for (const auto& r : b.items) s += "<li>" + html_escape(r) + "</li>\n";
                    s += "</ul>\n";
                }
                s += "</section>\n";
                // Section links under the verdict.
                std::string toc;
                for (const Block& h : doc.blocks)
                    if (h.kind == Kind::Heading && h.level == 2 && !h.tag.empty())
                        toc += "<a href=\"#" + html_escape(h.tag) + "\">" + html_escape(h.text) + "</a>";
                if (!toc.empty()) s += "<nav class=\"toc\">" + toc + "</nav>\n";
                break;
            }
            case Kind::Paragraph:
                s += "<p>" + html_escape(b.text) + "</p>\n";
                break;
            case Kind::Note:
                s += "<p class=\"note\">" + html_escape(b.text) + "</p>\n";
                break;
            case Kind::Bullets:
                s += "<ul>\n";
                for (const auto& it : b.items) s += "<li>" + html_escape(it) + "</li>\n";
                s += "</ul>\n";
                break;
            case Kind::KeyValues:
                s += "<table class=\"kv\">\n";
                for (const auto& row : b.rows) {
                    s += "<tr>" + cell_html(report::Cell{row[0].text}, "th");
                    s += row.size() > 1 ? cell_html(row[1], "td") : "<td></td>";
                    s += "</tr>\n";
                }
                s += "</table>\n";
                break;
            case Kind::Table:
                s += "<table>\n<thead><tr>";
                for (const auto& h : b.header) s += "<th>" + html_escape(h) + "</th>";
                s += "</tr></thead>\n<tbody>\n";
                for (const auto& row : b.rows) {
                    s += "<tr>";
                    for (const auto& c : row) s += cell_html(c, "td");
                    s += "</tr>\n";
                }
                s += "</tbody>\n</table>\n";
                break;
            case Kind::Image:
                if (b.text.empty()) break;  // no map for this report (SiteReportDocCache)
                // Appended piece by piece: the source is the map's data URI, tens of kilobytes.
                s += "<figure><img src=\"";
                // The map's data URI (render_site) is base64, which has no character to escape.
                if (b.text.rfind(kPngDataUri, 0) == 0)
                    s += b.text;
                else
                    s += html_escape(b.text);
                s += "\" alt=\"";
                s += html_escape(b.items.empty() ? "" : b.items[0]);
                s += "\">";
                if (b.items.size() > 1) s += "<figcaption>" + html_escape(b.items[1]) + "</figcaption>";
                s += "</figure>\n";
                break;
        }
    }
    s += "</main>\n</body>\n</html>\n";
    return s;
}

HtmlReportWriter::HtmlReportWriter(std::shared_ptr<SiteMapCache> maps, bool portfolio_link,
                                   std::shared_ptr<report::SiteReportDocCache> docs)
    : maps_(maps ? std::move(maps) : std::make_shared<SiteMapCache>()),
      docs_(docs ? std::move(docs) : std::make_shared<report::SiteReportDocCache>()),
      portfolio_link_(portfolio_link) {}

WriterPlan HtmlReportWriter::begin(const RunContext& ctx) {
    ctx_ = ctx;
    // No output folder (sitescreen serve, POST /v1/report): pages are rendered, never written.
    if (!ctx.out_dir.empty()) {
        dir_ = (fs::path(ctx.out_dir) / "sites").string();
        fs::create_directories(dir_);
    }
    provenance_.begin(ctx);
    maps_->begin(ctx);
    WriterPlan plan;  // the page is made in prepare(); write() needs only the site's name
    plan.prepare = [this](const SiteOutput& s) { return render_site(*s.result); };
    return plan;
}

std::string HtmlReportWriter::render_site(const SiteResult& result) const {
    std::string map;
    const SiteMapImage& img = maps_->get(result);
    if (!img.png.empty()) map = kPngDataUri + report::base64(img.png);
    return html_site_report(docs_->get(
                                result, ctx_, [&] { return provenance_.rows(result); }, std::move(map)),
                            portfolio_link_);
}

void HtmlReportWriter::write(const SiteOutput& s) {
    const std::string& stem = names_.stem(s.site.index, s.site.id);
    AtomicFile f((fs::path(dir_) / (stem + ".html")).string(), true, Durability::AtFolderSync);
    f.stream() << s.prepared;
    f.commit();
}

void HtmlReportWriter::finish(const RunSummary&) {
    if (!dir_.empty()) sync_folder(dir_);  // the per-site files (Durability::AtFolderSync)
}
void HtmlReportWriter::abort() noexcept {}

}  // namespace sitescreen
