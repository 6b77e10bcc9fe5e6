# Two commands for a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INDEX_DIR ?= $(or $(KLIPING_INDEX),index)

.PHONY: run test index venv chromium bench clean

run: $(STAMP) index
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

test: $(STAMP) chromium
	$(BIN)/python -m pytest

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

clean:
	rm -rf $(VENV) .pytest_cache
