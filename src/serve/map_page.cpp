// The map page: Leaflet (inlined) over the admin outline of the catalog; a click screens the place.
#include "serve/map_page.h"

#include <map>
#include <mutex>

#include "report/core_writers.h"
#include "report/formats.h"
#include "report/portfolio_page.h"
#include "screen/profile.h"

namespace sitescreen::serve {

namespace {

constexpr const char* kStyle = R"CSS(
* { box-sizing:border-box; }
body { margin:0; display:flex; height:100vh; color:#1b1b1b; font-size:14px; line-height:1.4;
  font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif; }
#map { flex:1 1 auto; background:#dbe6ee; }
#panel { width:420px; overflow-y:auto; padding:12px 16px; border-left:1px solid #c9c9c9; background:#fff; }
h1 { font-size:18px; margin:0 0 8px; }
h2 { font-size:15px; margin:14px 0 4px; }
.banner { background:#b30000; color:#fff; padding:6px 10px; font-weight:700; margin:6px 0; display:none; }
#verdict { font-size:20px; font-weight:800; padding:6px 10px; border-radius:4px; display:inline-block; }
.lv-no-go { background:#7f0000; color:#fff; } .lv-high { background:#d7301f; color:#fff; }
.lv-medium { background:#fdae61; } .lv-low { background:#a6d96a; } .lv-not_covered { background:#bdbdbd; }
.lv-error { background:#444; color:#fff; }
ul { margin:4px 0; padding-left:18px; } li { margin:2px 0; }
.muted { color:#5a5a5a; } .err { color:#b30000; font-weight:700; }
label { margin-right:10px; }
)CSS";

constexpr const char* kScript = R"JS(
'use strict';
(function () {
  // The token of a service started with --token: typed into the page's token field, or given in
  // the address as #token=... (a fragment never leaves the browser; it is taken out of the address
  // bar at once). Requests send it as 'Authorization: Bearer'; the links to a job's files, which
  // the browser follows itself, as the cookie sitescreen_token, for /v1/jobs/ only.
  var token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  function setToken(t) {
    token = t;
    document.cookie = 'sitescreen_token=' + encodeURIComponent(t) + '; Path=/v1/jobs/; SameSite=Strict' +
      (location.protocol === 'https:' ? '; Secure' : '') + (t ? '' : '; Max-Age=0');
  }
  // The page's texts in the service's language (window.sitescreenTexts, from the message catalog).
  var T = window.sitescreenTexts;
  function levelText(level) { return T['level.' + level] || level; }
  function tr(key, args) {
    return T[key].replace(/\{(\w+)\}/g, function (m, name) { return args && name in args ? String(args[name]) : m; });
  }
  function api(path, options) {
    options = options || {};
    options.headers = options.headers || {};
    if (token) options.headers['Authorization'] = 'Bearer ' + token;
    return fetch(path, options).then(function (r) {
      if (r.status === 401) askToken(token ? 'token_refused' : 'token_needed');
      return r.json().then(function (body) { return {status: r.status, body: body}; });
    });
  }
  function askToken(key) {
    el('token-form').style.display = 'block';
    el('token-status').textContent = tr(key);
    el('token-status').className = 'err';
  }
  var renderer = L.canvas({padding: 0.3});
  var map = L.map('map', {renderer: renderer, zoomSnap: 0.25, minZoom: 2, maxZoom: 16}).setView([35, 105], 4);
  L.control.scale({imperial: false}).addTo(map);
  var state = {map: map, site: null, alternative: null, line: null, last: null, pending: 0};
  window.sitescreen = state;
  var el = function (id) { return document.getElementById(id); };
  function text(tag, s, cls) { var e = document.createElement(tag); e.textContent = s; if (cls) e.className = cls; return e; }
  function list(id, items) {
    var ul = el(id);
    ul.replaceChildren();
    items.forEach(function (s) { ul.appendChild(text('li', s)); });
    if (!items.length) ul.appendChild(text('li', tr('none'), 'muted'));
  }

  // The catalog's demonstration flags and the outline, once the service lets the page in.
  state.loaded = false;
  function load() {
    api('/v1/layers').then(function (r) {
      if (r.status !== 200) return;
      if (token) {
        el('token-status').textContent = tr('token_accepted');
        el('token-status').className = 'muted';
      }
      if (state.loaded) return;
      state.loaded = true;
      layersLoaded(r);
      api('/v1/basemap').then(function (b) {
        if (b.status !== 200) return;
        L.geoJSON(b.body, {renderer: renderer, interactive: false,
          style: {color: '#6b7b8c', weight: 1, fillColor: '#f7f5ef', fillOpacity: 1}}).addTo(map);
      });
    });
  }
  el('token-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    setToken(el('token').value.trim());
    el('token').value = '';
    load();
  });
  // Health needs no token and says whether the others do: no request is refused for want of one.
  fetch('/v1/health').then(function (r) { return r.json(); }).then(function (h) {
    state.tokenRequired = !!h.token_required;
    if (h.token_required) el('token-form').style.display = 'block';
    if (token) setToken(token);
    if (h.token_required && !token) { askToken('token_needed'); return; }
    load();
  });
  function layersLoaded(r) {
    var demo = (r.body.layers || []).filter(function (l) { return l.demo; }).map(function (l) { return l.id; });
    if (demo.length) {
      el('demo').textContent = tr('demo_banner', {layers: demo.join(', ')});
      el('demo').style.display = 'block';
    }
  }

  function show(record) {
    state.last = record;
    var v = record.verdict || {};
    var level = record.status === 'error' ? 'error' : (v.level || '');
    var badge = el('verdict');
    badge.textContent = record.status === 'error' ? tr('error') : (T['level.' + v.level] || v.level_text || v.level || '');
    badge.className = 'lv-' + level;
    badge.setAttribute('data-level', level);
    el('where').textContent = (record.lon !== null ? record.lon.toFixed(5) + ', ' + record.lat.toFixed(5) : '') +
      ' (' + record.type + ')';
    el('error').textContent = record.error || '';
    // Each criterion met by its name in the page's language, its id beside it (as the reports name them).
    var criteria = (record.locate && record.locate.criteria_met) || [];
    list('criteria', criteria.map(function (id) {
      var name = T['criterion.' + id];
      return name ? tr('criterion_item', {name: name, id: id}) : id;
    }));
    list('reasons', v.reasons || []);
    list('mitigation', (record.mitigation || []).map(function (m) { return m.step + ': ' + m.action; }));
    var alt = record.alternative;
    if (state.alternative) { map.removeLayer(state.alternative); state.alternative = null; }
    if (state.line) { map.removeLayer(state.line); state.line = null; }
    if (alt && alt.found) {
      var to = L.latLng(alt.lat, alt.lon);
      state.line = L.polyline([L.latLng(record.lat, record.lon), to], {color: '#1a7f37', dashArray: '6 4', interactive: false}).addTo(map);
      state.alternative = L.circleMarker(to, {radius: 8, color: '#1a7f37', fillColor: '#4ac26b', fillOpacity: 0.9})
        .bindTooltip(tr('alternative_tooltip', {distance: Math.round(alt.distance_m), level: levelText(alt.level_at_alternative)})).addTo(map);
      el('alternative').textContent = tr('move', {distance: Math.round(alt.distance_m), bearing: Math.round(alt.bearing_deg),
        lon: alt.lon.toFixed(5), lat: alt.lat.toFixed(5), level: levelText(alt.level_at_alternative)});
    } else {
      el('alternative').textContent = alt ? tr('no_alternative', {km: Math.round(alt.search_radius_m / 1000)}) : tr('none_needed');
    }
    el('result').style.display = 'block';
  }

  // What was last sent to POST /v1/screen: the same body asks POST /v1/report for the full report.
  state.request = null;
  function screen(body, where) {
    state.pending += 1;
    state.request = body;
    state.report = null;
    el('report').disabled = true;
    el('report-link').replaceChildren();
    el('status').textContent = tr('screening', {where: where});
    el('status').className = 'muted';
    // A request refused as a whole (a 401 for the token, a 400, a 503) has no record: its message
    // shows as an error, and the verdict of an earlier place is taken off the page.
    var failed = function (message) {
      el('status').textContent = message;
      el('status').className = 'err';
      el('result').style.display = 'none';
    };
    api('/v1/screen', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)})
      .then(function (r) {
        state.pending -= 1;
        el('status').textContent = '';
        if (r.body.records && r.body.records.length) { show(r.body.records[0]); el('report').disabled = false; }
        else failed(r.body.error || ('HTTP ' + r.status));
      })
      .catch(function (err) { state.pending -= 1; failed(String(err)); });
  }
  function place(layer) {
    if (state.site) map.removeLayer(state.site);
    state.site = layer.addTo(map);
  }

  // Drawing a footprint: a click adds a corner, a double-click or "Finish" closes it and screens it.
  var draw = {on: false, points: [], layer: L.layerGroup().addTo(map)};
  state.draw = draw;
  function redraw() {
    draw.layer.clearLayers();
    if (draw.points.length > 1)
      L.polyline(draw.points, {color: '#2b6cb0', weight: 2, dashArray: '4 3', interactive: false}).addTo(draw.layer);
    draw.points.forEach(function (p) {
      L.circleMarker(p, {radius: 4, color: '#1b1b1b', fillColor: '#fff', fillOpacity: 1, interactive: false}).addTo(draw.layer);
    });
  }
  function drawing(on) {
    draw.on = on;
    draw.points = [];
    redraw();
    if (on) map.doubleClickZoom.disable(); else map.doubleClickZoom.enable();
    map.getContainer().style.cursor = on ? 'crosshair' : '';
    el('draw').textContent = on ? tr('finish') : tr('draw');
    el('cancel').style.display = on ? 'inline' : 'none';
    el('status').textContent = on ? tr('draw_hint') : '';
    el('status').className = 'muted';
  }
  function addCorner(ll) {
    // The two clicks of a double-click land on the same corner: keep one.
    var last = draw.points[draw.points.length - 1];
    if (last && map.latLngToContainerPoint(last).distanceTo(map.latLngToContainerPoint(ll)) < 6) return;
    draw.points.push(ll);
    redraw();
  }
  function finishDrawing() {
    if (draw.points.length < 3) {
      el('status').textContent = tr('too_few', {corners: draw.points.length});
      return;
    }
    var points = draw.points;
    var corners = points.map(function (p) { var w = p.wrap(); return [w.lng, w.lat]; });
    var ring = corners.concat([corners[0]]);
    drawing(false);
    place(L.polygon(points, {color: '#1b1b1b', weight: 2, fillColor: '#2b6cb0', fillOpacity: 0.35}));
    screen({type: 'Feature', properties: {id: 'footprint', type: el('type').value},
            geometry: {type: 'Polygon', coordinates: [ring]}}, tr('footprint_where', {corners: corners.length}));
  }
  el('draw').addEventListener('click', function () { if (draw.on) finishDrawing(); else drawing(true); });
  el('cancel').addEventListener('click', function () { drawing(false); });
  map.on('dblclick', function () { if (draw.on) finishDrawing(); });

  map.on('click', function (e) {
    if (draw.on) { addCorner(e.latlng); return; }
    var ll = e.latlng.wrap();
    place(L.circleMarker(ll, {radius: 7, color: '#1b1b1b', fillColor: '#2b6cb0', fillOpacity: 0.9}));
    screen({id: 'map', lon: ll.lng, lat: ll.lat, type: el('type').value}, ll.lng.toFixed(5) + ', ' + ll.lat.toFixed(5));
  });

  // The full report of the site on show: POST /v1/report renders the page `screen` writes to
  // sites/<id>.html; it opens from memory (a blob: address), so the token never goes into a link.
  el('report').addEventListener('click', function () {
    if (!state.request) return;
    var win = window.open('', '_blank');  // now, while the click counts as the user's (no pop-up block)
    el('report').disabled = true;
    state.pending += 1;
    fetch('/v1/report', {method: 'POST', body: JSON.stringify(state.request),
      headers: token ? {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token} : {'Content-Type': 'application/json'}})
      .then(function (r) {
        return r.text().then(function (t) { return {status: r.status, text: t, type: r.headers.get('Content-Type') || ''}; });
      })
      .then(function (r) {
        state.pending -= 1;
        el('report').disabled = false;
        if (r.status !== 200 || r.type.indexOf('text/html') !== 0) {
          if (win) win.close();
          if (r.status === 401) askToken(token ? 'token_refused' : 'token_needed');
          var message = 'HTTP ' + r.status;
          try { message = JSON.parse(r.text).error || message; } catch (e) { /* not JSON */ }
          el('status').textContent = message;
          return;
        }
        var url = URL.createObjectURL(new Blob([r.text], {type: 'text/html'}));
        state.report = {url: url, bytes: r.text.length, title: new DOMParser().parseFromString(r.text, 'text/html').title};
        var a = document.createElement('a');
        a.href = url;
        a.target = '_blank';
        a.textContent = tr('report_link');
        el('report-link').replaceChildren(a);
        if (win) win.location.href = url;
      })
      .catch(function (err) { state.pending -= 1; el('report').disabled = false; el('status').textContent = String(err); });
  });

  el('upload').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var file = el('file').files[0];
    if (!file) return;
    var kind = /\.gpkg$/i.test(file.name) ? 'application/geopackage+sqlite3' :
      /\.(geo)?json$/i.test(file.name) ? 'application/geo+json' : 'text/csv';
    state.job = null;
    api('/v1/jobs?type=' + encodeURIComponent(el('type').value), {method: 'POST', headers: {'Content-Type': kind}, body: file})
      .then(function (r) {
        if (r.status !== 202) { el('job').textContent = r.body.error || ('HTTP ' + r.status); return; }
        var id = r.body.id;
        var poll = function () {
          api('/v1/jobs/' + id).then(function (s) {
            var j = s.body;
            state.job = j;
            el('job').textContent = tr('job', {id: id.slice(0, 8), status: j.status, sites: j.sites_done || 0}) +
              (j.message ? ' (' + j.message + ')' : '');
            if (j.status === 'queued' || j.status === 'running') { setTimeout(poll, 1000); return; }
            var ul = el('files');
            ul.replaceChildren();
            // Plain links: with a token the browser sends the cookie set by setToken(), so each
            // file opens, and report.html's links to sites/<id>.html work, as without one.
            (j.files || []).forEach(function (f) {
              var a = document.createElement('a');
              a.href = '/v1/jobs/' + id + '/files/' + f.split('/').map(encodeURIComponent).join('/');
              a.textContent = f;
              a.target = '_blank';
              var li = document.createElement('li');
              li.appendChild(a);
              ul.appendChild(li);
            });
          });
        };
        poll();
      });
  });
})();
)JS";

// The page's texts: serve_page.* of the catalog, and the site types' names.
const char* const kTextKeys[] = {"title",
                                 "heading",
                                 "site_type",
                                 "draw",
                                 "finish",
                                 "cancel",
                                 "criteria",
                                 "reasons",
                                 "mitigation",
                                 "alternative",
                                 "report",
                                 "batch",
                                 "upload",
                                 "footer",
                                 "none",
                                 "error",
                                 "demo_banner",
                                 "screening",
                                 "footprint_where",
                                 "draw_hint",
                                 "too_few",
                                 "move",
                                 "no_alternative",
                                 "none_needed",
                                 "alternative_tooltip",
                                 "report_link",
                                 "job",
                                 "criterion_item",
                                 "token_label",
                                 "token_use",
                                 "token_needed",
                                 "token_refused",
                                 "token_accepted"};

std::string build_page(i18n::Lang lang) {
    const i18n::Catalog& c = i18n::catalog(lang);
    std::map<std::string, std::string> t;
    for (const char* k : kTextKeys) t[k] = c.text(std::string("serve_page.") + k);
    const auto h = [&](const char* k) { return report::html_escape(t.at(k)); };
    Json texts = Json::object();
    for (const auto& [k, v] : t) texts[k] = v;
    // The verdict levels by their record value (an alternative's level_at_alternative).
    for (const char* level : {"no-go", "high", "medium", "low", "not_assessed", "not_covered"})
        texts[std::string("level.") + level] = c.text(std::string("verdict.") + level);
    // The TNFD criteria by their record id (locate.criteria_met), named as the reports name them.
    for (const Criterion criterion : kTnfdCriteria) {
        const std::string id = to_string(criterion);
        texts["criterion." + id] = c.text_or("criterion." + id, report::humanise(id));
    }
    std::string texts_js = to_json_line(texts);
    for (std::size_t at; (at = texts_js.find("</")) != std::string::npos;) texts_js.replace(at, 2, "<\\/");

    std::string page = std::string("<!DOCTYPE html>\n<html lang=\"") + report::html_lang(lang) +
                       "\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<title>" +
                       h("title") +
                       "</title>\n"
                       "<link rel=\"icon\" href=\"data:,\">\n";  // no favicon request
    page += "<style>\n" + leaflet_css() + "\n</style>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
    page += "<div id=\"map\"></div>\n<div id=\"panel\">\n<h1>" + h("heading") +
            "</h1>\n<div class=\"banner\" id=\"demo\"></div>\n";
    page += "<form id=\"token-form\" style=\"display:none\"><label>" + h("token_label") +
            " <input type=\"password\" id=\"token\" autocomplete=\"off\" size=\"24\"></label> <button type=\"submit\" "
            "id=\"token-button\">" +
            h("token_use") + "</button> <span id=\"token-status\" class=\"muted\"></span></form>\n";
    page += "<p><label>" + h("site_type") + " <select id=\"type\">";
    for (const char* type : {"plant", "mine", "charger"})
        page += std::string("<option value=\"") + type + "\">" +
                report::html_escape(c.text(std::string("site_type.") + type)) + "</option>";
    page += "</select></label>\n<button type=\"button\" id=\"draw\">" + h("draw") +
            "</button> <button type=\"button\" id=\"cancel\" style=\"display:none\">" + h("cancel") + "</button></p>\n";
    page += R"HTML(<p id="status" class="muted"></p>
<div id="result" style="display:none">
<p><span id="verdict"></span> <span id="where" class="muted"></span></p>
<p id="error" class="err"></p>
)HTML";
    page += "<h2>" + h("criteria") + "</h2><ul id=\"criteria\"></ul>\n";
    page += "<h2>" + h("reasons") + "</h2><ul id=\"reasons\"></ul>\n";
    page += "<h2>" + h("mitigation") + "</h2><ul id=\"mitigation\"></ul>\n";
    page += "<h2>" + h("alternative") + "</h2><p id=\"alternative\"></p>\n";
    page += "<p><button type=\"button\" id=\"report\" disabled>" + h("report") +
            "</button> <span id=\"report-link\"></span></p>\n</div>\n";
    page += "<h2>" + h("batch") +
            "</h2>\n<form id=\"upload\"><input type=\"file\" id=\"file\" accept=\".csv,.gpkg,.geojson\"> "
            "<button type=\"submit\" id=\"upload-button\">" +
            h("upload") + "</button></form>\n";
    page += "<p id=\"job\" class=\"muted\"></p><ul id=\"files\"></ul>\n";
    page += "<p class=\"muted\">" + h("footer") + " <a href=\"/v1/openapi.json\">/v1/openapi.json</a></p>\n</div>\n";
    page += "<script>\n" + leaflet_js() + "\n</script>\n<script>window.sitescreenTexts = " + texts_js + ";</script>\n";
    page += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
    return page;
}

}  // namespace

const std::string& map_page_html(i18n::Lang lang) {
    static std::mutex mutex;
    static std::map<i18n::Lang, std::string> pages;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = pages.find(lang);
    if (it == pages.end()) it = pages.emplace(lang, build_page(lang)).first;
    return it->second;
}

std::string map_page_csp() {
    return "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; "
           "connect-src 'self'; form-action 'self'; base-uri 'none'";
}

}  // namespace sitescreen::serve
