// Per-site LEAP report in Markdown: the document model (site_report_doc.cpp) written out.
#include "report/markdown_report.h"

#include <cctype>
#include <filesystem>

#include "i18n/messages.h"
#include "io/atomic_file.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace report {
namespace {

// Escapes what Markdown would read as markup; intraword underscores (layer ids
// such as red_line) are left alone, as CommonMark does not treat them as emphasis.
std::string md_escape(const std::string& s) {
    auto word = [&](std::size_t i) {
        if (i >= s.size()) return false;
        const auto c = static_cast<unsigned char>(s[i]);
        return c >= 0x80 || std::isalnum(c);
    };
    // `]` that would end a link's text ("](", "][") or, at the start, a reference definition
    // ("[x]: url"); `[demo layer]` alone stays as it is.
    auto link_end = [&](std::size_t i) {
        if (s[i] != ']' || i + 1 >= s.size()) return false;
        const char n = s[i + 1];
        return n == '(' || n == '[' || (n == ':' && !s.empty() && s[0] == '[');
    };
    // `&` that starts an entity or character reference (`&lt;`, `&#60;`).
    auto entity = [&](std::size_t i) {
        if (s[i] != '&') return false;
        std::size_t j = i + 1;
        if (j < s.size() && s[j] == '#') ++j;
        const std::size_t start = j;
        while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
        return j > start && j < s.size() && s[j] == ';';
    };
    // Most texts (names, figures, sentences) hold none of the characters that may need it.
    if (s.find_first_of("\n\r\\`*|<]&_#>-+") == std::string::npos) return s;
    std::string out;
    out.reserve(s.size() + 8);
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\n' || c == '\r') {
            out += ' ';
            continue;
        }
        const bool escape = c == '\\' || c == '`' || c == '*' || c == '|' || c == '<' || link_end(i) || entity(i) ||
                            (c == '_' && !(i > 0 && word(i - 1) && word(i + 1))) ||
                            ((c == '#' || c == '>' || c == '-' || c == '+') && i == 0);
        if (escape) out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

// A code span that holds for any content: the fence is one backtick longer than the longest run
// of backticks inside, padded with a space when the content starts or ends with a backtick or a
// space (CommonMark strips one such space from each side); line breaks become spaces and `|` is
// escaped, which GFM tables honour inside code spans too.
std::string md_code(const std::string& s) {
    std::string body;
    std::size_t run = 0, longest = 0;
    for (char c : s) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
        if (c == '\n' || c == '\r')
            body += ' ';
        else if (c == '|')
            body += "\\|";
        else
            body += c;
    }
    if (body.empty()) return "";
    const std::string fence(longest + 1, '`');
    const bool pad = body.front() == '`' || body.back() == '`' || body.front() == ' ' || body.back() == ' ';
    return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

}  // namespace report

std::string markdown_site_report(const report::SiteReportDoc& doc) {
    using report::Block;
    using Kind = Block::Kind;
    using report::md_escape;
    std::string s;
    auto cell = [](const report::Cell& c) {
        std::string t = md_escape(c.text);
        if (!c.lines.empty()) {
            t.clear();
            for (const auto& l : c.lines) t += (t.empty() ? "" : "<br>") + md_escape(l);
        }
        if (c.tag == "mono" && !c.text.empty()) t = report::md_code(c.text);
        if (c.strong && !t.empty()) t = "**" + t + "**";
        return t.empty() ? std::string(" ") : t;
    };
    for (const Block& b : doc.blocks) {
        switch (b.kind) {
            case Kind::Banner:
                s += "> **⚠ " + md_escape(b.text) + "**\n\n";
                break;
            case Kind::Heading:
                s += std::string(b.level, '#') + " " + md_escape(b.text) + "\n\n";
                break;
            case Kind::Verdict:
                s += "## " + md_escape(b.text) + "\n\n";
                for (const auto& r : b.items) s += "- " + md_escape(r) + "\n";
                if (!b.items.empty()) s += "\n";
                break;
            case Kind::Paragraph:
                s += md_escape(b.text) + "\n\n";
                break;
            case Kind::Note:
                s += "*" + md_escape(b.text) + "*\n\n";
                break;
            case Kind::Bullets:
                for (const auto& i : b.items) s += "- " + md_escape(i) + "\n";
                s += "\n";
                break;
            case Kind::KeyValues:
                s += "| | |\n|---|---|\n";
                for (const auto& row : b.rows)
                    s += "| **" + md_escape(row[0].text) + "** | " + (row.size() > 1 ? cell(row[1]) : " ") + " |\n";
                s += "\n";
                break;
            case Kind::Table: {
                s += "|";
                for (const auto& h : b.header) s += " " + md_escape(h) + " |";
                s += "\n|";
                for (std::size_t i = 0; i < b.header.size(); ++i) s += "---|";
                s += "\n";
                for (const auto& row : b.rows) {
                    s += "|";
                    for (const auto& c : row) s += " " + cell(c) + " |";
                    s += "\n";
                }
                s += "\n";
                break;
            }
            case Kind::Image:
                if (b.text.empty()) break;  // no map for this report (SiteReportDocCache)
                s += "![" + md_escape(b.items.empty() ? "" : b.items[0]) + "](" + url_path_escape(b.text) + ")\n\n";
                if (b.items.size() > 1) s += "*" + md_escape(b.items[1]) + "*\n\n";
                break;
        }
    }
    while (s.size() > 1 && s[s.size() - 1] == '\n' && s[s.size() - 2] == '\n') s.pop_back();
    return s;
}

MarkdownReportWriter::MarkdownReportWriter(bool with_map, std::shared_ptr<report::SiteReportDocCache> docs)
    : with_map_(with_map), docs_(docs ? std::move(docs) : std::make_shared<report::SiteReportDocCache>()) {}

WriterPlan MarkdownReportWriter::begin(const RunContext& ctx) {
    ctx_ = ctx;
    dir_ = (fs::path(ctx.out_dir) / "sites").string();
    fs::create_directories(dir_);
    provenance_.begin(ctx);
    WriterPlan plan;
    plan.reads_result = true;  // write() makes the text again for a site whose file name was taken
    // The stem a site gets unless an earlier one took it (known only in input order).
    plan.prepare = [this](const SiteOutput& s) {
        const SiteResult& r = *s.result;
        const std::string map = with_map_ && r.geometry ? safe_file_stem(s.site.id) + ".png" : "";
        return markdown_site_report(docs_->get(
            r, ctx_, [&] { return provenance_.rows(r); }, map));
    };
    return plan;
}

std::string MarkdownReportWriter::report_text(const SiteResult& result, const std::string& stem) const {
    const std::string map = with_map_ && result.geometry ? stem + ".png" : "";
    return markdown_site_report(report::site_report_doc(result, ctx_, provenance_.rows(result), map));
}

void MarkdownReportWriter::write(const SiteOutput& s) {
    const std::string& stem = names_.stem(s.site.index, s.site.id);
    AtomicFile f((fs::path(dir_) / (stem + ".md")).string(), true, Durability::AtFolderSync);
    // A site whose stem was taken links to its own map name: made again here.
    if (with_map_ && s.result->geometry && stem != safe_file_stem(s.site.id))
        f.stream() << report_text(*s.result, stem);
    else
        f.stream() << s.prepared;
    f.commit();
}

void MarkdownReportWriter::finish(const RunSummary&) {
    if (!dir_.empty()) sync_folder(dir_);  // the per-site files (Durability::AtFolderSync)
}
void MarkdownReportWriter::abort() noexcept {}

}  // namespace sitescreen
