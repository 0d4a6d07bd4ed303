# carbonpeak — the two commands of the README's quick start:
#   make run    set up, load the sample plan and data, serve http://127.0.0.1:8000 with gunicorn
#               (DEBUG off, static files served by the application, a random secret key
#               generated into ./var/secret_key on the first run)
#   make dev    the same data, served by Django's development server with DEBUG on
#   make test   set up, lint (ruff) and type-check (mypy, whole package), run the whole suite
#               on SQLite (with browser tests) and on PostgreSQL
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: run dev test test-sqlite test-postgres setup system-deps lint typecheck clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Debian packages the suite needs: Chromium (browser tests) and PostgreSQL.
system-deps:
	@bash scripts/install-system-deps.sh

run: setup
	$(BIN)/carbonpeak ensure_secret_key
	$(BIN)/carbonpeak migrate --noinput
	$(BIN)/carbonpeak collectstatic --noinput --verbosity 0
	$(BIN)/carbonpeak load_samples
	$(BIN)/carbonpeak ensure_admin
	$(BIN)/carbonpeak serve --bind $(HOST):$(PORT)

dev: setup
	CARBONPEAK_DEBUG=1 $(BIN)/carbonpeak migrate --noinput
	CARBONPEAK_DEBUG=1 $(BIN)/carbonpeak load_samples
	CARBONPEAK_DEBUG=1 $(BIN)/carbonpeak ensure_admin
	CARBONPEAK_DEBUG=1 $(BIN)/carbonpeak runserver $(HOST):$(PORT)

test: setup system-deps
	$(MAKE) lint
	$(MAKE) typecheck
	$(MAKE) test-sqlite
	$(MAKE) test-postgres

test-sqlite: setup
	CARBONPEAK_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

test-postgres: setup
	bash scripts/with-postgres.sh $(BIN)/pytest -n $(PYTEST_WORKERS) -p no:cacheprovider -m "not e2e"

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache
