import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, launch, signIn, readAndValidate, next, shot, text, cspViolations, SAMPLES } from '../lib.js';

let server, browser;
before(async () => { server = await startServer('import'); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('1. sign in, import classworks_headers.csv: 40 creates, history, users', async () => {
  const page = await browser.newPage();
  await signIn(page, server.base);
  assert.match(await text(page, '[data-testid=district]'), /Demo School District/);
  await readAndValidate(page, join(SAMPLES, 'classworks_headers.csv'));
  assert.match(await text(page, '[data-testid=dialect]'), /UTF-8.*CRLF.*heading/);
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate (runs in the worker)
  await page.waitForSelector('[data-testid=validation-counts]');
  assert.equal(await text(page, '[data-testid=errors]'), '0');
  await next(page); // → Options
  await next(page); // → Review
  await page.waitForSelector('[data-testid=plan-counts]');
  assert.equal(await text(page, '[data-testid=creates]'), '40');
  await shot(page, '01-review');
  await page.click('[data-testid=submit]');
  await page.waitForSelector('[data-testid=result]');
  assert.match(await text(page, '[data-testid=result]'), /Import #1: completed/);
  await page.click('header nav button:has-text("Import history")');
  await page.waitForSelector('[data-testid=history]');
  assert.match(await text(page, '[data-testid=history] td.status'), /completed/);
  await page.click('header nav button:has-text("Users")');
  await page.waitForSelector('[data-testid=user-count]');
  assert.equal(await text(page, '[data-testid=user-count]'), '40 users');
  await shot(page, '01-users');
  // Sign-in, the worker, review, submit, history and users all ran under the CSP, unblocked.
  assert.deepEqual(await cspViolations(page), []);
});
