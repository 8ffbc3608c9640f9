#!/usr/bin/env bash
# `make run`: the demo district on SQLite, then the server (API + frontend) on one origin.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL=${DATABASE_URL:-sqlite://rollcall.db}
addr=${ROLLCALL_ADDR:-127.0.0.1:8080}
bin=target/release/rollcall
"$bin" demo
echo
echo "Open http://$addr and sign in as admin@demo.example.org / rollcall-demo"
echo
exec "$bin" serve --addr "$addr"
