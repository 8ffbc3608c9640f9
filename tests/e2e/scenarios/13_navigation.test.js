// Every page and wizard step has its own URL: Back and Forward move between steps without
// losing the file, a reload stays on the page, the Import tab starts a new import, and a step
// whose work is gone (after a reload) opens the first step instead of an empty screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { statSync, utimesSync } from 'node:fs';
import { startServer, launch, signIn, readAndValidate, next, text, writeTmp, SAMPLES } from '../lib.js';

let server, browser;
before(async () => { server = await startServer('navigation'); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const heading = (page) => text(page, 'main h1');

test('13. Back and Forward move between steps; a reload keeps the page; the tab starts afresh', async () => {
  const page = await browser.newPage();
  await signIn(page, server.base);
  await readAndValidate(page, join(SAMPLES, 'classworks_headers.csv'), { scope: 'students.csv' });
  assert.match(page.url(), /#\/import\/read$/);
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  assert.match(page.url(), /#\/import\/map$/);

  await page.goBack();
  await page.waitForSelector('[data-testid=dialect]');
  assert.equal(await heading(page), 'Read');
  await page.goBack();
  await page.waitForSelector('[data-testid=file-name]');
  assert.equal(await text(page, '[data-testid=file-name]'), 'classworks_headers.csv', 'the file is still chosen');
  assert.equal(await page.inputValue('[data-testid=scope]'), 'students.csv');
  await page.goForward();
  await page.waitForSelector('[data-testid=dialect]');
  await page.goForward();
  await page.waitForSelector('[data-testid=mapping]');

  // Another page and back: the import is still in hand.
  await page.click('header nav button:has-text("Import history")');
  await page.waitForSelector('main h1:has-text("Import history")');
  assert.match(page.url(), /#\/history$/);
  await page.goBack();
  await page.waitForSelector('[data-testid=mapping]');

  // A reload stays on its page.
  await page.click('header nav button:has-text("Settings")');
  await page.waitForSelector('main h1:has-text("Settings")');
  await page.reload();
  await page.waitForSelector('main h1:has-text("Settings")');
  assert.match(page.url(), /#\/settings$/);

  // A step whose work is gone opens the first step.
  await page.goto(`${server.base}/#/import/review`);
  await page.waitForSelector('[data-testid=file]');
  assert.match(page.url(), /#\/import\/choose$/);

  // The Import tab starts a new import: no file, no scope from the last one.
  await readAndValidate(page, join(SAMPLES, 'classworks_headers.csv'), { scope: 'staff.csv' });
  await page.click('header nav button:has-text("Users")');
  await page.click('header nav button:has-text("Import")');
  await page.waitForSelector('[data-testid=file]');
  assert.equal(await text(page, '[data-testid=file-name]'), '');
  assert.equal(await page.inputValue('[data-testid=scope]'), '');
});

test('13b. after a reload the wizard asks for the same file and resumes; a corrected file keeps the choices', async () => {
  const page = await browser.newPage();
  await signIn(page, server.base);
  const HEAD = 'District ID,First Name,Last Name,User Type,Grade,School SIS ID\r\n';
  const bad = writeTmp('resume.csv', HEAD + 'R1,Rae,Ode,0,05,101\r\nR2,Rex,Ode,0,99,101\r\n');
  await page.click('header nav button:has-text("Import")');
  await page.setInputFiles('[data-testid=file]', bad);
  await page.fill('[data-testid=scope]', 'resume.csv');
  await page.fill('[data-testid=description]', 'nightly fix');
  await page.click('[data-testid=next]');
  await page.waitForSelector('[data-testid=dialect]');
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=validation-counts]');
  assert.equal(await text(page, '[data-testid=errors]'), '1');

  await page.reload();
  await page.waitForSelector('[data-testid=resume]');
  assert.match(await text(page, '[data-testid=resume]'), /resume\.csv/);
  await page.setInputFiles('[data-testid=file]', bad);
  await page.click('[data-testid=resume-go]');
  await page.waitForSelector('[data-testid=validation-counts]');
  assert.equal(await text(page, '[data-testid=errors]'), '1', 'back on Validate, the same file read again');
  assert.match(page.url(), /#\/import\/validate$/);

  // A corrected file: same scope and description, straight to Validate. It has the first one's
  // name, size and date (the worker holds the bytes of the file chosen: it must tell them apart).
  await page.click('[data-testid=corrected]');
  await page.waitForSelector('[data-testid=resume]');
  const { mtime, size } = statSync(bad);
  const fixed = writeTmp('resume.csv', HEAD + 'R1,Rae,Ode,0,05,101\r\nR2,Rex,Ode,0,09,101\r\n');
  utimesSync(fixed, mtime, mtime);
  assert.equal(statSync(fixed).size, size);
  await page.setInputFiles('[data-testid=file]', fixed);
  await page.click('[data-testid=resume-go]');
  await page.waitForSelector('[data-testid=validation-counts]');
  assert.equal(await text(page, '[data-testid=errors]'), '0');
  await next(page); // → Options
  await next(page); // → Review
  await page.waitForSelector('[data-testid=restated]');
  assert.match(await text(page, '[data-testid=restated]'), /resume\.csv into scope resume\.csv · “nightly fix”/);
});
