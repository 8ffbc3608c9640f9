// Gathers the benchmark figures into target/bench/report.md (one `name: value` line per
// headline figure, for scripts) with a small SVG chart of the browser race.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib.js';

const OUT = join(ROOT, 'target/bench');
const read = (f) => (existsSync(join(OUT, f)) ? readFileSync(join(OUT, f), 'utf8') : '');
const race = existsSync(join(OUT, 'race.json')) ? JSON.parse(read('race.json')) : null;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lines = [];
if (race) {
  lines.push(`browser_validate_plan_s: ${race.median.rollcall.toFixed(3)}`);
  lines.push(`papaparse_parse_s: ${race.median.papaparse.toFixed(3)}`);
  lines.push(`ratio_vs_papaparse: ${race.ratio.toFixed(3)}`);
  lines.push(`longest_main_thread_task_ms: ${Math.max(...race.longtask_ms).toFixed(0)}`);
  lines.push(`bundle_gzip_bytes: ${race.bundle_gzip_bytes}`);
  lines.push(`import_gzip_bytes: ${race.import_gzip_bytes}`);
  lines.push(`first_screen_ms: ${race.first_screen_ms.toFixed(0)}`);
  lines.push(`roster_download_s: ${median(race.roster_download).toFixed(3)}`);
  if (race.plan_wasm_s) lines.push(`plan_wasm_s: ${median(race.plan_wasm_s).toFixed(3)}`);
  lines.push(`browser_peak_memory_bytes: ${Math.max(...race.memory)}`);
  if (race.udsv) {
    lines.push(`papaparse_chunk_parse_s: ${race.median.papaparse_chunk.toFixed(3)}`);
    lines.push(`udsv_parse_s: ${race.median.udsv.toFixed(3)}`);
    lines.push(`fastest_js: ${race.fastest_js}`);
    lines.push(`ratio_vs_fastest_js: ${race.ratio_vs_fastest_js.toFixed(3)}`);
    // Validate and plan with 1 to 4 workers reading the file's parts (seconds, one run each).
    lines.push(`workers_curve: ${Object.entries(race.workers_curve).map(([n, t]) => `${n}=${t.toFixed(3)}`).join(' ')}`);
    lines.push(`typical_20k_ms: ${median(race.typical_20k_ms).toFixed(0)}`);
    lines.push(`server_idle_rss_mb: ${race.server_idle_rss_mb.toFixed(0)}`);
    lines.push(`workbook_module_gzip_bytes: ${race.workbook_module_gzip_bytes}`);
    // The phases of the median run, in seconds.
    const mid = race.phases[race.rollcall.indexOf(race.median.rollcall)];
    for (const [k, v] of Object.entries(mid)) lines.push(`phase_${k}_s: ${(v / 1000).toFixed(3)}`);
  }
}
const engine = read('engine.txt');
const apply = read('apply.txt');
const kv = (text) => text.split('\n').filter((l) => /^[a-z_]+: /.test(l));
lines.push(...kv(engine), ...kv(apply));
// The browser against native on the same work (validate + plan of a 1,000,000-row file).
const num = (k) => Number((lines.find((l) => l.startsWith(`${k}: `)) || '').split(': ')[1]);
if (race && num('validate_native_s') && num('plan_native_s')) {
  const native = num('validate_native_s') + num('plan_native_s');
  lines.push(`native_validate_plan_s: ${native.toFixed(3)}`);
  lines.push(`browser_vs_native: ${(race.median.rollcall / native).toFixed(2)}`);
  // The native plan above builds the roster's index; the browser builds it when the snapshot
  // arrives, before the file is chosen. Against native planning with its index built, too:
  if (num('plan_native_index_built_s')) {
    const built = num('validate_native_s') + num('plan_native_index_built_s');
    lines.push(`browser_vs_native_index_built: ${(race.median.rollcall / built).toFixed(2)}`);
  }
}

let svg = '';
if (race) {
  const bars = [['Rollcall: read + validate + plan', race.median.rollcall, '#2451c9'], ['Papa Parse: parse only', race.median.papaparse, '#9aa3b5']];
  if (race.udsv) bars.push(['Papa Parse, streaming: parse only', race.median.papaparse_chunk, '#9aa3b5'], ['uDSV, streaming: parse only', race.median.udsv, '#9aa3b5']);
  const max = Math.max(...bars.map((b) => b[1]));
  svg = `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="${30 + bars.length * 50}" font-family="sans-serif" font-size="13">` +
    bars.map(([label, v, color], i) => `<text x="0" y="${30 + i * 50}">${label}</text><rect x="0" y="${38 + i * 50}" width="${(v / max) * 520}" height="18" fill="${color}"/><text x="${(v / max) * 520 + 6}" y="${52 + i * 50}">${v.toFixed(2)} s</text>`).join('') +
    `</svg>`;
  writeFileSync(join(OUT, 'race.svg'), svg);
}
const md = `# Rollcall benchmark report

${race ? `${race.rows.toLocaleString('en-US')} rows, ${(race.file_bytes / 1e6).toFixed(1)} MB, medians of ${race.rollcall.length} runs, headless Chromium.\n\n![race](race.svg)\n` : ''}
## Figures

${lines.map((l) => `    ${l}`).join('\n')}

## Engine and planner (native)

${engine.split('\n').filter((l) => !/^[a-z_]+: /.test(l)).join('\n')}

## Server apply

${apply.split('\n').filter((l) => !/^[a-z_]+: /.test(l)).join('\n')}
`;
writeFileSync(join(OUT, 'report.md'), md + '\n' + lines.join('\n') + '\n');
console.log(lines.join('\n'));
