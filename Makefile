# Two commands matter: `make run` (the demo) and `make test` (the whole suite).
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
SIZE   ?= 100000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.DEFAULT_GOAL := help
.PHONY: help run test lint migrate bench load messages system-deps

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP) ## Run the demo on http://127.0.0.1:8000 (SQLite, no other service)
	DJANGO_SETTINGS_MODULE=repatriation.settings.local $(PY) manage.py rundemo

system-deps: ## Install the Debian packages the tests need, when missing
	@bash .ci/system-deps

test: $(STAMP) system-deps ## Run the whole test suite (PostgreSQL when DATABASE_URL points to one)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff and a check that models and migrations agree
	$(PY) -m ruff check .
	DJANGO_SETTINGS_MODULE=repatriation.settings.test $(PY) manage.py makemigrations --check --dry-run

migrate: $(STAMP) ## Apply migrations to the configured database
	$(PY) manage.py migrate

messages: $(STAMP) ## Extract and compile translations (English source, Russian, Kazakh)
	$(PY) manage.py makemessages -l ru -l kk --no-obsolete --ignore=tests --ignore=var --ignore=static --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

bench: $(STAMP) ## Time the pages on a separate PostgreSQL database of SIZE people (default 100000)
	DJANGO_SETTINGS_MODULE=repatriation.settings.bench DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} \
		$(PY) manage.py bench --size $(SIZE) $(BENCH_ARGS)

load: $(STAMP) system-deps ## Load test (gunicorn, 5 workers; wrk, 16 connections, 60 s) on the bench database of SIZE
	DJANGO_SETTINGS_MODULE=repatriation.settings.test DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} \
		$(PY) manage.py loadtest --size $(SIZE) $(LOAD_ARGS)
