// The portfolio report's TNFD disclosure table (report.html, report.pdf), rendered from the typed
// summary run.json's portfolio.tnfd is written from (screen/tnfd_metrics.h, TnfdSummary).
#include "report/tnfd_table.h"

#include <fmt/format.h>

#include <cmath>

#include "report/formats.h"
#include "screen/assess.h"

namespace sitescreen::report {
namespace {

std::string number(double d) { return fmt::format(std::abs(d) >= 100 ? "{:.0f}" : "{:.2f}", d); }

std::string number(const std::optional<double>& v) { return v ? number(*v) : "–"; }

// The table's texts and figures, once for every renderer.
struct TnfdTables {
    bool present = false;
    std::string heading, sensitive_heading, note;
    Block metrics, sensitive;  // sensitive has no rows when run.json lists no theme
};

TnfdTables tnfd_tables(const Portfolio* portfolio, const i18n::Catalog& tr) {
    TnfdTables out;
    if (!portfolio) return out;
    const TnfdSummary t = portfolio->tnfd();
    out.present = true;
    out.heading = tr.text("portfolio.tnfd.heading");
    out.sensitive_heading = tr.text("portfolio.tnfd.sensitive_heading");
    out.note = tr.text("portfolio.tnfd.note");
    out.metrics.kind = out.sensitive.kind = Block::Kind::Table;
    for (const char* k : {"id", "metric", "value", "sites", "not_available", "method"})
        out.metrics.header.push_back(tr.text(std::string("portfolio.tnfd.") + k));
    for (const TnfdSummary::Metric& row : t.metrics) {
        const TnfdMetricDef& d = *row.def;
        const std::string key = d.key, unit = d.unit;
        std::string value = number(row.value);
        if (row.upper_bound && row.upper_bound != row.value)
            value = tr.format("portfolio.tnfd.lower_bound", {{"value", value}, {"upper", number(row.upper_bound)}});
        out.metrics.rows.push_back(
            {Cell{d.tnfd}, Cell{tr.text_or("portfolio.tnfd.metric_title." + key, d.title), "", true},
             Cell{value + " " + tr.text_or("value.unit." + unit, unit), "num"},
             Cell{std::to_string(row.sites_with_value), "num"}, Cell{std::to_string(row.sites_not_available), "num"},
             Cell{tr.text_or("portfolio.tnfd.method_text." + key, d.method)}});
    }
    for (const char* k : {"theme", "inside", "near", "inside_ha", "footprint_inside", "footprint_near"})
        out.sensitive.header.push_back(tr.text(std::string("portfolio.tnfd.") + k));
    for (const auto& [theme, c] : t.themes) {
        const std::size_t unknown = c.sites_inside_area_unknown;
        out.sensitive.rows.push_back(
            {Cell{tr.text_or("theme." + theme, humanise(theme))}, Cell{std::to_string(c.sites_inside), "num"},
             Cell{std::to_string(c.sites_near), "num"},
             Cell{number(c.inside_ha) +
                      (unknown > 0 ? tr.format("portfolio.tnfd.area_unknown", {{"count", std::to_string(unknown)}})
                                   : std::string()),
                  "num"},
             Cell{number(c.footprint_ha_of_sites_inside), "num"}, Cell{number(c.footprint_ha_of_sites_near), "num"}});
    }
    return out;
}

std::string html_rows(const Block& t) {
    std::string h = "<table>\n<thead><tr>";
    for (const auto& k : t.header) h += "<th>" + html_escape(k) + "</th>";
    h += "</tr></thead>\n<tbody>\n";
    for (const auto& row : t.rows) {
        h += "<tr>";
        for (const Cell& c : row) {
            const std::string text = c.strong ? "<strong>" + html_escape(c.text) + "</strong>" : html_escape(c.text);
            h += (c.tag.empty() ? "<td>" : "<td class=\"" + c.tag + "\">") + text + "</td>";
        }
        h += "</tr>\n";
    }
    return h + "</tbody>\n</table>\n";
}

}  // namespace

std::string tnfd_table_html(const Portfolio* portfolio, const i18n::Catalog& tr) {
    const TnfdTables t = tnfd_tables(portfolio, tr);
    if (!t.present) return "";
    std::string h = "<h2 id=\"tnfd\">" + html_escape(t.heading) + "</h2>\n" + html_rows(t.metrics);
    if (!t.sensitive.rows.empty()) h += "<h3>" + html_escape(t.sensitive_heading) + "</h3>\n" + html_rows(t.sensitive);
    h += "<p class=\"note\">" + html_escape(t.note) + "</p>\n";
    return h;
}

std::vector<Block> tnfd_table_blocks(const Portfolio* portfolio, const i18n::Catalog& tr, int level) {
    TnfdTables t = tnfd_tables(portfolio, tr);
    std::vector<Block> out;
    if (!t.present) return out;
    auto text_block = [&](Block::Kind kind, std::string text, int lv) {
        Block b;
        b.kind = kind;
        b.text = std::move(text);
        b.level = lv;
        out.push_back(std::move(b));
    };
    text_block(Block::Kind::Heading, t.heading, level);
    out.push_back(std::move(t.metrics));
    if (!t.sensitive.rows.empty()) {
        text_block(Block::Kind::Heading, t.sensitive_heading, level + 1);
        out.push_back(std::move(t.sensitive));
    }
    text_block(Block::Kind::Note, t.note, level);
    return out;
}

}  // namespace sitescreen::report
