// `make bench`, the browser half: Rollcall's full validate-and-plan of a 1,000,000-row file
// against a 1,000,000-user roster, split into phases, against the JavaScript peers' bare parse of
// the same file in the same headless Chromium and the same run: Papa Parse (worker, `complete`
// and streaming `chunk` modes) and uDSV (streaming); 3 runs each, taking turns, medians. Then a
// typical 20,000-row file from choosing it to the validation screen, and the server's resident
// memory once idle after a million-row import through it. Writes target/bench/race.json; report.js turns everything into report.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, statSync, mkdirSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, launch, signIn, apiLogin, ROOT } from '../lib.js';

const ROWS = Number(process.env.ROLLCALL_BENCH_ROWS || 1_000_000);
const RUNS = 3;
const OUT = join(ROOT, 'target/bench');
mkdirSync(OUT, { recursive: true });
const thisMonth = join(OUT, 'this_month.csv');
const nextMonth = join(OUT, 'next_month.csv');
const typical = join(OUT, 'typical_20k.csv');
const bin = join(ROOT, 'target/release/rollcall');
const gen = join(ROOT, 'target/release/examples/gen');
process.env.ROLLCALL_BIN = bin;

execFileSync(gen, [thisMonth, nextMonth, String(ROWS)]);
execFileSync(gen, [join(OUT, 'typical_20k_last.csv'), typical, '20000']);
const size = statSync(nextMonth).size;
console.log(`race: ${ROWS} rows, ${(size / 1e6).toFixed(1)} MB`);

const server = await startServer('bench');
// This month's roster, imported through the server's CSV API as a nightly script sends it (the
// server's memory once idle is measured after it and the browsers' snapshot downloads).
const api = await apiLogin(server.base);
let t = performance.now();
const imported = await api.postCsv('/api/imports/csv?scope=students.csv&confirm_archives=true', readFileSync(thisMonth));
if (imported.status !== 201) throw new Error(`the roster import failed: ${imported.status} ${JSON.stringify(imported.body).slice(0, 300)}`);
const serverImport = (performance.now() - t) / 1000;
console.log(`roster of ${ROWS} users imported through the server in ${serverImport.toFixed(1)} s`);

const browser = await launch();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {
  rows: ROWS, file_bytes: size, rollcall: [], phases: [], papaparse: [], papaparse_chunk: [], udsv: [],
  longtask_ms: [], memory: [], roster_download: [], typical_20k_ms: [],
};

const observeLongTasks = () => {
  window.__longtasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
};

// The peers, each in a page of its own on the same origin, timed from the file chosen to the
// last row parsed. Papa Parse in a worker (`complete` accumulates the rows; `chunk` streams them),
// uDSV streaming over the browser's TextDecoderStream without accumulating (its fastest setup).
const libs = {
  'papaparse.min.js': readFileSync(join(ROOT, 'tests/e2e/node_modules/papaparse/papaparse.min.js')),
  'uDSV.iife.min.js': readFileSync(join(ROOT, 'tests/e2e/node_modules/udsv/dist/uDSV.iife.min.js')),
};
const peers = {
  papaparse: `<script src="/papaparse.min.js"></script><script>
    function go(file, t0) {
      Papa.parse(file, { worker: true, header: true, complete: (r) => done(t0, r.data.length) });
    }</script>`,
  papaparse_chunk: `<script src="/papaparse.min.js"></script><script>
    function go(file, t0) {
      let rows = 0;
      Papa.parse(file, { worker: true, header: true, chunk: (r) => { rows += r.data.length; }, complete: () => done(t0, rows) });
    }</script>`,
  udsv: `<script src="/uDSV.iife.min.js"></script><script>
    async function go(file, t0) {
      let parser = null, rows = 0;
      const count = () => { rows++; };
      for await (const text of file.stream().pipeThrough(new TextDecoderStream())) {
        parser ??= uDSV.initParser(uDSV.inferSchema(text));
        parser.chunk(text, parser.stringArrs, count);
      }
      parser.end();
      done(t0, rows);
    }</script>`,
};
const peerPage = (body) => `<!doctype html><input type=file id=f>${body}<script>
  function done(t0, rows) { window.__peer = { s: (performance.now() - t0) / 1000, rows }; }
  document.getElementById('f').addEventListener('change', (e) => go(e.target.files[0], performance.now()));
</script>`;

// Time to first screen, in a fresh page before the heavy runs (after them, the browser's
// memory pressure from the 100 MB files made this figure 4× noisier than the page itself); the
// median of three loads (one load ranged 300-670 ms across runs of the same build).
{
  const times = [];
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage();
    const loaded = fetchedFiles(page);
    await page.goto(server.base);
    await page.waitForSelector('input[name=email]');
    times.push(await page.evaluate(() => performance.now()));
    results.first_screen_files = [...loaded].sort();
    await page.close();
  }
  results.first_screen_ms = median(times);
  console.log(`first screen: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
}

// The contenders take turns (Rollcall, Papa Parse, Papa Parse chunked, uDSV, Rollcall, …): on
// a shared machine whose speed drifts over minutes, each round sees the same conditions.
for (let run = 0; run < RUNS; run++) {
  await rollcallRun(run);
  for (const name of Object.keys(peers)) await peerRun(name, run);
}
for (let run = 0; run < RUNS; run++) await typicalRun(run);
// The workers curve: the same validate-and-plan with 1 to 4 workers reading the file's parts (by
// default the app takes one a core but one, at most four), one run each.
results.workers_curve = {};
for (let n = 1; n <= 4; n++) {
  const m = await measureRollcall(n);
  await m.page.close();
  const validate = (m.phases.file_wait + m.phases.engine_read_validate + m.phases.parts_wait) / 1000;
  const handoff = m.handoff.map((h) => `encode ${(h.encode / 1000).toFixed(2)} + join ${(h.join / 1000).toFixed(2)} s`).join(', ');
  console.log(`rollcall with ${n} worker${n > 1 ? 's' : ''} (${m.parts} parts): ${m.t.toFixed(2)} s (validation ${validate.toFixed(2)} s${handoff ? `; hand-off: ${handoff}` : ''})`);
  results.workers_curve[n] = m.t;
}

// The server once idle, after a 1,000,000-user roster's snapshots were built and downloaded.
await sleep(3000);
results.server_idle_rss_mb = Number(readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;
console.log(`server idle: ${results.server_idle_rss_mb.toFixed(0)} MB resident`);

// The app's own files a page asked for (its workers' requests included), as a set that fills
// while the page runs: what a visit really loads, not a list kept by hand.
function fetchedFiles(page) {
  const files = new Set();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin !== new URL(server.base).origin) return;
    const f = u.pathname === '/' ? 'index.html' : u.pathname.slice(1);
    if (existsSync(join(ROOT, 'frontend/dist', f))) files.add(f);
  });
  return files;
}

async function wizardPage(parts, watch) {
  const page = await browser.newPage();
  if (watch) watch(fetchedFiles(page));
  if (parts) await page.addInitScript((n) => { window.__rollcall_parts = n; }, parts);
  await page.addInitScript(observeLongTasks);
  await signIn(page, server.base);
  // The snapshot is fetched (and handed to the worker) as the wizard opens.
  await page.waitForFunction(() => window.__rollcall?.roster_ready, null, { timeout: 120000 });
  return page;
}

// The steps are clicked from inside the page the moment each screen is drawn (a mutation
// observer): Playwright's own waiting polls at up to 500 ms once a wait is long, which had put a
// quarter of a second of its latency into the figures after each long step.
function clickThrough(page, steps) {
  return page.evaluate(async (steps) => {
  const drawn = (sel) => new Promise((ok) => {
    if (document.querySelector(sel)) return ok();
    const mo = new MutationObserver(() => { if (document.querySelector(sel)) { mo.disconnect(); ok(); } });
    mo.observe(document.body, { childList: true, subtree: true, attributes: true });
  });
  for (const sel of steps) {
    document.querySelector('[data-testid=next]').click();
    await drawn(sel);
  }
  }, steps);
}

async function toValidate(page, file) {
  await page.setInputFiles('[data-testid=file]', file);
  await page.fill('[data-testid=scope]', 'students.csv'); // the same population as last month
  await clickThrough(page, ['[data-testid=dialect]', '[data-testid=mapping]', '[data-testid=validation-counts]']);
}

// One validate-and-plan of next month's file, with `parts` workers at most (the app's default
// when not given); the page is left open.
async function measureRollcall(parts) {
  const page = await wizardPage(parts);
  const download = await page.evaluate(() => window.__rollcall.roster_ready - (window.__rollcall.roster_start || 0));
  await page.evaluate(() => { window.__longtasks = []; });
  await toValidate(page, nextMonth);
  await clickThrough(page, ['input[type=datetime-local]', '[data-testid=plan-counts]']);
  const m = await page.evaluate(() => {
    const r = window.__rollcall;
    const p = r.phases;
    const handoff = (c) => (p[c] ? p[c].received - p[c].posted : 0);
    const total = r.planned - r.file_chosen;
    const phases = {
      file_wait: p.validate.file_wait,
      engine_read_validate: p.validate.engine,
      // Waiting for the other workers' parts once this worker's own part is read.
      parts_wait: p.validate.parts_wait || 0,
      validate_handoff: handoff('validate'),
      // The review's wait for its plan, from asking to the worker's answer. The page plans
      // ahead while the validation screen is drawn (and read), so this is what is left of it.
      plan: p.plan.posted - (performance.timeOrigin + r.me_loaded),
      plan_handoff: handoff('plan'),
      open: p.open.total + handoff('open'),
      // The page's marks: the screens between steps with the clicks that move through them
      // (as a person clicks, but at once), and the API calls the steps make.
      screens_and_clicks: (r.read_start - r.file_chosen) + (r.validate_start - r.opened) + (r.plan_start - r.validated),
      api_calls: (r.read_asked - r.read_start) + (r.me_loaded - r.plan_start),
    };
    phases.page_and_rest = total - Object.values(phases).reduce((a, b) => a + b, 0);
    return {
      t: total / 1000,
      parts: p.validate.parts || 1,
      handoff: p.validate.handoff || [],
      phases,
      longest: Math.max(0, ...window.__longtasks),
      heap: performance.memory ? performance.memory.usedJSHeapSize : 0,
      wasm: r.worker_memory || 0,
      counts: document.querySelector('[data-testid=plan-counts]').innerText,
      // The plan's own time in the worker, wherever it was made.
      plan_ms: r.plan_ms,
    };
  });
  m.page = page;
  m.download = download / 1000;
  return m;
}

async function rollcallRun(run) {
  const m = await measureRollcall();
  const page = m.page;
  delete m.page;
  results.roster_download.push(m.download);
  // Decode and split alone: the same file read by a worker of the app's with no rule run.
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'bench-file';
    document.body.append(input);
  });
  await page.setInputFiles('#bench-file', nextMonth);
  m.phases.decode_split_alone = await page.evaluate(async () => {
    const file = document.getElementById('bench-file').files[0];
    const w = new Worker('./worker.js', { type: 'module' });
    const ask = (id, cmd, args) => new Promise((ok, fail) => {
      w.onmessage = (e) => {
        if (e.data.type === 'ready' || e.data.type === 'progress') return;
        if (e.data.type === 'error') fail(new Error(e.data.error)); else ok(e.data);
      };
      w.postMessage({ id, cmd, args });
    });
    await ask(1, 'open', { file, options: '{}' });
    const r = await ask(2, 'read_only', { file });
    w.terminate();
    return r.timing.engine;
  });
  const ph = Object.entries(m.phases).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(', ');
  console.log(`rollcall run ${run + 1}: ${m.t.toFixed(2)} s (${ph}), longest main-thread task ${m.longest.toFixed(0)} ms`);
  results.rollcall.push(m.t);
  results.phases.push(m.phases);
  results.longtask_ms.push(m.longest);
  results.memory.push(m.heap + m.wasm);
  (results.plan_wasm_s ||= []).push(m.plan_ms / 1000);
  results.counts = m.counts;
  await page.close();
}

async function peerRun(name, run) {
  const page = await browser.newPage();
  await page.route('**/peer.html', (r) => r.fulfill({ contentType: 'text/html', body: peerPage(peers[name]) }));
  for (const [f, body] of Object.entries(libs)) {
    await page.route(`**/${f}`, (r) => r.fulfill({ contentType: 'application/javascript', body }));
  }
  await page.goto(`${server.base}/peer.html`);
  await page.setInputFiles('#f', nextMonth);
  await page.waitForFunction(() => window.__peer, null, { timeout: 300000, polling: 100 });
  const p = await page.evaluate(() => window.__peer);
  console.log(`${name} run ${run + 1}: ${p.s.toFixed(2)} s (${p.rows} rows)`);
  results[name].push(p.s);
  await page.close();
}

// A typical district file, 20,000 rows: from choosing it to the validation screen, through the
// Read and Map steps with a click each, as a person goes.
async function typicalRun(run) {
  let loaded;
  const page = await wizardPage(undefined, (files) => { loaded = files; });
  await toValidate(page, typical);
  results.import_files = [...loaded].sort();
  const ms = await page.evaluate(() => window.__rollcall.validated - window.__rollcall.file_chosen);
  console.log(`typical 20,000-row file run ${run + 1}: ${ms.toFixed(0)} ms to the validation screen`);
  results.typical_20k_ms.push(ms);
  await page.close();
}

// The bundle: the files the first screen loaded (every visit loads them), and the files an
// import of a CSV loaded by the validation screen (the engine's module and the worker come with
// the first import; the workbook reader only with a workbook). Gzip -9, as the files are served.
const dist = join(ROOT, 'frontend/dist');
const gz = (f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length;
const gzAll = (files) => [...files].map(gz).reduce((a, b) => a + b, 0);
results.bundle_gzip_bytes = gzAll(results.first_screen_files);
results.import_gzip_bytes = gzAll(results.import_files);
console.log(`first screen loads ${results.first_screen_files.join(', ')}: ${results.bundle_gzip_bytes} bytes gzip`);
console.log(`an import loads ${results.import_files.join(', ')}: ${results.import_gzip_bytes} bytes gzip`);
results.workbook_module_gzip_bytes = ['rollcall_workbook_bg.wasm', 'rollcall_workbook.js'].map(gz).reduce((a, b) => a + b, 0);
results.server_import_s = serverImport;
results.median = {
  rollcall: median(results.rollcall),
  papaparse: median(results.papaparse),
  papaparse_chunk: median(results.papaparse_chunk),
  udsv: median(results.udsv),
};
results.fastest_js = ['papaparse', 'papaparse_chunk', 'udsv'].reduce((a, b) => (results.median[a] <= results.median[b] ? a : b));
results.ratio = results.median.rollcall / results.median.papaparse;
results.ratio_vs_fastest_js = results.median.rollcall / results.median[results.fastest_js];
writeFileSync(join(OUT, 'race.json'), JSON.stringify(results, null, 2));
console.log(`browser_validate_plan_s: ${results.median.rollcall.toFixed(2)}  fastest JS (${results.fastest_js}): ${results.median[results.fastest_js].toFixed(2)} s  ratio: ${results.ratio_vs_fastest_js.toFixed(2)}`);
await browser.close();
server.stop();
