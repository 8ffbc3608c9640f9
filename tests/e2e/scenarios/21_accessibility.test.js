// Accessibility: axe-core on every screen an admin sees (the wizard's steps, the console's
// pages), and the set-password page a staff member opens; no violation anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signIn, readAndValidate, next, submit, writeTmp, axeViolations, apiLogin } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('axe'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const found = {};
async function check(name) {
  const v = await axeViolations(page);
  found[name] = v;
}

test('21. no axe-core violation on any screen', async () => {
  const file = 'District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID\r\nX1,Ann,Axe,0,TK,ann.axe@demo.example.org,101\r\nX2,Bo,Axe,1,,bo.axe@demo.example.org,101\r\nX3,Cy,Axe,0,05,cy.axe@demo.example.org,999\r\n';
  await page.click('header nav button:has-text("Import")');
  await page.waitForSelector('[data-testid=template]');
  await check('choose');
  await readAndValidate(page, writeTmp('axe.csv', file), { scope: 'axe.csv' });
  await check('read');
  await next(page);
  await page.waitForSelector('[data-testid=mapping]');
  await check('map fields');
  // Each step's heading takes the focus.
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === 'Map fields');
  await next(page);
  await page.waitForSelector('[data-testid=schools]');
  await check('map schools');
  await next(page);
  await page.waitForSelector('[data-testid=validation-counts]');
  await check('validate');
  await page.selectOption('tr[data-grade="TK"] select', 'PK');
  await page.click('[data-testid=apply-grades]');
  // Validated again: the unknown school 999 is asked for first, matched to 101.
  await page.waitForSelector('[data-testid=schools]');
  await page.selectOption('select[aria-label="School for 999"]', '101');
  await next(page);
  await page.waitForSelector('[data-testid=validation-counts]');
  await next(page);
  await page.waitForSelector('input[type=datetime-local]');
  await check('options');
  await next(page);
  await page.waitForSelector('[data-testid=plan-counts]');
  await check('review');
  assert.match(await submit(page), /completed/);
  await check('submitted');
  for (const [tab, ready] of [['Import history', '[data-testid=history]'], ['Users', '[data-testid=user-count]'], ['Schools', '[data-testid=schools-list]'], ['Groups', '[data-testid=add-group]'], ['Outbox', 'h1:has-text("Outbox")'], ['Tokens', '[data-testid=add-token]'], ['Settings', '[data-testid=guard-form]']]) {
    await page.click(`header nav button:has-text("${tab}")`);
    await page.waitForSelector(ready);
    await check(tab);
  }
  await page.click('header nav button:has-text("Import history")');
  await page.click('[data-testid=history] tbody tr:first-child td button');
  await page.waitForSelector('[data-testid=import-status]');
  await check('import detail');
  await page.click('header nav button:has-text("Users")');
  await page.click('a[data-user]:has-text("Ann Axe")');
  await page.waitForSelector('[data-testid=user-history]');
  await check('user');
  // The focus ring is visible: at least 3:1 against the page (the outline's colour).
  const ring = await page.evaluate(() => { const b = document.querySelector('header nav button'); b.focus({ focusVisible: true }); return getComputedStyle(b).outlineColor; });
  assert.equal(ring, 'rgb(29, 78, 216)', 'a #1d4ed8 ring: 6.7:1 on white');
  const summary = Object.entries(found).map(([k, v]) => `${k}: ${v.length ? JSON.stringify(v) : 0}`).join('\n');
  assert.ok(Object.values(found).every((v) => v.length === 0), summary);
});

test('21b. the sign-in page and a set-password link, opened without signing in', async () => {
  const p = await browser.newPage();
  await p.goto(server.base);
  await p.waitForSelector('input[type=password]');
  const signin = await axeViolations(p);
  await p.goto(`${server.base}/#/set-password/1.${'ab'.repeat(32)}`);
  await p.waitForSelector('h1');
  const link = await axeViolations(p);
  assert.deepEqual({ signin, link }, { signin: [], link: [] });
  await p.close();
});
