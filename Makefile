# heliosd: the two commands every user needs are `make serve` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
DATA ?= ./heliosdata
PORT ?= 5433
HOST ?= 127.0.0.1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: serve test test-fast test-slow bench bench-full bench-protocol deps deps-test system-deps node-deps lint clean golden-report

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

deps: $(STAMP)

# System packages the tests and benchmarks use: PostgreSQL 15 (the reference
# server, psql, pgbench), Node.js/npm for the node-postgres client test, and
# openssl for the TLS test's self-signed certificate.
system-deps:
	@if ! command -v /usr/lib/postgresql/15/bin/postgres >/dev/null 2>&1 || ! command -v psql >/dev/null 2>&1 \
	   || ! command -v pgbench >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1 \
	   || ! command -v openssl >/dev/null 2>&1; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql-15 postgresql-client-15 nodejs npm \
	    openssl >/dev/null; \
	fi

# node-postgres for tests/clients/test_node.py, pinned by tests/node/package-lock.json
node-deps: tests/node/package.json
	@if [ ! -d tests/node/node_modules/pg ]; then \
	  cd tests/node && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; \
	  else npm install --no-audit --no-fund --silent; fi; fi

$(TESTSTAMP): $(STAMP) pyproject.toml
	$(PIP) install -q -e '.[test]'
	touch $@

deps-test: $(TESTSTAMP) system-deps node-deps

# Start the server on the embedded default storage (lmdb in $(DATA)).
# With no HELIOS_PASSWORD set, loopback clients are trusted (development default).
serve: deps
	@if [ -z "$$HELIOS_PASSWORD" ]; then \
	  echo "heliosd: HELIOS_PASSWORD is not set: trusting loopback connections (set it to require SCRAM)"; \
	  exec $(PY) -m heliosd serve --data $(DATA) --host $(HOST) --port $(PORT) --trust-loopback; \
	else \
	  exec $(PY) -m heliosd serve --data $(DATA) --host $(HOST) --port $(PORT); \
	fi

test: deps-test
	$(PY) -m pytest -q -x --timeout=900 -p no:cacheprovider tests

test-fast: deps-test
	$(PY) -m pytest -q -x -m "not slow" tests

test-slow: deps-test
	HELIOS_SLOW=1 $(PY) -m pytest -q tests

bench: deps-test
	$(PY) bench/run.py --quick

# SELECT 1 rate and pgbench -S TPS over TCP, heliosd vs PostgreSQL 15 (same machine, same run)
bench-protocol: deps-test
	$(PY) bench/protocol_bench.py

bench-full: deps-test
	$(PY) bench/run.py --full

golden-report: deps-test
	$(PY) tools/golden_report.py

clean:
	rm -rf $(VENV) build *.egg-info tests/node/node_modules
