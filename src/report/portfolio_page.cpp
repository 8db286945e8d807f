// The portfolio page: every site on one offline page (Leaflet inlined, canvas markers,
// a paged sortable table), written in finish() from a compact row per site.
#include "report/portfolio_page.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>

#include "io/atomic_file.h"
#include "report/admin_outline.h"
#include "report/map_context.h"
#include "report/tnfd_table.h"
#include "screen/assess.h"
#include "sitescreen/leaflet_assets.h"

namespace fs = std::filesystem;

namespace sitescreen {
namespace {

// Verdict levels, most serious first; not_covered: no layer has data at the site.
const std::vector<std::string>& kLevels = report::verdict_levels();

// The page script with each @key@ replaced by the catalog's text as a JavaScript string literal
// ('...', with what would end the literal or the script element escaped).
std::string localised_script(std::string script, const i18n::Catalog& tr) {
    std::string out;
    std::size_t at = 0;
    while (true) {
        const std::size_t open = script.find('@', at);
        const std::size_t close = open == std::string::npos ? open : script.find('@', open + 1);
        if (close == std::string::npos) break;
        const std::string key = script.substr(open + 1, close - open - 1);
        if (key.empty() || key.find_first_of(" \n'\"(") != std::string::npos) {  // an '@' of the script itself
            out.append(script, at, open + 1 - at);
            at = open + 1;
            continue;
        }
        out.append(script, at, open - at);
        out += '\'';
        for (char c : tr.text(key)) {
            if (c == '\\' || c == '\'') out += '\\';
            if (c == '<') {
                out += "\\x3c";
                continue;
            }
            out += c;
        }
        out += '\'';
        at = close + 1;
    }
    out.append(script, at, std::string::npos);
    return out;
}

}  // namespace

std::string leaflet_js() {
    std::string js(reinterpret_cast<const char*>(assets::kLeaflet_js), assets::kLeaflet_js_size);
    // The source map is not bundled: drop the reference so nothing asks for it.
    const auto pos = js.rfind("//# sourceMappingURL=");
    if (pos != std::string::npos) js.erase(pos);
    return js;
}

std::string leaflet_css() {
    std::string css(reinterpret_cast<const char*>(assets::kLeaflet_css), assets::kLeaflet_css_size);
    // The marker and layer-control images are not bundled (the page uses neither).
    for (std::size_t pos = 0; (pos = css.find("url(images/", pos)) != std::string::npos;) {
        const auto end = css.find(')', pos);
        if (end == std::string::npos) break;
        css.replace(pos, end - pos + 1, "none");
    }
    return css;
}

namespace {

constexpr const char* kStyle = R"CSS(
* { box-sizing:border-box; }
body { margin:0; background:#eef0f2; color:#1b1b1b; font-size:15px; line-height:1.45;
  font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif; }
.banner { background:#b30000; color:#fff; padding:12px 28px; font-weight:700; font-size:16px; }
td.demo { color:#b30000; font-weight:700; }
main { max-width:1280px; margin:0 auto; padding:14px 28px 48px; background:#fff; }
h1 { font-size:26px; margin:6px 0 2px; }
h2 { font-size:20px; margin:26px 0 8px; padding-bottom:4px; border-bottom:2px solid #d9d9d9; }
.sub { color:#5a5a5a; margin:0 0 12px; }
.cards { display:flex; flex-wrap:wrap; gap:10px; margin:10px 0; }
.card { min-width:120px; padding:8px 14px; border-radius:6px; cursor:pointer; border:2px solid transparent; }
.card.active { border-color:#1b1b1b; }
.card .n { font-size:28px; font-weight:800; display:block; }
.rollup { margin:6px 0 10px; }
.coverage { margin:6px 0 10px; font-size:14px; }
#map { height:540px; background:#dbe6ee; border:1px solid #c9c9c9; }
.legend { display:flex; flex-wrap:wrap; gap:14px; font-size:13px; margin:6px 0; }
.dot { display:inline-block; width:12px; height:12px; border-radius:50%; border:1px solid #222; vertical-align:-1px; margin-right:4px; }
table { border-collapse:collapse; width:100%; font-size:14px; margin:6px 0 14px; }
th, td { border:1px solid #d9d9d9; padding:5px 8px; text-align:left; vertical-align:top; }
thead th { background:#f0f2f4; }
#sites thead th { cursor:pointer; user-select:none; white-space:nowrap; }
#sites thead th.sorted-asc::after { content:" ▲"; font-size:11px; }
#sites thead th.sorted-desc::after { content:" ▼"; font-size:11px; }
#sites tbody tr { cursor:pointer; }
#sites tbody tr:hover, #sites tbody tr:focus { background:#f3f7fb; outline:none; }
td.num { text-align:right; white-space:nowrap; }
.badge { display:inline-block; padding:1px 8px; border-radius:3px; font-weight:700; font-size:13px; white-space:nowrap; }
.controls { display:flex; flex-wrap:wrap; gap:10px; align-items:center; margin:8px 0; font-size:14px; }
.controls input, .controls select, .controls button { font:inherit; padding:3px 6px; }
.mono { font-family:"DejaVu Sans Mono",ui-monospace,monospace; font-size:12px; word-break:break-all; }
.note { color:#5a5a5a; font-size:13px; }
.leaflet-tooltip.town { background:none; border:none; box-shadow:none; padding:0 2px; color:#6e6e6e; font-size:11px; text-shadow:0 0 2px #fff, 0 0 2px #fff; }
.leaflet-tooltip.town::before { display:none; }
)CSS";

// The page script: the map (canvas markers), the verdict cards and the paged sortable table.
constexpr const char* kScript = R"JS(
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('sitescreen-data').textContent);
  var S = data.sites;  // [id, name, type, verdict, criteria_met, lon, lat, link, status, criteria, index]
  var COLOURS = data.colours, LABELS = data.labels;
  var RANK = {'no-go': 0, 'high': 1, 'medium': 2, 'low': 3, 'not_covered': 4, '': 5, 'error': 6};

  // ---- map
  var renderer = L.canvas({padding: 0.3});
  var map = L.map('map', {preferCanvas: true, renderer: renderer, zoomSnap: 0.25, minZoom: 2, maxZoom: 16});
  var order = [];
  for (var i = 0; i < S.length; i++) if (S[i][5] !== null && S[i][6] !== null) order.push(i);
  // Worst verdicts drawn last, on top.
  order.sort(function (a, b) { return RANK[S[b][3]] - RANK[S[a][3]] || a - b; });
  // The view first: Leaflet draws vector layers only on a map that has one.
  var bounds = L.latLngBounds([]);
  order.forEach(function (i) { bounds.extend(L.latLng(S[i][6], S[i][5])); });
  if (order.length === 1) map.setView(bounds.getCenter(), 9);
  else if (order.length > 1 && bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), 9);
  else if (order.length > 1) map.fitBounds(bounds.pad(0.08));
  else map.fitBounds([[18, 73], [54, 135]]);
  if (data.admin) {
    // Land first (every unit filled, no outline), then the outlines, coarse ones on top and thicker.
    L.geoJSON(data.admin, {renderer: renderer, interactive: false,
      style: {stroke: false, fill: true, fillColor: '#fbfaf5', fillOpacity: 1}}).addTo(map);
    var fine = {type: 'FeatureCollection', features: []}, coarse = {type: 'FeatureCollection', features: []};
    data.admin.features.forEach(function (f) { (f.properties.level <= 1 ? coarse : fine).features.push(f); });
    [[fine, 0.5], [coarse, 1.2]].forEach(function (layer) {
      L.geoJSON(layer[0], {renderer: renderer, interactive: false,
        style: {color: '#8a8a8a', weight: layer[1], opacity: 0.9, fill: false}}).addTo(map);
    });
  }
  if (data.context) {
    // Rivers, lakes and towns (layers/context): pale, under the sites; the main towns named.
    L.geoJSON(data.context, {renderer: renderer, interactive: false,
      filter: function (f) { return f.properties.kind !== 'town'; },
      style: function (f) {
        return f.properties.kind === 'lake'
          ? {color: '#b3d3ea', weight: 0.7, fill: true, fillColor: '#deebf7', fillOpacity: 1}
          : {color: '#9ecae1', weight: 1.2, opacity: 1, fill: false};
      }}).addTo(map);
    var named = 0;
    data.context.features.forEach(function (f) {
      if (f.properties.kind !== 'town') return;
      var c = f.geometry.coordinates;
      var t = L.circleMarker(L.latLng(c[1], c[0]), {renderer: renderer, interactive: false, stroke: false,
        radius: f.properties.seat <= 1 ? 2.5 : 2, fillColor: '#8a8a8a', fillOpacity: 1});
      if (named++ < 30) t.bindTooltip(f.properties.name, {permanent: true, direction: 'right', offset: [2, 0], className: 'town'});
      t.addTo(map);
    });
  }
  var markers = [];
  order.forEach(function (i) {
    var s = S[i];
    var ll = L.latLng(s[6], s[5]);
    var m = L.circleMarker(ll, {renderer: renderer, siteIndex: i, radius: 6, weight: 1, color: '#1b1b1b',
                                fillColor: COLOURS[s[3]] || '#9e9e9e', fillOpacity: 0.92});
    m.bindTooltip(function () {
      var t = document.createElement('div');
      var b = document.createElement('b'); b.textContent = s[0]; t.appendChild(b);
      if (s[1]) t.appendChild(document.createTextNode(' ' + s[1]));
      t.appendChild(document.createElement('br'));
      t.appendChild(document.createTextNode((LABELS[s[3]] || s[3]) + @portfolio.tooltip_met@ + s[4]));
      return t;
    });
    if (s[7]) m.on('click', function () { window.location.href = s[7]; });
    m.addTo(map);
    markers.push(m);
  });
  L.control.scale({imperial: false}).addTo(map);

  // ---- table
  var COLS = [
    {label: '#', key: function (s) { return s[10]; }, num: true},
    {label: @portfolio.column.site_id@, key: function (s) { return s[0]; }},
    {label: @portfolio.column.name@, key: function (s) { return s[1]; }},
    {label: @portfolio.column.type@, key: function (s) { return s[2]; }},
    {label: @portfolio.column.verdict@, key: function (s) { return RANK[s[3]]; }, num: true},
    {label: @portfolio.column.criteria_met@, key: function (s) { return s[4]; }, num: true},
    {label: @portfolio.column.criteria@, key: function (s) { return s[9]; }},
    {label: @portfolio.column.lon@, key: function (s) { return s[5] === null ? Infinity : s[5]; }, num: true},
    {label: @portfolio.column.lat@, key: function (s) { return s[6] === null ? Infinity : s[6]; }, num: true},
    {label: @portfolio.column.demo@, key: function (s) { return s[11]; }}
  ];
  var state = {col: 0, dir: 1, text: '', verdict: null, page: 0, size: 200};
  var view = [];
  var thead = document.querySelector('#sites thead tr');
  var tbody = document.querySelector('#sites tbody');
  var info = document.getElementById('page-info');

  COLS.forEach(function (c, k) {
    var th = document.createElement('th');
    th.textContent = c.label;
    th.setAttribute('scope', 'col');
    th.addEventListener('click', function () {
      if (state.col === k) state.dir = -state.dir; else { state.col = k; state.dir = 1; }
      state.page = 0;
      refresh();
    });
    thead.appendChild(th);
  });

  function matches(s) {
    if (state.verdict !== null && s[3] !== state.verdict) return false;
    if (!state.text) return true;
    var t = state.text;
    return (s[0] + ' ' + s[1] + ' ' + s[2] + ' ' + (LABELS[s[3]] || '') + ' ' + s[9]).toLowerCase().indexOf(t) >= 0;
  }

  function refresh() {
    view = [];
    for (var i = 0; i < S.length; i++) if (matches(S[i])) view.push(i);
    var c = COLS[state.col];
    view.sort(function (a, b) {
      var x = c.key(S[a]), y = c.key(S[b]);
      var r = c.num ? (x === y ? 0 : x - y) : String(x).localeCompare(String(y));
      return (r || a - b) * (r ? state.dir : 1);
    });
    Array.prototype.forEach.call(thead.children, function (th, k) {
      th.className = k === state.col ? (state.dir > 0 ? 'sorted-asc' : 'sorted-desc') : '';
    });
    render();
  }

  function cell(tr, text, cls) {
    var td = document.createElement('td');
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function render() {
    var pages = Math.max(1, Math.ceil(view.length / state.size));
    state.page = Math.min(state.page, pages - 1);
    var from = state.page * state.size, to = Math.min(view.length, from + state.size);
    var frag = document.createDocumentFragment();
    for (var k = from; k < to; k++) {
      var i = view[k], s = S[i];
      var tr = document.createElement('tr');
      tr.dataset.index = String(i);
      tr.tabIndex = 0;
      cell(tr, String(s[10]), 'num');
      var idc = document.createElement('td');
      if (s[7]) { var a = document.createElement('a'); a.href = s[7]; a.textContent = s[0]; idc.appendChild(a); }
      else idc.textContent = s[0];
      tr.appendChild(idc);
      cell(tr, s[1]);
      cell(tr, s[2]);
      var vc = document.createElement('td');
      var badge = document.createElement('span');
      badge.className = 'badge';
      badge.style.background = COLOURS[s[3]] || '#9e9e9e';
      badge.style.color = data.text_colours[s[3]] || '#fff';
      badge.textContent = LABELS[s[3]] || s[3];
      vc.appendChild(badge);
      tr.appendChild(vc);
      cell(tr, String(s[4]), 'num');
      cell(tr, s[9]);
      cell(tr, s[5] === null ? '' : s[5].toFixed(5), 'num');
      cell(tr, s[6] === null ? '' : s[6].toFixed(5), 'num');
      cell(tr, s[11], s[11] ? 'demo' : '');
      frag.appendChild(tr);
    }
    tbody.textContent = '';
    tbody.appendChild(frag);
    info.textContent = view.length ? (@portfolio.page.sites@ + (from + 1) + '–' + to + @portfolio.page.of@ + view.length +
                                      @portfolio.page.page@ + (state.page + 1) + @portfolio.page.of@ + pages) : @portfolio.page.no_match@;
  }

  function open(tr) {
    var s = S[Number(tr.dataset.index)];
    if (s && s[7]) window.location.href = s[7];
  }
  tbody.addEventListener('click', function (e) {
    if (e.target.closest('a')) return;  // the link navigates by itself
    var tr = e.target.closest('tr');
    if (tr) open(tr);
  });
  tbody.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { var tr = e.target.closest('tr'); if (tr) open(tr); }
  });
  document.getElementById('filter').addEventListener('input', function (e) {
    state.text = e.target.value.trim().toLowerCase(); state.page = 0; refresh();
  });
  document.getElementById('prev').addEventListener('click', function () { if (state.page > 0) { state.page--; render(); } });
  document.getElementById('next').addEventListener('click', function () { state.page++; render(); });
  Array.prototype.forEach.call(document.querySelectorAll('.card[data-verdict]'), function (card) {
    card.addEventListener('click', function () {
      var v = card.getAttribute('data-verdict');
      state.verdict = state.verdict === v ? null : v;
      Array.prototype.forEach.call(document.querySelectorAll('.card'), function (c) {
        c.classList.toggle('active', state.verdict !== null && c.getAttribute('data-verdict') === state.verdict);
      });
      state.page = 0;
      refresh();
    });
  });
  refresh();

  // For tests and for the curious: the map and its markers.
  window.sitescreen = {map: map, markers: markers, sites: S};
})();
)JS";

}  // namespace

PortfolioPageWriter::PortfolioPageWriter(std::string report_suffix) : report_suffix_(std::move(report_suffix)) {}

WriterPlan PortfolioPageWriter::begin(const RunContext& ctx) {
    ctx_ = ctx;
    fs::create_directories(ctx.out_dir);
    provenance_.begin(ctx);
    rows_.clear();
    WriterPlan plan;
    plan.reads_result = true;
    return plan;
}

void PortfolioPageWriter::write(const SiteOutput& s) {
    const SiteResult& result = *s.result;
    const std::string& stem = names_.stem(result.site.index, result.site.id);
    provenance_.rows(result);
    Row row;
    row.id = result.site.id;
    row.name = report::site_name(result.site);
    row.type = result.site.type;
    row.status = result.site.error ? "error" : "ok";
    row.verdict = report::verdict_level(result);
    row.has_point = result.site.has_coordinates;
    row.lon = result.site.lonlat.lon;
    row.lat = result.site.lonlat.lat;
    if (!report_suffix_.empty()) row.link = "sites/" + url_path_escape(stem + report_suffix_);
    for (const auto& [criterion, status] : report::criteria_statuses(s.answer)) {
        if (!criterion_counts_.count(criterion)) criteria_order_.push_back(criterion);
        ++criterion_counts_[criterion][status];
        if (status == "met") {
            row.met.push_back(criterion);
            ++row.criteria_met;
        }
    }
    row.demo = report::demo_marker(s.answer, i18n::catalog(ctx_.options.lang));
    for (const auto& d : report::demo_layers(result, ctx_.options.lang))
        if (std::find(demo_titles_.begin(), demo_titles_.end(), d) == demo_titles_.end()) demo_titles_.push_back(d);
    rows_.push_back(std::move(row));
}

void PortfolioPageWriter::finish(const RunSummary& run) {
    // Counts per verdict.
    std::map<std::string, std::size_t> by_level;
    double west = std::numeric_limits<double>::infinity(), east = -west, south = west, north = -west;
    for (const Row& r : rows_) {
        ++by_level[r.verdict];
        if (r.has_point) {
            west = std::min(west, r.lon);
            east = std::max(east, r.lon);
            south = std::min(south, r.lat);
            north = std::max(north, r.lat);
        }
    }
    std::string admin;
    if (ctx_.layers && std::isfinite(west)) {
        static const Json kNone;
        const Json& recorded = run.json;
        const Json& catalog_layers = recorded.is_object() && recorded.contains("catalog") &&
                                             recorded["catalog"].is_object() && recorded["catalog"].contains("layers")
                                         ? recorded["catalog"]["layers"]
                                         : kNone;
        admin =
            cached_admin_outline_geojson(*ctx_.layers, catalog_layers, outline_cache_build_id(), outline_cache_folder(),
                                         west, south, east, north, 60000, nullptr, ctx_.threads);
    }
    std::string context;
    if (std::isfinite(west))
        if (const MapContextData* pack = shared_map_context(ctx_.options.lang).data.get()) {
            // Water as far as the admin background goes; towns near the sites only, so that the
            // names on the page are those of the sites' surroundings, not of the next countries.
            const double span = std::max({east - west, north - south, 0.5});
            const Box water(Point(west - span * 0.25, south - span * 0.25),
                            Point(east + span * 0.25, north + span * 0.25));
            const Box towns(Point(west - span * 0.05, south - span * 0.05),
                            Point(east + span * 0.05, north + span * 0.05));
            context = map_context_geojson(*pack, water, towns, ctx_.options.lang, 80);
        }

    const i18n::Catalog& tr = i18n::catalog(ctx_.options.lang);
    Json data = Json::object();
    Json sites = Json::array();
    for (std::size_t i = 0; i < rows_.size(); ++i) {
        const Row& r = rows_[i];
        std::string crit;
        for (const auto& c : r.met)
            crit += (crit.empty() ? "" : ", ") + tr.text_or("criterion." + c, report::humanise(c));
        sites.push_back(Json::array({r.id, r.name, tr.text_or("site_type." + r.type, r.type), r.verdict, r.criteria_met,
                                     r.has_point ? Json(std::round(r.lon * 1e6) / 1e6) : Json(nullptr),
                                     r.has_point ? Json(std::round(r.lat * 1e6) / 1e6) : Json(nullptr), r.link,
                                     r.status, crit, i + 1, r.demo}));
    }
    data["sites"] = std::move(sites);
    Json colours = Json::object(), labels = Json::object(), text_colours = Json::object();
    for (const auto& l : kLevels) {
        colours[l] = report::verdict_colour(l);
        labels[l] = report::verdict_label(l, tr);
        text_colours[l] = report::verdict_text_colour(l);
    }
    data["colours"] = std::move(colours);
    data["labels"] = std::move(labels);
    data["text_colours"] = std::move(text_colours);

    const auto& prov = provenance_.rows(SiteResult{});
    std::vector<std::string> demo = demo_titles_;
    for (const auto& p : prov)
        if (p.demo && std::find(demo.begin(), demo.end(), p.title.empty() ? p.id : p.title) == demo.end())
            demo.push_back(p.title.empty() ? p.id : p.title);
    using report::html_escape;

    std::string h;
    h.reserve(1 << 20);
    h += std::string("<!DOCTYPE html>\n<html lang=\"") + report::html_lang(ctx_.options.lang) +
         "\">\n<head>\n<meta charset=\"utf-8\">\n";
    h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    h +=
        "<title>" + html_escape(tr.format("portfolio.title", {{"count", std::to_string(rows_.size())}})) + "</title>\n";
    h += "<style>\n" + leaflet_css() + "\n</style>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
    if (!demo.empty() || ctx_.any_demo)
        h += "<div class=\"banner\" role=\"alert\">⚠ " + html_escape(report::portfolio_demo_banner(demo, tr)) +
             "</div>\n";
    h += "<main>\n<h1>" +
         html_escape(tr.format(rows_.size() == 1 ? "portfolio.heading_one" : "portfolio.heading",
                               {{"count", std::to_string(rows_.size())}})) +
         "</h1>\n";
    h += "<p class=\"sub\">" +
         html_escape(tr.format(
             prov.size() == 1 ? "portfolio.sub_one" : "portfolio.sub",
             {{"version", ctx_.tool_version},
              {"layers", std::to_string(prov.size())},
              {"demo", demo.empty() ? std::string()
                                    : tr.format("portfolio.sub_demo", {{"count", std::to_string(demo.size())}})}})) +
         "</p>\n";

    // Verdict cards (click to filter the table).
    h += "<h2 id=\"verdicts\">" + html_escape(tr.text("portfolio.verdicts")) + "</h2>\n<div class=\"cards\">\n";
    for (const auto& l : kLevels) {
        const auto it = by_level.find(l);
        if (it == by_level.end() && (l.empty() || l == "error" || l == "not_covered")) continue;
        const std::size_t n = it == by_level.end() ? 0 : it->second;
        h += fmt::format(
            "<div class=\"card\" data-verdict=\"{}\" style=\"background:{};color:{}\" title=\"{}\">"
            "<span class=\"n\">{}</span>{}</div>\n",
            html_escape(l), report::verdict_colour(l), report::verdict_text_colour(l),
            html_escape(tr.text("portfolio.card_title")), n, html_escape(report::verdict_label(l, tr)));
    }
    h += "</div>\n";
    if (const std::string t = report::roll_up_text(run.portfolio, tr); !t.empty())
        h += "<p class=\"rollup\">" + html_escape(t) + "</p>\n";
    // Low verdicts with a needed criterion not assessed (run.json portfolio.low_partial_coverage):
    // counted apart, with what "partly assessed" means (docs/output.md, "Portfolio page").
    if (run.portfolio) {
        const std::size_t partial = run.portfolio->low_partial_coverage();
        const auto low = by_level.find("low");
        if (partial > 0 && low != by_level.end())
            h += "<p class=\"coverage\" id=\"low-partial\"><strong>" +
                 html_escape(tr.format("portfolio.low_partial",
                                       {{"count", std::to_string(partial)}, {"low", std::to_string(low->second)}})) +
                 "</strong> " + html_escape(tr.text("portfolio.low_partial_note")) + "</p>\n";
    }

    // Counts per criterion.
    if (!criteria_order_.empty()) {
        h += "<h2 id=\"criteria\">" + html_escape(tr.text("portfolio.criteria.heading")) +
             "</h2>\n<table>\n<thead><tr><th>" + html_escape(tr.text("report.criteria.criterion")) + "</th><th>" +
             html_escape(tr.text("portfolio.criteria.met")) + "</th><th>" +
             html_escape(tr.text("portfolio.criteria.not_met")) + "</th><th>" +
             html_escape(tr.text("portfolio.criteria.not_assessed")) + "</th></tr></thead>\n<tbody>\n";
        for (const auto& c : criteria_order_) {
            auto& counts = criterion_counts_[c];
            h += "<tr><td><strong>" + html_escape(tr.text_or("criterion." + c, report::humanise(c))) +
                 "</strong></td>" +
                 fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                             counts["met"], counts["not_met"], counts["not_assessed"]);
        }
        h += "</tbody>\n</table>\n";
    }

    h += report::tnfd_table_html(run.portfolio, tr);

    h += "<h2 id=\"map-title\">" + html_escape(tr.text("portfolio.map")) +
         "</h2>\n<div id=\"map\" role=\"region\" aria-label=\"" + html_escape(tr.text("portfolio.map_label")) +
         "\"></div>\n";
    h += "<div class=\"legend\">";
    for (const auto& l : kLevels) {
        if (!by_level.count(l) && (l.empty() || l == "error" || l == "not_covered")) continue;
        h += fmt::format("<span><span class=\"dot\" style=\"background:{}\"></span>{}</span>",
                         report::verdict_colour(l), html_escape(report::verdict_label(l, tr)));
    }
    h += "</div>\n<p class=\"note\">" + html_escape(tr.text("portfolio.map_note")) + "</p>\n";

    h += "<h2 id=\"table-title\">" + html_escape(tr.text("portfolio.sites")) +
         "</h2>\n<div class=\"controls\"><label>" + html_escape(tr.text("portfolio.filter")) +
         " <input id=\"filter\" type=\"search\" placeholder=\"" + html_escape(tr.text("portfolio.filter_placeholder")) +
         "\"></label><button id=\"prev\" type=\"button\">◀ " + html_escape(tr.text("portfolio.previous")) +
         "</button><button id=\"next\" type=\"button\">" + html_escape(tr.text("portfolio.next")) +
         " ▶</button><span id=\"page-info\"></span></div>\n";
    h += "<table id=\"sites\"><thead><tr></tr></thead><tbody></tbody></table>\n";

    h += "<h2 id=\"provenance\">" + html_escape(tr.text("portfolio.provenance")) + "</h2>\n<table>\n<thead><tr>";
    for (const char* key : {"report.layers.layer", "report.layers.criterion", "report.provenance.source",
                            "report.provenance.date", "report.provenance.licence", "report.provenance.demo"})
        h += "<th>" + html_escape(tr.text(key)) + "</th>";
    h += "<th>SHA-256</th></tr></thead>\n<tbody>\n";
    for (const auto& p : prov)
        h += "<tr><td><strong>" + html_escape(p.title.empty() ? p.id : p.title) + "</strong> (" + html_escape(p.id) +
             ")</td><td>" + html_escape(tr.text_or("criterion." + p.criterion, report::humanise(p.criterion))) +
             "</td><td>" + html_escape(p.source) + "</td><td>" + html_escape(p.date) + "</td><td>" +
             html_escape(p.licence) + "</td><td>" +
             (p.demo ? "<strong>DEMO</strong>" : html_escape(tr.text("report.provenance.not_demo"))) +
             "</td><td class=\"mono\">" + html_escape(p.sha256) + "</td></tr>\n";
    h += "</tbody>\n</table>\n</main>\n";

    h += "<script id=\"sitescreen-data\" type=\"application/json\">" + script_json(data) + "</script>\n";
    // The admin outline is large: it joins the data object here rather than being parsed twice.
    h += "<script>\n" + leaflet_js() + "\n</script>\n";
    h += "<script>window.SITESCREEN_ADMIN = " + (admin.empty() ? std::string("null") : admin) + ";</script>\n";
    h += "<script>window.SITESCREEN_CONTEXT = " + (context.empty() ? std::string("null") : context) + ";</script>\n";
    std::string script = localised_script(kScript, tr);
    const std::string marker = "var data = JSON.parse(document.getElementById('sitescreen-data').textContent);";
    script.replace(script.find(marker), marker.size(),
                   marker + "\n  data.admin = window.SITESCREEN_ADMIN;\n  data.context = window.SITESCREEN_CONTEXT;");
    h += "<script>" + script + "</script>\n</body>\n</html>\n";

    AtomicFile f((fs::path(ctx_.out_dir) / "report.html").string());
    f.stream() << h;
    f.commit();
}

void PortfolioPageWriter::abort() noexcept {}

}  // namespace sitescreen
