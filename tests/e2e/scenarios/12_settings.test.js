// The district's guard policy, set where an admin sets it and honoured by the next import.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startServer, launch, signIn, toReview, submit, shot, writeTmp, cspViolations, SAMPLES } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('settings'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const lines = readFileSync(join(SAMPLES, 'classworks_headers.csv'), 'utf8').split('\r\n').filter((l) => l);
const SCOPE = 'students.csv';

test('12. the admin loosens the guard in Settings, and a half-empty file no longer waits for a confirmation', async () => {
  await review(lines);
  assert.match(await submit(page), /completed/);
  // Half the users missing trips the default guard (more than 10% and more than 5)…
  let c = await review(lines.slice(0, 21));
  assert.ok(c.archives >= 19, JSON.stringify(c));
  await page.waitForSelector('[data-testid=guard]');
  // …the admin raises it to 60% in Settings, which shows the policy it has…
  await page.click('header nav button:has-text("Settings")');
  await page.waitForFunction(() => document.querySelector('[data-testid=guard-percent]')?.value === '10');
  assert.equal(await page.inputValue('[data-testid=guard-min]'), '5');
  await page.fill('[data-testid=guard-percent]', '60');
  await page.click('[data-testid=guard-save]');
  await page.waitForSelector('[role=alert]:has-text("Saved")');
  await shot(page, '12-settings');
  // …and the same file plans and applies without the guard (50% is not more than 60%).
  c = await review(lines.slice(0, 21));
  assert.ok(c.archives >= 19, JSON.stringify(c));
  assert.equal(await page.$('[data-testid=guard]'), null, 'no guard banner');
  assert.equal(await page.isDisabled('[data-testid=submit]'), false);
  assert.match(await submit(page), /completed/);
  assert.deepEqual(await cspViolations(page), []);
});

/** Walks the wizard with `rows` to its Review screen; the plan's counts. */
function review(rows) {
  return toReview(page, writeTmp(SCOPE, rows.join('\r\n') + '\r\n'), { scope: SCOPE });
}

test('12b. the public address: refused in the page\'s words when it is not one, kept when it is', async () => {
  await page.click('header nav button:has-text("Settings")');
  await page.waitForSelector('[data-testid=public-url]');
  await page.fill('[data-testid=public-url]', 'rollcall.district.org');
  await page.click('[data-testid=url-save]');
  await page.waitForSelector('[role=alert]:has-text("starts with https://")');
  await page.fill('[data-testid=public-url]', 'https://rollcall.district.org/');
  await page.click('[data-testid=url-save]');
  await page.waitForSelector('[role=alert]:has-text("Saved")');
  await page.reload();
  await page.waitForFunction(() => document.querySelector('[data-testid=public-url]')?.value === 'https://rollcall.district.org');
});
