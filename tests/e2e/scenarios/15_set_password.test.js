// Set password, for real: an import with "email new staff" puts a mail with a link in the
// outbox; the person opens it without signing in, chooses a password (a weak one is refused
// in the page's words), and the link works once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signIn, readAndValidate, next, submit, shot, text, writeTmp } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('setpw'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const FILE = 'District ID,First Name,Last Name,User Type,Email Address,School SIS ID\r\nT1,Tia,Moss,1,tia.moss@demo.example.org,101\r\n';

test('15. a new staff member sets a password with the link in their mail, once', async () => {
  await readAndValidate(page, writeTmp('staff.csv', FILE), { scope: 'staff.csv' });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=validation-counts]');
  await next(page); // → Options
  await page.check('label:has-text("Email new staff") input[type=checkbox]');
  await next(page); // → Review
  await page.waitForSelector('[data-testid=plan-counts]');
  assert.match(await submit(page), /completed/);

  await page.click('header nav button:has-text("Outbox")');
  await page.waitForSelector('td:has-text("Choose your password")');
  const body = await text(page, 'tr:has(td:has-text("tia.moss@demo.example.org")) td:nth-child(3)');
  const link = body.match(/(http\S+\/#\/set-password\/\S+)/)?.[1];
  assert.ok(link?.startsWith(server.base), `a link to this app: ${body}`);
  assert.doesNotMatch(body, /password: /i, 'no password in the mail');

  // The person, in a browser of their own (no session).
  const own = await browser.newContext();
  const p = await own.newPage();
  await p.goto(link);
  await p.waitForSelector('h1:has-text("Choose your password")');
  await p.fill('input[name=password]', 'tiamoss');
  await p.fill('input[name=again]', 'tiamoss');
  await p.click('button[type=submit]');
  await p.waitForSelector('[role=alert]:has-text("at least 12 characters")');
  await p.fill('input[name=password]', 'correct horse battery');
  await p.fill('input[name=again]', 'correct horse battery');
  await p.click('button[type=submit]');
  await p.waitForSelector('[data-testid=password-set]');
  await shot(p, '15-set-password');

  // Once only.
  const again = await own.newPage();
  await again.goto(link);
  await again.fill('input[name=password]', 'another good password');
  await again.fill('input[name=again]', 'another good password');
  await again.click('button[type=submit]');
  await again.waitForSelector('[role=alert]:has-text("already used")');
  await own.close();
});
