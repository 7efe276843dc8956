# BrightKitchen — the two commands a newcomer needs are `make demo` and `make test`.
# Both install what they need (system packages with apt-get when missing, Python packages in .venv).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BK := $(BIN)/brightkitchen

.PHONY: demo test install install-dev lint typecheck migrations-check messages fuzz bench-api bench-records bench-dashboard bench-video clean

$(BIN)/python:
	./scripts/bootstrap-system base
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	./scripts/bootstrap-system base
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	./scripts/bootstrap-system dev
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Run the platform with the Jinzhong demo on the embedded default (SQLite, no other server).
demo: install
	$(BK) demo

## Run the test suite (DATABASE_URL / BROKER_URL choose PostgreSQL and a real broker; default SQLite).
test: install-dev
	BRIGHTKITCHEN_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check src
	$(BIN)/ruff format --check src

typecheck: install-dev
	$(BIN)/mypy src

migrations-check: install-dev
	BRIGHTKITCHEN_DATA_DIR=$$(mktemp -d) $(BK) makemigrations --check --dry-run

## Regenerate the zh-hans catalogue after changing user-facing strings, then translate and compile.
messages: install-dev
	cd src/brightkitchen && BRIGHTKITCHEN_DATA_DIR=$$(mktemp -d) ../../$(BK) makemessages -l zh_Hans --no-obsolete --no-location
	$(BIN)/python scripts/compile_messages.py

bench-api: install-dev
	$(BK) bench api

bench-records: install-dev
	$(BK) bench records

bench-dashboard: install-dev
	$(BK) bench dashboard

bench-video: install-dev
	$(BK) bench video

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
