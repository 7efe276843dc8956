# BrightKitchen — the two commands a newcomer needs are `make demo` and `make test`.
# Both install what they need (system packages with apt-get when missing, Python packages in .venv).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
BK := $(BIN)/brightkitchen
# Every Python package comes from these lock files, pinned with hashes (`make lock` regenerates them after
# a change to the dependencies in pyproject.toml); the project itself is installed without dependencies.
LOCK := requirements/lock.txt
DEV_LOCK := requirements/dev-lock.txt
# The map packages (echarts-*-pypkg, sdists only) import pyecharts-jupyter-installer in their setup.py, so
# they cannot build in an isolated environment: these few are installed first, then the locks without
# build isolation (every other package of the locks is a wheel).
BUILD_LOCK := requirements/build-lock.txt

.PHONY: demo test install install-dev lock lint typecheck migrations-check messages fuzz bench-api bench-records bench-dashboard bench-video clean

$(BIN)/python:
	./scripts/bootstrap-system base
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip

$(VENV)/.installed: $(BIN)/python pyproject.toml $(LOCK) $(BUILD_LOCK)
	./scripts/bootstrap-system base
	$(BIN)/pip install -q --require-hashes --no-deps -r $(BUILD_LOCK)
	$(BIN)/pip install -q --require-hashes --no-build-isolation -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed $(DEV_LOCK) src/brightkitchen/testbed/oidc/package-lock.json
	./scripts/bootstrap-system dev
	$(BIN)/pip install -q --require-hashes --no-build-isolation -r $(DEV_LOCK)
	# The OpenID provider of the sign-in tests (panva's oidc-provider), from its lock file.
	cd src/brightkitchen/testbed/oidc && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Pin every dependency of pyproject.toml with hashes: the platform's (lock.txt) and, on the same versions,
## the development tools' (dev-lock.txt).
lock: $(BIN)/python
	test -x $(BIN)/pip-compile || $(BIN)/pip install -q 'pip-tools>=7.4'
	$(BIN)/pip install -q pyecharts-jupyter-installer==0.0.3 setuptools
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links --no-build-isolation -o $(LOCK) pyproject.toml
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links --no-build-isolation --extra dev -c $(LOCK) -o $(DEV_LOCK) pyproject.toml
	$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
	  --no-emit-find-links -c $(DEV_LOCK) -o $(BUILD_LOCK) requirements/build.in

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
	$(BIN)/lint-imports  # the import contracts of pyproject.toml [tool.importlinter]

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
