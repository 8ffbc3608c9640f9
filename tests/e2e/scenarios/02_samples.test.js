import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, signIn, readAndValidate, next, shot, text, cspViolations, SAMPLES } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('samples'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

async function validateSample(file) {
  await readAndValidate(page, join(SAMPLES, file));
  const dialect = await text(page, '[data-testid=dialect]');
  await next(page);
  await page.waitForSelector('[data-testid=mapping]');
  await next(page);
  await page.waitForSelector('[data-testid=validation-counts], [data-testid=schools]');
  if (await page.$('[data-testid=schools]')) await next(page); // unmatched school values: continue to see them
  await page.waitForSelector('[data-testid=validation-counts]');
  return { dialect, errors: Number(await text(page, '[data-testid=errors]')), warnings: Number(await text(page, '[data-testid=warnings]')) };
}

const CLEAN = [
  ['pass_users.csv', /UTF-8.*“,”.*LF.*heading/, 0],
  ['excel_mac_roman_cr.csv', /macintosh.*CR line ends/, 0],
  ['windows1252_crlf.csv', /windows-1252.*CRLF/, 0],
  ['utf8_bom_semicolon.csv', /UTF-8 with BOM.*“;”/, 0],
  ['utf16le_tab.txt', /UTF-16LE.*tab delimited/, 0],
  // Read whole; the line break inside a middle name is the one error, named at its row.
  ['quoted_multiline.csv', /UTF-8.*heading/, 1],
];

for (const [file, dialect, errors] of CLEAN) {
  test(`2. ${file}: detected and clean`, async () => {
    const r = await validateSample(file);
    assert.match(r.dialect, dialect);
    assert.equal(r.errors, errors);
  });
}

test('2. a line break in a name is an error at its row', async () => {
  const r = await validateSample('quoted_multiline.csv');
  assert.equal(r.errors, 1);
  const rows = await page.$$eval('[data-testid=issues] .row', (els) => els.map((e) => Number(e.dataset.row)));
  assert.deepEqual(rows, [4]);
  assert.match(await text(page, '[data-testid=issues]'), /line break/);
});

test('2. errors_mixed.csv: exactly the README rows', async () => {
  const r = await validateSample('errors_mixed.csv');
  // 999 is not a school of the demo district: the wizard first asks to map it.
  assert.equal(r.errors, 12);
  assert.equal(r.warnings, 4);
  const rows = await page.$$eval('[data-testid=issues] .row', (els) => els.map((e) => Number(e.dataset.row)));
  assert.deepEqual(rows, [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 21]);
  await shot(page, '02-errors-mixed');
  // Filtering by code shows only that code.
  await page.click('[data-code=duplicate_district_id]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=issues] .row').length === 2);
  assert.match(await text(page, '[data-testid=issues]'), /also on row 9/);
});

test('2. every screen ran under the Content-Security-Policy with nothing blocked', async () => {
  const r = await fetch(server.base);
  assert.match(r.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.deepEqual(await cspViolations(page), []);
});

test('2. the validate screen: jump to a row (Enter), open an issue, download what the filter shows', async () => {
  await validateSample('errors_mixed.csv');
  const jump = async (n) => {
    await page.fill('[data-testid=jump] input', String(n));
    await page.press('[data-testid=jump] input', 'Enter');
  };
  await jump(9999);
  await page.waitForSelector('[role=alert]:has-text("Row 9999 is outside the file")');
  await jump(20);
  await page.waitForSelector('[role=alert]:has-text("Row 20 has no issues")');
  await jump(17);
  await page.waitForSelector('[data-testid=issues] .row.hl[data-row="17"]');
  // The row is focused, then its editor opens with the field focused (fix in place).
  await page.waitForSelector('[data-testid=row-editor] h2:has-text("Fix row 17")');
  await page.waitForFunction(() => document.activeElement?.dataset?.row === '17' || document.activeElement?.closest('[data-testid=row-editor]'));
  assert.match(await text(page, '[data-testid=issue-detail]'), /Row 17/);
  // Clicking another issue opens it, its message and suggestion whole.
  await page.click('[data-testid=issues] .row[data-row="18"]');
  await page.waitForSelector('[data-testid=issue-detail]:has-text("Row 18")');
  // The CSV follows the filter.
  await page.click('[data-code=duplicate_district_id]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=issues] .row').length === 2);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download the duplicate district id issues")')]);
  const csv = (await import('node:fs')).readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(csv.length, 3, csv.join('\n'));
  assert.ok(csv.slice(1).every((l) => l.includes('duplicate_district_id')));
});
