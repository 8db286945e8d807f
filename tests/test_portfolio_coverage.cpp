// The portfolio page (report.html) counts the partly assessed low sites apart, as run.json's
// portfolio.low_partial_coverage does, and says what "partly assessed" means, in the run's language
// (docs/output.md, "Portfolio page"; issue 19 item 4).
#include <gtest/gtest.h>

#include <string>

#include "i18n/messages.h"
#include "report/formats.h"
#include "support/fixtures.h"

using namespace sitescreen;
using namespace sitescreen::testing;

namespace {

void expect_partial_count_on_the_page(i18n::Lang lang) {
    TempDir dir;
    const std::string out = dir.file("out");
    const std::string sites = std::string(SITESCREEN_SOURCE_DIR) + "/sample_sites/candidates.csv";
    const CommandResult r =
        run_capture(std::string(SITESCREEN_BINARY) + " screen --sites " + shell_quote(sites) + " --out " +
                        shell_quote(out) + " --formats run,portfolio --no-avoidance --lang " + i18n::to_string(lang),
                    dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Json run = Json::parse(read_file(out + "/run.json"));
    const Json& portfolio = run["portfolio"];
    const long long partial = portfolio["low_partial_coverage"].get<long long>();
    const long long low = portfolio["by_verdict"]["low"].get<long long>();
    // The sample has low sites whose rapid-decline and ecosystem-services criteria have no layer.
    ASSERT_GT(partial, 0);
    ASSERT_LE(partial, low);
    const std::string page = read_file(out + "/report.html");
    const i18n::Catalog& tr = i18n::catalog(lang);
    const std::string count = report::html_escape(
        tr.format("portfolio.low_partial", {{"count", std::to_string(partial)}, {"low", std::to_string(low)}}));
    const auto at = page.find("id=\"low-partial\"");
    ASSERT_NE(at, std::string::npos);
    const std::string para = page.substr(at, page.find("</p>", at) - at);
    EXPECT_NE(para.find(count), std::string::npos) << para;
    EXPECT_NE(para.find(report::html_escape(tr.text("portfolio.low_partial_note"))), std::string::npos) << para;
    // In the verdict section, after the cards: before the criteria table.
    EXPECT_LT(at, page.find("id=\"criteria\""));
}

}  // namespace

TEST(PortfolioCoverage, ThePageCountsPartlyAssessedLowSitesAndSaysWhatThatMeans) {
    expect_partial_count_on_the_page(i18n::Lang::En);
}

TEST(PortfolioCoverage, TheChinesePageSaysItInChinese) { expect_partial_count_on_the_page(i18n::Lang::Zh); }
