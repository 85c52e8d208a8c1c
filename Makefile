# Casework: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
PG_URL ?= postgresql://postgres@127.0.0.1:5432

.PHONY: run demo-reset test test-postgres lint install setup assets db clean bench bench-reports bench-import security-checks

# What the app needs to run (requirements.txt) ...
$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

# ... and, for the tests and checks only, the tools of requirements-dev.txt
$(VENV)/.dev-installed: $(BIN)/activate requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.dev-installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

build/assets/application.css: node_modules/.package-lock.json assets/scss/application.scss assets/init.js assets/subject-picker.js scripts/build-assets.mjs
	npm run --silent build

assets: build/assets/application.css

## install: what running Casework needs: .venv with requirements.txt only, and the built stylesheet
install: $(BIN)/activate assets

## setup: install, plus the test and check tools of requirements-dev.txt (every target below but run and demo-reset)
setup: install $(VENV)/.dev-installed

db: install
	$(FLASK) db upgrade

## run: set up (runtime packages only), upgrade the database, add demo data when empty, print the demo sign-ins, start a background worker (web captures), serve on http://127.0.0.1:5000 (plain HTTP: cookies without Secure, here only)
run: db
	$(FLASK) casework seed-demo --if-empty
	$(FLASK) casework worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SESSION_COOKIE_SECURE=false REMEMBER_COOKIE_SECURE=false $(FLASK) run --host $(HOST) --port $(PORT)

## demo-reset: delete the local SQLite demo database and its evidence files, upgrade, and seed a fresh demo
demo-reset: install
	$(FLASK) casework demo-reset $(if $(YES),--yes,)

## lint: ruff over the Python code
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## test: set up, lint, static security checks, then the whole suite on SQLite
test: setup security-checks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## security-checks: bandit (no high-severity findings) and pip-audit of the pins (skipped, saying why, offline)
security-checks: setup
	$(BIN)/bandit -q -r casework -lll
	$(BIN)/python scripts/audit_dependencies.py requirements-dev.txt

## test-postgres: the whole suite on a throw-away PostgreSQL database
test-postgres: setup
	@db=casework_test_$$$$_$$RANDOM; \
	psql "$(PG_URL)/postgres" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $$db" || exit 1; \
	TEST_DATABASE_URL="$(PG_URL)/$$db" $(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	psql "$(PG_URL)/postgres" -qc "DROP DATABASE IF EXISTS $$db WITH (FORCE)"; \
	exit $$status

clean:
	rm -rf $(VENV) node_modules build

## bench-reports: time the HR summary over 10,000 and 100,000 cases and a 200-event case report
bench-reports: setup
	$(BIN)/python scripts/bench_reports.py

## bench: the pages and the API under load (gunicorn -w 2, wrk) at 1,000 and 100,000 cases, beside the floor app; BENCH_ARGS="--sizes 1000 --duration 2" for a quick run; then the staff directory import of 20,000 rows
bench: setup
	$(BIN)/python scripts/bench_pages.py $(BENCH_ARGS)
	$(BIN)/python scripts/bench_import.py

## bench-import: time the staff directory import of 20,000 rows (first import, the same file again, movers and leavers)
bench-import: setup
	$(BIN)/python scripts/bench_import.py
