# Kindred: `make run` and `make test` are all a newcomer needs (README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST := $(VENV)/bin/pytest
DEV := DEBUG=true
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/kindred
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint typecheck check-migrations check-deploy i18n-check messages test-sqlite test-postgres \
	test-browser bench lock worker clean

$(VENV)/.runtime: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements.txt
	@touch $@

# requirements-dev.txt holds the runtime pins too (the same versions and hashes), so one
# hash-checked install brings the whole tree.
$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install --quiet --require-hashes -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

var:
	@mkdir -p var

## make run: install, migrate, load the demo program (once), serve on http://HOST:PORT (127.0.0.1:8000)
run: $(VENV)/.runtime | var
	$(DEV) $(PY) manage.py migrate --no-input
	$(DEV) $(PY) manage.py load_demo --if-empty
	$(DEV) $(PY) manage.py runserver "$${HOST:-127.0.0.1}:$${PORT:-8000}"

## make worker: the background task worker (production uses TASKS_BACKEND=database)
worker: $(VENV)/.runtime
	$(PY) manage.py db_worker

## make test: lint, migrations check, translations, deploy check, suite on SQLite and PostgreSQL, browser tests
test: lint typecheck check-migrations i18n-check check-deploy test-sqlite test-postgres test-browser
	@echo "make test: all checks passed"

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## make typecheck: mypy with Django's stubs over the application code ([tool.mypy] in pyproject.toml)
typecheck: $(VENV)/.dev
	$(DEV) $(VENV)/bin/mypy

check-migrations: $(VENV)/.dev | var
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

check-deploy: $(VENV)/.dev
	$(PY) scripts/check_deploy.py

i18n-check: $(VENV)/.dev
	$(PY) scripts/check_translations.py

## make messages: refresh every app's Spanish catalogue and compile it
messages: $(VENV)/.dev
	$(PY) scripts/check_translations.py --update-only

test-sqlite: $(VENV)/.dev
	$(PYTEST) -n 2 -m "not browser" -q

test-postgres: $(VENV)/.dev
	@if $(PY) scripts/pg_reachable.py "$(PG_TEST_URL)"; then \
		DATABASE_URL="$(PG_TEST_URL)" $(PYTEST) -n 2 -m "not browser" -q; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(PG_TEST_URL): under CI that is a failure."; exit 1; \
	else \
		echo "PostgreSQL not reachable at $(PG_TEST_URL): PostgreSQL run SKIPPED."; \
	fi

test-browser: $(VENV)/.dev node_modules/.installed
	$(PYTEST) -m browser -q -p no:xdist --screenshot only-on-failure --output var/test-artifacts

## make bench: benchmarks, each printed as a ratio to a baseline measured in the same run
bench: $(VENV)/.dev
	$(PY) bench/run.py $(if $(QUICK),--quick)

## make lock: re-pin requirements*.txt, with their hashes, from requirements*.in (pip-tools)
LOCK_VENV := /tmp/kindred-lock
PIP_COMPILE := $(LOCK_VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host
lock:
	rm -rf $(LOCK_VENV) && $(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet pip-tools
	$(PIP_COMPILE) --upgrade --output-file requirements.txt requirements.in
	$(PIP_COMPILE) --upgrade --output-file requirements-dev.txt requirements-dev.in
	rm -rf $(LOCK_VENV)

clean:
	rm -rf $(VENV) node_modules var/static
