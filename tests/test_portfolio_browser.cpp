// End to end in a browser: the portfolio page of a few synthetic sites loads in headless
// Chromium (Debian's chromium package) with no console error and no network request,
// shows one marker per site with coordinates, and a click on a table row or on a
// marker opens that site's report. Skipped, with the reason, where Chromium or node is missing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "geo/site_geometry.h"
#include "support/require.h"
#include "report/formats.h"
#include "screen/screener.h"

namespace fs = std::filesystem;
using namespace sitescreen;

namespace {

// Drives Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe):
// plain node, no npm package, no WebSocket. Prints one JSON line.
constexpr const char* kDriver = R"JS(
// Loads report.html in headless Chromium (tests/support/devtools.js) and reports console errors,
// network requests, markers and navigation.
'use strict';
const [support, chromium, pageUrl, userDir, rowIndex, markerIndex] = process.argv.slice(2);
const devtools = require(support);
const result = { errors: [], external: [], markers: -1, rows: -1, sites: -1, rowUrl: '', markerUrl: '', loadMs: -1 };

devtools.run(chromium, userDir, (url) => /^file:/.test(url), result, async (page) => {
  const { evaluate, click } = page;
  const load = () => page.load(pageUrl);
  const t0 = Date.now();
  await load();
  result.loadMs = Date.now() - t0;
  const counts = await evaluate(`({markers: window.sitescreen ? window.sitescreen.markers.length : -1,
    sites: window.sitescreen ? window.sitescreen.sites.length : -1,
    rows: document.querySelectorAll('#sites tbody tr').length})`);
  Object.assign(result, counts);

  if (Number(rowIndex) < 0) return;  // load only (the scale check)

  // A row: click its name cell (not the link), as a person would.
  const rowPoint = await evaluate(`(() => {
    const td = document.querySelector('#sites tbody tr[data-index="${rowIndex}"] td:nth-child(3)');
    td.scrollIntoView({block: 'center'});
    const r = td.getBoundingClientRect();
    return {x: r.x + r.width / 2, y: r.y + r.height / 2};
  })()`);
  result.rowUrl = await click(rowPoint, 'a row');

  // A marker on the canvas.
  await load();
  const markerPoint = await evaluate(`(() => {
    const m = window.sitescreen.markers.find((m) => m.options.siteIndex === ${markerIndex});
    const el = document.getElementById('map');
    el.scrollIntoView({block: 'center'});
    const p = window.sitescreen.map.latLngToContainerPoint(m.getLatLng());
    const r = el.getBoundingClientRect();
    return {x: r.x + p.x, y: r.y + p.y};
  })()`);
  result.markerUrl = await click(markerPoint, 'a marker');
}, 90000);
)JS";

// The DevTools support module the driver requires.
const std::string kDevtoolsSupport = std::string(SITESCREEN_SOURCE_DIR) + "/tests/support/devtools.js";

std::string chromium_path() {
    if (const char* env = std::getenv("SITESCREEN_CHROMIUM")) return env;
    for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
        if (fs::exists(p)) return p;
    return "";
}

bool have_node() { return std::system("command -v node > /dev/null 2>&1") == 0; }

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Synthetic {
    SiteResult result;
};

Synthetic synthetic(std::size_t index, const std::string& id, const std::string& name, double lon, double lat,
                    const std::string& level) {
    Synthetic s;
    Site& site = s.result.site;
    site.index = index;
    site.id = id;
    site.where = "sites.csv:" + std::to_string(index + 2);
    site.type = "plant";
    site.attributes = {{"id", id}, {"name", name}};
    if (level == "error") {
        site.error = site.where + ": longitude is empty";
    } else {
        site.lonlat = {lon, lat};
        site.has_coordinates = true;
        s.result.geometry = make_site_geometry(site.lonlat, nullptr, {1000, 10000});
        s.result.verdict = Verdict{};
        s.result.verdict->level = level_from_string(level).value();
        s.result.verdict->reasons = {level + ": synthetic reason"};
        CriterionFinding bio, water;
        bio.criterion = Criterion::BiodiversityImportance;
        bio.status = level == "low" ? CriterionStatus::NotMet : CriterionStatus::Met;
        Evidence seen;
        seen.layer = "protected_areas";
        seen.theme = "protected_area";
        seen.status = bio.status;
        seen.why = "synthetic";
        bio.evidence = {seen};
        water.criterion = Criterion::WaterRisk;
        water.why = "synthetic: no layer";
        s.result.locate = Locate{};
        s.result.locate->criteria = std::vector<CriterionFinding>{bio, water};
        s.result.mitigation = std::vector<MitigationStep>{{MitigationStage::Avoid, "move", "synthetic", "relocate"}};
    }
    return s;
}

}  // namespace

// The page in `lang` (--lang en|zh, issue #24: the zh page opens without a console error too).
static void markers_rows_and_links_work(i18n::Lang lang) {
    const std::string chromium = chromium_path();
    SITESCREEN_REQUIRE(!chromium.empty(), "Chromium", "apt-get install chromium, or set SITESCREEN_CHROMIUM");
    SITESCREEN_REQUIRE(have_node(), "node (it drives Chromium over the DevTools pipe)", "apt-get install nodejs");

    const fs::path dir = fs::temp_directory_path() /
                         ("sitescreen-portfolio-" + std::to_string(::getpid()) + "-" + i18n::to_string(lang));
    fs::remove_all(dir);
    const fs::path out = dir / "out";
    std::vector<Synthetic> sites;
    sites.push_back(synthetic(0, "北京-1", "北京热电厂", 116.40, 39.90, "high"));
    sites.push_back(synthetic(1, "上海/2", "上海站点", 121.47, 31.23, "low"));
    sites.push_back(synthetic(2, "dup", "重复 A", 113.26, 23.13, "no-go"));
    sites.push_back(synthetic(3, "dup", "重复 B", 104.07, 30.67, "medium"));
    sites.push_back(synthetic(4, "bad", "坏行", 0, 0, "error"));

    RunContext ctx;
    ctx.out_dir = out.string();
    ctx.site_fields = {"id", "name"};
    ctx.any_demo = true;
    ctx.tool_version = "0.0.0-test";
    ctx.options.lang = lang;
    auto writers = make_writers({"html", "portfolio"});
    std::vector<BegunWriter> begun;
    for (auto& w : writers) begun.push_back({w.get(), w->begin(ctx)});
    for (const auto& s : sites)
        for (const auto& w : begun) write_site(w, s.result);
    for (auto& w : writers) w->finish(RunSummary{Json::object()});

    const fs::path page = out / "report.html";
    const std::string html = read_file(page);
    ASSERT_FALSE(html.empty());
    // Self-contained: no script, style or image fetched from anywhere.
    EXPECT_EQ(html.find("<script src"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    const std::string banner = lang == i18n::Lang::Zh ? "演示数据" : "DEMONSTRATION DATA";
    EXPECT_NE(html.find(banner), std::string::npos);
    EXPECT_LT(html.find(banner), html.find("<h1>"));
    EXPECT_NE(html.find(lang == i18n::Lang::Zh ? "<html lang=\"zh-Hans\">" : "<html lang=\"en\">"), std::string::npos);
    for (const char* f : {"北京-1.html", "上海_2.html", "dup.html", "dup-3.html", "bad.html"})
        EXPECT_TRUE(fs::exists(out / "sites" / f)) << f;

    const fs::path driver = dir / "driver.js";
    std::ofstream(driver) << kDriver;
    const fs::path result_file = dir / "result.json";
    const std::string url = "file://" + url_path_escape(fs::absolute(page).string());
    // Row of site index 3 (the second "dup"), marker of site index 1 (上海/2).
    const std::string cmd = "timeout 150 node '" + driver.string() + "' '" + kDevtoolsSupport + "' '" + chromium +
                            "' '" + url + "' '" + (dir / "profile").string() + "' 3 1 > '" + result_file.string() +
                            "' 2> '" + (dir / "driver.log").string() + "'";
    const int rc = std::system(cmd.c_str());
    const std::string text = read_file(result_file);
    ASSERT_EQ(rc, 0) << "driver failed: " << text << read_file(dir / "driver.log");
    const Json r = Json::parse(text);

    EXPECT_EQ(r["errors"], Json::array()) << r.dump(2);
    EXPECT_EQ(r["external"], Json::array()) << "the page fetched from the network";
    EXPECT_EQ(r["sites"], 5);
    EXPECT_EQ(r["markers"], 4);  // one per site with coordinates (the error row has none)
    EXPECT_EQ(r["rows"], 5);
    const std::string base = "file://" + url_path_escape(fs::absolute(out / "sites").string()) + "/";
    EXPECT_EQ(r["rowUrl"], base + "dup-3.html");
    EXPECT_EQ(r["markerUrl"], base + url_path_escape("上海_2.html"));

    std::error_code ec;
    fs::remove_all(dir, ec);
}

TEST(PortfolioBrowser, MarkersRowsAndLinksWorkInHeadlessChromium) { markers_rows_and_links_work(i18n::Lang::En); }

TEST(PortfolioBrowser, TheChinesePageWorksInHeadlessChromiumToo) { markers_rows_and_links_work(i18n::Lang::Zh); }

// Thousands of sites stay usable: canvas markers, a paged table.
TEST(PortfolioBrowser, FiveThousandSitesLoadQuickly) {
    const std::string chromium = chromium_path();
    SITESCREEN_REQUIRE(!chromium.empty(), "Chromium", "apt-get install chromium, or set SITESCREEN_CHROMIUM");
    SITESCREEN_REQUIRE(have_node(), "node (it drives Chromium over the DevTools pipe)", "apt-get install nodejs");

    const fs::path dir = fs::temp_directory_path() / ("sitescreen-portfolio-scale-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const fs::path out = dir / "out";
    RunContext ctx;
    ctx.out_dir = out.string();
    ctx.tool_version = "0.0.0-test";
    auto writers = make_writers({"portfolio"});
    ASSERT_EQ(writers.size(), 1u);
    const BegunWriter begun{writers[0].get(), writers[0]->begin(ctx)};
    const char* levels[] = {"low", "medium", "high", "no-go"};
    constexpr int kSites = 5000;
    for (int i = 0; i < kSites; ++i) {
        SiteResult r;
        r.site.index = static_cast<std::size_t>(i);
        r.site.id = "S" + std::to_string(i);
        r.site.type = "charger";
        r.site.lonlat = {100.0 + (i % 100) * 0.25, 22.0 + (i / 100) * 0.3};
        r.site.has_coordinates = true;
        r.site.attributes = {{"name", "充电站 " + std::to_string(i)}};
        r.verdict = Verdict{};
        r.verdict->level = level_from_string(levels[(i * 7) % 4]).value();
        write_site(begun, r);
    }
    writers[0]->finish(RunSummary{Json::object()});

    const fs::path driver = dir / "driver.js";
    std::ofstream(driver) << kDriver;
    const fs::path result_file = dir / "result.json";
    const std::string url = "file://" + url_path_escape(fs::absolute(out / "report.html").string());
    const std::string cmd = "timeout 150 node '" + driver.string() + "' '" + kDevtoolsSupport + "' '" + chromium +
                            "' '" + url + "' '" + (dir / "profile").string() + "' -1 -1 > '" + result_file.string() +
                            "' 2> '" + (dir / "driver.log").string() + "'";
    const int rc = std::system(cmd.c_str());
    const std::string text = read_file(result_file);
    ASSERT_EQ(rc, 0) << "driver failed: " << text << read_file(dir / "driver.log");
    const Json r = Json::parse(text);
    EXPECT_EQ(r["errors"], Json::array()) << r.dump(2);
    EXPECT_EQ(r["markers"], kSites);
    EXPECT_EQ(r["rows"], 200);  // one page of the table
    EXPECT_LT(r["loadMs"].get<int>(), 20000) << "the page took " << r["loadMs"] << " ms to load";
    std::cout << "portfolio of " << kSites << " sites: " << fs::file_size(out / "report.html") / 1024
              << " KiB, loaded in " << r["loadMs"] << " ms\n";
    std::error_code ec;
    fs::remove_all(dir, ec);
}
