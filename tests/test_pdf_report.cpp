// PDF reports end to end (issue #24, docs/reports.md): the sample sites against the
// shipped catalog, read back with poppler's pdfinfo, pdftotext, pdffonts and pdfimages.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "i18n/messages.h"
#include "report/formats.h"
#include "support/fixtures.h"
#include "support/require.h"

using namespace sitescreen;
using namespace sitescreen::testing;
namespace fs = std::filesystem;

namespace {

const std::string kSource = SITESCREEN_SOURCE_DIR;

bool have_poppler() { return run_command("pdfinfo -v >/dev/null 2>&1 && pdftotext -v >/dev/null 2>&1") == 0; }

// What a poppler tool prints for `pdf` (stdout), failing the test when it fails.
// `to_stdout`: the tool takes "-" after the file to print (pdftotext).
std::string poppler(const TempDir& dir, const std::string& tool_and_options, const std::string& pdf,
                    bool to_stdout = true) {
    const CommandResult r = run_capture(tool_and_options + " " + shell_quote(pdf) + (to_stdout ? " -" : ""), dir);
    EXPECT_EQ(r.exit_code, 0) << tool_and_options << " " << pdf << ": " << r.err;
    return r.out;
}
std::string info(const TempDir& dir, const std::string& pdf) {
    const CommandResult r = run_capture("pdfinfo " + shell_quote(pdf), dir);
    EXPECT_EQ(r.exit_code, 0) << pdf << ": " << r.err;
    return r.out;
}
std::string page_text(const TempDir& dir, const std::string& pdf, int page) {
    return poppler(dir, "pdftotext -layout -f " + std::to_string(page) + " -l " + std::to_string(page), pdf);
}
int page_count(const std::string& pdfinfo_out) {
    std::smatch m;
    const std::regex pages("Pages:\\s+(\\d+)");
    return std::regex_search(pdfinfo_out, m, pages) ? std::stoi(m[1]) : -1;
}
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The sample candidates (Chinese and English names, no-go to low) screened with the shipped layers.
struct SampleRun {
    TempDir dir;
    std::string out = dir.file("out");
    Screening screening;
    explicit SampleRun(const std::string& formats, const std::string& extra = "") {
        screening = screen_cli(dir, "--sites " + shell_quote(kSource + "/sample_sites/candidates.csv") + " " + extra,
                               kSource + "/layers/catalog.yaml", out, "-q --formats " + formats);
    }
    std::string site_pdf(const Json& site) const { return out + "/sites/" + safe_file_stem(site["id"]) + ".pdf"; }
};

}  // namespace

TEST(PdfReport, EverySitePdfIsA4UnderOneMegabyteWithTheVerdictAndVectorMapOnPageOne) {
    SITESCREEN_REQUIRE(have_poppler(), "pdfinfo, pdftotext, pdfimages", "apt-get install poppler-utils");
    SampleRun run("jsonl,pdf");
    ASSERT_EQ(run.screening.cmd.exit_code, 0) << run.screening.cmd.err;
    ASSERT_GE(run.screening.sites.size(), 5u);
    std::map<std::string, int> levels;
    for (const Json& site : run.screening.sites) {
        const std::string pdf = run.site_pdf(site);
        ASSERT_TRUE(fs::exists(pdf)) << pdf;
        EXPECT_LT(fs::file_size(pdf), 1u << 20) << pdf;
        const std::string meta = info(run.dir, pdf);
        EXPECT_TRUE(std::regex_search(meta, std::regex("Page size:\\s+595.276 x 841.89 pts \\(A4\\)"))) << meta;
        // The level as the record states it (docs/output.md): "error" for an error row.
        const std::string level = site["status"] == "error"     ? "error"
                                  : site["verdict"].is_object() ? site["verdict"]["level"].get<std::string>()
                                                                : "";
        ++levels[level];
        const std::string first = page_text(run.dir, pdf, 1);
        // The verdict, as the HTML states it, and the map on the first page.
        EXPECT_TRUE(contains(first, "Verdict: " + report::verdict_label(level))) << pdf << "\n" << first;
        if (site["status"] == "ok") {
            EXPECT_TRUE(contains(first, "Legend")) << pdf << "\n" << first;  // the map panel's heading
            // Vector graphics: page one holds no raster bigger than a hatching tile.
            const std::string images = poppler(run.dir, "pdfimages -list -f 1 -l 1", pdf, false);
            for (const auto& line : split_lines(images)) {
                std::smatch m;
                static const std::regex row("^\\s*1\\s+\\d+\\s+\\w+\\s+(\\d+)\\s+(\\d+)");
                if (std::regex_search(line, m, row)) {
                    EXPECT_LE(std::stoi(m[1]), 64) << pdf << ": " << line;
                    EXPECT_LE(std::stoi(m[2]), 64) << pdf << ": " << line;
                }
            }
        }
    }
    EXPECT_GE(levels.size(), 2u) << "the sample should give more than one verdict level";
}

TEST(PdfReport, FontsAreEmbeddedAndChineseTextComesBackOut) {
    SITESCREEN_REQUIRE(have_poppler(), "pdftotext, pdffonts", "apt-get install poppler-utils");
    TempDir dir;
    const std::string catalog = write_square_catalog(dir);
    const std::string sites = dir.write("sites.csv", "id,name,lon,lat\n站点一,青海锂矿储能电站,100.5,30.5\n");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(sites), catalog, dir.file("out"),
                                   "-q --formats jsonl,pdf --buffers 1000 --no-avoidance --type plant");
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    const std::string pdf = dir.file("out/sites/站点一.pdf");
    const std::string text = poppler(dir, "pdftotext", pdf);
    EXPECT_TRUE(contains(text, "青海锂矿储能电站")) << text;
    EXPECT_TRUE(contains(text, "Square reserve")) << text;
    // pdffonts: one line per font after two header lines; "emb" is the fifth-last column.
    const CommandResult fonts = run_capture("pdffonts " + shell_quote(pdf), dir);
    ASSERT_EQ(fonts.exit_code, 0) << fonts.err;
    const auto lines = split_lines(fonts.out);
    ASSERT_GT(lines.size(), 2u) << fonts.out;
    for (std::size_t i = 2; i < lines.size(); ++i) {
        std::smatch m;
        static const std::regex cols("\\s(yes|no)\\s+(yes|no)\\s+(yes|no)\\s+\\d+\\s+\\d+\\s*$");
        ASSERT_TRUE(std::regex_search(lines[i], m, cols)) << lines[i];
        EXPECT_EQ(m[1], "yes") << "font not embedded: " << lines[i];
    }
    EXPECT_TRUE(contains(fonts.out, "NotoSansCJK")) << fonts.out;
}

TEST(PdfReport, PortfolioPdfStartsWithCountsAndTheSiteTableWhosePagesPointAtEachSite) {
    SITESCREEN_REQUIRE(have_poppler(), "pdfinfo, pdftotext", "apt-get install poppler-utils");
    SampleRun run("jsonl,pdf");
    ASSERT_EQ(run.screening.cmd.exit_code, 0) << run.screening.cmd.err;
    const auto& sites = run.screening.sites;
    const std::string report = run.out + "/report.pdf";
    const int pages = page_count(info(run.dir, report));
    int site_pages = 0;
    for (const Json& site : sites) site_pages += page_count(info(run.dir, run.site_pdf(site)));
    EXPECT_GT(pages, site_pages);  // the front matter, then every site's pages
    const std::string first = page_text(run.dir, report, 1);
    EXPECT_TRUE(contains(first, "Nature screening of " + std::to_string(sites.size()) + " candidate sites")) << first;
    EXPECT_TRUE(contains(first, "Verdicts")) << first;
    EXPECT_TRUE(contains(first, "TNFD sensitive-location criteria")) << first;
    // The site table gives the page each site starts on; that page is the site's own first page.
    const std::string front =
        poppler(run.dir, "pdftotext -layout -f 1 -l " + std::to_string(pages - site_pages), report);
    int next_page = pages - site_pages + 1;
    for (std::size_t i = 0; i < sites.size(); ++i) {
        const std::string id = sites[i]["id"];
        const std::regex row("(^|\\n)\\s*" + std::to_string(i + 1) + "\\s+" + id + "\\s.*\\s" +
                             std::to_string(next_page) + "\\s*(\\n|$)");
        EXPECT_TRUE(std::regex_search(front, row)) << "row of " << id << " should point at page " << next_page << "\n"
                                                   << front;
        EXPECT_EQ(page_text(run.dir, report, next_page), page_text(run.dir, run.site_pdf(sites[i]), 1)) << id;
        next_page += page_count(info(run.dir, run.site_pdf(sites[i])));
    }
}

TEST(PdfReport, SameInputGivesByteIdenticalPdfsOnOneAndTwoThreads) {
    SampleRun one("jsonl,pdf,png,html", "--threads 1");
    SampleRun two("jsonl,pdf,png,html", "--threads 2");
    ASSERT_EQ(one.screening.cmd.exit_code, 0) << one.screening.cmd.err;
    ASSERT_EQ(two.screening.cmd.exit_code, 0) << two.screening.cmd.err;
    EXPECT_EQ(read_file(one.out + "/report.pdf"), read_file(two.out + "/report.pdf"));
    for (const Json& site : one.screening.sites) {
        const std::string stem = safe_file_stem(site["id"]);
        for (const char* ext : {".pdf", ".png", ".html"}) {
            const std::string a = read_file(one.out + "/sites/" + stem + ext);
            EXPECT_FALSE(a.empty()) << stem << ext;
            EXPECT_EQ(a, read_file(two.out + "/sites/" + stem + ext)) << stem << ext;
        }
    }
}

TEST(PdfReport, AllMeansEveryFormatButPdf) {
    SampleRun run("all");
    ASSERT_EQ(run.screening.cmd.exit_code, 0) << run.screening.cmd.err;
    EXPECT_TRUE(fs::exists(run.out + "/report.html"));
    EXPECT_FALSE(fs::exists(run.out + "/report.pdf"));
    for (const auto& e : fs::directory_iterator(run.out + "/sites"))
        EXPECT_NE(e.path().extension(), ".pdf") << e.path();
}

TEST(ScreeningThreadReports, ADuplicateIdsMarkdownLinksItsOwnMapAndEveryFormatUsesTheSameStem) {
    // The Markdown is built ahead with the stem a site gets when no earlier
    // site took it; the second "A" must still link A-1.png, its own map.
    TempDir dir;
    const std::string catalog = write_square_catalog(dir);
    const std::string sites = dir.write("sites.csv", "id,lon,lat\nA,100.5,30.5\nA,102,30.5\n");
    const Screening s = screen_cli(dir, "--sites " + shell_quote(sites) + " --threads 2", catalog, dir.file("out"),
                                   "-q --formats jsonl,md,png,html,pdf --buffers 1000 --no-avoidance --type plant");
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    const std::string first = read_file(dir.file("out/sites/A.md")), second = read_file(dir.file("out/sites/A-1.md"));
    EXPECT_TRUE(contains(first, "(A.png)")) << first;
    EXPECT_TRUE(contains(second, "(A-1.png)")) << second;
    EXPECT_FALSE(contains(second, "(A.png)")) << second;
    for (const char* ext : {".png", ".html", ".pdf"}) {
        EXPECT_TRUE(fs::exists(dir.file(std::string("out/sites/A") + ext))) << ext;
        EXPECT_TRUE(fs::exists(dir.file(std::string("out/sites/A-1") + ext))) << ext;
    }
    // The second site is 96 km from the reserve: its own report says so, not the first's.
    EXPECT_TRUE(contains(second, "102.000000")) << second;
    EXPECT_TRUE(contains(read_file(dir.file("out/sites/A-1.html")), "102.000000"));
}

// #23: report.pdf's front pages carry the TNFD disclosure table of report.html, in the run's language:
// its headings, and for a portfolio of one site (C01, a 60 ha plant inside a red line) that site's
// figures from its record.
TEST(PdfReport, PortfolioTnfdTableShowsTheSitesFiguresInBothLanguages) {
    SITESCREEN_REQUIRE(have_poppler(), "pdfinfo, pdftotext", "apt-get install poppler-utils");
    TempDir dir;
    const std::vector<std::string> lines = split_lines(read_file(kSource + "/sample_sites/candidates.csv"));
    ASSERT_GT(lines.size(), 2u);
    std::string csv = lines[0] + "\n";
    for (const auto& l : lines)
        if (l.rfind("C01,", 0) == 0) csv += l + "\n";
    const std::string sites = dir.write("c01.csv", csv);
    // The figures as the table prints them (src/report/tnfd_table.cpp).
    const auto number = [](double d) { return fmt::format(std::abs(d) >= 100 ? "{:.0f}" : "{:.2f}", d); };
    const auto squeezed = [](const std::string& s) { return std::regex_replace(s, std::regex("\\s+"), " "); };
    for (const i18n::Lang lang : {i18n::Lang::En, i18n::Lang::Zh}) {
        const i18n::Catalog& tr = i18n::catalog(lang);
        SCOPED_TRACE(i18n::to_string(lang));
        const std::string out = dir.file(std::string("out-") + i18n::to_string(lang));
        const Screening s = screen_cli(dir, "--sites " + shell_quote(sites) + " --lang " + i18n::to_string(lang),
                                       kSource + "/layers/catalog.yaml", out, "-q --formats jsonl,run,pdf");
        ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
        ASSERT_EQ(s.sites.size(), 1u);
        const Json& metrics = s.sites[0]["evaluate"]["metrics"];
        const int site_pages = page_count(info(dir, out + "/sites/C01.pdf"));
        const int front_pages = page_count(info(dir, out + "/report.pdf")) - site_pages;
        ASSERT_GE(front_pages, 1);
        const std::string front =
            squeezed(poppler(dir, "pdftotext -f 1 -l " + std::to_string(front_pages), out + "/report.pdf"));
        for (const char* key : {"portfolio.tnfd.heading", "portfolio.tnfd.metric", "portfolio.tnfd.value",
                                "portfolio.tnfd.method", "portfolio.tnfd.sensitive_heading", "portfolio.tnfd.inside",
                                "portfolio.tnfd.metric_title.total_spatial_footprint",
                                "portfolio.tnfd.metric_title.water_withdrawal_scarce"})
            EXPECT_TRUE(contains(front, squeezed(tr.text(key)))) << key << ": " << tr.text(key) << "\n" << front;
        // C01's own figures, row by row as run.json's table has them (pdftotext -layout keeps a row's
        // first line on one line): its footprint (C1.0) and natural-habitat change (C1.1) in the run's
        // units, each from one site with a value and none not available; and, inside a red line, one
        // site inside, none near.
        const std::string rows =
            poppler(dir, "pdftotext -layout -f 1 -l " + std::to_string(front_pages), out + "/report.pdf");
        const auto re = [](const std::string& t) {
            return std::regex_replace(t, std::regex(R"([.^$|()\[\]{}*+?\\/])"), "\\$&");
        };
        const auto has_row = [&](const std::string& pattern) {
            return std::regex_search(rows, std::regex("(^|\n)\\s*" + pattern + "[^\n]*"));
        };
        const double footprint = metrics["total_spatial_footprint"]["value"].get<double>();
        EXPECT_EQ(footprint, 60.0);
        const std::string ha = tr.text("value.unit.ha");
        const Json& table = s.run["portfolio"]["tnfd"];
        ASSERT_EQ(table["metrics"][0]["metric"], "total_spatial_footprint");
        EXPECT_EQ(table["metrics"][0]["value"].get<double>(), footprint);
        EXPECT_TRUE(has_row("C1\\.0\\s+\\S[^\\n]*\\s" + re(number(footprint) + " " + ha) + "\\s+1\\s+0\\s")) << rows;
        ASSERT_TRUE(metrics["land_use_change_natural"]["value"].is_number());
        EXPECT_TRUE(has_row("C1\\.1\\s+\\S[^\\n]*\\s" +
                            re(number(metrics["land_use_change_natural"]["value"].get<double>()) + " " + ha) +
                            "\\s+1\\s+0\\s"))
            << rows;
        EXPECT_TRUE(metrics["sensitive_locations"]["themes"]["red_line"]["inside"].get<bool>());
        const Json& red_line = table["sensitive_locations"]["themes"]["red_line"];
        EXPECT_EQ(red_line["sites_inside"], 1);
        EXPECT_EQ(red_line["sites_near"], 0);
        // The row's first line starts with the theme's first word (en "ecological", zh "生态保护红线"),
        // at most its first four characters (a cell may wrap).
        const std::string theme = tr.text("theme.red_line");
        const std::string first_word = theme.substr(0, std::min(theme.find(' '), std::size_t{12}));
        EXPECT_TRUE(has_row(re(first_word) + "[^\\n]*\\s1\\s+0\\s+" + re(number(red_line["inside_ha"].get<double>()))))
            << rows;
        // The front pages come before the site's own pages, which are unchanged.
        EXPECT_EQ(page_text(dir, out + "/report.pdf", front_pages + 1), page_text(dir, out + "/sites/C01.pdf", 1));
    }
}
