# Opt-Out Guide. `make run` serves the site locally; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The newest Python >= 3.12: on PATH first, then pyenv's versions.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 \
	  $$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$c; break; }; done)

.PHONY: help run test install install-dev migrate guide admin lint format check-python bench clean

help:
	@echo "make run    install, migrate, load the guide and serve on http://$(HOST):$(PORT)/ (SQLite under var/)"
	@echo "make test   install test dependencies and run the whole test suite"
	@echo "make admin  create an account for the Django admin (content editors: see README)"
	@echo "make lint   ruff check and format check"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Opt-Out Guide needs Python 3.12 or newer, and none was found on PATH or in pyenv."; \
	  echo "Install one, e.g. 'sudo apt install python3.13 python3.13-venv', 'brew install python@3.13' or 'pyenv install 3.13',"; \
	  echo "or name it: make run PYTHON=/path/to/python3.13"; exit 1; fi

$(VENV)/.installed: requirements.txt | check-python
	@[ -x $(PY) ] || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

var:
	@mkdir -p var

migrate: install var
	DEBUG=true $(PY) manage.py migrate --no-input

# Loads the shipped guide into a new database only: a second run keeps what editors changed.
# To take the shipped guide's newer version on purpose: DEBUG=true .venv/bin/python manage.py load_guide
guide: migrate
	DEBUG=true $(PY) manage.py load_guide --if-empty

run: guide
	@echo ""
	@echo "  Opt-Out Guide is starting on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "  Create an editor account with: make admin"
	@echo ""
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

admin: migrate
	DEBUG=true $(PY) manage.py createsuperuser

test: install-dev var
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install-dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
