// The same person, in the review: a file whose one id lost its leading zeros would create a
// new user and archive the old; the review shows the pair side by side with the reason, and
// one click makes it an update of the existing user (history kept).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signIn, toReview, counts, submit, shot, text, writeTmp, cspViolations } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('same'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const HEAD = 'District ID,First Name,Last Name,User Type,Grade,School SIS ID\r\n';
const rows = (ann) => `${ann},Ann,Zed,0,05,101\r\n00124,Bo,Zed,0,05,101\r\n00125,Cy,Zed,0,05,101\r\n`;

test('18. a pair the planner recognises becomes an update with one click', async () => {
  const first = await toReview(page, writeTmp('zed.csv', HEAD + rows('00123')), { scope: 'zed.csv' });
  assert.equal(first.creates, 3);
  assert.match(await submit(page), /completed/);

  const c = await toReview(page, writeTmp('zed-excel.csv', HEAD + rows('123')), { scope: 'zed.csv' });
  assert.deepEqual([c.creates, c.archives], [1, 1], JSON.stringify(c));
  await page.waitForSelector('[data-testid=same-person] tr:has-text("leading zeros")');
  assert.match(await text(page, '[data-testid=same-person] tbody tr'), /123 Ann Zed \(row 2\)\s*00123 Ann Zed/);
  await shot(page, '18-same-person');
  await page.click('[data-testid=same-person] [data-testid=merge]');
  await page.waitForSelector('[data-testid=same-person]', { state: 'detached' });
  const merged = await counts(page);
  assert.deepEqual([merged.creates, merged.updates, merged.archives], [0, 1, 0], JSON.stringify(merged));
  assert.match(await submit(page), /completed/);

  await page.click('header nav button:has-text("Users")');
  await page.fill('input[type=search]', 'Ann Zed');
  await page.click('button:has-text("Search")');
  await page.waitForSelector('[data-testid=user-count]:text-is("1 user")');
  await page.click('a[data-user]:has-text("Ann Zed")');
  await page.waitForSelector('[data-testid=user-history] td:has-text("district_id: 00123 → 123")');
  assert.deepEqual(await cspViolations(page), []);
});
