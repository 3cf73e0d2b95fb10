# The two commands a newcomer runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA_DIR ?= ./onair-data
CODE := src tests bench

.PHONY: demo test lint typecheck imports pytest bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(STAMP)
	$(BIN)/onair demo --data-dir $(DATA_DIR)

test: $(STAMP) lint typecheck imports pytest

lint: $(STAMP)
	$(BIN)/ruff check $(CODE)
	$(BIN)/ruff format --check $(CODE)

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

# pytest exits 5 when it collects nothing; make treats that as a failure too.
pytest: $(STAMP)
	$(BIN)/pytest tests

bench: $(STAMP)
	$(BIN)/python bench/bus.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/scheduler.py
	$(BIN)/python bench/playout.py
	$(BIN)/python bench/ledger.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
