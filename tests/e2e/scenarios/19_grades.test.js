// Grades as districts write them, in the wizard: unknown codes are listed once each with their
// rows, mapped on the Validate step, and remembered for the scope; 0 is kindergarten. The first
// screen offers a template and a field guide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, signIn, readAndValidate, next, submit, shot, text, writeTmp, cspViolations } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('grades'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const HEAD = 'District ID,First Name,Last Name,User Type,Grade,School SIS ID\r\n';

test('19. a template, then unknown grades mapped once and remembered for the scope', async () => {
  await page.click('header nav button:has-text("Import")');
  await page.waitForSelector('[data-testid=template]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=template]')]);
  const template = readFileSync(await download.path(), 'utf8');
  assert.match(template, /^district_id,first_name,last_name/);
  assert.equal(template.trim().split(/\r?\n/).length, 5, 'a heading and one row per role');
  await page.click('[data-testid=field-guide] summary');
  assert.match(await text(page, '[data-testid=field-guide]'), /TK, UG\) can be mapped/);

  const file = HEAD + 'G1,Gia,Tam,0,TK,101\r\nG2,Hal,Tam,0,TK,101\r\nG3,Ivo,Tam,0,0,101\r\nG4,Jo,Tam,0,03,101\r\n';
  await readAndValidate(page, writeTmp('tk.csv', file), { scope: 'tk.csv' });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=grade-mapping] tr[data-grade="TK"]');
  assert.equal(await text(page, '[data-testid=errors]'), '1', 'one error for the value, not one a row');
  assert.equal(await text(page, 'tr[data-grade="TK"] td:nth-child(2)'), '2');
  await shot(page, '19-grades');
  await page.selectOption('tr[data-grade="TK"] select', 'PK');
  await page.click('[data-testid=apply-grades]');
  await page.waitForSelector('[data-testid=grade-mapping]', { state: 'detached' });
  assert.equal(await text(page, '[data-testid=errors]'), '0');
  await next(page); // → Options
  await next(page); // → Review
  await page.waitForSelector('[data-testid=plan-counts]');
  assert.equal(await text(page, '[data-testid=creates]'), '4');
  assert.match(await submit(page), /completed/);

  // The scope's next file: TK is read as remembered.
  const again = HEAD + 'G1,Gia,Tam,0,TK,101\r\nG2,Hal,Tam,0,TK,101\r\nG3,Ivo,Tam,0,0,101\r\nG4,Jo,Tam,0,03,101\r\nG5,Kai,Tam,0,TK,101\r\n';
  await readAndValidate(page, writeTmp('tk2.csv', again), { scope: 'tk.csv' });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=validation-counts]');
  assert.equal(await text(page, '[data-testid=errors]'), '0');
  assert.equal(await page.$('[data-testid=grade-mapping]'), null);
  assert.deepEqual(await cspViolations(page), []);
});
