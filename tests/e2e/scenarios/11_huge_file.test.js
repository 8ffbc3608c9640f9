import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, closeSync, ftruncateSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, signIn, text } from '../lib.js';

let server, browser;
before(async () => { server = await startServer('huge'); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('a 1 GB file is refused at once with a clear message, and the page stays usable', async () => {
  // A sparse 1 GB file: its size is real, its bytes cost nothing.
  const path = join(mkdtempSync(join(tmpdir(), 'rollcall-huge-')), 'everyone.csv');
  const fd = openSync(path, 'w');
  ftruncateSync(fd, 1024 * 1024 * 1024);
  closeSync(fd);
  const page = await browser.newPage();
  await signIn(page, server.base);
  await page.setInputFiles('[data-testid=file]', path);
  await page.waitForSelector('.banner.error');
  assert.match(await text(page, '.banner.error'), /1074 MB.*up to 512 MB/);
  assert.equal(await page.isDisabled('[data-testid=next]'), true, 'nothing to read');
  await page.click('header nav button:has-text("Users")');
  await page.waitForSelector('[data-testid=user-count]');
});
