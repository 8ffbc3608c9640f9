// The harness: a real `rollcall serve` on a fresh database with the demo district, the real
// built frontend (frontend/dist), and Debian's headless Chromium driven by playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SAMPLES = resolve(ROOT, '../shared/samples');
/** The server binary: ROLLCALL_BIN when set (read when a server starts, so a script may set it
 *  after importing this module: the benchmark's release build), else the debug build. */
const bin = () => process.env.ROLLCALL_BIN || join(ROOT, 'target/debug/rollcall');
export const ARTIFACTS = join(ROOT, 'target/e2e');
mkdirSync(ARTIFACTS, { recursive: true });

export const LOGIN = { email: 'admin@demo.example.org', password: 'rollcall-demo' };

/** Starts the server on a fresh database (SQLite by default; `E2E_DATABASE` picks another). */
export async function startServer(name, { pg } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-e2e-'));
  let url = `sqlite://${join(dir, 'e2e.db')}`;
  if (pg) {
    const schema = `e2e_${process.pid}_${name.replace(/\W/g, '_')}`.toLowerCase();
    execFileSync('psql', [pg, '-qc', `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`]);
    url = `${pg}?options=-csearch_path%3D${schema}`;
  }
  const env = { ...process.env, DATABASE_URL: url, ROLLCALL_LOG: 'warn' };
  execFileSync(bin(), ['demo'], { env, stdio: 'ignore' });
  const proc = spawn(bin(), ['serve', '--addr', '127.0.0.1:0', '--static', join(ROOT, 'frontend/dist')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const base = await new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error('server did not start')), 20000);
    proc.stdout.on('data', (d) => {
      const m = String(d).match(/listening on (http:\/\/[\d.:]+)/);
      if (m) { clearTimeout(t); ok(m[1]); }
    });
    proc.on('exit', (c) => fail(new Error('server exited ' + c)));
  });
  // The database goes with the server (a benchmark's is over a gigabyte).
  proc.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return { base, url, env, pid: proc.pid, stop: () => proc.kill('SIGTERM'), kill: () => proc.kill('SIGKILL') };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function signIn(page, base) {
  // Every Content-Security-Policy violation of the page is kept, for `cspViolations`.
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(base);
  await page.fill('input[name=email]', LOGIN.email);
  await page.fill('input[name=password]', LOGIN.password);
  await page.click('button[type=submit]');
  await page.waitForSelector('header.top');
}

/** Chooses a file in the wizard and walks to the Validate step. */
export async function readAndValidate(page, file, { scope } = {}) {
  await page.click('header nav button:has-text("Import")');
  await page.setInputFiles('[data-testid=file]', file);
  if (scope) await page.fill('[data-testid=scope]', scope);
  await page.click('[data-testid=next]');
  await page.waitForSelector('[data-testid=dialect]');
}

/** What the page's Content-Security-Policy blocked since it loaded. */
export function cspViolations(page) {
  return page.evaluate(() => window.__csp || []);
}

export async function next(page) {
  await page.click('[data-testid=next]');
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export function text(page, sel) {
  return page.textContent(sel).then((t) => (t || '').trim());
}

/** Walks the wizard from a file to the Review screen; returns the plan's counts. */
export async function toReview(page, file, { scope, beforeValidate, beforeReview, expectErrors = 0 } = {}) {
  await readAndValidate(page, file, { scope });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  if (beforeValidate) await beforeValidate(page);
  await next(page); // → Validate (or Map schools)
  await page.waitForSelector('[data-testid=validation-counts], [data-testid=schools]');
  if (await page.$('[data-testid=schools]')) await next(page);
  await page.waitForSelector('[data-testid=validation-counts]');
  assert.equal(await text(page, '[data-testid=errors]'), String(expectErrors));
  await next(page); // → Options
  if (beforeReview) await beforeReview(page);
  await next(page); // → Review
  await page.waitForSelector('[data-testid=plan-counts]');
  return counts(page);
}

export async function counts(page) {
  const c = {};
  for (const k of ['creates', 'updates', 'archives', 'restores', 'unchanged', 'skipped']) {
    c[k] = Number(await text(page, `[data-testid=${k}]`));
  }
  return c;
}

export async function submit(page) {
  await page.click('[data-testid=submit]');
  await page.waitForSelector('[data-testid=result]');
  return text(page, '[data-testid=result]');
}

/** A signed-in API client for the same server (another admin, a script). */
export async function apiLogin(base) {
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(LOGIN) });
  const { token } = await r.json();
  return {
    token,
    get: (p) => fetch(`${base}${p}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json()),
    postCsv: (p, body) => fetch(`${base}${p}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body }).then(async (r) => ({ status: r.status, body: await r.json() })),
  };
}

export function writeTmp(name, content) {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-file-'));
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** axe-core's violations on the page as it is (run through the debugger protocol, so the app's
 *  Content-Security-Policy does not have to allow it): `[{id, impact, nodes}]`. */
let AXE = null;
export async function axeViolations(page) {
  AXE ??= readFileSync(new URL('./node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');
  await page.evaluate(AXE);
  const v = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((x) => ({ id: x.id, impact: x.impact, nodes: x.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))));
  return v;
}
