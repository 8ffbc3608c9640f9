# Rollcall: `make run` builds and serves the app; `make test` runs everything.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never
PROPTEST_CASES ?= 256

.PHONY: soak setup setup-build check-run-recipe test lint fmt-check clippy clippy-wasm test-native test-wasm test-frontend build-frontend e2e bench run build clean

setup:
	@scripts/setup.sh

# What building and serving needs, no more (no browser, no database server).
setup-build:
	@scripts/setup.sh build

test: setup check-run-recipe lint test-native test-wasm test-frontend e2e
	@echo "make test: all green"

# README's first command must set itself up on a fresh machine: `make run` goes through
# `setup-build` before it builds anything.
check-run-recipe:
	@$(MAKE) -n --no-print-directory run | grep -q '^scripts/setup.sh build$$' \
	  || { echo "make run no longer runs scripts/setup.sh build first"; exit 1; }

lint: fmt-check clippy clippy-wasm

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

clippy-wasm:
	$(CARGO) clippy -p rollcall-shared -p rollcall-frontend -p rollcall-engine -p rollcall-workbook --target wasm32-unknown-unknown --all-targets -- -D warnings

# The whole native suite; the API tests run on SQLite and on a throwaway PostgreSQL cluster.
test-native:
	PROPTEST_CASES=$(PROPTEST_CASES) scripts/with-pg.sh $(CARGO) test --workspace

# The shared crate's whole test suite, compiled to wasm32 and run under Node by
# wasm-bindgen-test-runner (.cargo/config.toml): the browser computes what the server does.
test-wasm:
	$(CARGO) test -p rollcall-shared --target wasm32-unknown-unknown

# The worker's engine in headless Chromium (wasm-bindgen-test-runner + Debian's chromedriver);
# the pages are tested in the browser suite (e2e), their routes natively.
test-frontend:
	$(CARGO) test -p rollcall-engine --target wasm32-unknown-unknown

build-frontend: setup-build
	scripts/build-frontend.sh

# The browser end-to-end suite: the real backend, the real built frontend, headless Chromium;
# on SQLite, and the PostgreSQL scenario on a throwaway cluster.
e2e: build-frontend
	$(CARGO) build -q -p rollcall-backend
	cd tests/e2e && ../../scripts/with-pg.sh node --test --test-concurrency=1 scenarios/

# Figures, not pass/fail: the engine and planner natively, the server's apply on SQLite and a
# throwaway PostgreSQL, and the browser race against Papa Parse; all gathered into
# target/bench/report.md.
bench: setup build-frontend
	$(CARGO) bench -p rollcall-shared --bench engine
	$(CARGO) build -q --release -p rollcall-backend --bin rollcall
	$(CARGO) build -q --release -p rollcall-shared --example gen
	scripts/with-pg.sh sh -c 'ROLLCALL_BENCH_PG=$$ROLLCALL_TEST_PG $(CARGO) bench -p rollcall-backend --bench apply'
	node tests/e2e/bench/race.js
	node tests/e2e/bench/report.js
	@echo "report: target/bench/report.md"

build: setup-build build-frontend
	$(CARGO) build --release -p rollcall-backend

run: build
	@scripts/run.sh

clean:
	$(CARGO) clean

# The reliability and security suite, long (make test runs the same tests briefly).
soak: setup
	scripts/soak.sh
