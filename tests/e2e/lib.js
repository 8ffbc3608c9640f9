// The harness: a real `rollcall serve` on a fresh database with the demo district, the real
// built frontend (frontend/dist), and Debian's headless Chromium driven by playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SAMPLES = resolve(ROOT, '../shared/samples');
export const BIN = process.env.ROLLCALL_BIN || join(ROOT, 'target/debug/rollcall');
export const ARTIFACTS = join(ROOT, 'target/e2e');
mkdirSync(ARTIFACTS, { recursive: true });

export const LOGIN = { email: 'admin@demo.example.org', password: 'rollcall-demo' };

/** Starts the server on a fresh database (SQLite by default; `E2E_DATABASE` picks another). */
export async function startServer(name) {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-e2e-'));
  let url = `sqlite://${join(dir, 'e2e.db')}`;
  if (process.env.E2E_PG) {
    const schema = `e2e_${process.pid}_${name.replace(/\W/g, '_')}`.toLowerCase();
    execFileSync('psql', [process.env.E2E_PG, '-qc', `DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`]);
    url = `${process.env.E2E_PG}?options=-csearch_path%3D${schema}`;
  }
  const env = { ...process.env, DATABASE_URL: url, ROLLCALL_LOG: 'warn' };
  execFileSync(BIN, ['demo'], { env, stdio: 'ignore' });
  const proc = spawn(BIN, ['serve', '--addr', '127.0.0.1:0', '--static', join(ROOT, 'frontend/dist')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const base = await new Promise((ok, fail) => {
    const t = setTimeout(() => fail(new Error('server did not start')), 20000);
    proc.stdout.on('data', (d) => {
      const m = String(d).match(/listening on (http:\/\/[\d.:]+)/);
      if (m) { clearTimeout(t); ok(m[1]); }
    });
    proc.on('exit', (c) => fail(new Error('server exited ' + c)));
  });
  return { base, url, env, stop: () => proc.kill('SIGTERM'), kill: () => proc.kill('SIGKILL') };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function signIn(page, base) {
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

export async function next(page) {
  await page.click('[data-testid=next]');
}

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

export function text(page, sel) {
  return page.textContent(sel).then((t) => (t || '').trim());
}
