#!/usr/bin/env bash
# `make soak`: the reliability and security suite, long: crash trials, concurrency, hostile
# input, fuzzing (proptest, many cases), and a load test on loopback; writes target/soak/report.md.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
out=target/soak; mkdir -p "$out"; rm -f "$out"/*.rows
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); }

trials=${ROLLCALL_SOAK_TRIALS:-20}; users=${ROLLCALL_SOAK_USERS:-200000}
echo "soak: crash trials ($trials × $users users), database gone"
scripts/with-pg.sh env ROLLCALL_SOAK_TRIALS=$trials ROLLCALL_SOAK_USERS=$users ROLLCALL_SOAK_MAX_KILL_MS=${ROLLCALL_SOAK_MAX_KILL_MS:-6000} \
  cargo test -q --release -p rollcall-backend --test soak -- --nocapture --test-threads=1 2>&1 | tail -5

echo "soak: hostile input, concurrency, access"
hostile=$(scripts/with-pg.sh cargo test --release -p rollcall-backend --test hostile -- --test-threads=2 2>&1)
# 0 failures when the named test passed (on every backend it ran on), else 1.
result() { if grep -qE "^test $1[a-z_]* \.\.\. ok" <<<"$hostile"; then echo 0; else echo 1; fi; }
row concurrent_submits 2 "$(result concurrent_submits)" "8 submits from one revision at once: exactly 1 applied, 7 × 412 (SQLite, PostgreSQL)"
row idempotent_retries 2 "$(result concurrent_retries)" "6 concurrent retries with one key: applied once, every answer import #1"
row oversized_inputs 2 "$(result hostile_and_broken)" "over-limit body 413; 100,000-deep JSON, binary, 100,000 columns, a 3 MB cell, invalid UTF-8: clear errors, nothing applied"
row formula_injection 2 "$(result every_csv_rollcall_writes)" "master CSV and import download: every = + - @ tab CR cell written with a leading '"
row access_matrix 2 "$(result the_access_matrix)" "$(awk '/pub const ROUTES/,/^];/' backend/src/http/mod.rs | grep -c '("') routes × {no token, expired token, other district}: 401 / 404 / own data only"
row login_rate_limit 2 "$(result brute_force)" "429 too_many_attempts after the limit, even with the right password"
row secrets_in_logs 1 "$(result tokens_and_password)" "session tokens, API tokens, passwords and hashes absent from captured logs"

# libFuzzer through cargo fuzz (its -Z flags run on this stable toolchain with RUSTC_BOOTSTRAP),
# seeded with the sample files; a crash leaves its input in fuzz/artifacts/ to become a test.
secs=${ROLLCALL_FUZZ_SECS:-120}
command -v cargo-fuzz >/dev/null || cargo install -q cargo-fuzz --locked
mkdir -p fuzz/corpus/engine fuzz/corpus/change_request
cp ../shared/samples/*.csv ../shared/samples/*.txt ../shared/samples/external/*.csv fuzz/corpus/engine/ 2>/dev/null
for target in engine change_request; do
  echo "soak: fuzzing $target for $secs s"
  log=$( (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run "$target" --fuzz-dir . -- -max_total_time="$secs" 2>&1) ); e=$?
  runs=$(grep -oE 'Done [0-9]+ runs' <<<"$log" | awk '{print $2}' | tail -1)
  row "fuzz_$target" "${runs:-0}" "$([ $e -eq 0 ] && echo 0 || echo 1)" "libFuzzer (cargo fuzz), $secs s, seeded with the samples; crashes: $(ls fuzz/artifacts/$target 2>/dev/null | wc -l)"
done

echo "soak: load on loopback"
command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1 || true)
cargo build -q --release -p rollcall-backend --bin rollcall
cargo build -q --release -p rollcall-shared --example gen
dir=$(mktemp -d); export DATABASE_URL="sqlite://$dir/load.db"
target/release/rollcall demo >/dev/null
target/release/examples/gen "$dir/10k.csv" "" 10000
target/release/rollcall import "$dir/10k.csv" --district demo --scope s --confirm-archives >/dev/null
target/release/rollcall serve --addr 127.0.0.1:18555 >/dev/null 2>&1 & pid=$!
sleep 1
token=$(curl -s -X POST 127.0.0.1:18555/api/session -H 'content-type: application/json' -d '{"email":"admin@demo.example.org","password":"rollcall-demo"}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
if command -v wrk >/dev/null; then
  w=$(wrk -t2 -c50 -d${ROLLCALL_LOAD_SECS:-15}s --latency -H "Authorization: Bearer $token" -H "Accept-Encoding: gzip" http://127.0.0.1:18555/api/roster 2>&1)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$w"); p50=$(awk '$1=="50%" {print $2}' <<<"$w"); p99=$(awk '$1=="99%" {print $2}' <<<"$w")
  total=$(awk '/requests in/ {print $1}' <<<"$w"); errs=$(awk '/Non-2xx/ {print $NF}' <<<"$w"); errs=${errs:-0}
  sockerr=$(awk '/Socket errors/ {print $0}' <<<"$w")
  row load_snapshot "$total" "$errs" "10,000-user snapshot, 50 clients, ${ROLLCALL_LOAD_SECS:-15} s: $rps req/s, p50 $p50, p99 $p99 ${sockerr}"
else
  row load_snapshot 0 1 "wrk could not be installed"
fi
kill $pid; rm -rf "$dir"

{
  echo "# Rollcall soak report"
  echo
  echo "| check | trials | failures | figure |"
  echo "|---|---|---|---|"
  cat "$out"/*.rows 2>/dev/null | sed 's/^/| /; s/$/ |/'
  printf '%s\n' "${rows[@]}"
} > "$out/report.md"
cat "$out/report.md"
