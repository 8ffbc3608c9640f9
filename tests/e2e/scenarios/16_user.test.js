// A user's page: the admin opens a user from the list, changes their email there (Pass's
// advice), and the master file changed the same way then imports with nothing to do; "keep
// active" keeps a user a truncated file leaves out; the history says each step.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signIn, toReview, submit, shot, text, writeTmp, cspViolations } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('user'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const HEAD = 'District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID\r\n';
const ROWS = {
  ann: 'M1,Ann,Mill,0,05,ann@demo.example.org,101\r\n',
  bo: 'M2,Bo,Mill,0,05,bo@demo.example.org,101\r\n',
  cy: 'M3,Cy,Mill,0,05,cy@demo.example.org,101\r\n',
};

async function openUser(name) {
  await page.click('header nav button:has-text("Users")');
  await page.selectOption('select:has(option[value=archived])', ''); // any status
  await page.fill('input[type=search]', name);
  await page.click('button:has-text("Search")');
  await page.waitForSelector('[data-testid=user-count]:text-is("1 user")');
  await page.click(`a[data-user]:has-text("${name}")`);
  await page.waitForSelector(`[data-testid=user-name]:has-text("${name}")`);
}

test('16. an email changed on the user page, then in the master file: zero changes', async () => {
  const c = await toReview(page, writeTmp('mill.csv', HEAD + ROWS.ann + ROWS.bo + ROWS.cy), { scope: 'mill.csv' });
  assert.equal(c.creates, 3, JSON.stringify(c));
  assert.match(await submit(page), /completed/);

  await openUser('Ann Mill');
  // A bad value is said in the page's words, before anything is sent.
  await page.fill('[data-testid=edit-user] input[name=email]', 'not an email');
  await page.click('[data-testid=edit-user] button[type=submit]');
  await page.waitForSelector('[role=alert]:has-text("Email:")');
  await page.fill('[data-testid=edit-user] input[name=email]', 'ann.mill@demo.example.org');
  await page.click('[data-testid=edit-user] button[type=submit]');
  await page.waitForSelector('[role=alert]:has-text("Saved (import #")');
  await page.waitForSelector('[data-testid=user-history] td:has-text("email: ann@demo.example.org → ann.mill@demo.example.org")');
  assert.equal(await page.inputValue('[data-testid=edit-user] input[name=email]'), 'ann.mill@demo.example.org');

  const fixed = HEAD + ROWS.ann.replace('ann@', 'ann.mill@') + ROWS.bo + ROWS.cy;
  const again = await toReview(page, writeTmp('mill-fixed.csv', fixed), { scope: 'mill.csv' });
  assert.deepEqual([again.creates, again.updates, again.archives, again.restores, again.unchanged], [0, 0, 0, 0, 3]);
});

test('16b. keep active survives a truncated file; the history says so', async () => {
  await openUser('Ann Mill');
  await page.check('[data-testid=keep-active]');
  await page.waitForSelector('[role=alert]:has-text("Keep active is on")');
  await page.waitForSelector('[data-testid=user-history] td:has-text("keep_active: no → yes")');

  const c = await toReview(page, writeTmp('mill-short.csv', HEAD + ROWS.bo), { scope: 'mill.csv' });
  assert.equal(c.archives, 1, JSON.stringify(c)); // Cy
  assert.equal(c.skipped, 1, JSON.stringify(c)); // Ann, kept
  await page.click('[data-tab=skipped]');
  await page.waitForSelector('[data-testid=list-skipped] td:has-text("kept active")');
  assert.match(await submit(page), /completed/);

  await openUser('Ann Mill');
  assert.match(await text(page, '[data-testid=user-summary]'), /active/);
  assert.doesNotMatch(await text(page, '[data-testid=user-summary]'), /archived/);
  await shot(page, '16-user');
  await openUser('Cy Mill');
  assert.match(await text(page, '[data-testid=user-summary]'), /archived/);
  await page.click('[data-testid=status-action]:has-text("Restore")');
  await page.waitForSelector('[role=alert]:has-text("Restored (import #")');
  await page.waitForSelector('[data-testid=user-history] td:has-text("restored")');
  assert.deepEqual(await cspViolations(page), []);
});
