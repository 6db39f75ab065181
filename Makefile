# Pourparler: the commands developers and CI run (.ci/run calls `make test`).
#
#   make run     serve the demo at http://127.0.0.1:8000 (PORT=9000 make run for another port)
#   make test    lint, types, tests on SQLite, on a throwaway PostgreSQL, in headless Chromium
#
# Tools run from .venv, installed from the committed uv.lock by `make bootstrap`.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
BIN := $(VENV)/bin
# Stamp of the last `uv sync`; redone when the lock or the project file changes.
SYNCED := $(VENV)/.synced

export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)
export UV_PYTHON_DOWNLOADS := never

# pytest-django gives each xdist worker its own test database (SQLite and PostgreSQL).
# loadfile keeps the tests of a module on one worker, so a world a module shares (the demo
# world of pourparler/demo/tests/test_demo_world.py) is built once.
PYTEST_WORKERS ?= 2
PYTEST := env POURPARLER_TESTING=1 POURPARLER_LOG_LEVEL=$${POURPARLER_LOG_LEVEL:-WARNING} $(BIN)/pytest
PYTEST_PARALLEL := $(PYTEST) -n $(PYTEST_WORKERS) --dist loadfile --durations=15

.PHONY: help bootstrap system-deps run lint types test-sqlite test-api test-postgres test-browser test test-leaks-long test-api-long bench clean

help:
	@echo "make run            serve the demo at http://127.0.0.1:$${PORT:-8000} (demo logins are printed)"
	@echo "make test           lint, types, test-sqlite, test-api, test-postgres, test-browser, in that order"
	@echo "make lint           ruff check and ruff format --check"
	@echo "make types          mypy"
	@echo "make test-sqlite    unit and integration tests on SQLite"
	@echo "make test-api       schemathesis fuzzes every API operation (API_FUZZ_EXAMPLES=30 each)"
	@echo "make test-postgres  the same tests on a throwaway PostgreSQL cluster"
	@echo "make test-browser   browser tests in headless Chromium"
	@echo "make test-leaks-long the leak property test over many more worlds (not in make test)"
	@echo "make test-api-long  the API fuzzing with 1,000 examples per operation and the coverage phase (not in make test)"
	@echo "make bench          benchmarks against the SQL and framework floors, in bench/results/ (not in make test)"
	@echo "make system-deps    install chromium and postgresql with apt-get (as root)"
	@echo "make clean          remove var/ and caches (keeps .venv)"

bootstrap: $(SYNCED)

$(SYNCED): uv.lock pyproject.toml
	uv="$$(scripts/ensure-uv.sh)"; "$$uv" sync --frozen
	touch $@

system-deps:
	scripts/system-deps.sh chromium postgresql

run: bootstrap
	mkdir -p var
	POURPARLER_DEMO=1 $(BIN)/pourparler migrate --noinput
	POURPARLER_DEMO=1 $(BIN)/pourparler demo
	POURPARLER_DEMO=1 $(BIN)/pourparler serve --port $${PORT:-8000}

lint: bootstrap
	for script in scripts/*.sh .ci/run; do bash -n "$$script"; done
	$(BIN)/ruff check pourparler
	$(BIN)/ruff format --check pourparler

# mypy's Django plugin imports the settings, which need a secret key outside tests.
types: bootstrap
	POURPARLER_TESTING=1 $(BIN)/mypy pourparler

# Tests marked postgres_only run in test-postgres only; the API fuzzing (marked fuzz) in
# test-api only; tests marked own_database (a SQLite file of their own in a subprocess,
# whatever the engine under test) and embedded_only (the demo world `make run` serves on
# SQLite) in test-sqlite only.
# The leak property test draws new random worlds on every run: 11 on SQLite and 7 on
# PostgreSQL, so a `make test` covers 18 new worlds (test-leaks-long: more).
LEAK_SQLITE := POURPARLER_LEAK_EXAMPLES=11 POURPARLER_LEAK_MINIMUM=5500
LEAK_POSTGRES := POURPARLER_LEAK_EXAMPLES=7 POURPARLER_LEAK_MINIMUM=3500
test-sqlite: bootstrap
	$(LEAK_SQLITE) $(PYTEST_PARALLEL) -m "not browser and not postgres_only and not fuzz"

# schemathesis against the whole application (pourparler/api/tests/test_fuzz.py), on
# SQLite: every operation with API_FUZZ_EXAMPLES generated requests, valid and invalid;
# no server error, nothing the schema does not say. The operations are spread over the
# workers one by one (--dist load), each worker building the world once.
# test-api-long adds schemathesis' coverage phase (boundary values of every parameter).
API_FUZZ_EXAMPLES ?= 30
API_FUZZ_COVERAGE ?= 0
test-api: bootstrap
	API_FUZZ_EXAMPLES=$(API_FUZZ_EXAMPLES) API_FUZZ_COVERAGE=$(API_FUZZ_COVERAGE) \
		$(PYTEST) -n $(PYTEST_WORKERS) --dist load -m fuzz pourparler/api/tests/test_fuzz.py

test-api-long: bootstrap
	$(MAKE) test-api API_FUZZ_EXAMPLES=1000 API_FUZZ_COVERAGE=1

test-postgres: bootstrap
	scripts/system-deps.sh postgresql
	$(LEAK_POSTGRES) scripts/with-postgres.sh $(PYTEST_PARALLEL) -m "not browser and not fuzz and not own_database and not embedded_only"

# The leak property test of `make test` covers 18 generated worlds (11 on SQLite, 7 on
# PostgreSQL) and fails under about 500 checks a world (POURPARLER_LEAK_MINIMUM); run
# alone (pytest) it takes 22 worlds and 11,000 checks; this runs it over
# LEAK_EXAMPLES worlds, on SQLite, and asks 400 checks a world. Takes about 4 s a world.
LEAK_EXAMPLES ?= 300
test-leaks-long: bootstrap
	POURPARLER_LEAK_EXAMPLES=$(LEAK_EXAMPLES) POURPARLER_LEAK_MINIMUM=$$(( $(LEAK_EXAMPLES) * 400 )) \
		$(PYTEST) -s pourparler/core/tests/test_leaks.py

test-browser: bootstrap
	scripts/system-deps.sh chromium
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) -m browser

test: bootstrap system-deps
	$(MAKE) lint
	$(MAKE) types
	$(MAKE) test-sqlite
	$(MAKE) test-api
	$(MAKE) test-postgres
	$(MAKE) test-browser

# The benchmark suite (docs/benchmarks.md), not part of `make test`: for each engine a fresh
# database, the generated world (seed 1, up to BENCH_UNTIL), the search index, then the
# runner; results in bench/results/. BENCH_REQUESTS timed requests per endpoint.
BENCH_SCALE ?= small
BENCH_ENGINES ?= sqlite postgresql
BENCH_REQUESTS ?= 200
# More runner options (docs/benchmarks.md), e.g. BENCH_ARGS="--floor-requests 50".
BENCH_ARGS ?=
bench: bootstrap
	if [[ " $(BENCH_ENGINES) " == *" postgresql "* ]]; then scripts/system-deps.sh postgresql; fi
	for engine in $(BENCH_ENGINES); do \
		bench/run.sh "$$engine" $(BENCH_SCALE) --requests $(BENCH_REQUESTS) $(BENCH_ARGS); \
	done

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .hypothesis test-artifacts
	find pourparler scripts -name __pycache__ -type d -prune -exec rm -rf {} +
