// Validation side by side. The app's worker cuts a large file into parts at row boundaries and
// reads the first itself, slice by slice; helpers — this same script in workers named 'part',
// each with an engine instantiated from the app's compiled module — read the others at the same
// time, each numbering its rows from 1. Each helper hands its validated part back as bytes; the
// app's engine joins them in order (`Pipeline::join`: the rows move after the rows before them,
// and a part the cut left inside a quoted field is refused) and runs the file rules. If anything
// fails, the file is read by one worker instead (worker.js).

// One helper for one part of one validation, instantiated from the compiled module (a few
// milliseconds); it is ended with the validation, so that its memory (a wasm memory never
// shrinks) goes too. `on` takes its messages about the part.
function startHelper(module, url) {
  const w = new Worker(url, { type: 'module', name: 'part' });
  const h = { w, on: () => {} };
  h.ready = new Promise((ok, fail) => {
    w.onmessage = (e) => (e.data.type === 'ready' ? ok() : h.on(e.data));
    w.onerror = () => {
      fail(new Error('a helper worker failed to start'));
      h.on({ type: 'error', error: 'a helper worker failed' });
    };
  });
  w.postMessage({ cmd: 'init', module });
  return h;
}

// Validates `file` in up to `n` parts; null when no cut is found (one worker reads it then).
// `engine` has started the validation (`engine.start`); `w` is the worker's side: the module and
// script to start helpers with, the command's timing, progress, and reading a byte range.
export async function validateInParts(engine, file, mapping, n, w) {
  // The first part is the larger: while this worker reads its last rows, a helper encodes its
  // part for the hand-off (about a third of the time it took to validate it, in wasm). Two
  // parts, 1M rows, this 2-core machine: 625-658 ms with the first part 1.3 times the other,
  // 640-716 ms with equal halves (the first part then waited 40-75 ms for the second).
  const first = 1.3;
  const starts = [0];
  for (let k = 1; k < n; k++) {
    const at = Math.floor((file.size * (first + k - 1)) / (first + n - 1));
    const window = new Uint8Array(await file.slice(at, at + engine.cut_window()).arrayBuffer());
    const start = engine.part_start_at(at, window, starts[starts.length - 1], file.size);
    if (start >= 0) starts.push(start);
  }
  starts.push(file.size);
  if (starts.length < 3) return null;
  const hs = starts.slice(2).map(() => startHelper(w.module, w.url));
  try {
    await Promise.all(hs.map((h) => h.ready));
    w.timing.parts = starts.length - 1;
    return await readParts(engine, file, mapping, starts, hs, w);
  } finally {
    hs.forEach((h) => h.w.terminate());
  }
}

async function readParts(engine, file, mapping, starts, hs, w) {
  const context = engine.part_context();
  const done = starts.slice(1).map(() => 0);
  const rows = done.slice();
  const sum = (a) => a.reduce((x, y) => x + y, 0);
  const report = () => w.progress(sum(done), sum(rows));
  const answers = hs.map((h, j) => new Promise((ok, fail) => {
    h.on = (m) => {
      if (m.type === 'progress') {
        done[j + 1] = m.done;
        rows[j + 1] = m.rows;
        report();
      } else if (m.type === 'error') {
        fail(new Error(m.error));
      } else {
        ok(m);
      }
    };
    h.w.postMessage({ cmd: 'part', file, start: starts[j + 1], end: starts[j + 2], context, mapping });
  }));
  // A failed part is awaited below (or ended with the others when this worker's own fails).
  answers.forEach((a) => a.catch(() => {}));
  await w.stream(0, starts[1], (buf, at) => {
    rows[0] = engine.feed(buf);
    done[0] = at;
    report();
  });
  // The hand-off, for the benchmark: each part's encoding (in its helper) and join (here).
  w.timing.handoff = [];
  for (const answer of answers) {
    const t = performance.now();
    const m = await answer;
    w.timing.parts_wait += performance.now() - t;
    const j = performance.now();
    w.timed(() => engine.join(m.bytes));
    w.timing.handoff.push({ encode: m.encode, join: performance.now() - j });
  }
  return w.timed(() => engine.finish());
}

// The helper's side: its part, read, validated and handed back encoded (the app's worker ends
// the helper afterwards, or at once when the validation fails or is cancelled).
export async function readPart(engine, m, chunk) {
  const { file, start, end, context, mapping } = m;
  try {
    const bytes = new Uint8Array(await file.slice(start, end).arrayBuffer());
    engine.set_part_context(context);
    engine.part_start(mapping, bytes.length);
    for (let at = 0; at < bytes.length; at += chunk) {
      const rows = engine.feed(bytes.subarray(at, Math.min(at + chunk, bytes.length)));
      postMessage({ type: 'progress', done: Math.min(at + chunk, bytes.length), rows });
    }
    const t = performance.now();
    const out = engine.part_finish();
    postMessage({ type: 'part', bytes: out, encode: performance.now() - t }, [out.buffer]);
  } catch (err) {
    postMessage({ type: 'error', error: String(err && err.message ? err.message : err) });
  }
}
