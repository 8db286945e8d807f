// Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe): plain
// node, no npm package, no WebSocket. Shared by the browser tests (tests/test_portfolio_browser.cpp,
// tests/serve/test_serve_browser.cpp); each writes a small driver that requires this file.
'use strict';
const { spawn } = require('child_process');

// Starts Chromium with one page; `isLocal(url)` says which requests are not "external".
// Resolves to {s, waitFor, evaluate, load, click, mouseClick, waitUntil, centre, mapPoint, clickMap, sleep,
// result, close}; `result.errors`
// collects console errors, exceptions and log errors, `result.external` every other request.
async function openPage(chromium, userDir, isLocal) {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--user-data-dir=' + userDir, '--remote-debugging-pipe', '--window-size=1280,1000', 'about:blank'];
  const proc = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
  const toChrome = proc.stdio[3], fromChrome = proc.stdio[4];

  let buffer = Buffer.alloc(0), nextId = 0;
  const pending = new Map(), listeners = new Set();
  const result = { errors: [], external: [] };

  fromChrome.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    let end;
    while ((end = buffer.indexOf(0)) >= 0) {
      const msg = JSON.parse(buffer.subarray(0, end).toString('utf8'));
      buffer = buffer.subarray(end + 1);
      if (msg.id !== undefined && pending.has(msg.id)) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(msg.error.message)); else p.resolve(msg.result);
      } else {
        for (const l of listeners) l(msg);
      }
    }
  });

  function send(method, params, sessionId) {
    const msg = { id: ++nextId, method, params: params || {} };
    if (sessionId) msg.sessionId = sessionId;
    toChrome.write(JSON.stringify(msg) + '\0');
    return new Promise((resolve, reject) => pending.set(msg.id, { resolve, reject }));
  }

  function waitFor(pred, ms, what) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { listeners.delete(l); reject(new Error('timeout waiting for ' + what)); }, ms);
      const l = (m) => { if (pred(m)) { clearTimeout(timer); listeners.delete(l); resolve(m); } };
      listeners.add(l);
    });
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const s = (method, params) => send(method, params, sessionId);
  listeners.add((m) => {
    if (m.sessionId !== sessionId) return;
    const p = m.params || {};
    if (m.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert'))
      result.errors.push('console: ' + p.args.map((a) => a.value || a.description).join(' '));
    if (m.method === 'Runtime.exceptionThrown')
      result.errors.push('exception: ' + (p.exceptionDetails.exception ? p.exceptionDetails.exception.description : p.exceptionDetails.text));
    if (m.method === 'Log.entryAdded' && p.entry.level === 'error') result.errors.push('log: ' + p.entry.text + ' ' + (p.entry.url || ''));
    if (m.method === 'Network.requestWillBeSent' && !/^(data|about|blob):/.test(p.request.url) && !isLocal(p.request.url))
      result.external.push(p.request.url);
  });
  await s('Page.enable');
  await s('Runtime.enable');
  await s('Log.enable');
  await s('Network.enable');

  const evaluate = async (expr) => {
    const r = await s('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error('evaluate: ' + expr + ': ' + JSON.stringify(r.exceptionDetails));
    return r.result.value;
  };
  const load = async (url) => {
    const loaded = waitFor((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired', 30000, 'load');
    await s('Page.navigate', { url });
    await loaded;
    await sleep(300);
  };
  const mouseClick = async (point) => {
    await s('Input.dispatchMouseEvent', { type: 'mouseMoved', x: point.x, y: point.y });
    await s('Input.dispatchMouseEvent', { type: 'mousePressed', x: point.x, y: point.y, button: 'left', clickCount: 1 });
    await s('Input.dispatchMouseEvent', { type: 'mouseReleased', x: point.x, y: point.y, button: 'left', clickCount: 1 });
  };
  // Clicks and resolves to the URL the top frame navigates to.
  const click = async (point, what) => {
    const nav = waitFor((m) => m.sessionId === sessionId && m.method === 'Page.frameNavigated' && !m.params.frame.parentId,
      15000, 'navigation after clicking ' + what);
    await mouseClick(point);
    return (await nav).params.frame.url;
  };
  // Polls a page expression every 100 ms until it is true (resolves true) or `ms` have passed (false).
  const waitUntil = async (expr, ms) => {
    for (let t = 0; t < ms; t += 100) { if (await evaluate(expr)) return true; await sleep(100); }
    return false;
  };
  // The middle of the element with this id, scrolled into view first (a panel may scroll).
  const centre = (id) => evaluate(`(() => {
    const e = document.getElementById('${id}');
    e.scrollIntoView({block: 'center'});
    const r = e.getBoundingClientRect();
    return {x: r.x + r.width / 2, y: r.y + r.height / 2};
  })()`);
  // Zooms the page's Leaflet map (window.sitescreen.map) in on a place, as a person would, and
  // resolves to the place's point on the screen.
  const mapPoint = async (lat, lon, zoom) => {
    const point = await evaluate(`(() => {
      const map = window.sitescreen.map;
      map.setView([${lat}, ${lon}], ${zoom || 13}, {animate: false});
      const p = map.latLngToContainerPoint([${lat}, ${lon}]);
      const r = document.getElementById('map').getBoundingClientRect();
      return {x: r.x + p.x, y: r.y + p.y};
    })()`);
    await sleep(300);
    return point;
  };
  const clickMap = async (lat, lon) => mouseClick(await mapPoint(lat, lon));
  const close = () => proc.kill('SIGKILL');
  return { s, waitFor, evaluate, load, click, mouseClick, waitUntil, centre, mapPoint, clickMap, sleep, result, close };
}

// On `sitescreen serve`'s map page: chooses the file `path` in the batch form, clicks "Screen the
// file" and waits until the job has ended and its files are listed (or it failed or was lost).
// Resolves to {job, files: [{text, href}]}.
async function uploadBatch(page, path) {
  const { s, evaluate } = page;
  const doc = await s('DOM.getDocument', {});
  const input = await s('DOM.querySelector', { nodeId: doc.root.nodeId, selector: '#file' });
  await s('DOM.setFileInputFiles', { nodeId: input.nodeId, files: [path] });
  await page.mouseClick(await page.centre('upload-button'));
  await page.waitUntil(`(() => { const j = window.sitescreen.job;
    return !!j && j.status !== 'queued' && j.status !== 'running' && document.querySelectorAll('#files li').length > 0 ||
      !!j && (j.status === 'failed' || j.status === 'lost'); })()`, 240000);
  return {
    job: await evaluate('window.sitescreen.job'),
    files: await evaluate(`Array.from(document.querySelectorAll('#files a')).map((a) => ({text: a.textContent, href: a.getAttribute('href')}))`),
  };
}

// Runs `body(page)` with a watchdog, then prints `result` as one JSON line and exits 0.
function run(chromium, userDir, isLocal, result, body, watchdogMs) {
  let page = null;
  const finish = () => {
    clearTimeout(watchdog);
    if (page) Object.assign(result, { errors: page.result.errors.concat(result.errors || []), external: page.result.external });
    process.stdout.write(JSON.stringify(result) + '\n');
    if (page) page.close();
    process.exit(0);
  };
  const watchdog = setTimeout(() => { result.errors = (result.errors || []).concat(['watchdog: no answer in ' + watchdogMs / 1000 + ' s']); finish(); }, watchdogMs);
  openPage(chromium, userDir, isLocal)
    .then((p) => { page = p; return body(p); })
    .then(finish, (e) => { result.errors = (result.errors || []).concat(['driver: ' + e.message]); finish(); });
}

module.exports = { openPage, run, uploadBatch };
