# Two commands for a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INDEX_DIR ?= $(or $(KLIPING_INDEX),index)

.PHONY: run serve test lint index venv chromium axe bench clean

run: $(STAMP) index
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

# Production serving: gunicorn, WORKERS processes (default: two per core), the app loaded and the
# index warmed once before forking (--preload), so workers share it. PORT (default 8000),
# HOST (default 127.0.0.1: put a reverse proxy in front), KLIPING_INDEX, KLIPING_PUBLIC_URL,
# KLIPING_TRUSTED_HOSTS and KLIPING_ACCESS_LOG come from the environment (README "Serving").
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= $(shell $(PY) -c 'import os; print(2 * (os.cpu_count() or 1))')
serve: $(STAMP) index
	KLIPING_INDEX="$(INDEX_DIR)" $(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --preload \
	  --timeout 30 --graceful-timeout 10 --limit-request-line 8190 --no-control-socket 'app:create_app()'

test: $(STAMP) chromium axe lint
	$(BIN)/python -m pytest

# The tree stays clean under ruff (pyproject.toml); `make test` runs this first.
lint: $(STAMP)
	$(BIN)/ruff check .

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

venv: $(STAMP)

# Build the index from seeds/ only when none is there yet.
index: $(STAMP)
	$(BIN)/python -m search build --if-missing --index "$(INDEX_DIR)"

# Browser tests drive Debian's chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# The browser tests load axe-core (pinned in package.json and package-lock.json) into pages from
# disk: npm installs it when it is missing (and npm itself, from Debian, when that is missing).
AXE := node_modules/axe-core/axe.min.js
axe: $(AXE)

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's npm for axe-core..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

# Benchmarks (not part of `make test`): bench-only dependencies into the same .venv, then
# bench/run.py on a clean export of HEAD -> BENCHMARKS.md and bench/scaling.svg.
# BENCH_SIZES=seeds,3.5k,35k,100k adds the larger re-deal; BENCH_ARGS passes more options.
BENCH_STAMP := $(VENV)/.bench-installed
BENCH_SIZES ?= seeds,3.5k,35k

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-bench.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	BENCH_SIZES="$(BENCH_SIZES)" $(BIN)/python bench/run.py --at HEAD $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache node_modules tests/artifacts
