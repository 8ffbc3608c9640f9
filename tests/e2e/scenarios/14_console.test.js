// The district's console: the admin adds a school on the Schools page, imports a file that
// names it (no school to map by hand), sees its active users, and gives it a new SIS code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, signIn, toReview, submit, shot, text, writeTmp, cspViolations } from '../lib.js';

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
