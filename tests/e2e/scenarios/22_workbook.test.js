// An Excel workbook read in the browser's worker as its sheet shows it: the first sheet, or one
// chosen; text keeps its leading zeros; then the import goes on as for any file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startServer, launch, signIn, readAndValidate, next, submit, shot, text, cspViolations } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('workbook'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const XLSX = fileURLToPath(new URL('../../../shared/tests/fixtures/roster.xlsx', import.meta.url));

test('22. a workbook: a sheet chosen, read as shown, imported', async () => {
  await readAndValidate(page, XLSX, { scope: 'workbook.csv' });
  assert.match(await text(page, '[data-testid=dialect]'), /workbook; sheet “Students”/);
  assert.match(await text(page, 'main table'), /00123/);
  await page.selectOption('[data-testid=sheet]', 'Staff');
  await page.waitForSelector('[data-testid=dialect]:has-text("sheet “Staff”")');
  assert.match(await text(page, 'main table'), /cy\.ode@district\.example\.org/);
  await page.selectOption('[data-testid=sheet]', 'Students');
  await page.waitForSelector('[data-testid=dialect]:has-text("sheet “Students”")');
  await shot(page, '22-workbook');
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=validation-counts]');
  assert.equal(await text(page, '[data-testid=errors]'), '0');
  await next(page); // → Options
  await next(page); // → Review
  await page.waitForSelector('[data-testid=plan-counts]');
  assert.equal(await text(page, '[data-testid=creates]'), '2');
  assert.match(await submit(page), /completed/);
  assert.deepEqual(await cspViolations(page), []);
});
