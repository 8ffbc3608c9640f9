// Tokens and syncs: the admin makes a token named for Clever on the Tokens page (its secret
// shown once); Clever's script imports with it; the admin's own file that lists those users
// skips them, and their page says Clever owns them; a revoked token stops at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signIn, toReview, submit, shot, text, writeTmp, cspViolations } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('tokens'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const HEAD = 'District ID,First Name,Last Name,User Type,Grade,Email Address,School SIS ID\r\n';

test('17. a token named Clever imports users that an admin file then skips', async () => {
  await page.click('header nav button:has-text("Tokens")');
  await page.waitForSelector('[data-testid=add-token]');
  await page.fill('[data-testid=add-token] input[name=days]', '0');
  await page.fill('[data-testid=add-token] input[name=name]', 'Clever nightly');
  await page.click('[data-testid=add-token] button[type=submit]');
  await page.waitForSelector('[role=alert]:has-text("Expires after")');
  await page.fill('[data-testid=add-token] input[name=days]', '');
  await page.selectOption('[data-testid=add-token] select[name=sync]', 'Clever');
  await page.click('[data-testid=add-token] button[type=submit]');
  const secret = (await text(page, '[data-testid=token-secret]')).trim();
  assert.match(secret, /^rct_/);
  await page.waitForSelector('[data-testid=tokens-list] tr[data-token="Clever nightly"]');

  const csv = HEAD + 'K1,Kai,Lund,0,05,kai@demo.example.org,101\r\nK2,Kim,Lund,0,05,kim@demo.example.org,101\r\n';
  const r = await fetch(`${server.base}/api/imports/csv?scope=clever.csv`, { method: 'POST', headers: { authorization: `Bearer ${secret}` }, body: csv });
  assert.equal(r.status, 201, await r.text());

  // The admin's file lists Kai (renamed) and not Kim: Kai is skipped, Kim is not archived.
  const mine = HEAD + 'K1,Kaito,Lund,0,05,kai@demo.example.org,101\r\nN1,Noa,Lund,0,05,noa@demo.example.org,101\r\n';
  const c = await toReview(page, writeTmp('clever-mine.csv', mine), { scope: 'clever.csv' });
  assert.deepEqual([c.creates, c.updates, c.archives, c.skipped], [1, 0, 0, 1], JSON.stringify(c));
  await page.click('[data-tab=skipped]');
  await page.waitForSelector('[data-testid=list-skipped] td:has-text("managed by Clever")');
  assert.match(await submit(page), /completed/);

  await page.click('header nav button:has-text("Users")');
  await page.fill('input[type=search]', 'Kai Lund');
  await page.click('button:has-text("Search")');
  await page.waitForSelector('[data-testid=user-count]:text-is("1 user")');
  await page.click('a[data-user]:has-text("Kai Lund")');
  await page.waitForSelector('[data-testid=owned]:has-text("Clever owns this user")');
  assert.equal(await page.isDisabled('[data-testid=edit-user] button[type=submit]'), true);

  await page.click('header nav button:has-text("Tokens")');
  await page.waitForSelector('[data-testid=tokens-list] tr[data-token="Clever nightly"]');
  assert.notEqual(await text(page, 'tr[data-token="Clever nightly"] td:nth-child(4)'), 'never', 'its use is recorded');
  await shot(page, '17-tokens');
  page.once('dialog', (d) => d.accept());
  await page.click('tr[data-token="Clever nightly"] button:has-text("Revoke")');
  await page.waitForSelector('[role=alert]:has-text("Clever nightly revoked")');
  const gone = await fetch(`${server.base}/api/me`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(gone.status, 401);
  assert.deepEqual(await cspViolations(page), []);
});
