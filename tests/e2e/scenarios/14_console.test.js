// The district's console: the admin adds a school on the Schools page, imports a file that
// names it (no school to map by hand), sees its active users, and gives it a new SIS code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signIn, toReview, readAndValidate, next, submit, shot, text, writeTmp, cspViolations } from '../lib.js';

let server, browser, page;
before(async () => { server = await startServer('console'); browser = await launch(); page = await browser.newPage(); await signIn(page, server.base); });
after(async () => { await browser?.close(); server?.stop(); });

const FILE = 'District ID,First Name,Last Name,User Type,Grade,School SIS ID\r\nH1,Ana,Hill,0,06,204\r\nH2,Ben,Hill,0,07,204\r\n';

test('14. a school added on the Schools page is used by the next import, then recoded', async () => {
  await page.click('header nav button:has-text("Schools")');
  await page.waitForSelector('[data-testid=schools-list]');
  // A blank name is refused in the page's words, before anything is sent.
  await page.fill('[data-testid=add-school] input[name=sis_code]', '204');
  await page.click('[data-testid=add-school] button[type=submit]');
  await page.waitForSelector('[role=alert]:has-text("Name: a value is blank")');
  await page.fill('[data-testid=add-school] input[name=name]', 'Hill Middle');
  await page.click('[data-testid=add-school] button[type=submit]');
  await page.waitForSelector('[data-testid=schools-list] tr[data-code="204"]');
  // The same code again: the server's refusal, said.
  await page.fill('[data-testid=add-school] input[name=sis_code]', '204');
  await page.fill('[data-testid=add-school] input[name=name]', 'Again');
  await page.click('[data-testid=add-school] button[type=submit]');
  await page.waitForSelector('[role=alert]:has-text("already has a school")');

  const c = await toReview(page, writeTmp('hill.csv', FILE), { scope: 'hill.csv' });
  assert.equal(c.creates, 2, JSON.stringify(c));
  assert.match(await submit(page), /completed/);

  await page.click('header nav button:has-text("Schools")');
  await page.waitForSelector('[data-testid=schools-list] tr[data-code="204"]');
  assert.equal(await text(page, 'tr[data-code="204"] td:nth-child(3)'), '2');
  assert.equal(await page.isDisabled('tr[data-code="204"] button:has-text("Remove")'), true, 'a school in use stays');
  await page.fill('tr[data-code="204"] input[aria-label="SIS code of 204"]', '0204');
  await page.click('tr[data-code="204"] button:has-text("Save")');
  await page.waitForSelector('[data-testid=schools-list] tr[data-code="0204"]');
  assert.equal(await text(page, 'tr[data-code="0204"] td:nth-child(3)'), '2', 'its users moved with it');
  await shot(page, '14-schools');
  assert.deepEqual(await cspViolations(page), []);
});

test('14b. a group made in the import options is filled by the import, and shown with its members', async () => {
  const file = 'District ID,First Name,Last Name,User Type,Grade,School SIS ID\r\nR1,Rae,Ode,0,05,101\r\nR2,Sol,Ode,0,05,101\r\nR3,Tal,Ode,0,05,101\r\n';
  await readAndValidate(page, writeTmp('robotics.csv', file), { scope: 'robotics.csv' });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=validation-counts]');
  await next(page); // → Options
  await page.fill('[data-testid=new-group]', 'Robotics');
  await page.click('[data-testid=create-group]');
  await page.waitForFunction(() => [...document.querySelectorAll('select option')].some((o) => o.selected && o.textContent === 'Robotics'));
  await next(page); // → Review
  await page.waitForSelector('[data-testid=plan-counts]');
  assert.match(await submit(page), /completed/);

  await page.click('header nav button:has-text("Groups")');
  await page.waitForSelector('[data-testid=groups-list] tr[data-group="Robotics"]');
  assert.equal(await text(page, 'tr[data-group="Robotics"] td:nth-child(2)'), '3');
  await page.click('tr[data-group="Robotics"] button:has-text("Members")');
  await page.waitForSelector('[data-testid=member-count]:has-text("3 members")');
  await page.click('[data-testid=members] tr:has-text("Rae Ode") button:has-text("Take out")');
  await page.waitForSelector('[data-testid=member-count]:has-text("2 members")');
  await shot(page, '14-groups');
  assert.deepEqual(await cspViolations(page), []);
});

test('14c. a scheduled import shows its time on the district\'s clocks and is cancelled before it', async () => {
  await page.click('header nav button:has-text("Settings")');
  await page.fill('[data-testid=time-zone]', 'Mars/Olympus');
  await page.click('[data-testid=mail-save]');
  await page.waitForSelector('[role=alert]:has-text("is not a time zone")');
  await page.fill('[data-testid=time-zone]', 'America/Chicago');
  await page.fill('[data-testid=mail-from]', 'office@demo.example.org');
  await page.click('[data-testid=mail-save]');
  await page.waitForSelector('[role=alert]:has-text("Saved: new mail states times")');
  await shot(page, '14-settings');
  const file = 'District ID,First Name,Last Name,User Type,Grade,School SIS ID\r\nQ1,Quin,Ode,0,05,101\r\n';
  await readAndValidate(page, writeTmp('later.csv', file), { scope: 'later.csv' });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=validation-counts]');
  await next(page); // → Options
  await page.fill('input[type=datetime-local]', '2999-01-01T09:00');
  await next(page); // → Review
  await page.waitForSelector('[data-testid=plan-counts]');
  assert.match(await submit(page), /queued/);
  await page.click('button:has-text("Open import")');
  await page.waitForSelector('[data-testid=cancel]');
  assert.match(await text(page, 'h1 + p'), /runs 2999-01-01 \d\d:00 CST/);
  await page.click('[data-testid=cancel]');
  await page.waitForFunction(() => document.querySelector('[data-testid=import-status]')?.textContent === 'cancelled');
  assert.equal(await page.$('[data-testid=cancel]'), null, 'nothing left to cancel');
});

test('14d. a scheduled import, applied by the job runner at its time, sends its completion notice', async () => {
  const file = 'District ID,First Name,Last Name,User Type,Grade,School SIS ID\r\nW1,Wren,Ode,0,05,101\r\n';
  await readAndValidate(page, writeTmp('soon.csv', file), { scope: 'soon.csv' });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=validation-counts]');
  await next(page); // → Options
  // A few seconds ahead, on the browser's clock, as the admin's own local time.
  const soon = await page.evaluate(() => {
    const d = new Date(Date.now() + 4000);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  });
  await page.fill('input[type=datetime-local]', soon);
  await next(page); // → Review
  await page.waitForSelector('[data-testid=plan-counts]');
  const result = await submit(page);
  assert.match(result, /queued/);
  const n = result.match(/#(\d+)/)?.[1];
  assert.ok(n, result);
  // The runner applies it when its time comes; the notice is in the outbox (the page is read
  // again until it is there, for at most 30 seconds).
  const deadline = Date.now() + 30000;
  let found = false;
  while (!found && Date.now() < deadline) {
    await page.click('header nav button:has-text("Outbox")');
    await page.waitForSelector('h1:has-text("Outbox")');
    await page.waitForFunction(() => !document.body.textContent.includes('Loading…'));
    found = await page.isVisible(`td:has-text("Import #${n} completed")`);
    if (!found) await page.click('header nav button:has-text("Import history")');
  }
  assert.ok(found, `no completion notice for import #${n}`);
  assert.match(await text(page, `tr:has(td:has-text("Import #${n} completed")) td:nth-child(3)`), /completed at \d{4}-\d\d-\d\d \d\d:\d\d [A-Z]+: 1 created.*See the import: http\S+#\/history\/\d+/s);
});

test('14e. the schools step shows every value, automatic matches too, and creates a school', async () => {
  const file = 'District ID,First Name,Last Name,User Type,Grade,School SIS ID\r\nN1,Nel,Ode,0,05,101\r\nN2,Nia,Ode,0,05,777\r\nN3,Noa,Ode,0,05,777\r\n';
  await readAndValidate(page, writeTmp('new-school.csv', file), { scope: 'new-school.csv' });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Map schools (777 is unknown)
  await page.waitForSelector('[data-testid=school-values] tr[data-value="777"]');
  assert.match(await text(page, 'tr[data-value="101"]'), /\(matched\)/);
  assert.match(await text(page, 'tr[data-value="777"]'), /2 \(first: row 3\)/);
  await page.fill('tr[data-value="777"] input', 'Hill Elementary');
  await page.click('tr[data-value="777"] [data-testid=create-school]');
  await page.waitForSelector('[role=alert]:has-text("School 777 (Hill Elementary) created.")');
  await page.waitForSelector('tr[data-value="777"]:has-text("(matched)")');
  await shot(page, '14-school-step');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=validation-counts]');
  assert.equal(await text(page, '[data-testid=errors]'), '0');
  await next(page); // → Options
  await next(page); // → Review
  await page.waitForSelector('[data-testid=plan-counts]');
  assert.match(await submit(page), /completed/);
});
