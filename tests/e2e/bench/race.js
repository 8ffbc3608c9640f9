// `make bench`, the browser half: Rollcall's full validate-and-plan of a 1,000,000-row file
// against a 1,000,000-user roster, against Papa Parse's bare parse of the same file (worker
// mode, header: true), in the same headless Chromium and the same run; 3 runs each, medians.
// Writes target/bench/race.json; report.js turns everything into target/bench/report.md.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, statSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { startServer, launch, signIn, ROOT } from '../lib.js';

const ROWS = Number(process.env.ROLLCALL_BENCH_ROWS || 1_000_000);
const RUNS = 3;
const OUT = join(ROOT, 'target/bench');
mkdirSync(OUT, { recursive: true });
const thisMonth = join(OUT, 'this_month.csv');
const nextMonth = join(OUT, 'next_month.csv');
const bin = join(ROOT, 'target/release/rollcall');
process.env.ROLLCALL_BIN = bin;

execFileSync(join(ROOT, 'target/release/examples/gen'), [thisMonth, nextMonth, String(ROWS)]);
const size = statSync(nextMonth).size;
console.log(`race: ${ROWS} rows, ${(size / 1e6).toFixed(1)} MB`);

const server = await startServer('bench');
// This month's roster, imported by the CLI (its time is the CLI's, printed for reference).
let t = performance.now();
execFileSync(bin, ['import', thisMonth, '--district', 'demo', '--scope', 'students.csv', '--confirm-archives'], { env: server.env, stdio: 'ignore' });
const cliImport = (performance.now() - t) / 1000;
console.log(`roster of ${ROWS} users imported by the CLI in ${cliImport.toFixed(1)} s`);

const browser = await launch();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = { rows: ROWS, file_bytes: size, rollcall: [], papaparse: [], longtask_ms: [], memory: [], roster_download: [] };

const observeLongTasks = () => {
  window.__longtasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
};

// Papa Parse, in a page of its own on the same origin.
const papa = readFileSync(join(ROOT, 'tests/e2e/node_modules/papaparse/papaparse.min.js'));
const html = `<!doctype html><input type=file id=f><script src="/papaparse.min.js"></script><script>
document.getElementById('f').addEventListener('change', (e) => {
  const t0 = performance.now(); let rows = 0;
  Papa.parse(e.target.files[0], { worker: true, header: true, complete: (r) => { window.__papa = { s: (performance.now() - t0) / 1000, rows: r.data.length }; } });
});</script>`;

// Time to first screen, in a fresh page before the heavy runs (after them, the browser's
// memory pressure from six 100 MB files made this figure 4× noisier than the page itself).
{
  const page = await browser.newPage();
  await page.goto(server.base);
  await page.waitForSelector('input[name=email]');
  results.first_screen_ms = await page.evaluate(() => performance.now());
  await page.close();
}

// The two sides take turns (Rollcall, Papa Parse, Rollcall, …): on a shared machine whose speed
// drifts over minutes, each pair of runs sees the same conditions.
for (let run = 0; run < RUNS; run++) {
  await rollcallRun(run);
  await papaRun(run);
}

async function rollcallRun(run) {
  const page = await browser.newPage();
  await page.addInitScript(observeLongTasks);
  await signIn(page, server.base);
  // The snapshot is fetched (and handed to the worker) as the wizard opens.
  await page.waitForFunction(() => window.__rollcall?.roster_ready, null, { timeout: 120000 });
  const dl = await page.evaluate(() => window.__rollcall.roster_ready - (window.__rollcall.roster_start || 0));
  results.roster_download.push(dl / 1000);
  await page.evaluate(() => { window.__longtasks = []; });
  await page.setInputFiles('[data-testid=file]', nextMonth);
  await page.fill('[data-testid=scope]', 'students.csv'); // the same population as last month
  await page.click('[data-testid=next]');
  await page.waitForSelector('[data-testid=dialect]', { timeout: 60000 });
  await page.click('[data-testid=next]');
  await page.waitForSelector('[data-testid=mapping]');
  await page.click('[data-testid=next]');
  await page.waitForSelector('[data-testid=validation-counts]', { timeout: 300000 });
  await page.click('[data-testid=next]');
  await page.click('[data-testid=next]');
  await page.waitForSelector('[data-testid=plan-counts]', { timeout: 300000 });
  const m = await page.evaluate(() => ({
    t: (window.__rollcall.planned - window.__rollcall.file_chosen) / 1000,
    longest: Math.max(0, ...window.__longtasks),
    heap: performance.memory ? performance.memory.usedJSHeapSize : 0,
    wasm: window.__rollcall.worker_memory || 0,
    plan_ms: window.__rollcall.plan_ms || 0,
    counts: document.querySelector('[data-testid=plan-counts]').innerText,
  }));
  console.log(`rollcall run ${run + 1}: ${m.t.toFixed(2)} s, longest main-thread task ${m.longest.toFixed(0)} ms`);
  results.rollcall.push(m.t);
  results.longtask_ms.push(m.longest);
  results.memory.push(m.heap + m.wasm);
  (results.plan_wasm_s ||= []).push(m.plan_ms / 1000);
  results.counts = m.counts;
  await page.close();
}

async function papaRun(run) {
  const page = await browser.newPage();
  await page.route('**/papa.html', (r) => r.fulfill({ contentType: 'text/html', body: html }));
  await page.route('**/papaparse.min.js', (r) => r.fulfill({ contentType: 'application/javascript', body: papa }));
  await page.goto(`${server.base}/papa.html`);
  await page.setInputFiles('#f', nextMonth);
  await page.waitForFunction(() => window.__papa, null, { timeout: 300000, polling: 100 });
  const p = await page.evaluate(() => window.__papa);
  console.log(`papaparse run ${run + 1}: ${p.s.toFixed(2)} s (${p.rows} rows)`);
  results.papaparse.push(p.s);
  await page.close();
}

// The bundle.
const dist = join(ROOT, 'frontend/dist');
results.bundle_gzip_bytes = ['rollcall_frontend_bg.wasm', 'rollcall_frontend.js', 'worker.js', 'index.html', 'style.css']
  .map((f) => gzipSync(readFileSync(join(dist, f)), { level: 9 }).length).reduce((a, b) => a + b, 0);
results.cli_import_s = cliImport;
results.median = { rollcall: median(results.rollcall), papaparse: median(results.papaparse) };
results.ratio = results.median.rollcall / results.median.papaparse;
writeFileSync(join(OUT, 'race.json'), JSON.stringify(results, null, 2));
console.log(`browser_validate_plan_s: ${results.median.rollcall.toFixed(2)}  papaparse_parse_s: ${results.median.papaparse.toFixed(2)}  ratio: ${results.ratio.toFixed(2)}`);
await browser.close();
server.stop();
