// Scenarios 3–9 on one server, in order: each builds on the roster the previous one left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startServer, launch, signIn, toReview, submit, counts, shot, text, apiLogin, writeTmp, SAMPLES } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('lifecycle'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const original = readFileSync(join(SAMPLES, 'classworks_headers.csv'), 'utf8');
const lines = original.split('\r\n').filter((l) => l);
const SCOPE = 'students.csv';

async function usersCount(status = 'active') {
  const api = await apiLogin(server.base);
  return (await api.get(`/api/users?status=${status}&per_page=1`)).total;
}

test('3. no_header.csv: the inferred mapping is shown, one field changed by hand, imported', async () => {
  await toReview(page, join(SAMPLES, 'no_header.csv'), {
    scope: 'noheader.csv',
    beforeValidate: async (p) => {
      assert.equal(await p.inputValue('select[data-field=email]'), 'c0');
      assert.equal(await p.inputValue('select[data-field=last_name]'), 'c1');
      assert.equal(await p.inputValue('select[data-field=first_name]'), 'c2');
      assert.equal(await p.inputValue('select[data-field=district_id]'), 'c6');
      assert.match(await text(p, '[data-testid=mapping]'), /guessed from the values/);
      await shot(p, '03-inferred-mapping');
      // By hand: the district id column also becomes the alternate id … then back to district id.
      await p.selectOption('select[data-field=alt_id]', 'c6');
      assert.equal(await p.inputValue('select[data-field=district_id]'), '');
      await p.selectOption('select[data-field=district_id]', 'c6');
      await p.selectOption('select[data-field=state_id]', 'v');
      await p.fill('input[aria-label="State ID for every row"]', 'GA');
      await p.press('input[aria-label="State ID for every row"]', 'Tab');
    },
  });
  assert.equal((await counts(page)).creates, 40);
  assert.match(await submit(page), /completed/);
  const api = await apiLogin(server.base);
  const u = await api.get('/api/users?q=S0100005');
  assert.equal(u.users[0].state_id, 'GA');
});

test('4. re-upload with one removed, one renamed, one new: 1 archive, 1 update, 1 create', async () => {
  assert.match(await submitFile(lines, SCOPE), /completed/);
  const next = lines.filter((_, i) => i !== 5).map((l, i) => (i === 1 ? l.replace('Olivia,Lefèvre', 'Olivia,Lefebvre') : l));
  next.push('Nia,Ode,S0999999,0,4,nia.ode@springfield.k12.example.org,102,,GA000000001,N,N');
  const c = await toReview(page, writeTmp(SCOPE, next.join('\r\n') + '\r\n'), { scope: SCOPE });
  assert.deepEqual([c.archives, c.updates, c.creates], [1, 1, 1]);
  await page.click('[data-tab=updates]');
  assert.match(await text(page, '[data-testid=list-updates]'), /last_name: Lefèvre → Lefebvre/);
  await shot(page, '04-review');
  assert.match(await submit(page), /completed/);
  const api = await apiLogin(server.base);
  const archived = await api.get('/api/users?status=archived');
  assert.equal(archived.total, 1, 'archived, not deleted');
  assert.equal(archived.users[0].district_id, 'S0100004');
});

test('4b. an option chosen after validation is the plan\'s: "existing record wins" keeps a name the file changes', async () => {
  // The roster as test 4 left it, with one first name changed.
  const rows = lines.filter((_, i) => i !== 5).map((l, i) => (i === 1 ? l.replace('Olivia,Lefèvre', 'Olivia,Lefebvre') : l));
  rows.push('Nia,Ode,S0999999,0,4,nia.ode@springfield.k12.example.org,102,,GA000000001,N,N');
  rows[2] = rows[2].replace(/^[^,]+/, 'Zed');
  const file = writeTmp(SCOPE, rows.join('\r\n') + '\r\n');
  // The page plans ahead with the options as they stand while the validation is read; the
  // review must plan with the options chosen after it.
  const kept = await toReview(page, file, { scope: SCOPE, beforeReview: (p) => p.check('input[name=conflict] >> nth=1') });
  assert.deepEqual([kept.updates, kept.creates, kept.archives], [0, 0, 0], JSON.stringify(kept));
  const changed = await toReview(page, file, { scope: SCOPE, beforeReview: (p) => p.check('input[name=conflict] >> nth=0') });
  assert.deepEqual([changed.updates, changed.creates, changed.archives], [1, 0, 0], JSON.stringify(changed));
  await page.click('[data-tab=updates]');
  assert.match(await text(page, '[data-testid=list-updates]'), /first_name: \w+ → Zed/);
});

async function submitFile(rows, scope) {
  await toReview(page, writeTmp(scope, rows.join('\r\n') + '\r\n'), { scope });
  return submit(page);
}

test('5. half the users missing: the mass-archive guard blocks until confirmed', async () => {
  const half = lines.slice(0, 21);
  const c = await toReview(page, writeTmp(SCOPE, half.join('\r\n') + '\r\n'), { scope: SCOPE });
  assert.ok(c.archives >= 19, JSON.stringify(c));
  await page.waitForSelector('[data-testid=guard]');
  assert.equal(await page.isDisabled('[data-testid=submit]'), true);
  // The archives are shown first, in red, with who they are; confirming means typing their number.
  assert.equal(await page.getAttribute('[data-tab=archives]', 'class'), 'active');
  assert.match(await page.getAttribute('[data-testid=guard]', 'class'), /error/);
  assert.match(await text(page, '[data-testid=list-archives] tr'), /\(student, school \d+\)/);
  await shot(page, '05-guard');
  // Filtered by role: only staff lines.
  await page.selectOption('[data-testid=filter-role]', 'staff');
  const staff = await page.$$eval('[data-testid=list-archives] tr', (rows) => rows.map((r) => r.textContent));
  assert.ok(staff.length > 0 && staff.every((t) => t.includes('(staff,')), JSON.stringify(staff));
  await page.selectOption('[data-testid=filter-role]', '');
  await page.fill('[data-testid=ack-count]', String(c.archives - 1));
  assert.equal(await page.isDisabled('[data-testid=submit]'), true, 'the wrong number confirms nothing');
  await page.fill('[data-testid=ack-count]', String(c.archives));
  assert.equal(await page.isDisabled('[data-testid=submit]'), false);
  assert.match(await submit(page), /completed/);
});

test('7. roll back the last import: the roster is as before it', async () => {
  const before = await usersCount();
  await page.click('header nav button:has-text("Import history")');
  await page.click('[data-testid=history] tbody tr:first-child td button');
  // What the import brought, as the server wrote it (the download never passes through the
  // page's own memory).
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download the imported data")')]);
  assert.match(dl.suggestedFilename(), /^import-\d+\.csv$/);
  const brought = readFileSync(await dl.path(), 'utf8').split('\n').filter((l) => l);
  assert.match(brought[0], /district_id/);
  assert.ok(brought.length > 1, brought.join('\n'));
  page.once('dialog', (d) => d.accept());
  await page.click('button:has-text("Roll back")');
  await page.waitForFunction(() => document.querySelector('[data-testid=import-status]')?.textContent === 'rolled_back');
  assert.equal(before, 20, 'the cut file left 20 active users');
  assert.equal(await usersCount(), 40, 'the 40 active users of before the cut');
  assert.equal(await usersCount('archived'), 1, 'S0100004, archived by the import before');
});

test('6. download the master CSV, re-upload it: zero changes', async () => {
  await page.click('header nav button:has-text("Users")');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download CSV")')]);
  const path = await download.path();
  const csv = readFileSync(path, 'utf8');
  assert.match(csv.split('\n')[0], /district_id,first_name,last_name/);
  const c = await toReview(page, writeTmp('master.csv', csv), { scope: 'master.csv' });
  assert.deepEqual(c, { creates: 0, updates: 0, archives: 0, restores: 0, unchanged: 40, skipped: 0 });
});

test('8. a submit after another admin changed the roster re-plans, says so, then succeeds', async () => {
  const next = lines.map((l, i) => (i === 2 ? l.replace('Ingrid,Nakamura', 'Ingrid,Nakamura-Lee') : l));
  const c = await toReview(page, writeTmp(SCOPE, next.join('\r\n') + '\r\n'), { scope: SCOPE });
  assert.ok(c.updates >= 1);
  await page.click('[data-tab=updates]');
  assert.match(await text(page, '[data-testid=list-updates]'), /Nakamura → Nakamura-Lee/);
  // Meanwhile, a script imports another file.
  const api = await apiLogin(server.base);
  const other = 'District ID,First Name,Last Name,User Type,Email Address,School SIS ID\r\nT7,Ola,Berg,1,ola.berg@example.org,101\r\n';
  const r = await api.postCsv('/api/imports/csv?scope=staff.csv', other);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await page.click('[data-testid=submit]');
  await page.waitForSelector('.banner.warning');
  assert.match(await text(page, '.banner.warning'), /roster changed/);
  assert.deepEqual(await counts(page), c, 'the other import touched another scope: the same plan');
  assert.match(await submit(page), /completed/);
});

test('9. an expired session and an unreachable server each say so', async () => {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('rollcall.session')).token);
  await fetch(`${server.base}/api/session`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
  await page.click('header nav button:has-text("Outbox")');
  await page.waitForSelector('.banner');
  assert.match(await text(page, '.banner'), /session has expired/);
  await page.waitForSelector('input[name=email]');
  await shot(page, '09-expired');
  await signIn(page, server.base);
  server.stop();
  await new Promise((r) => setTimeout(r, 500));
  await page.click('header nav button:has-text("Users")');
  await page.waitForSelector('.banner.error');
  assert.match(await text(page, '.banner.error'), /cannot be reached/);
  await shot(page, '09-unreachable');
});
