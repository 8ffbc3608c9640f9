// Every page and wizard step has its own URL: Back and Forward move between steps without
// losing the file, a reload stays on the page, the Import tab starts a new import, and a step
// whose work is gone (after a reload) opens the first step instead of an empty screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, signIn, readAndValidate, next, text, SAMPLES } from '../lib.js';

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
