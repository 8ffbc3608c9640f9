#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster: ROLLCALL_TEST_PG points at it, and it is
# stopped and removed afterwards, whatever the command's outcome.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/rollcall-pg.XXXXXX)
trap '"$here/pg.sh" stop "$dir"' EXIT
export ROLLCALL_TEST_PG=$("$here/pg.sh" start "$dir")
echo "with-pg: PostgreSQL at $ROLLCALL_TEST_PG" >&2
"$@"
