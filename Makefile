# Rollcall: `make run` builds and serves the app; `make test` runs everything.
SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never
PROPTEST_CASES ?= 256

.PHONY: setup test lint fmt-check clippy test-native test-wasm bench run build clean

setup:
	@scripts/setup.sh

test: setup lint test-native test-wasm
	@echo "make test: all green"

lint: fmt-check clippy

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# The whole native suite; the API tests run on SQLite and on a throwaway PostgreSQL cluster.
test-native:
	PROPTEST_CASES=$(PROPTEST_CASES) scripts/with-pg.sh $(CARGO) test --workspace

# The shared crate's whole test suite, compiled to wasm32 and run under Node by
# wasm-bindgen-test-runner (.cargo/config.toml): the browser computes what the server does.
test-wasm:
	$(CARGO) test -p rollcall-shared --target wasm32-unknown-unknown

bench: setup
	$(CARGO) bench -p rollcall-shared --bench engine

build:
	$(CARGO) build --release -p rollcall-backend

run: build
	@scripts/run.sh

clean:
	$(CARGO) clean
