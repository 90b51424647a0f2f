# The two commands: `make run` sets up, builds, migrates, loads demo data on first
# start and serves; `make test` runs every test (SQLite, PostgreSQL, browser).

SHELL := /bin/bash
# binaryen's wasm-opt from npm must come before any system one (Debian's breaks hydration).
export PATH := $(CURDIR)/end2end/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
DATABASE_URL ?= sqlite://data/ogp-tracker.db
LEPTOS_SITE_ADDR ?= 127.0.0.1:3000
E2E_DB := $(CURDIR)/target/e2e/e2e.db

.PHONY: run build test test-sqlite test-postgres test-e2e setup lint bench

setup:
	./scripts/setup.sh

build: setup
	cargo leptos build --release

run: build
	DATABASE_URL=$(DATABASE_URL) LEPTOS_SITE_ADDR=$(LEPTOS_SITE_ADDR) DEMO_IF_EMPTY=true \
		cargo leptos serve --release

test: test-sqlite test-postgres test-e2e

# Unit tests of the shared crate and the server, and the integration suite on SQLite (the
# schema test compares the migrated SQLite schema with PostgreSQL's, so it gets a server).
test-sqlite:
	./scripts/setup.sh
	SCHEMA_DATABASE_URL=$$(./scripts/postgres.sh) TEST_DATABASE_URL= cargo test -p app -p ogp-tracker

# The same suite on a fresh PostgreSQL server (same package selection: no rebuild).
test-postgres:
	TEST_DATABASE_URL=$$(./scripts/postgres.sh) cargo test -p app -p ogp-tracker

# Playwright in Debian's Chromium against the built site, on imported OGP data and demo data.
test-e2e:
	./scripts/setup.sh --browser
	cargo leptos build
	rm -rf $(dir $(E2E_DB))
	# Demo data first: demo accounts are made only in a database of demo data alone.
	DATABASE_URL=sqlite://$(E2E_DB) target/debug/ogp-tracker demo --scale 0.05
	DATABASE_URL=sqlite://$(E2E_DB) target/debug/ogp-tracker import ../shared/data/ogp-commitments-open-parliament-2024.csv > /dev/null
	cd end2end && E2E_DATABASE_URL=sqlite://$(E2E_DB) npx playwright test

# Benchmarks, on SQLite and on a throwaway PostgreSQL server; figures go to bench/RESULTS.md:
# the in-process ones (cargo bench), the public pages under load against nginx, then the
# import of OGP's real files against sqlite3's own, and the first load of two pages in Chromium.
bench: setup
	BENCH_DATABASE_URL=$$(./scripts/postgres.sh) cargo bench -p ogp-tracker
	./bench/load.sh
	./bench/dashboards.sh
	./bench/search.sh
	./bench/import.sh
	./bench/first-load.sh

lint:
	cargo fmt --all -- --check
	cargo clippy -p app -p ogp-tracker --all-targets -- -D warnings
	cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
