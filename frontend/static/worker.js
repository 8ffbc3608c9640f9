// The Web Worker: reads the file slice by slice and runs the engine (the shared crate, in wasm)
// off the main thread. Messages: {id, cmd, args} in; {id, type: 'progress'|'result'|'error'} out.
import init, { Engine, warm_up } from './rollcall_engine.js';
import { readPart, validateInParts } from './parts.js';

const CHUNK = 4 << 20;
const SNIFF = 256 * 1024;
// A worker named 'part' reads parts of a file for the app's worker (parts.js). The app's worker
// validates a large file in one part a core but one (the page and the browser's own reading of
// the file need a core: on two cores, two parts measured no faster than one, each half taking
// three quarters of the whole's time), at most four; the benchmark and the tests set the number
// by the worker's name (`parts=N`).
const HELPER = self.name === 'part';
const named = /parts=(\d+)/.exec(self.name);
const PARTS = named
  ? Math.max(1, Math.min(Number(named[1]), 8))
  : Math.max(1, Math.min((navigator.hardwareConcurrency || 1) - 1, 4));
// Below this a file is read by one worker: handing parts over would cost more than it saves.
const PARTS_MIN_BYTES = 8 << 20;
let engine = null;
let cancelled = new Set();

// The module is compiled once, here, and handed to the helpers, which only instantiate it.
let wasm = null;
let module = null;
async function compile() {
  const url = new URL('rollcall_engine_bg.wasm', import.meta.url);
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    return WebAssembly.compile(await (await fetch(url)).arrayBuffer());
  }
}
async function boot(m) {
  module = m;
  wasm = await init({ module_or_path: m });
  engine = new Engine();
  postMessage({ type: 'ready' });
}
let booted = null;
const ready = HELPER ? new Promise((ok) => { booted = ok; }) : compile().then(boot);

// What a command reads, `{ file, id }`: a workbook (.xlsx, .xls, .ods) is read whole and turned
// into CSV text once per file and sheet (no id: its text is not what the page chose); every
// other file is read as it is, with the id the page gave it.
let converted = null;
async function source(args) {
  const { file, file_id: id, sheet } = args;
  const head = new Uint8Array(await readBytes(file, id, 0, Math.min(4, file.size)));
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4;
  const ole = head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;
  if (!zip && !ole) {
    engine.text_file();
    return { file, id };
  }
  if (!converted || id == null || converted.id !== id || converted.sheet !== (sheet || '')) {
    converted = null;
    const wb = await workbookModule();
    const read = wb.sheet_csv(await wholeFile(file, id), sheet || '');
    converted = { id, sheet: sheet || '', file: new File([read.take_csv()], file.name + '.csv', { type: 'text/csv' }), choice: read.choice() };
    read.free();
  }
  engine.set_workbook(converted.choice);
  return { file: converted.file, id: null };
}

// The workbook reader is a module of its own (calamine and its zip and XML readers weigh a
// fifth of the app): loaded the first time a workbook is chosen, never for a CSV.
let workbook = null;
async function workbookModule() {
  if (!workbook) {
    const m = await import('./rollcall_workbook.js');
    await m.default();
    workbook = m;
  }
  return workbook;
}

// The chosen file's first HOLD_BYTES, read slice by slice from the moment it is chosen (while
// the admin checks the dialect and maps the columns), so that reading it starts on bytes already
// in memory; kept for the file's later reads (validating again after a fix). One file at a time,
// known by the id the page gave it when it was chosen: a file sent again is a copy, and two
// files may share a name, a size and a date.
const HOLD_BYTES = 64 << 20;
let held = null;
function hold(id, file) {
  if (held && held.id === id) return;
  const h = { id, chunks: [] };
  held = h;
  let prev = Promise.resolve();
  for (let at = 0; at < Math.min(file.size, HOLD_BYTES); at += CHUNK) {
    // Once another file is chosen (or none), the slices not yet read are not read (null).
    const p = prev.then(() => (held === h ? file.slice(at, Math.min(at + CHUNK, file.size)).arrayBuffer() : null));
    p.catch(() => {}); // a failed read fails the command that awaits it, not the worker
    h.chunks.push(p);
    prev = p;
  }
}

// Bytes `at`..`end` (at most a CHUNK) of the file, from the held slices when it is the held
// file and they cover them. A held read that failed (the file moved, or changed on disk) is not
// kept: the next command reads the file afresh.
function readBytes(file, id, at, end) {
  const h = held;
  const c = h && id != null && h.id === id && at % CHUNK === 0 ? h.chunks[at / CHUNK] : undefined;
  if (!c) return file.slice(at, end).arrayBuffer();
  return c.then(
    (b) => (b === null ? file.slice(at, end).arrayBuffer() : b.byteLength > end - at ? b.slice(0, end - at) : b),
    (err) => {
      if (held === h) held = null;
      throw err;
    },
  );
}

// The whole file (a workbook, read at once), from its held slices where it has them.
async function wholeFile(file, id) {
  const slices = [];
  for (let at = 0; at < file.size; at += CHUNK) slices.push(readBytes(file, id, at, Math.min(at + CHUNK, file.size)));
  const out = new Uint8Array(file.size);
  let at = 0;
  for (const b of await Promise.all(slices)) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

// Reads the source's file (or its bytes from `start` to `end`) slice by slice into `feed`, which answers
// false when it needs no more; the next AHEAD slices are read while the engine works on this
// one (one was not enough: a slice took about as long to arrive as the engine took over one).
const AHEAD = 2;
async function stream(id, { file, id: fileId }, feed, start = 0, end = file.size) {
  const pending = [];
  let asked = start;
  const ask = () => {
    for (; pending.length < AHEAD && asked < end; asked += CHUNK) {
      pending.push(readBytes(file, fileId, asked, Math.min(asked + CHUNK, end)));
    }
  };
  ask();
  for (let at = start; at < end; at += CHUNK) {
    if (cancelled.has(id)) {
      cancelled.delete(id);
      throw new Error('cancelled');
    }
    const w0 = performance.now();
    const buf = new Uint8Array(await pending.shift());
    const e0 = performance.now();
    timing.file_wait += e0 - w0;
    ask();
    const more = feed(buf, Math.min(at + CHUNK, end));
    timing.engine += performance.now() - e0;
    if (more === false) return;
  }
}

// Where a command's time went (the benchmark's phases): waiting for the file's slices, in the
// engine while reading, and the whole command; `posted` is on the clock pages share.
let timing = null;
function timed(f) {
  const t0 = performance.now();
  const r = f();
  timing.engine += performance.now() - t0;
  return r;
}

async function validate(id, src, mapping, fixes) {
  const { file } = src;
  engine.start(mapping, file.size, fixes || '');
  if (PARTS > 1 && file.size >= PARTS_MIN_BYTES && engine.can_cut()) {
    try {
      const r = await validateInParts(engine, file, mapping, PARTS, {
        module, url: import.meta.url, timing, timed,
        progress: (done, rows) => postMessage({ id, type: 'progress', done, total: file.size, rows }),
        // This worker's own part, read from the source (its held slices serve it).
        stream: (start, end, feed) => stream(id, src, feed, start, end),
      });
      if (r !== null) return r;
    } catch (err) {
      if (String(err && err.message) === 'cancelled') throw err;
      // The same validation, read by this worker alone: slower, never different.
      console.warn('validation in parts failed; reading the file in one piece:', err);
      timing.parts_failed = String(err && err.message ? err.message : err);
    }
    timing.parts = 1;
    engine.start(mapping, file.size, fixes || '');
  }
  await stream(id, src, (buf, done) => {
    const rows = engine.feed(buf);
    postMessage({ id, type: 'progress', done, total: file.size, rows });
  });
  return timed(() => engine.finish());
}

// Commands run one at a time, in the order they came: a command that reads the file awaits
// between slices, and another starting then would share the engine's state (a cancel is the
// exception: it must reach the command it stops).
let queue = Promise.resolve();
// The app's worker first runs the engine over a small file of its own (warm.rs): the browser
// compiles and optimises its code while the admin is still choosing a file.
if (!HELPER) {
  queue = ready.then(() => {
    try { warm_up(); } catch (err) { console.warn('warm-up:', err); }
  });
}
onmessage = (e) => {
  const m = e.data;
  switch (m.cmd) {
    case 'cancel': cancelled.add(m.args.id); return;
    // The page's: the file just chosen, to read ahead; or none (the import is over).
    case 'hold': hold(m.args.file_id, m.args.file); return;
    case 'release': held = null; converted = null; return;
    // A helper's: its module, a part to read.
    case 'init': boot(m.module).then(booted); return;
    case 'part': queue = queue.then(async () => { await ready; await readPart(engine, m, CHUNK); }); return;
    default: queue = queue.then(() => handle(e));
  }
};

async function handle(e) {
  await ready;
  const { id, cmd, args } = e.data;
  timing = { cmd, file_wait: 0, engine: 0, parts_wait: 0, parts: 1, total: 0, posted: 0 };
  const t0 = performance.now();
  try {
    let result;
    switch (cmd) {
      case 'open': {
        const { file, id: fileId } = await source(args);
        const prefix = new Uint8Array(await readBytes(file, fileId, 0, Math.min(SNIFF, file.size)));
        result = engine.open(prefix, file.size <= SNIFF, args.options);
        break;
      }
      case 'validate': result = await validate(id, await source(args), args.mapping, args.fixes); break;
      case 'pick': {
        engine.pick_start(args.rows, args.fixes || '');
        await stream(id, await source(args), (buf) => engine.pick_feed(buf));
        result = engine.pick_finish();
        break;
      }
      case 'corrected': {
        engine.corrected_start(args.fixes || '');
        await stream(id, await source(args), (buf) => { engine.corrected_feed(buf); });
        result = engine.corrected_finish();
        break;
      }
      case 'resolve_schools': result = engine.resolve_schools(args.overrides); break;
      case 'add_school': result = engine.add_school(args.code, args.name); break;
      case 'row_issues': result = engine.row_issues(args.row); break;
      case 'issues': result = engine.issues(args.code || ''); break;
      case 'issues_csv': result = engine.issues_csv(args.code || ''); break;
      case 'set_roster': result = engine.set_roster(new Uint8Array(args.bytes)); break;
      case 'merge': result = engine.merge(args.row, args.limit); break;
      case 'request': result = engine.request(args.district, args.ack, args.description); break;
      case 'saved_mapping': result = engine.saved_mapping(args.mapping); break;
      case 'set_grades': result = engine.set_grades(args.grades); break;
      // The benchmark's "decode and split" phase: the file read with no rule run.
      case 'read_only': {
        engine.read_start();
        await stream(id, await source(args), (buf) => { engine.read_feed(buf); });
        result = engine.read_finish();
        break;
      }
      case 'plan': result = timed(() => engine.plan(args.scope, args.options, args.limit)); break;
      // The page's, told: the plan made before the review asks for it (which then finds it).
      case 'plan_ahead': timed(() => engine.plan(args.scope, args.options, args.limit)); result = null; break;
      default: throw new Error('unknown command ' + cmd);
    }
    timing.total = performance.now() - t0;
    timing.posted = performance.timeOrigin + performance.now();
    postMessage({ id, type: 'result', result, memory: wasm.memory.buffer.byteLength, timing });
  } catch (err) {
    postMessage({ id, type: 'error', error: String(err && err.message ? err.message : err) });
  }
}
