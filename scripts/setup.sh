#!/usr/bin/env bash
# Installs what building and testing Rollcall needs on a fresh Debian machine, idempotently:
# every step checks first and skips what is already there. Safe to run on every `make test`.
#   scripts/setup.sh build   what building and serving needs (`make run`): Rust, its wasm target,
#                            the wasm-bindgen CLI, wasm-opt (npm binaryen), the C toolchain's
#                            bits; no browser, no database
#   scripts/setup.sh         all of that, and what the tests need (PostgreSQL, Chromium, npm)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PATH"

# Debian packages.
apt_pkgs=(pkg-config libssl-dev)
# The mail tests talk to a real SMTP server (aiosmtpd) over TLS with a certificate openssl makes.
[ "$mode" = build ] || apt_pkgs+=(postgresql chromium chromium-driver python3-aiosmtpd openssl)
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
command -v cc >/dev/null 2>&1 || missing+=(gcc)
# Node may come from elsewhere than Debian (with its own npm): only installed when absent. The
# build needs it too (wasm-opt is npm's binaryen).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Rust itself: at least the workspace's rust-version (the record store uses Vec::push_mut, 1.95).
need_rust=$(awk -F'"' '/^rust-version = / {print $2; exit}' Cargo.toml)
have_rust=$(rustc --version 2>/dev/null | awk '{print $2}' || true)
if [ -n "$need_rust" ] && [ "$(printf '%s\n%s\n' "$need_rust" "${have_rust:-0}" | sort -V | head -1)" != "$need_rust" ]; then
  log "rustup update stable (have rustc ${have_rust:-none}, need $need_rust)"
  rustup update stable --no-self-update
fi

# The wasm target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -n "$want" ] && [ "$have" != "$want" ]; then
  log "cargo install wasm-bindgen-cli $want (have: ${have:-none})"
  # Not --locked: its lockfile pins a crate version the registry no longer serves.
  cargo install -q wasm-bindgen-cli --version "$want"
fi
# wasm-opt, so that every build of the browser app is optimised: npm's binaryen (Debian's is
# too old: its output fails in the browser), in .tools.
if [ ! -x .tools/node_modules/.bin/wasm-opt ]; then
  log "npm install binaryen@132 (wasm-opt) into .tools"
  npm install --prefix .tools --no-audit --no-fund --loglevel=error --no-save binaryen@132 >/dev/null
fi
if [ "$mode" = build ]; then
  log "ready to build (wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'))"
  exit 0
fi
# The end-to-end suite's npm packages (playwright-core drives Debian's Chromium; papaparse is
# the benchmark's opponent). Never a downloaded browser.
if [ ! -d tests/e2e/node_modules/playwright-core ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules ]; then
  log "npm ci (tests/e2e)"
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi
log "ready (wasm-bindgen $(wasm-bindgen --version | awk '{print $2}'), node $(node --version))"
