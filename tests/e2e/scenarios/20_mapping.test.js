// No column lost without a word: the mapping screen lists every column of the file with what
// it feeds or "not imported"; a column new since the scope's remembered mapping is flagged;
// moving a column to another field says so; a required field left unmatched blocks, in words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signIn, toReview, readAndValidate, next, submit, shot, text, writeTmp, cspViolations } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('mapping'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

test('20. every column is accounted for, and a new one is flagged', async () => {
  const first = 'District ID,First Name,Last Name,User Type,Grade,School SIS ID\r\nM1,Mo,Ray,0,05,101\r\n';
  await toReview(page, writeTmp('m.csv', first), { scope: 'm.csv' });
  assert.match(await submit(page), /completed/);

  const second = 'District ID,First Name,Last Name,User Type,Grade,School SIS ID,Password\r\nM1,Mo,Ray,0,05,101,a-long-enough-pass\r\n';
  await readAndValidate(page, writeTmp('m2.csv', second), { scope: 'm.csv' });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=columns]');
  assert.match(await text(page, 'tr[data-column="Password"]'), /new since the remembered mapping/);
  assert.equal(await text(page, 'tr[data-column="Password"] [data-testid=feeds]'), 'not imported');
  assert.equal(await text(page, 'tr[data-column="Grade"] [data-testid=feeds]'), 'Grade');
  await shot(page, '20-mapping');

  // Moving "Last Name" to First name: said, and Last name now blocks, in the screen's words.
  const lastCol = await page.$eval('select[data-field=last_name]', (s) => s.value);
  await page.selectOption('select[data-field=first_name]', lastCol);
  await page.waitForSelector('[role=alert]:has-text("“Last Name” now feeds First name; Last name is no longer matched.")');
  assert.match(await text(page, '[data-testid=still-needed]'), /for: Last name\./);
  assert.equal(await page.isDisabled('[data-testid=next]'), true);
  assert.deepEqual(await cspViolations(page), []);
});
