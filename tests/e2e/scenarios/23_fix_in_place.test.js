// Fix in place on the Validate screen: an issue opens its row's cells; a fix is validated again at
// once (a repeated id fixed on one row clears the other row's issue too); one fix changes every
// row with the same value; the fixed values are what the import creates; the corrected file
// downloads in the file's own layout; a reload keeps the fixes; the keyboard alone does it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, signIn, readAndValidate, next, submit, shot, text, writeTmp, apiLogin, axeViolations, cspViolations } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('fix'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const FILE = 'District ID;First Name;Last Name;User Type;Grade;School SIS ID;Email\r\n' +
  'F1;Ada;Fix;0;Gr X;101;\r\n' +
  'F2;Ben;Fix;0;Gr X;101;\r\n' +
  'F2;Cal;Fix;0;04;101;\r\n' +
  'F4;Dee;Fix;0;Gr X;101;dee@@fix.example.org\r\n';

/** The editor of `row`, with its cells read (the district id is never empty in this file). */
async function editorOf(row) {
  await page.waitForSelector(`[data-testid=row-editor] h2:has-text("Fix row ${row}")`);
  await page.waitForFunction(() => (document.querySelector('[data-testid=row-editor] tr[data-field=district_id] input[type=text]')?.value || '') !== '');
}

async function errors() {
  return Number(await text(page, '[data-testid=errors]'));
}

test('23. fix rows in place, once or for every equal value, and import the fixed values', async () => {
  const path = writeTmp('fixme.csv', FILE);
  await readAndValidate(page, path, { scope: 'fixme.csv' });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=validation-counts]');
  // Gr X (one error for the value), the repeated F2 (rows 3 and 4), the email.
  assert.equal(await errors(), 4);

  // Keyboard: jump to row 4 with Enter; its editor opens with the district id focused.
  await page.fill('[data-testid=jump] input', '4');
  await page.keyboard.press('Enter');
  await editorOf(4);
  await page.waitForFunction(() => document.activeElement?.closest('tr')?.dataset.field === 'district_id');
  assert.equal(await page.inputValue('tr[data-field=district_id] input[type=text]'), 'F2');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('F3');
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=fixes] li');
  await page.waitForFunction(() => /No issues left on row 4/.test(document.querySelector('[data-testid=row-issues]')?.textContent || ''));
  // The file rule saw the fix: row 3's repeated-id error is gone too.
  assert.equal(await errors(), 2);
  assert.match(await text(page, '[data-testid=fixes]'), /Row 4, District ID: `F3` — fixed/);
  assert.deepEqual(await axeViolations(page), [], 'the editor and the fixes list');
  await shot(page, '23-fix-row');

  // One fix for every row with `Gr X`.
  await page.fill('[data-testid=jump] input', '2');
  await page.keyboard.press('Enter');
  await editorOf(2);
  await page.waitForFunction(() => document.activeElement?.closest('tr')?.dataset.field === 'grade');
  await page.fill('tr[data-field=grade] input[type=text]', '03');
  await page.check('tr[data-field=grade] input[type=checkbox]');
  await page.click('[data-testid=apply-fix]');
  await page.waitForFunction(() => /Every `Gr X`/.test(document.querySelector('[data-testid=fixes]')?.textContent || ''));
  assert.match(await text(page, '[data-testid=fixes]'), /Every `Gr X` in Grade → `03` \(3 rows\) — fixed/);
  assert.equal(await errors(), 1);

  // A fix that does not fix says so; then the right one.
  await page.fill('[data-testid=jump] input', '5');
  await page.keyboard.press('Enter');
  await editorOf(5);
  await page.fill('tr[data-field=email] input[type=text]', 'dee@fix');
  await page.click('[data-testid=apply-fix]');
  await page.waitForFunction(() => /Row 5, Email: `dee@fix` — 1 issue left/.test(document.querySelector('[data-testid=fixes]')?.textContent || ''));
  // Validated again: the editor shows the row as it now reads.
  await page.waitForFunction(() => document.querySelector('tr[data-field=email] input[type=text]')?.value === 'dee@fix');
  await page.fill('tr[data-field=email] input[type=text]', 'dee@fix.example.org');
  await page.click('[data-testid=apply-fix]');
  await page.waitForFunction(() => /Row 5, Email: `dee@fix.example.org` — fixed/.test(document.querySelector('[data-testid=fixes]')?.textContent || ''));
  assert.equal(await errors(), 0);
  assert.equal((await page.$$('[data-testid=fixes] li')).length, 3, 'a second fix of a cell replaces the first');
  await shot(page, '23-fixes');

  // The corrected file: the file's own delimiter, heading and line ends, with the fixes.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-corrected]')]);
  assert.equal(download.suggestedFilename(), 'fixme-corrected.csv');
  assert.equal(readFileSync(await download.path(), 'utf8'),
    FILE.replaceAll('Gr X', '03').replace('F2;Cal', 'F3;Cal').replace('dee@@fix', 'dee@fix'));

  // A reload keeps the fixes (the same file is asked for again).
  await page.reload();
  await page.waitForSelector('[data-testid=resume]');
  await page.setInputFiles('[data-testid=file]', path);
  await page.click('[data-testid=resume-go]');
  await page.waitForSelector('[data-testid=fixes] li');
  assert.equal(await errors(), 0);

  await next(page); // → Options
  await next(page); // → Review
  await page.waitForSelector('[data-testid=plan-counts]');
  assert.equal(await text(page, '[data-testid=creates]'), '4');
  assert.match(await submit(page), /completed/);
  const api = await apiLogin(server.base);
  const f3 = await api.get('/api/users?q=F3');
  assert.equal(f3.users.length, 1);
  assert.equal(f3.users[0].first_name, 'Cal');
  assert.equal(f3.users[0].grade, '04');
  const ada = await api.get('/api/users?q=F1');
  assert.equal(ada.users[0].grade, '03', 'the value fixed on every row, normalized');
  const dee = await api.get('/api/users?q=F4');
  assert.equal(dee.users[0].email, 'dee@fix.example.org');
  assert.deepEqual(await cspViolations(page), []);
});
