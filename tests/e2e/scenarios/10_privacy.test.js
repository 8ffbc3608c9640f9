import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { startServer, launch, signIn, toReview, submit, shot, SAMPLES } from '../lib.js';

let server, browser;
before(async () => { server = await startServer('privacy'); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('10. student data stays home: only the normalized change request leaves the browser', async () => {
  const page = await browser.newPage();
  await signIn(page, server.base);
  const sent = [];
  page.on('request', (r) => sent.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() }));
  // The SDS school codes must exist in the district: add them with the CLI.
  const file = join(SAMPLES, 'external/sds_students_100.csv');
  const c = await toReview(page, file, {
    scope: 'sds-students',
    beforeValidate: async (p) => {
      await p.selectOption('select[data-field=role]', 'v');
      await p.fill('input[aria-label="Role for every row"]', 'student');
      await p.press('input[aria-label="Role for every row"]', 'Tab');
      await p.selectOption('select[data-field=school]', 'v');
      await p.fill('input[aria-label="School for every row"]', '101');
      await p.press('input[aria-label="School for every row"]', 'Tab');
    },
  });
  assert.equal(c.creates, 86);
  assert.match(await submit(page), /completed/);
  await shot(page, '10-submitted');
  const raw = readFileSync(file);
  const bodies = sent.filter((r) => r.body && r.body.length);
  assert.ok(bodies.some((r) => r.url.endsWith('/api/imports')), 'the change request was sent');
  for (const r of bodies) {
    const s = r.body.toString('utf8');
    assert.ok(!r.body.includes(raw.subarray(0, 200)), `the file's bytes were sent to ${r.url}`);
    for (const unmapped of ['4/2/2000', '11/12/1999', 'OKlein', 'BMcMillan', 'Birthdate', 'Graduation Year', '"2019"']) {
      assert.ok(!s.includes(unmapped), `${unmapped} (an unmapped column) was sent to ${r.url}`);
    }
  }
  const req = JSON.parse(bodies.find((r) => r.url.endsWith('/api/imports')).body.toString('utf8'));
  assert.equal(req.creates.length, 86);
  assert.deepEqual(Object.keys(req.creates[0].data).sort(), ['alt_id', 'district_id', 'econ_disadvantaged', 'email', 'first_name', 'grade', 'last_name', 'limited_english', 'middle_name', 'role', 'school', 'scope', 'state_id']);
});

test('1 (PostgreSQL). the same import against a PostgreSQL-backed server', { skip: !process.env.ROLLCALL_TEST_PG && !process.env.CI ? 'no PostgreSQL here' : false }, async () => {
  const pg = await startServer('pg', { pg: process.env.ROLLCALL_TEST_PG });
  try {
    const page = await browser.newPage();
    await signIn(page, pg.base);
    const c = await toReview(page, join(SAMPLES, 'classworks_headers.csv'));
    assert.equal(c.creates, 40);
    assert.match(await submit(page), /Import #1: completed/);
  } finally {
    pg.stop();
  }
});
