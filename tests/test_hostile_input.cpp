// Hostile and careless input (issue 22, docs/input.md "Bad input catalogue"): CSV injection in
// summary.csv, Markdown that a value could break, --overwrite and links, ambiguous numbers,
// buffers out of range, catalogs that are not files, duplicate ids, signals. Each case checks the
// message or the neutralised output, and that the run's other sites are intact.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "io/site_reader.h"
#include "report/core_writers.h"
#include "report/markdown_report.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Hostile : public ::testing::Test {
protected:
    TempDir dir;
    std::string catalog = write_square_catalog(dir);
    std::string out = dir.file("out");
    Screening screen(const std::string& sites_csv_text, const std::string& args = "",
                     const std::string& defaults = "--formats data --buffers 1000 --no-avoidance --type plant") {
        const std::string path = dir.write("sites.csv", sites_csv_text);
        return screen_cli(dir, "--sites " + shell_quote(path) + " " + args, catalog, out, defaults);
    }
    // The site inside the square reserve, screened as always.
    void expect_inside_ok(const Screening& s, const std::string& id) {
        const Json* j = s.site(id);
        ASSERT_NE(j, nullptr) << id;
        EXPECT_EQ((*j)["status"], "ok") << j->dump();
        EXPECT_EQ((*j)["layers"][0]["inside"], true);
    }
};

// ---------------------------------------------------------------- CSV injection

TEST(CsvInjection, FormulaCellsGetAnApostropheAndNumbersStayData) {
    EXPECT_EQ(csv_field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    EXPECT_EQ(csv_field("+1+2"), "\"'+1+2\"");
    EXPECT_EQ(csv_field("-2+3"), "\"'-2+3\"");
    EXPECT_EQ(csv_field("@SUM(A1)"), "\"'@SUM(A1)\"");
    EXPECT_EQ(csv_field("\tcmd"), "\"'\tcmd\"");
    EXPECT_EQ(csv_field("\rcmd"), "\"'\rcmd\"");
    EXPECT_EQ(csv_field("-"), "\"'-\"");
    // Text that is exactly a number is data: a spreadsheet shows the number.
    EXPECT_EQ(csv_field("-12.5"), "-12.5");
    EXPECT_EQ(csv_field("+3"), "+3");
    EXPECT_EQ(csv_field("-1e5"), "-1e5");
    EXPECT_EQ(csv_field("C-01"), "C-01");  // only the first character counts
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
}

TEST_F(Hostile, SummaryCsvNeutralisesIdsAndKeepsNegativeNumbers) {
    const Screening s = screen(
        "id,lon,lat\n=1+1,100.5,30.5\n\"@cmd|' /C calc'!A0\",100.5,30.5\n-7,100.5,30.5\n"
        "Z,-100.5,-30.5\n");
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    const auto rows = split_lines(read_file(out + "/summary.csv"));
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[1].rfind("\"'=1+1\",100.5,30.5,plant,ok,,true,0,", 0), 0u) << rows[1];
    EXPECT_EQ(rows[2].rfind("\"'@cmd|' /C calc'!A0\",100.5,30.5,", 0), 0u) << rows[2];
    EXPECT_EQ(rows[3].rfind("-7,100.5,30.5,plant,ok,,true,0,", 0), 0u) << rows[3];  // a number is data
    EXPECT_EQ(rows[4].rfind("Z,-100.5,-30.5,plant,ok,,false,", 0), 0u) << rows[4];  // negative coordinates unchanged
    // sites.jsonl keeps the id as given.
    EXPECT_EQ(s.sites[0]["id"], "=1+1");
    expect_inside_ok(s, "-7");
}

// ---------------------------------------------------------------- Markdown

TEST(MarkdownCode, ASpanHoldsAnyContent) {
    EXPECT_EQ(report::md_code("C01"), "`C01`");
    EXPECT_EQ(report::md_code("a`b"), "``a`b``");
    EXPECT_EQ(report::md_code("`x`"), "`` `x` ``");
    EXPECT_EQ(report::md_code("a``b`"), "``` a``b` ```");
    EXPECT_EQ(report::md_code("a|b\nc"), "`a\\|b c`");
}

TEST_F(Hostile, BacktickInAnIdCannotOpenHtmlInTheMarkdownReport) {
    const Screening s = screen(
        "id,lon,lat\n\"x`<img src=x onerror=alert(1)>`[a](javascript:alert(2))\",100.5,30.5\n"
        "Z,102,30.5\n",
        "", "--formats md,jsonl,run --buffers 1000 --no-avoidance --type plant");
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    std::string md;
    for (const auto& e : fs::directory_iterator(out + "/sites"))
        if (e.path().extension() == ".md" && !contains(e.path().filename().string(), "Z")) md = read_file(e.path());
    ASSERT_FALSE(md.empty());
    // The id sits in one code span whose fence (``) is longer than any backtick run in it.
    const std::string span = "``x`<img src=x onerror=alert(1)>`[a](javascript:alert(2))``";
    EXPECT_TRUE(contains(md, "| **Site id** | " + span + " |")) << md;
    // Wherever else the id is printed, `<` and `]` are escaped: no tag, no link.
    std::string rest = md;
    for (std::size_t p; (p = rest.find(span)) != std::string::npos;) rest.erase(p, span.size());
    int escaped = 0;
    for (const std::string markup : {"<img", "](javascript"})
        for (std::size_t pos = rest.find(markup); pos != std::string::npos; pos = rest.find(markup, pos + 1)) {
            ASSERT_GT(pos, 0u);
            EXPECT_EQ(rest[pos - 1], '\\') << rest.substr(pos > 40 ? pos - 40 : 0, 80);
            ++escaped;
        }
    EXPECT_GT(escaped, 0);  // the id is printed elsewhere too (the heading)
    expect_inside_ok(s, "x`<img src=x onerror=alert(1)>`[a](javascript:alert(2))");
    ASSERT_NE(s.site("Z"), nullptr);
}

// ---------------------------------------------------------------- --overwrite and links

TEST_F(Hostile, OverwriteRemovesTheEarlierRunsReportsItDidNotWrite) {
    const std::string full = "--formats all --buffers 1000 --no-avoidance --type plant";
    ASSERT_EQ(screen("id,lon,lat\nOLD,100.5,30.5\nZ,102,30.5\n", "", full).cmd.exit_code, 0);
    ASSERT_TRUE(fs::exists(out + "/sites/OLD.md"));
    ASSERT_TRUE(fs::exists(out + "/sites.gpkg"));
    dir.write("out/notes.txt", "mine");  // not an output: never touched
    const Screening s = screen("id,lon,lat\nNEW,100.5,30.5\nZ,102,30.5\n", "--overwrite", full);
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_FALSE(fs::exists(out + "/sites/OLD.md"));
    EXPECT_FALSE(fs::exists(out + "/sites/OLD.html"));
    EXPECT_FALSE(fs::exists(out + "/sites/OLD.png"));
    EXPECT_TRUE(fs::exists(out + "/sites/NEW.md"));
    EXPECT_TRUE(fs::exists(out + "/sites/Z.md"));
    EXPECT_EQ(read_file(out + "/notes.txt"), "mine");
    EXPECT_TRUE(contains(s.cmd.err, "note: removed 3 output file(s) of the earlier run")) << s.cmd.err;

    // A data-only run over it: the reports and the gpkg of the full run go too.
    const Screening d = screen("id,lon,lat\nNEW,100.5,30.5\n", "--overwrite");
    ASSERT_EQ(d.cmd.exit_code, 0) << d.cmd.err;
    EXPECT_FALSE(fs::exists(out + "/sites.gpkg"));
    EXPECT_FALSE(fs::exists(out + "/report.html"));
    EXPECT_FALSE(fs::exists(out + "/sites"));
    EXPECT_TRUE(fs::exists(out + "/summary.csv"));
    expect_inside_ok(d, "NEW");
}

TEST_F(Hostile, ASitesFolderThatIsALinkIsRefused) {
    fs::create_directories(dir.file("elsewhere"));
    fs::create_directories(out);
    dir.write("out/run.json", "{}");
    fs::create_directory_symlink(dir.file("elsewhere"), out + "/sites");
    const Screening s = screen("id,lon,lat\nA,100.5,30.5\n", "--overwrite",
                               "--formats md,jsonl,run --buffers 1000 --no-avoidance --type plant");
    EXPECT_EQ(s.cmd.exit_code, 1);
    EXPECT_TRUE(contains(s.cmd.err, "sitescreen: error: --out " + out + ": sites is a symbolic link (to " +
                                        dir.file("elsewhere") + "); the per-site reports are not written through it"))
        << s.cmd.err;
    EXPECT_TRUE(fs::is_empty(dir.file("elsewhere")));
    EXPECT_EQ(read_file(out + "/run.json"), "{}");
}

// ---------------------------------------------------------------- duplicate ids

TEST_F(Hostile, DuplicateIdWarningNamesTheLines) {
    const Screening s = screen("id,lon,lat\nA,100.5,30.5\nB,102,30.5\nA,102,30.5\nA,100.5,30.6\n");
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    const std::string p = dir.file("sites.csv");
    EXPECT_TRUE(contains(
        s.cmd.err, "  id 'A' at " + p + ":4 (first at " + p + ":2)\n  id 'A' at " + p + ":5 (first at " + p + ":2)\n"))
        << s.cmd.err;
    EXPECT_EQ(s.run["sites"]["duplicate_id_lines"].size(), 2u);
    EXPECT_EQ(s.sites.size(), 4u);
}

// ---------------------------------------------------------------- numbers

TEST(AmbiguousNumbers, AThousandsCommaIsRefusedWhereItCouldBeTheValue) {
    std::string why;
    const double inf = std::numeric_limits<double>::infinity();
    // Projected metres: 500000 and 500.0 are both possible.
    EXPECT_FALSE(parse_coordinate("500,000", why, inf));
    EXPECT_EQ(why,
              "'500,000' is ambiguous: a thousands separator (500000) or a decimal comma (500.000)? write the "
              "number without the comma, or with a decimal point");
    EXPECT_FALSE(parse_coordinate("-4,250", why, inf));
    // Degrees: 116390 cannot be a longitude, so the comma is a decimal comma.
    NumberNotes notes;
    EXPECT_EQ(parse_coordinate("116,390", why, 180.0, &notes), 116.39);
    EXPECT_EQ(notes.decimal_comma, 1u);
    // Not the thousands pattern: a decimal comma wherever.
    EXPECT_EQ(parse_coordinate("500,5", why, inf, &notes), 500.5);
    EXPECT_EQ(parse_coordinate("0,500", why, inf, &notes), 0.5);
    EXPECT_EQ(parse_coordinate("5000,000", why, inf, &notes), 5000.0);
    EXPECT_EQ(notes.decimal_comma, 4u);
    EXPECT_EQ(parse_coordinate("\xE2\x88\x92"
                               "33.5",
                               why, 90.0, &notes),
              -33.5);
    EXPECT_EQ(notes.unicode_minus, 1u);
    // Two separators: never guessed.
    EXPECT_FALSE(parse_coordinate("500,000.5", why, inf));
    EXPECT_FALSE(parse_coordinate("1,234,567", why, inf));
}

TEST_F(Hostile, ProjectedEastingWithAThousandsCommaIsAnErrorRow) {
    // UTM 47N: (500000, 3320000) is near 99 E, 30 N; inside the reserve is not the point here.
    const Screening s = screen("id,x,y\nA,\"500,000\",3320000\nB,500000,3320000\n", "--crs EPSG:32647");
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    const Json* a = s.site("A");
    ASSERT_NE(a, nullptr);
    EXPECT_EQ((*a)["status"], "error");
    EXPECT_EQ((*a)["error"], dir.file("sites.csv") +
                                 ":2: field 'x': '500,000' is ambiguous: a thousands separator "
                                 "(500000) or a decimal comma (500.000)? write the number "
                                 "without the comma, or with a decimal point");
    const Json* b = s.site("B");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ((*b)["status"], "ok");
    EXPECT_NEAR((*b)["lon"].get<double>(), 99.0, 1e-6);
}

TEST_F(Hostile, AcceptedConversionsAreCountedInRunJson) {
    const Screening s = screen(
        "id;lon;lat\nA;100,5;30,5\nB;\xE2\x88\x92"
        "100,5;\xE2\x88\x92"
        "30.5\nC;100.5;30.5\n");
    ASSERT_EQ(s.cmd.exit_code, 0) << s.cmd.err;
    EXPECT_EQ(s.run["input_notes"]["decimal_comma"], 3);
    EXPECT_EQ(s.run["input_notes"]["unicode_minus"], 2);
    EXPECT_EQ(s.run["input_notes"]["gbk_fields"], 0);
    EXPECT_TRUE(contains(s.cmd.err, "3 coordinate(s) were written with a decimal comma")) << s.cmd.err;
    expect_inside_ok(s, "A");
    expect_inside_ok(s, "C");
    EXPECT_EQ((*s.site("B"))["lon"], -100.5);
}

// ---------------------------------------------------------------- buffers and limits

TEST_F(Hostile, BuffersOutOfRangeOrMixedUnitsAreUsageErrors) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"1e-9", "--buffers: '1e-9' is less than 1 m (the smallest buffer)"},
        {"0.5m", "--buffers: '0.5m' is less than 1 m (the smallest buffer)"},
        {"1e9", "--buffers: '1e9' is more than 200 km (the largest buffer)"},
        {"1e7", "--buffers: '1e7' is more than 200 km (the largest buffer)"},
        {"19000km", "--buffers: '19000km' is more than 200 km (the largest buffer)"},
        {"1,5,10km", "--buffers: '5' has no unit but '10km' has one; give every distance its unit"},
        {"0x10", "--buffers: '0x10' is not a positive distance"},
    };
    for (const auto& [arg, message] : cases) {
        const Screening s = screen("id,lon,lat\nA,100.5,30.5\n", "",
                                   "--formats data --buffers " + arg + " --no-avoidance --type plant");
        EXPECT_EQ(s.cmd.exit_code, 2) << arg << ": " << s.cmd.err;
        EXPECT_TRUE(contains(s.cmd.err, message)) << arg << ": " << s.cmd.err;
        EXPECT_FALSE(fs::exists(out + "/sites.jsonl")) << arg;
    }
    std::string many;
    for (int i = 1; i <= 21; ++i) many += (many.empty() ? "" : ",") + std::to_string(i * 100);
    const Screening s =
        screen("id,lon,lat\nA,100.5,30.5\n", "", "--formats data --buffers " + many + " --no-avoidance");
    EXPECT_EQ(s.cmd.exit_code, 2);
    EXPECT_TRUE(contains(s.cmd.err, "--buffers: 21 distances; at most 20 are allowed")) << s.cmd.err;
    const Screening cap = screen("id,lon,lat\nA,100.5,30.5\n", "--feature-cap 5000");
    EXPECT_EQ(cap.cmd.exit_code, 2);
    EXPECT_TRUE(contains(cap.cmd.err, "--feature-cap: 5000 is more than 1000")) << cap.cmd.err;
    // Within the limits, units on every distance or none: the run goes on.
    const Screening ok =
        screen("id,lon,lat\nA,100.5,30.5\n", "", "--formats data --buffers 1m,5km,200km --no-avoidance");
    ASSERT_EQ(ok.cmd.exit_code, 0) << ok.cmd.err;
    EXPECT_EQ(ok.sites[0]["layers"][0]["buffers"].size(), 3u);
    EXPECT_EQ(ok.sites[0]["layers"][0]["buffers"][0]["radius_m"], 1.0);
}

// ---------------------------------------------------------------- catalogs that are not files

TEST_F(Hostile, CatalogThatIsAFolderOrAPipeIsNamed) {
    const std::string sites = dir.write("sites.csv", "id,lon,lat\nA,100.5,30.5\n");
    const std::string base = std::string(SITESCREEN_BINARY) + " screen --sites " + shell_quote(sites) + " --out " +
                             shell_quote(out) + " --formats data --no-avoidance --type plant --layers ";
    const CommandResult folder = run_capture(base + shell_quote(dir.path()), dir);
    EXPECT_EQ(folder.exit_code, 1);
    EXPECT_TRUE(contains(folder.err, "sitescreen: error: " + dir.path() + ": is a folder, not a catalog file"))
        << folder.err;
    // bash's process substitution hands over /dev/fd/63, a pipe.
    const CommandResult pipe = run_capture("bash -c " + shell_quote(base + "<(cat " + shell_quote(catalog) + ")"), dir);
    EXPECT_EQ(pipe.exit_code, 1);
    EXPECT_TRUE(contains(pipe.err, "sitescreen: error: /dev/fd/")) << pipe.err;
    EXPECT_TRUE(contains(pipe.err, ": is not a regular file (a pipe such as /dev/fd/63")) << pipe.err;
}

// ---------------------------------------------------------------- signals

// Waits for `pid` at most `seconds`; the exit code as a shell reports it, or -1 on time-out (killed then).
int wait_exit(pid_t pid, double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    int status = 0;
    while (std::chrono::steady_clock::now() < end) {
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return -1;
}

// A real run with a slow avoidance search on every site (each deep in the reserve, a
// wide search): SIGTERM is honoured within a second, with 143 and no temporary file.
TEST_F(Hostile, SigtermEndsARealRunWithinASecondInAnyPhase) {
    std::string text = "id,lon,lat\n";
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(100.3, 100.7);
    for (int i = 0; i < 4000; ++i)
        text += "S" + std::to_string(i) + "," + std::to_string(u(rng)) + "," + std::to_string(u(rng) - 70) + "\n";
    const std::string sites = dir.write("many.csv", text);
    for (const int delay_ms : {30, 600}) {  // while opening the layers / while screening and searching
        const std::string o = dir.file("sig" + std::to_string(delay_ms));
        const pid_t pid = sitescreen::testing::spawn_logged(
            {SITESCREEN_BINARY, "screen", "--layers", catalog, "--sites", sites, "--out", o, "--formats", "all",
             "--buffers", "1000,50000", "--type", "mine", "--threads", "2"},
            dir.file("log.txt"));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        const auto t0 = std::chrono::steady_clock::now();
        ::kill(pid, SIGTERM);
        const int code = wait_exit(pid, 5.0);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        EXPECT_EQ(code, 143) << delay_ms << " ms: " << read_file(dir.file("log.txt"));
        EXPECT_LT(secs, 1.0) << delay_ms << " ms";
        std::vector<std::string> temps;
        std::error_code ec;
        for (const auto& e : fs::recursive_directory_iterator(o, ec))
            if (contains(e.path().filename().string(), ".tmp-")) temps.push_back(e.path().string());
        EXPECT_TRUE(temps.empty()) << temps.front();
        EXPECT_FALSE(fs::exists(o + "/sites.jsonl"));
        EXPECT_FALSE(fs::exists(o + "/run.json"));
    }
}

}  // namespace
