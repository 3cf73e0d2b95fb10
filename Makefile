# The two commands a newcomer runs: `make demo` and `make test`. Both set up
# everything they need first (`make install`): the Debian packages listed in
# deploy/debian-packages.txt, then a virtualenv with onair in it, then the studio
# (web/, built with the machine's Node.js and npm into src/onair/studio, never committed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA_DIR ?= ./onair-data
CODE := src tests bench

.PHONY: install install-test system-packages system-packages-test demo test lint typecheck \
	imports pytest bench clean studio studio-test node

# What the station needs to run; `make test` adds what the tests drive for real.
install: system-packages $(STAMP)
install-test: system-packages-test $(STAMP)

system-packages:
	@sh scripts/system-packages demo

system-packages-test:
	@sh scripts/system-packages demo test

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "onair needs Python 3.11 or newer; $(PYTHON) is older (set PYTHON=python3.11)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null \
		|| { echo "onair needs Python's venv module: install the Debian package python3-venv (sudo apt-get install python3-venv)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: install studio
	$(BIN)/onair demo --data-dir $(DATA_DIR)

test: install-test lint typecheck imports studio-test pytest

# The studio: `npm ci` from the committed lockfile (again only when it changes), the
# client typed from the API's OpenAPI document as this checkout has it, then the build.
node:
	@node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null \
		|| { echo "the studio needs Node.js 20.19 or newer (node --version: $$(node --version 2>/dev/null || echo none)); install it, or Debian's nodejs from trixie on" >&2; exit 1; }
	@command -v npm >/dev/null || { echo "the studio needs npm beside Node.js: install it (sudo apt-get install npm)" >&2; exit 1; }

web/node_modules/.installed: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

studio: $(STAMP) node web/node_modules/.installed
	$(BIN)/onair api openapi > web/openapi.json
	cd web && npm run --silent build

# The studio's unit tests and type check (its browser tests run under pytest).
studio-test: studio
	cd web && npm test

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

bench: install-test studio
	$(BIN)/python bench/bus.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/scheduler.py
	$(BIN)/python bench/playout.py
	$(BIN)/python bench/on_air.py
	$(BIN)/python bench/ledger.py
	$(BIN)/python bench/demo_start.py
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache web/node_modules src/onair/studio
