#!/usr/bin/env bash
# Builds the browser app into frontend/dist/: the pages' wasm module, the worker's (the engine),
# the workbook reader's, their JS glue, the worker, index.html, styles and config.json. Uses cargo + the wasm-bindgen CLI
# directly (no trunk: it costs 10–20 minutes to install on a fresh machine, and nothing here
# needs more than these two steps). wasm-opt runs when present (npm binaryen, never Debian's).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-wasm-release}
export PATH="$HOME/.cargo/bin:$PATH"
# The pages, the engine the worker loads when an import starts, and the workbook reader it loads
# only for a workbook: one cargo build.
cargo build -q --profile "$profile" --target wasm32-unknown-unknown -p rollcall-frontend -p rollcall-engine -p rollcall-workbook
dir=$profile; [ "$profile" = dev ] && dir=debug
out=frontend/dist
rm -rf "$out" && mkdir -p "$out"
opt=""
for c in "$PWD/.tools/node_modules/.bin/wasm-opt" "$(command -v wasm-opt || true)"; do
  if [ -n "$c" ] && [ -x "$c" ] && "$c" --version 2>/dev/null | grep -qE 'version (1[2-9][0-9])'; then opt=$c; break; fi
done
for m in rollcall_frontend rollcall_engine rollcall_workbook; do
  wasm-bindgen --target web --no-typescript --out-dir "$out" "target/wasm32-unknown-unknown/$dir/$m.wasm"
  if [ -n "$opt" ] && [ "$profile" != dev ]; then
    "$opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals "$out/${m}_bg.wasm" -o "$out/${m}_bg.wasm"
  fi
done
[ -n "$opt" ] || echo "frontend: no wasm-opt (scripts/setup.sh installs npm binaryen into .tools): the bundle is not optimised" >&2
cp frontend/static/* "$out/"
gz() { gzip -9c "$out/$1" | wc -c; }
echo "frontend: $(du -sh "$out" | cut -f1) in $out (wasm gzip: pages $(gz rollcall_frontend_bg.wasm), engine $(gz rollcall_engine_bg.wasm), workbook reader $(gz rollcall_workbook_bg.wasm))"
