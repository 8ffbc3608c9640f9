// A large file is validated in parts side by side (a worker a core; three here, whatever the
// machine): the same issues, with the row numbers a spreadsheet shows, and the same plan as one
// worker reading it whole — with repeated keys far apart, a blank line, quoted line breaks and a
// short row spread over the parts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { startServer, launch, signIn, readAndValidate, next, text, counts, writeTmp } from '../lib.js';

let server, browser;
before(async () => { server = await startServer('parts'); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const ROWS = 130_000;

/** The file (with its issues, or clean), and the row (as a spreadsheet numbers it) of each
 *  data row `i`. */
function bigFile({ issues }) {
  const lines = ['sis_id,first_name,last_name,email,grade,school,role,notes'];
  for (let i = 1; i <= ROWS; i++) {
    lines.push(`P${i},First${i},Last${i % 997},p${i}@parts.example.org,${String(1 + (i % 12)).padStart(2, '0')},${101 + (i % 3)},student,`);
  }
  const row = (i) => (i <= 60_000 ? i + 1 : i + 2); // a blank line after data row 60,000
  // Quoted line breaks (in a column not imported): still one row each.
  lines[3] += '"seen\nat home"';
  lines[66_666] += '"two\r\nlines, ""quoted"""';
  if (issues) {
    lines[50_000] = lines[50_000].replace('P50000,', 'P3,'); // the id of row 4, far away
    lines[80_000] = lines[80_000].replace('p80000@', 'p30000@'); // the email of data row 30,000
    lines[75_000] = 'short,row';
    lines[99_990] = lines[99_990].replace(/,\d\d,10\d,student,$/, ',X9,101,student,');
  }
  lines.splice(60_001, 0, '');
  return { content: lines.join('\n') + '\n', row };
}

/** The Validate screen for `path` with `parts` workers at most; the plan's counts when the file
 *  has no error. */
async function validateWith(parts, path) {
  const page = await browser.newPage();
  await page.addInitScript((n) => { window.__rollcall_parts = n; }, parts);
  await signIn(page, server.base);
  await readAndValidate(page, path, { scope: 'parts.csv' });
  await next(page); // → Map fields
  await page.waitForSelector('[data-testid=mapping]');
  await next(page); // → Validate
  await page.waitForSelector('[data-testid=validation-counts]', { timeout: 120000 });
  const seen = {
    parts: await page.evaluate(() => window.__rollcall.phases.validate.parts),
    failed: await page.evaluate(() => window.__rollcall.phases.validate.parts_failed || ''),
    errors: Number(await text(page, '[data-testid=errors]')),
    warnings: Number(await text(page, '[data-testid=warnings]')),
    issues: (await page.$('[data-testid=issues]')) ? await text(page, '[data-testid=issues]') : 'none',
  };
  if (seen.errors === 0) {
    await next(page); // → Options
    await next(page); // → Review
    await page.waitForSelector('[data-testid=plan-counts]', { timeout: 120000 });
    seen.plan = await counts(page);
  }
  await page.close();
  return seen;
}

test('24. a large file validated in parts says what one worker says, row for row', async () => {
  const { content, row } = bigFile({ issues: true });
  const path = writeTmp('parts.csv', content);
  assert.ok(statSync(path).size > 8 << 20, 'large enough to be read in parts');

  const one = await validateWith(1, path);
  const three = await validateWith(3, path);
  assert.equal(one.parts, 1);
  assert.equal(three.parts, 3, 'read in three parts');

  // What the file holds, with the rows a spreadsheet shows.
  assert.equal(three.errors, 6);
  assert.match(three.issues, new RegExp(`District ID \`P3\` is also on row ${row(50_000)}\\.`));
  assert.match(three.issues, new RegExp(`District ID \`P3\` is also on row ${row(3)}\\.`));
  assert.match(three.issues, new RegExp(`Email \`p30000@parts\\.example\\.org\` is also on row ${row(80_000)}\\.`));
  assert.match(three.issues, new RegExp(`row ${row(75_000)}errortoo_few_fieldsThis row has 2 fields; 8 were expected\\.`));
  assert.match(three.issues, /Grade `X9` is not one Rollcall knows \(1 row\)/);

  // And the same as one worker's, to the letter.
  assert.deepEqual({ ...three, parts: 0 }, { ...one, parts: 0 });
});

test('24. a clean large file read in parts plans what one worker plans', async () => {
  const path = writeTmp('parts.csv', bigFile({ issues: false }).content);
  const one = await validateWith(1, path);
  const three = await validateWith(3, path);
  assert.equal(three.parts, 3, 'read in three parts');
  assert.equal(three.errors, 0);
  assert.equal(three.plan.creates, ROWS);
  assert.deepEqual({ ...three, parts: 0 }, { ...one, parts: 0 });
});

test('24. a file whose cut falls inside a quoted line break is read whole, the same', async () => {
  // Sixteen rows in a row with a note of 500 KB each, a line break every 60 bytes: from a third
  // of the file to three quarters of it, every line feed is inside quotes, so a cut near the
  // middle lands inside a note.
  const { content } = bigFile({ issues: false });
  const lines = content.split('\n');
  const from = Math.floor(lines.length * 0.6);
  const note = '"' + Array.from({ length: 8_400 }, (_, i) => `line ${i} of a long note`.padEnd(59, '.')).join('\n') + '"';
  for (let k = 0; k < 16; k++) lines[from + k] += note;
  const text = lines.join('\n');
  const first = text.indexOf('"line 0');
  const last = text.lastIndexOf('note...') + 8;
  assert.ok(first < text.length * 0.35 && last > text.length * 0.75, 'the notes cover the middle of the file');
  const path = writeTmp('parts.csv', text);
  const one = await validateWith(1, path);
  const two = await validateWith(2, path);
  assert.equal(two.parts, 1, 'read whole after the join refused the cut');
  assert.match(two.failed, /ends inside a row/);
  assert.equal(two.errors, 0);
  assert.deepEqual({ ...two, failed: '' }, one);
});
