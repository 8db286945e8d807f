// The map page of `sitescreen serve` in headless Chromium: a click at sample site C01 (inside a red
// line) shows the no-go verdict and draws the alternative; a footprint drawn there does the same
// and opens its full report; a batch uploaded from the page runs to `done` with its files listed;
// all with no console error and no request beyond the service. Skipped, with the reason, where
// Chromium or node is missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "i18n/messages.h"
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
  await page.clickMap(lat, lon);
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
      record: rec ? {alternative: rec.alternative, reasons: rec.verdict.reasons.length, lon: rec.lon, lat: rec.lat,
        criteria_met: (rec.locate && rec.locate.criteria_met) || []} : null
    };
  })()`));
}, 120000);
)JS";

constexpr const char* kDrawDriver = R"JS(
// Draws a footprint around a place on the service's map page, opens its report, then uploads a
// batch from the page and waits for its files; reports what the page shows.
'use strict';
const [support, chromium, base, userDir, lon, lat, batch] = process.argv.slice(2);
const devtools = require(support);
const result = { errors: [], external: [], footprint: null, report: null, job: null, files: [], fileStatus: 0 };

devtools.run(chromium, userDir, (url) => url.startsWith(base), result, async (page) => {
  const { evaluate, s, centre, waitUntil } = page;
  await page.load(base);
  const here = await page.mapPoint(lat, lon, 14);

  // "Draw a footprint", three corners by click, the fourth by double-click.
  await page.mouseClick(await centre('draw'));
  const corners = [[-40, -30], [40, -30], [40, 30], [-40, 30]].map(([dx, dy]) => ({x: here.x + dx, y: here.y + dy}));
  for (const c of corners.slice(0, 3)) { await page.mouseClick(c); await page.sleep(250); }
  const last = corners[3];
  await s('Input.dispatchMouseEvent', { type: 'mouseMoved', x: last.x, y: last.y });
  for (const clickCount of [1, 2]) {
    await s('Input.dispatchMouseEvent', { type: 'mousePressed', x: last.x, y: last.y, button: 'left', clickCount });
    await s('Input.dispatchMouseEvent', { type: 'mouseReleased', x: last.x, y: last.y, button: 'left', clickCount });
  }
  await waitUntil('window.sitescreen.last !== null && window.sitescreen.pending === 0', 120000);
  result.footprint = await evaluate(`(() => {
    const st = window.sitescreen, rec = st.last, alt = st.alternative;
    return {
      level: document.getElementById('verdict').getAttribute('data-level'),
      reasons: document.querySelectorAll('#reasons li').length,
      mitigation: Array.from(document.querySelectorAll('#mitigation li')).map((li) => li.textContent),
      alternativeOnMap: !!alt && st.map.hasLayer(alt),
      sent: st.request,
      drawnCorners: st.site && st.site.getLatLngs ? st.site.getLatLngs()[0].length : 0,
      record: rec ? {geometry: rec.geometry, id: rec.id, status: rec.status, reasons: rec.verdict.reasons.length,
                     alternative: rec.alternative, level_text: rec.verdict.level_text} : null
    };
  })()`);

  // Its full report, from the button under the result.
  await page.mouseClick(await centre('report'));
  await waitUntil('window.sitescreen.report !== null && window.sitescreen.report !== undefined && window.sitescreen.pending === 0', 120000);
  result.report = await evaluate('window.sitescreen.report');

  // A batch from the page: the file chosen in the form, "Screen the file", files listed when done.
  Object.assign(result, await devtools.uploadBatch(page, batch));
  // A listed file, as the browser follows the link.
  result.fileStatus = await evaluate(`(() => { const a = document.querySelector('#files a');
    return a ? fetch(a.href).then((r) => r.status) : 0; })()`);
}, 400000);
)JS";

constexpr const char* kTokenDriver = R"JS(
// The map page of a service started with --token: it asks for the token first, takes it from its
// field, screens a click, runs a batch and follows the links to the batch's files.
'use strict';
const [support, chromium, base, userDir, lon, lat, batch, token] = process.argv.slice(2);
const devtools = require(support);
const result = { errors: [], external: [], asked: null, accepted: null, level: '', job: null, files: [],
  fileStatuses: [], sitePage: null, tokenInUrls: [], cookieOnPage: true };

devtools.run(chromium, userDir, (url) => url.startsWith(base), result, async (page) => {
  const { evaluate, s, centre, waitUntil } = page;
  await page.load(base);
  await waitUntil(`document.getElementById('token-status').textContent !== ''`, 30000);
  result.asked = await evaluate(`({shown: getComputedStyle(document.getElementById('token-form')).display !== 'none',
    text: document.getElementById('token-status').textContent, loaded: window.sitescreen.loaded})`);

  // The token typed into its field, then "Use the token".
  await page.mouseClick(await centre('token'));
  await s('Input.insertText', { text: token });
  await page.mouseClick(await centre('token-button'));
  await waitUntil('window.sitescreen.loaded === true', 30000);
  result.accepted = await evaluate(`({loaded: window.sitescreen.loaded,
    text: document.getElementById('token-status').textContent, field: document.getElementById('token').value})`);

  // A click on the map, screened with the token.
  await page.clickMap(lat, lon);
  await waitUntil('window.sitescreen.last !== null && window.sitescreen.pending === 0', 120000);
  result.level = await evaluate(`document.getElementById('verdict').getAttribute('data-level')`);

  // A batch from the page, until its files are listed.
  Object.assign(result, await devtools.uploadBatch(page, batch));
  // Every listed file as the browser follows its link (same origin, the page's cookie, no header).
  result.fileStatuses = await evaluate(`Promise.all(Array.from(document.querySelectorAll('#files a')).map((a) =>
    fetch(a.href).then((r) => ({name: a.textContent, status: r.status})))).then((x) => x)`);
  // report.html opened from its link, and its link to a site's own page followed from there.
  result.sitePage = await evaluate(`(() => {
    const a = Array.from(document.querySelectorAll('#files a')).find((x) => x.textContent === 'report.html');
    if (!a) return null;
    return fetch(a.href).then((r) => r.text()).then((html) => {
      // The portfolio table is built from the page's data: each row's link to its site page.
      const m = html.match(new RegExp('"(sites/[^"]+[.]html)"'));
      const link = m ? m[1] : null;
      if (!link) return {link: null, status: 0};
      return fetch(new URL(link, a.href).href).then((r) => ({link: link, status: r.status}));
    });
  })()`);
  // The token went in no address, and the page's own cookies (path /) do not show it.
  result.tokenInUrls = await evaluate(`performance.getEntriesByType('resource').map((e) => e.name).concat([location.href])
    .filter((u) => u.indexOf(${JSON.stringify(token)}) >= 0)`);
  result.cookieOnPage = await evaluate(`document.cookie.indexOf(${JSON.stringify(token)}) >= 0`);
}, 400000);
)JS";

constexpr const char* kWrongTokenDriver = R"JS(
// The map page of a service started with --token, used without the token and then with a wrong
// one: what the page shows at each step, and every error the browser reported.
'use strict';
const [support, chromium, base, userDir, lon, lat, wrong] = process.argv.slice(2);
const devtools = require(support);
const result = { errors: [], external: [], asked: null, noToken: null, refused: null, wrongClick: null };

devtools.run(chromium, userDir, (url) => url.startsWith(base), result, async (page) => {
  const { evaluate, s, centre, waitUntil } = page;
  const shown = `({tokenForm: getComputedStyle(document.getElementById('token-form')).display !== 'none',
    tokenStatus: document.getElementById('token-status').textContent,
    tokenStatusClass: document.getElementById('token-status').className,
    status: document.getElementById('status').textContent, statusClass: document.getElementById('status').className,
    result: getComputedStyle(document.getElementById('result')).display !== 'none',
    level: document.getElementById('verdict').getAttribute('data-level'),
    last: window.sitescreen.last, loaded: window.sitescreen.loaded})`;
  await page.load(base);
  await waitUntil(`document.getElementById('token-status').textContent !== ''`, 30000);
  result.asked = await evaluate(shown);

  // A click before any token is entered: the service's 401, shown on the page.
  await page.clickMap(lat, lon);
  await waitUntil(`window.sitescreen.pending === 0 && document.getElementById('status').className === 'err'`, 60000);
  result.noToken = await evaluate(shown);

  // A wrong token typed into its field: the page says the service refused it.
  await evaluate(`document.getElementById('token-status').textContent = ''`);
  await page.mouseClick(await centre('token'));
  await s('Input.insertText', { text: wrong });
  await page.mouseClick(await centre('token-button'));
  await waitUntil(`document.getElementById('token-status').textContent !== ''`, 30000);
  await page.sleep(500);  // the catalog was refused: nothing else may load after it
  result.refused = await evaluate(shown);

  // A click with the wrong token.
  await evaluate(`document.getElementById('status').textContent = ''`);
  await page.clickMap(lat, lon);
  await waitUntil(`window.sitescreen.pending === 0 && document.getElementById('status').className === 'err' &&
    document.getElementById('status').textContent !== ''`, 60000);
  result.wrongClick = await evaluate(shown);
}, 200000);
)JS";

std::string chromium_path() {
    if (const char* env = std::getenv("SITESCREEN_CHROMIUM")) return env;
    for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
        if (std::filesystem::exists(p)) return p;
    return "";
}

// Chromium and node (which drives it over the DevTools pipe), or the test is skipped (failed in CI).
#define SITESCREEN_REQUIRE_BROWSER(chromium)                                                                   \
    const std::string chromium = chromium_path();                                                              \
    SITESCREEN_REQUIRE(!chromium.empty(), "Chromium", "apt-get install chromium, or set SITESCREEN_CHROMIUM"); \
    SITESCREEN_REQUIRE(run_command("command -v node > /dev/null 2>&1") == 0,                                   \
                       "node (it drives Chromium over the DevTools pipe)", "apt-get install nodejs")

// Runs the page driver `js` (written to `name`) on the service's page with a fresh browser profile:
// node driver devtools.js chromium base profile <args>. Its one JSON line of results; null (and a
// failure) when it did not finish.
Json drive_page(const TempDir& dir, const std::string& chromium, int port, const char* name, const char* js,
                const std::string& args, int timeout_s) {
    const std::string driver = dir.write(name, js);
    const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/";
    const std::string cmd = "timeout " + std::to_string(timeout_s) + " node " + shell_quote(driver) + " " +
                            shell_quote(std::string(SITESCREEN_SOURCE_DIR) + "/tests/support/devtools.js") + " " +
                            shell_quote(chromium) + " " + shell_quote(base) + " " +
                            shell_quote(dir.file(std::string(name) + ".profile")) + " " + args;
    const CommandResult run = run_capture(cmd, dir);
    EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
    return run.exit_code == 0 ? Json::parse(run.out, nullptr, false) : Json();
}

// Two chargers in Shenzhen: a batch that runs in seconds.
std::string two_chargers(const TempDir& dir) {
    return dir.write("batch/two_chargers.csv", "id,type,lon,lat\nB1,charger,114.05,22.55\nB2,charger,114.10,22.60\n");
}

class ServeBrowser : public ServeTest {};

TEST_F(ServeBrowser, ClickInsideARedLineShowsNoGoAndTheAlternative) {
    SITESCREEN_REQUIRE_BROWSER(chromium);
    // Sample site C01: inside the Qinling water-conservation red line (demo layer).
    const Json r = drive_page(dir(), chromium, server().port(), "driver.js", kDriver, "108.50 33.90", 170);
    ASSERT_TRUE(r.is_object());

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
    // The criteria met by name, the id beside it: a site inside a red line meets biodiversity importance.
    const Json met = r["record"]["criteria_met"];
    ASSERT_EQ(r["criteria"].size(), met.size()) << r.dump(2);
    EXPECT_NE(std::find(r["criteria"].begin(), r["criteria"].end(),
                        Json("Biodiversity importance (biodiversity_importance)")),
              r["criteria"].end())
        << r["criteria"];
    for (std::size_t i = 0; i < met.size(); ++i) {
        const std::string shown = r["criteria"][i], id = met[i];
        EXPECT_NE(shown, id) << "a criterion shown by its id alone";
        EXPECT_EQ(shown.size() > id.size() + 3 ? shown.substr(shown.size() - id.size() - 3) : std::string(),
                  " (" + id + ")")
            << shown;
    }
    // The alternative is on the map, where the record puts it.
    ASSERT_TRUE(r["record"]["alternative"]["found"].get<bool>()) << r.dump(2);
    EXPECT_TRUE(r["alternativeOnMap"].get<bool>());
    EXPECT_DOUBLE_EQ(r["alternative"]["lon"].get<double>(), r["record"]["alternative"]["lon"].get<double>());
    EXPECT_DOUBLE_EQ(r["alternative"]["lat"].get<double>(), r["record"]["alternative"]["lat"].get<double>());
    EXPECT_NE(r["alternativeText"].get<std::string>().find("Move "), std::string::npos) << r["alternativeText"];
}

TEST_F(ServeBrowser, AFootprintDrawnOnTheMapAndABatchFromThePage) {
    SITESCREEN_REQUIRE_BROWSER(chromium);
    const std::string batch = two_chargers(dir());
    // Around sample site C01: inside the Qinling water-conservation red line (demo layer).
    const Json r = drive_page(dir(), chromium, server().port(), "draw_driver.js", kDrawDriver,
                              "108.50 33.90 " + shell_quote(batch), 450);
    ASSERT_TRUE(r.is_object());

    EXPECT_EQ(r["errors"], Json::array()) << r.dump(2);
    EXPECT_EQ(r["external"], Json::array()) << "the page asked something beyond the service";

    // The footprint: four corners sent as a GeoJSON polygon, screened as one.
    const Json& f = r["footprint"];
    ASSERT_TRUE(f.is_object()) << r.dump(2);
    ASSERT_TRUE(f["record"].is_object()) << r.dump(2);
    EXPECT_EQ(f["sent"]["geometry"]["type"], "Polygon") << f.dump(2);
    ASSERT_EQ(f["sent"]["geometry"]["coordinates"][0].size(), 5u) << "four corners and the closing one: " << f.dump(2);
    EXPECT_EQ(f["drawnCorners"], 4);
    for (const auto& corner : f["sent"]["geometry"]["coordinates"][0]) {
        EXPECT_NEAR(corner[0].get<double>(), 108.50, 0.01) << corner;  // 40 px at zoom 14: some 100 m
        EXPECT_NEAR(corner[1].get<double>(), 33.90, 0.01) << corner;
    }
    EXPECT_EQ(f["record"]["geometry"], "polygon") << f.dump(2);
    EXPECT_EQ(f["record"]["status"], "ok") << f.dump(2);
    EXPECT_EQ(f["level"], "no-go") << f.dump(2);
    EXPECT_GT(f["reasons"].get<int>(), 0);
    EXPECT_EQ(f["reasons"], f["record"]["reasons"]);
    ASSERT_FALSE(f["mitigation"].empty());
    EXPECT_EQ(f["mitigation"][0].get<std::string>().rfind("avoid: ", 0), 0u) << f["mitigation"][0];
    ASSERT_TRUE(f["record"]["alternative"].is_object()) << f.dump(2);
    EXPECT_EQ(f["alternativeOnMap"], f["record"]["alternative"]["found"]);

    // Its report: the HTML page of the footprint, titled with its verdict.
    ASSERT_TRUE(r["report"].is_object()) << r.dump(2);
    EXPECT_GT(r["report"]["bytes"].get<int>(), 10000);
    std::string title = r["report"]["title"], level = f["record"]["level_text"];
    for (auto* t : {&title, &level})
        for (auto& ch : *t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    EXPECT_NE(title.find("footprint"), std::string::npos) << r["report"].dump();  // the site's id
    EXPECT_NE(title.find(level), std::string::npos) << r["report"].dump();

    // The batch: done, both sites, its files listed with working links.
    ASSERT_TRUE(r["job"].is_object()) << r.dump(2);
    EXPECT_EQ(r["job"]["status"], "done") << r["job"].dump(2);
    EXPECT_EQ(r["job"]["sites_done"], 2);
    std::vector<std::string> names;
    for (const auto& a : r["files"]) {
        names.push_back(a["text"]);
        EXPECT_EQ(a["href"],
                  "/v1/jobs/" + r["job"]["id"].get<std::string>() + "/files/" + a["text"].get<std::string>());
    }
    for (const char* f_name : {"sites.jsonl", "summary.csv", "run.json", "report.html"})
        EXPECT_NE(std::find(names.begin(), names.end(), f_name), names.end()) << f_name << " in " << r["files"].dump();
    EXPECT_EQ(r["fileStatus"], 200);
}

// A service started with --token, for the tests of the token on the page and on the file links.
constexpr const char* kToken = "s3cret token/+";  // characters a cookie must carry encoded

struct TokenServeOptions {
    static std::vector<std::string> args() { return {"--token", kToken}; }
};
using ServeWithToken = ServeSuite<TokenServeOptions>;

// The cookie the page sets is taken for a job's files only, and only with the right token.
TEST_F(ServeWithToken, TheTokenCookieOpensAJobsFilesAndNothingElse) {
    auto health = client().Get("/v1/health");
    ASSERT_TRUE(health);
    EXPECT_EQ(Json::parse(health->body)["token_required"], true) << health->body;

    const std::string file = "/v1/jobs/0123456789abcdef0123456789abcdef/files/report.html";
    const httplib::Headers right = {{"Cookie", "other=1; sitescreen_token=s3cret%20token%2F%2B"}};
    const httplib::Headers wrong = {{"Cookie", "sitescreen_token=s3cret%20token"}};
    auto none = client().Get(file);
    ASSERT_TRUE(none);
    EXPECT_EQ(none->status, 401);
    auto bad = client().Get(file, wrong);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 401);
    auto good = client().Get(file, right);  // past the token: no such job
    ASSERT_TRUE(good);
    EXPECT_EQ(good->status, 404) << good->body;
    EXPECT_NE(good->body.find("has no file"), std::string::npos) << good->body;
    // Elsewhere the cookie is no token: the header is.
    for (const char* path : {"/v1/layers", "/v1/jobs/0123456789abcdef0123456789abcdef"}) {
        auto r = client().Get(path, right);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 401) << path;
    }
    auto post = client().Post("/v1/screen", right, R"({"lon":108.5,"lat":33.9})", "application/json");
    ASSERT_TRUE(post);
    EXPECT_EQ(post->status, 401);
    auto bearer = client().Get("/v1/layers", {{"Authorization", std::string("Bearer ") + kToken}});
    ASSERT_TRUE(bearer);
    EXPECT_EQ(bearer->status, 200);
    EXPECT_EQ(server().log().find("s3cret"), std::string::npos) << "the token reached the log";
}

// A missing token and a wrong one are each a 401 with a JSON message that says which, on every
// guarded route, and the service keeps serving.
TEST_F(ServeWithToken, AMissingOrWrongTokenGetsA401ThatSaysWhich) {
    const std::string body = R"({"lon":114.05,"lat":22.55,"type":"charger"})";
    const std::string needs = "this service needs a token: send the header 'Authorization: Bearer <token>'";
    const std::string refused =
        "the token was refused: it is not the one the service was started with (--token or SITESCREEN_TOKEN)";
    const std::string not_bearer =
        "the Authorization header is not 'Bearer <token>': send the header "
        "'Authorization: Bearer <token>'";
    struct Case {
        const char* what;
        httplib::Headers headers;
        std::string message, challenge;
    };
    const std::vector<Case> cases = {
        {"no token", {}, needs, "Bearer"},
        {"a wrong token", {{"Authorization", "Bearer s3cret token/-"}}, refused, "Bearer error=\"invalid_token\""},
        {"the token with a character more",
         {{"Authorization", std::string("Bearer ") + kToken + "x"}},
         refused,
         "Bearer error=\"invalid_token\""},
        {"an empty token", {{"Authorization", "Bearer "}}, refused, "Bearer error=\"invalid_token\""},
        {"Basic credentials", {{"Authorization", "Basic czNjcmV0"}}, not_bearer, "Bearer error=\"invalid_token\""},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.what);
        for (const char* path : {"/v1/layers", "/v1/basemap", "/v1/jobs/0123456789abcdef0123456789abcdef"}) {
            auto r = client().Get(path, c.headers);
            ASSERT_TRUE(r) << path;
            EXPECT_EQ(r->status, 401) << path;
            EXPECT_EQ(r->get_header_value("WWW-Authenticate"), c.challenge) << path;
            const Json j = Json::parse(r->body, nullptr, false);
            ASSERT_TRUE(j.is_object()) << r->body;
            EXPECT_EQ(j["error"], c.message) << path;
            EXPECT_EQ(j["status"], 401);
        }
        for (const char* path : {"/v1/screen", "/v1/report"}) {
            auto r = client().Post(path, c.headers, body, "application/json");
            ASSERT_TRUE(r) << path;
            EXPECT_EQ(r->status, 401) << path;
            EXPECT_EQ(Json::parse(r->body, nullptr, false)["error"], c.message) << path << ": " << r->body;
        }
    }
    // A wrong cookie on a job's file is a wrong token too; no cookie there is none.
    const std::string file = "/v1/jobs/0123456789abcdef0123456789abcdef/files/report.html";
    auto bad_cookie = client().Get(file, {{"Cookie", "sitescreen_token=nope"}});
    ASSERT_TRUE(bad_cookie);
    EXPECT_EQ(bad_cookie->status, 401);
    EXPECT_EQ(Json::parse(bad_cookie->body, nullptr, false)["error"], refused);
    auto other_cookie = client().Get(file, {{"Cookie", "other=1"}});
    ASSERT_TRUE(other_cookie);
    EXPECT_EQ(Json::parse(other_cookie->body, nullptr, false)["error"], needs);
    // Still serving, and the right token still works.
    auto right =
        client().Post("/v1/screen", {{"Authorization", std::string("Bearer ") + kToken}}, body, "application/json");
    ASSERT_TRUE(right);
    EXPECT_EQ(right->status, 200) << right->body;
    EXPECT_EQ(server().log().find("s3cret"), std::string::npos) << "the token reached the log";
}

// Without the token, then with a wrong one, the page says so (in the catalog's words, or the
// service's 401 message for a click) instead of failing silently, and shows no verdict.
TEST_F(ServeWithToken, ThePageShowsAMissingOrWrongTokenAsAnError) {
    SITESCREEN_REQUIRE_BROWSER(chromium);
    const Json r = drive_page(dir(), chromium, server().port(), "wrong_token_driver.js", kWrongTokenDriver,
                              "108.50 33.90 " + shell_quote("not the token"), 250);
    ASSERT_TRUE(r.is_object());
    const auto& en = i18n::catalog(i18n::Lang::En);

    // The only errors the browser reports are the service's 401 answers (Chromium logs each
    // refused request): no script error, no console error of the page's own.
    ASSERT_TRUE(r["errors"].is_array()) << r.dump(2);
    EXPECT_FALSE(r["errors"].empty()) << "the requests were refused, yet the browser logged no 401";
    for (const auto& e : r["errors"]) {
        const std::string line = e.get<std::string>();
        EXPECT_EQ(line.rfind("log: ", 0), 0u) << line;
        EXPECT_NE(line.find("401"), std::string::npos) << line;
    }
    EXPECT_EQ(r["external"], Json::array()) << "the page asked something beyond the service";

    // Before a token: the page asks for one and loads nothing.
    ASSERT_TRUE(r["asked"].is_object()) << r.dump(2);
    EXPECT_TRUE(r["asked"]["tokenForm"].get<bool>());
    EXPECT_EQ(r["asked"]["tokenStatus"], en.text("serve_page.token_needed"));
    EXPECT_EQ(r["asked"]["loaded"], false);

    // A click without a token: the 401's message, as an error, and no verdict.
    ASSERT_TRUE(r["noToken"].is_object()) << r.dump(2);
    EXPECT_EQ(r["noToken"]["status"], "this service needs a token: send the header 'Authorization: Bearer <token>'")
        << r["noToken"].dump(2);
    EXPECT_EQ(r["noToken"]["statusClass"], "err");
    EXPECT_FALSE(r["noToken"]["result"].get<bool>()) << "a verdict shown for a refused request";
    EXPECT_TRUE(r["noToken"]["last"].is_null());
    EXPECT_EQ(r["noToken"]["tokenStatus"], en.text("serve_page.token_needed"));
    EXPECT_EQ(r["noToken"]["tokenStatusClass"], "err");

    // A wrong token entered: refused, said so, and still nothing loaded.
    ASSERT_TRUE(r["refused"].is_object()) << r.dump(2);
    EXPECT_EQ(r["refused"]["tokenStatus"], en.text("serve_page.token_refused")) << r["refused"].dump(2);
    EXPECT_EQ(r["refused"]["tokenStatusClass"], "err");
    EXPECT_TRUE(r["refused"]["tokenForm"].get<bool>()) << "the field must stay for the right token";
    EXPECT_EQ(r["refused"]["loaded"], false);

    // A click with the wrong token: the service's message for a wrong token, and no verdict.
    ASSERT_TRUE(r["wrongClick"].is_object()) << r.dump(2);
    EXPECT_EQ(r["wrongClick"]["status"],
              "the token was refused: it is not the one the service was started with (--token or SITESCREEN_TOKEN)")
        << r["wrongClick"].dump(2);
    EXPECT_EQ(r["wrongClick"]["statusClass"], "err");
    EXPECT_FALSE(r["wrongClick"]["result"].get<bool>());
    EXPECT_TRUE(r["wrongClick"]["last"].is_null());
    EXPECT_EQ(r["wrongClick"]["tokenStatus"], en.text("serve_page.token_refused"));
    EXPECT_EQ(server().log().find("not the token"), std::string::npos) << "the token reached the log";
}

TEST_F(ServeWithToken, ThePageAsksForTheTokenAndItsJobFileLinksWork) {
    SITESCREEN_REQUIRE_BROWSER(chromium);
    const std::string batch = two_chargers(dir());
    const Json r = drive_page(dir(), chromium, server().port(), "token_driver.js", kTokenDriver,
                              "108.50 33.90 " + shell_quote(batch) + " " + shell_quote(kToken), 450);
    ASSERT_TRUE(r.is_object());

    // Nothing refused on the way (a 401 would be a console error), nothing asked beyond the service.
    EXPECT_EQ(r["errors"], Json::array()) << r.dump(2);
    EXPECT_EQ(r["external"], Json::array()) << "the page asked something beyond the service";
    // First the page asks for the token, in the catalog's words, and loads nothing before it.
    ASSERT_TRUE(r["asked"].is_object()) << r.dump(2);
    EXPECT_TRUE(r["asked"]["shown"].get<bool>()) << r.dump(2);
    EXPECT_EQ(r["asked"]["loaded"], false);
    EXPECT_EQ(r["asked"]["text"], i18n::catalog(i18n::Lang::En).text("serve_page.token_needed"));
    EXPECT_EQ(r["accepted"]["loaded"], true) << r.dump(2);
    EXPECT_EQ(r["accepted"]["text"], i18n::catalog(i18n::Lang::En).text("serve_page.token_accepted"));
    EXPECT_EQ(r["accepted"]["field"], "") << "the field keeps no token once used";
    EXPECT_EQ(r["level"], "no-go") << r.dump(2);

    ASSERT_TRUE(r["job"].is_object()) << r.dump(2);
    EXPECT_EQ(r["job"]["status"], "done") << r["job"].dump(2);
    ASSERT_GE(r["fileStatuses"].size(), 4u) << r.dump(2);
    ASSERT_EQ(r["fileStatuses"].size(), r["files"].size());
    for (const auto& f : r["fileStatuses"]) EXPECT_EQ(f["status"], 200) << f.dump();
    ASSERT_TRUE(r["sitePage"].is_object()) << r.dump(2);
    EXPECT_EQ(r["sitePage"]["status"], 200) << r["sitePage"].dump();
    EXPECT_EQ(r["tokenInUrls"], Json::array()) << "the token went into an address";
    EXPECT_EQ(r["cookieOnPage"], false) << "the cookie is for /v1/jobs/ only";
    EXPECT_EQ(server().log().find("s3cret"), std::string::npos) << "the token reached the log";
}

}  // namespace
