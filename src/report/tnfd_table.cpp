// The portfolio report's TNFD disclosure table (report.html), rendered from run.json's portfolio.tnfd.
#include "report/tnfd_table.h"

#include <fmt/format.h>

#include <cmath>

#include "report/formats.h"

namespace sitescreen::report {
namespace {

std::string number(const Json& v) {
    if (!v.is_number()) return "–";
    const double d = v.get<double>();
    return fmt::format(std::abs(d) >= 100 ? "{:.0f}" : "{:.2f}", d);
}

}  // namespace

std::string tnfd_table_html(const Json& run, const i18n::Catalog& tr) {
    if (!run.is_object() || !run.contains("portfolio") || !run["portfolio"].is_object()) return "";
    const auto t = run["portfolio"].find("tnfd");
    if (t == run["portfolio"].end() || !t->is_object()) return "";
    std::string h = "<h2 id=\"tnfd\">" + html_escape(tr.text("portfolio.tnfd.heading")) + "</h2>\n<table>\n<thead><tr>";
    for (const char* k : {"id", "metric", "value", "sites", "not_available", "method"})
        h += "<th>" + html_escape(tr.text(std::string("portfolio.tnfd.") + k)) + "</th>";
    h += "</tr></thead>\n<tbody>\n";
    for (const auto& row : t->value("metrics", Json::array())) {
        const std::string key = row.value("metric", "");
        std::string value = number(row["value"]);
        if (row.contains("upper_bound") && row["upper_bound"].is_number() && row["upper_bound"] != row["value"])
            value = tr.format("portfolio.tnfd.lower_bound", {{"value", value}, {"upper", number(row["upper_bound"])}});
        h += "<tr><td>" + html_escape(row.value("tnfd", "")) + "</td><td><strong>" +
             html_escape(tr.text_or("portfolio.tnfd.metric_title." + key, row.value("title", key))) + "</strong></td>" +
             "<td class=\"num\">" + html_escape(value + " " + tr.text_or("value.unit." + row.value("unit", ""), row.value("unit", ""))) + "</td>" +
             fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td>", row.value("sites_with_value", 0),
                         row.value("sites_not_available", 0)) +
             "<td>" + html_escape(tr.text_or("portfolio.tnfd.method_text." + key, row.value("method", ""))) + "</td></tr>\n";
    }
    h += "</tbody>\n</table>\n";
    const Json themes = (*t)["sensitive_locations"].value("themes", Json::object());
    if (!themes.empty()) {
        h += "<h3>" + html_escape(tr.text("portfolio.tnfd.sensitive_heading")) + "</h3>\n<table>\n<thead><tr>";
        for (const char* k : {"theme", "inside", "near", "inside_ha", "footprint_inside", "footprint_near"})
            h += "<th>" + html_escape(tr.text(std::string("portfolio.tnfd.") + k)) + "</th>";
        h += "</tr></thead>\n<tbody>\n";
        for (const auto& [theme, c] : themes.items())
            h += "<tr><td>" + html_escape(tr.text_or("theme." + theme, humanise(theme))) + "</td>" +
                 fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td>", c.value("sites_inside", 0),
                             c.value("sites_near", 0)) +
                 "<td class=\"num\">" + number(c["inside_ha"]) +
                 (c.value("sites_inside_area_unknown", 0) > 0
                      ? html_escape(tr.format("portfolio.tnfd.area_unknown",
                                              {{"count", std::to_string(c.value("sites_inside_area_unknown", 0))}}))
                      : std::string()) +
                 "</td><td class=\"num\">" +
                 number(c["footprint_ha_of_sites_inside"]) + "</td><td class=\"num\">" +
                 number(c["footprint_ha_of_sites_near"]) + "</td></tr>\n";
        h += "</tbody>\n</table>\n";
    }
    h += "<p class=\"note\">" + html_escape(tr.text("portfolio.tnfd.note")) + "</p>\n";
    return h;
}

}  // namespace sitescreen::report
