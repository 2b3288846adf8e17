# pharmakg: `make release` builds dist/, `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: release test lint clean bench

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

test: lint
	$(BIN)/pytest

clean:
	rm -rf dist build .pytest_cache .mypy_cache .ruff_cache

# Speed and memory, as ratios against baselines measured in the same run (benchmarks/RESULTS.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 10000,100000,1000000 --repeat 1
