#!/usr/bin/env bash
# Builds the browser app into frontend/dist/: the wasm module (page and worker share it), its JS
# glue, the worker, index.html, styles and config.json. Uses cargo + the wasm-bindgen CLI
# directly (no trunk: it costs 10–20 minutes to install on a fresh machine, and nothing here
# needs more than these two steps). wasm-opt runs when present (npm binaryen, never Debian's).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-wasm-release}
export PATH="$HOME/.cargo/bin:$PATH"
cargo build -q --profile "$profile" --target wasm32-unknown-unknown -p rollcall-frontend
dir=$profile; [ "$profile" = dev ] && dir=debug
out=frontend/dist
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --target web --no-typescript --out-dir "$out" "target/wasm32-unknown-unknown/$dir/rollcall_frontend.wasm"
opt=""
for c in "$PWD/.tools/node_modules/.bin/wasm-opt" "$(command -v wasm-opt || true)"; do
  if [ -n "$c" ] && [ -x "$c" ] && "$c" --version 2>/dev/null | grep -qE 'version (1[2-9][0-9])'; then opt=$c; break; fi
done
if [ -n "$opt" ] && [ "$profile" != dev ]; then
  "$opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals "$out/rollcall_frontend_bg.wasm" -o "$out/rollcall_frontend_bg.wasm"
fi
cp frontend/static/* "$out/"
echo "frontend: $(du -sh "$out" | cut -f1) in $out (wasm $(stat -c %s "$out/rollcall_frontend_bg.wasm") bytes, gzip $(gzip -9c "$out/rollcall_frontend_bg.wasm" | wc -c))"
