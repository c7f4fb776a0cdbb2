# AIMS governance portal: developer tasks.
#
#   make run         embedded default: SQLite under var/, tasks in-process, demo data,
#                    today's reminders
#   make test        pytest (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
#   make lint        ruff check
#   make lock        regenerate requirements.lock from pyproject.toml
#   make assets      refresh static/vendor/ from the npm registry (package.json)
#   make clean       remove .venv and caches (keeps var/ data)
#   make clean-data  also remove var/ (SQLite database, media, dev secret key)

PYTHON      ?= python3
VENV        ?= .venv
PORT        ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist); each gets its own test database. 0 runs in one process.
TEST_WORKERS ?= auto

PY    := $(VENV)/bin/python
UV    := $(VENV)/bin/uv
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv install run test lint lock lock-upgrade assets browser-deps clean clean-data

help:
	@sed -n '1,10p' Makefile | sed 's/^# \{0,1\}//'

# --- Python environment -------------------------------------------------------

# The virtualenv with uv in it (created once).
$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "error: Python >= 3.11 is required; '$(PYTHON)' is $$($(PYTHON) --version 2>&1 || echo missing)." >&2; \
	  echo "       Run e.g. 'make PYTHON=python3.11 ...'." >&2; \
	  exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv

venv: $(UV)

# Re-installs only when requirements.lock or pyproject.toml is newer than the stamp.
$(STAMP): requirements.lock pyproject.toml | $(UV)
	$(UV) pip install --python $(PY) -r requirements.lock
	$(UV) pip install --python $(PY) --no-deps -e .
	@touch $@

install: $(STAMP)

# --- Running ------------------------------------------------------------------

# Embedded default: no DATABASE_URL/REDIS_URL is set here (an exported one in your
# shell is still honoured by the settings).
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py load_demo
	@# No beat process here: send today's reminders once (the e-mails go to the console;
	@# only the summary line is shown). Repeating it the same day sends nothing.
	$(PY) manage.py send_reminders | tail -n 1
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# --- Checks -------------------------------------------------------------------

# The Playwright browser test drives Debian's /usr/bin/chromium (Playwright's own
# browser download cannot be used here).
browser-deps:
	@if [ -x /usr/bin/chromium ]; then \
	  :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Debian's chromium for the browser test"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
	  echo "WARNING: /usr/bin/chromium is missing and we are not root; install it with" >&2; \
	  echo "         'sudo apt-get install chromium'. Outside CI the browser test skips itself." >&2; \
	fi

test: install browser-deps
	$(VENV)/bin/pytest --numprocesses=$(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# --- Dependencies -------------------------------------------------------------

lock: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev -o requirements.lock --python $(PY)

lock-upgrade: | $(UV)
	$(UV) pip compile pyproject.toml --extra dev -o requirements.lock --python $(PY) --upgrade

# Front-end libraries are committed under static/vendor/ (so neither `make run` nor CI
# needs Node); this refreshes them from the versions pinned in package-lock.json. Source
# map comments are dropped: the maps are not shipped, and the manifest storage of
# `collectstatic` would fail on the missing files.
VENDOR := static/vendor

assets:
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p $(VENDOR)/tom-select
	for f in js/tom-select.complete.min.js css/tom-select.bootstrap5.min.css; do \
	  sed '/sourceMappingURL=/d' node_modules/tom-select/dist/$$f > $(VENDOR)/tom-select/$$(basename $$f); \
	done
	cp node_modules/tom-select/LICENSE $(VENDOR)/tom-select/LICENSE

# --- Cleaning -----------------------------------------------------------------

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis staticfiles test-results \
	  build dist *.egg-info var/cache var/tmp
	find . -path ./.git -prune -o -path ./var -prune -o \
	  -type d -name __pycache__ -prune -exec rm -rf {} +

clean-data: clean
	rm -rf var
