// The Web Worker: reads the file slice by slice and runs the engine (the shared crate, in wasm)
// off the main thread. Messages: {id, cmd, args} in; {id, type: 'progress'|'result'|'error'} out.
import init, { Engine } from './rollcall_engine.js';
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

// A workbook (.xlsx, .xls, .ods) is read whole and turned into CSV text once (per sheet); every
// other file is read as it is.
const converted = new Map();
async function asText(file, sheet) {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  const zip = head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 && head[3] === 4;
  const ole = head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0;
  if (!zip && !ole) {
    engine.text_file();
    return file;
  }
  const key = `${file.name}|${file.size}|${file.lastModified}|${sheet || ''}`;
  if (!converted.has(key)) {
    converted.clear();
    const wb = await workbookModule();
    const read = wb.sheet_csv(new Uint8Array(await file.arrayBuffer()), sheet || '');
    converted.set(key, { file: new File([read.take_csv()], file.name + '.csv', { type: 'text/csv' }), choice: read.choice() });
    read.free();
  }
  const { file: csv, choice } = converted.get(key);
  engine.set_workbook(choice);
  return csv;
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

// Reads the file (or its bytes from `start` to `end`) slice by slice into `feed`, which answers
// false when it needs no more; the next slice is read while the engine works on this one.
async function stream(id, file, feed, start = 0, end = file.size) {
  const read = (at) => file.slice(at, Math.min(at + CHUNK, end)).arrayBuffer();
  let next = read(start);
  for (let at = start; at < end; at += CHUNK) {
    if (cancelled.has(id)) {
      cancelled.delete(id);
      throw new Error('cancelled');
    }
    const w0 = performance.now();
    const buf = new Uint8Array(await next);
    const e0 = performance.now();
    timing.file_wait += e0 - w0;
    if (at + CHUNK < end) next = read(at + CHUNK);
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

async function validate(id, file, mapping, fixes) {
  engine.start(mapping, file.size, fixes || '');
  if (PARTS > 1 && file.size >= PARTS_MIN_BYTES && engine.can_cut()) {
    try {
      const r = await validateInParts(engine, file, mapping, PARTS, {
        module, url: import.meta.url, timing, timed,
        progress: (done, rows) => postMessage({ id, type: 'progress', done, total: file.size, rows }),
        stream: (f, start, end, feed) => stream(id, f, feed, start, end),
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
  await stream(id, file, (buf, done) => {
    const rows = engine.feed(buf);
    postMessage({ id, type: 'progress', done, total: file.size, rows });
  });
  return timed(() => engine.finish());
}

// Commands run one at a time, in the order they came: a command that reads the file awaits
// between slices, and another starting then would share the engine's state (a cancel is the
// exception: it must reach the command it stops).
let queue = Promise.resolve();
onmessage = (e) => {
  const m = e.data;
  switch (m.cmd) {
    case 'cancel': cancelled.add(m.args.id); return;
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
        const file = await asText(args.file, args.sheet);
        const prefix = new Uint8Array(await file.slice(0, SNIFF).arrayBuffer());
        result = engine.open(prefix, file.size <= SNIFF, args.options);
        break;
      }
      case 'validate': result = await validate(id, await asText(args.file, args.sheet), args.mapping, args.fixes); break;
      case 'pick': {
        engine.pick_start(args.rows, args.fixes || '');
        await stream(id, await asText(args.file, args.sheet), (buf) => engine.pick_feed(buf));
        result = engine.pick_finish();
        break;
      }
      case 'corrected': {
        engine.corrected_start(args.fixes || '');
        await stream(id, await asText(args.file, args.sheet), (buf) => { engine.corrected_feed(buf); });
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
        await stream(id, await asText(args.file, args.sheet), (buf) => { engine.read_feed(buf); });
        result = engine.read_finish();
        break;
      }
      case 'plan': result = timed(() => engine.plan(args.scope, args.options, args.limit)); break;
      default: throw new Error('unknown command ' + cmd);
    }
    timing.total = performance.now() - t0;
    timing.posted = performance.timeOrigin + performance.now();
    postMessage({ id, type: 'result', result, memory: wasm.memory.buffer.byteLength, timing });
  } catch (err) {
    postMessage({ id, type: 'error', error: String(err && err.message ? err.message : err) });
  }
}
