// The map page of `sitescreen serve` in headless Chromium: a click at sample site C01 (inside a red
// line) shows the no-go verdict and draws the alternative, with no console error and no request
// beyond the service. Skipped, with the reason, where Chromium or node is missing.
#include <gtest/gtest.h>

#include <filesystem>

#include "serve/serve_fixture.h"
#include "support/require.h"

using namespace sitescreen;
using namespace sitescreen::testing;

namespace {

constexpr const char* kDriver = R"JS(
// Opens the service's map page, clicks at a place and reports what the page shows.
'use strict';
const [support, chromium, base, userDir, lon, lat] = process.argv.slice(2);
const devtools = require(support);
const result = { errors: [], external: [], level: '', reasons: 0, mitigation: [], alternativeOnMap: false,
  alternative: null, record: null, clicked: null };

devtools.run(chromium, userDir, (url) => url.startsWith(base), result, async (page) => {
  const { evaluate } = page;
  await page.load(base);
  // Zoom in on the place, as a person would, then click it on the map.
  const point = await evaluate(`(() => {
    const map = window.sitescreen.map;
    map.setView([${lat}, ${lon}], 13, {animate: false});
    const p = map.latLngToContainerPoint([${lat}, ${lon}]);
    const r = document.getElementById('map').getBoundingClientRect();
    return {x: r.x + p.x, y: r.y + p.y};
  })()`);
  await page.sleep(300);
  await page.mouseClick(point);
  for (let i = 0; i < 600; ++i) {
    if (await evaluate('window.sitescreen.last !== null && window.sitescreen.pending === 0')) break;
    await page.sleep(100);
  }
  Object.assign(result, await evaluate(`(() => {
    const st = window.sitescreen, rec = st.last;
    const alt = st.alternative;
    return {
      level: document.getElementById('verdict').getAttribute('data-level'),
      verdictText: document.getElementById('verdict').textContent,
      reasons: document.querySelectorAll('#reasons li').length,
      criteria: Array.from(document.querySelectorAll('#criteria li')).map((li) => li.textContent),
      mitigation: Array.from(document.querySelectorAll('#mitigation li')).map((li) => li.textContent),
      alternativeText: document.getElementById('alternative').textContent,
      alternativeOnMap: !!alt && st.map.hasLayer(alt),
      alternative: alt ? {lat: alt.getLatLng().lat, lon: alt.getLatLng().lng} : null,
      record: rec ? {alternative: rec.alternative, reasons: rec.verdict.reasons.length, lon: rec.lon, lat: rec.lat} : null
    };
  })()`));
}, 120000);
)JS";

std::string chromium_path() {
    if (const char* env = std::getenv("SITESCREEN_CHROMIUM")) return env;
    for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
        if (std::filesystem::exists(p)) return p;
    return "";
}

class ServeBrowser : public ServeTest {};

TEST_F(ServeBrowser, ClickInsideARedLineShowsNoGoAndTheAlternative) {
    const std::string chromium = chromium_path();
    SITESCREEN_REQUIRE(!chromium.empty(), "Chromium", "apt-get install chromium, or set SITESCREEN_CHROMIUM");
    SITESCREEN_REQUIRE(run_command("command -v node > /dev/null 2>&1") == 0,
                       "node (it drives Chromium over the DevTools pipe)", "apt-get install nodejs");
    const std::string driver = dir().write("driver.js", kDriver);
    const std::string base = "http://127.0.0.1:" + std::to_string(server().port()) + "/";
    // Sample site C01: inside the Qinling water-conservation red line (demo layer).
    const std::string cmd = "timeout 170 node " + shell_quote(driver) + " " +
                            shell_quote(std::string(SITESCREEN_SOURCE_DIR) + "/tests/support/devtools.js") + " " +
                            shell_quote(chromium) + " " + shell_quote(base) + " " + shell_quote(dir().file("profile")) +
                            " 108.50 33.90";
    const CommandResult run = run_capture(cmd, dir());
    ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
    const Json r = Json::parse(run.out);

    EXPECT_EQ(r["errors"], Json::array()) << r.dump(2);
    EXPECT_EQ(r["external"], Json::array()) << "the page asked something beyond the service";
    EXPECT_EQ(r["level"], "no-go") << r.dump(2);
    ASSERT_TRUE(r["record"].is_object()) << r.dump(2);
    EXPECT_NEAR(r["record"]["lon"].get<double>(), 108.50, 0.001);  // the click landed on the site
    EXPECT_NEAR(r["record"]["lat"].get<double>(), 33.90, 0.001);
    EXPECT_EQ(r["reasons"], r["record"]["reasons"]);
    EXPECT_GT(r["reasons"].get<int>(), 0);
    ASSERT_FALSE(r["mitigation"].empty());
    EXPECT_EQ(r["mitigation"][0].get<std::string>().rfind("avoid: ", 0), 0u) << r["mitigation"][0];
    // The alternative is on the map, where the record puts it.
    ASSERT_TRUE(r["record"]["alternative"]["found"].get<bool>()) << r.dump(2);
    EXPECT_TRUE(r["alternativeOnMap"].get<bool>());
    EXPECT_DOUBLE_EQ(r["alternative"]["lon"].get<double>(), r["record"]["alternative"]["lon"].get<double>());
    EXPECT_DOUBLE_EQ(r["alternative"]["lat"].get<double>(), r["record"]["alternative"]["lat"].get<double>());
    EXPECT_NE(r["alternativeText"].get<std::string>().find("Move "), std::string::npos) << r["alternativeText"];
}

}  // namespace
