# PRIM Planner. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help install install-dev run test lint format messages bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed ## Install Python and front-end packages (virtualenv in .venv)

run: install ## Migrate the SQLite database, load the demo data, serve on http://127.0.0.1:$(PORT) with a task worker
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ with a background worker (Ctrl+C stops both)"
	@DEBUG=1 PY=$(PY) PORT=$(PORT) bash scripts/run.sh

test: install ## Run the whole test suite (browser tests when Chromium is installed)
	@if [ -x "$(CHROMIUM)" ]; then \
		$(PY) -m pytest $(PYTEST_ARGS); \
	else \
		echo "*** Chromium not found at $(CHROMIUM): the browser tests in tests/browser are LEFT OUT."; \
		echo "*** Install it with: apt-get install -y chromium"; \
		$(PY) -m pytest --ignore=tests/browser $(PYTEST_ARGS); \
	fi

lint: install ## Check code style (ruff) and missing migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: install ## Format the code (ruff)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install ## Update the French and Arabic catalogues, then compile them
	flock /tmp/prim-locale.lock -c 'DEBUG=1 $(PY) manage.py makemessages -l fr -l ar -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests && DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv'

bench: install ## Measure pages, page weights, exports and the annex at national scale on SQLite and PostgreSQL (BENCH_ARGS="--help")
	DEBUG=1 $(PY) -m prim.bench $(BENCH_ARGS)

clean: ## Remove the virtualenv, node_modules and the SQLite database
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm
