# pharmakg: `make release` builds dist/; `make test` runs the checks (slow tests: `make test-slow`).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: release test test-all test-slow lint clean bench

# (Re)install only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

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
