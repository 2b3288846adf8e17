# pharmakg: `make release` builds dist/; `make test` runs the checks (slow tests: `make test-slow`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Every dependency, runtime and [dev], pinned with its hashes for Python 3.11 on Linux x86_64:
# releases and tests are built with these versions, whatever PyPI has since published.
LOCK   := requirements.lock
# uv writes the lock (pip installs it); it lives in a venv of its own, apart from the locked one.
UV_VERSION := 0.13.10
UV     := .venv-lock/bin/uv
UV_STAMP := .venv-lock/.uv-$(UV_VERSION)
COMPILE := $(UV) pip compile pyproject.toml --extra dev --generate-hashes --quiet \
	--python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
	--custom-compile-command 'make lock' --output-file $(LOCK)

.PHONY: release test test-all test-slow lint clean bench lock lock-upgrade

# (Re)install only when pyproject.toml or the lock changed since the last install: the locked
# versions (hashes checked), then pharmakg itself, editable, with the locked hatchling.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $(STAMP)

# After a change to pyproject.toml's dependencies: re-resolve, keeping every pin that still fits.
lock: $(UV_STAMP)
	$(COMPILE)

# Every pin moved to the newest release that pyproject.toml allows (then `make test`).
lock-upgrade: $(UV_STAMP)
	$(COMPILE) --upgrade

$(UV_STAMP):
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install -q uv==$(UV_VERSION)
	touch $(UV_STAMP)

release: $(STAMP)
	$(BIN)/pharmakg build

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks
	$(BIN)/ruff format --check src tests tools benchmarks
	$(BIN)/mypy src/

# The everyday suite (under 3 minutes on 2 cores): everything but the tests marked slow.
test: lint
	$(BIN)/pytest -m "not slow"

# The slow tests alone (a wheel in a fresh venv, full builds, large third-party data); CI runs them.
test-slow: $(STAMP)
	$(BIN)/pytest -m slow

test-all: lint
	$(BIN)/pytest

clean:
	rm -rf dist build .pytest_cache .mypy_cache .ruff_cache

# Speed and memory, as ratios against baselines measured in the same run (benchmarks/RESULTS.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 10000,100000,1000000 --repeat 1
