// Validation side by side. The app's worker cuts a large file into parts at row boundaries and
// reads the first itself; helpers — this same script in workers named 'part', each with an
// engine instantiated from the app's compiled module — read the others. Rows are numbered in the
// file before any part is validated: each part but the last counts its rows, and the parts learn
// how many rows come before them. Each helper hands its validated part back as bytes, and the
// app's engine joins them in order and runs the file rules (`Pipeline::join`, which checks that
// every part begins where the one before it ended). Anything unexpected — a cut inside a quoted
// field, a helper that fails — and the file is read by one worker instead.

// Bytes looked at past a nominal cut for a row's start (`read::cut::WINDOW`).
const WINDOW = 64 * 1024;

// A queue of a job's messages from one helper.
function mailbox() {
  const items = [];
  let wake = null;
  return {
    put(m) {
      items.push(m);
      if (wake) { wake(); wake = null; }
    },
    async take() {
      while (!items.length) await new Promise((ok) => { wake = ok; });
      const m = items.shift();
      if (m.type === 'error') throw new Error(m.error);
      return m;
    },
  };
}

const helpers = [];
let jobs = 0;

// Up to `n` helpers, started the first time they are wanted (instantiating a compiled module
// takes a few milliseconds).
export function helpersFor(n, module, url) {
  while (helpers.length < n) {
    const w = new Worker(url, { type: 'module', name: 'part' });
    const h = { w, jobs: new Map() };
    h.ready = new Promise((ok, fail) => { h.ok = ok; h.fail = fail; });
    w.onmessage = (e) => {
      if (e.data.type === 'ready') return h.ok();
      const j = h.jobs.get(e.data.job);
      if (j) j(e.data);
    };
    w.onerror = () => {
      h.broken = true;
      h.fail(new Error('a helper worker failed to start'));
      for (const j of h.jobs.values()) j({ type: 'error', error: 'a helper worker failed' });
    };
    w.postMessage({ cmd: 'init', module });
    helpers.push(h);
  }
  return helpers.slice(0, n);
}

// Validates `file` in up to `n` parts; null when it cannot be cut (one worker reads it then).
// `engine` has started the validation (`engine.start`); `w` is the worker's side: its timing,
// progress and cancel check.
export async function validateInParts(engine, file, mapping, n, w) {
  const starts = [0];
  for (let k = 1; k < n; k++) {
    const at = Math.floor((file.size * k) / n);
    const window = new Uint8Array(await file.slice(at, Math.min(at + WINDOW, file.size)).arrayBuffer());
    const i = engine.row_start(window);
    if (i >= 0 && at + i > starts[starts.length - 1] && at + i < file.size) starts.push(at + i);
  }
  starts.push(file.size);
  const parts = starts.length - 1;
  if (parts < 2) return null;
  const hs = helpersFor(parts - 1, w.module, w.url);
  await Promise.all(hs.map((h) => h.ready));
  w.timing.parts = parts;

  const job = ++jobs;
  const context = engine.part_context();
  const done = new Array(parts).fill(0);
  const rows = new Array(parts).fill(0);
  const sum = (a) => a.reduce((x, y) => x + y, 0);
  const report = () => w.progress(sum(done), sum(rows));
  const boxes = hs.map((h, j) => {
    const box = mailbox();
    h.jobs.set(job, (m) => {
      if (m.type === 'progress') {
        done[j + 1] = m.done;
        rows[j + 1] = m.rows;
        report();
      } else {
        box.put(m);
      }
    });
    h.w.postMessage({ cmd: 'part', job, file, start: starts[j + 1], end: starts[j + 2], count: j + 2 < parts, context, mapping });
    return box;
  });
  const stop = () => hs.forEach((h) => h.w.postMessage({ cmd: 'go', job, abort: true }));
  try {
    const t0 = performance.now();
    const own = new Uint8Array(await file.slice(0, starts[1]).arrayBuffer());
    w.timing.file_wait += performance.now() - t0;
    // Rows before each part: the first part's count, then the helpers' (all but the last).
    const counts = [w.timed(() => engine.count_rows(own))];
    for (const box of boxes.slice(0, parts - 2)) counts.push((await box.take()).rows);
    if (counts.some((c) => c < 0)) {
      stop();
      return null;
    }
    let before = 0;
    hs.forEach((h, j) => {
      before += counts[j];
      h.w.postMessage({ cmd: 'go', job, rowsBefore: before });
    });
    for (let at = 0; at < own.length; at += w.chunk) {
      w.checkCancel();
      rows[0] = w.timed(() => engine.feed(own.subarray(at, Math.min(at + w.chunk, own.length))));
      done[0] = Math.min(at + w.chunk, own.length);
      report();
    }
    for (const box of boxes) {
      const t = performance.now();
      const m = await box.take();
      w.timing.parts_wait += performance.now() - t;
      w.timed(() => engine.join(m.bytes));
    }
    return w.timed(() => engine.finish());
  } catch (err) {
    stop();
    throw err;
  } finally {
    hs.forEach((h) => h.jobs.delete(job));
  }
}

// The helper's side: one part at a time. `go` (the rows before the part, or an abort) may
// arrive before the part's bytes are read or after: it waits here for whichever comes second.
const gos = new Map(); // job → the `go` message, or the part waiting for it
const aborted = new Set();

export function go(m) {
  if (m.abort) aborted.add(m.job);
  const waiting = gos.get(m.job);
  if (typeof waiting === 'function') {
    gos.delete(m.job);
    waiting(m);
  } else {
    gos.set(m.job, m);
  }
}

function waitGo(job) {
  const m = gos.get(job);
  if (m && typeof m !== 'function') {
    gos.delete(job);
    return Promise.resolve(m);
  }
  return new Promise((ok) => gos.set(job, ok));
}

export async function readPart(engine, m, chunk) {
  const { job, file, start, end, count, context, mapping } = m;
  try {
    const bytes = new Uint8Array(await file.slice(start, end).arrayBuffer());
    engine.set_part_context(context);
    if (count) postMessage({ job, type: 'count', rows: engine.count_rows(bytes) });
    const g = await waitGo(job);
    if (g.abort) return;
    engine.part_start(mapping, g.rowsBefore, bytes.length);
    for (let at = 0; at < bytes.length; at += chunk) {
      if (aborted.has(job)) return;
      const rows = engine.feed(bytes.subarray(at, Math.min(at + chunk, bytes.length)));
      postMessage({ job, type: 'progress', done: Math.min(at + chunk, bytes.length), rows });
    }
    const out = engine.part_finish();
    postMessage({ job, type: 'part', bytes: out }, [out.buffer]);
  } catch (err) {
    postMessage({ job, type: 'error', error: String(err && err.message ? err.message : err) });
  } finally {
    gos.delete(job);
    aborted.delete(job);
  }
}
