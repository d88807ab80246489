# `make run` and `make test` work on a fresh clone: they create .venv and
# install what they need first (again whenever a requirements file changes).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run serve test lint ci screenshot messages bench

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(PY) manage.py migrate --no-input
	$(PY) manage.py bootstrap_dev --url http://127.0.0.1:8000/
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000

# Production: gunicorn + whitenoise, DEBUG off; needs SECRET_KEY and ALLOWED_HOSTS
# (docs/deploy.md). BIND defaults to 127.0.0.1:8000.
serve: $(VENV)/.installed-run
	$(PY) -m workflow_project.serve

test: $(VENV)/.installed-dev
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The schema must validate with no warning: clients are generated from it.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

ci: lint test

# Extract the pages' strings into locale/*/LC_MESSAGES/django.po and compile
# them (needs gettext). The compiled .mo files are committed, so `make run`
# works without gettext.
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages --locale ko --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

screenshot: $(VENV)/.installed-dev
	UPDATE_SCREENSHOT=1 $(VENV)/bin/pytest -q dashboard_app/tests/test_browser_dashboard.py -k screenshot

# Side-by-side ratios, one table (docs/benchmarks.md). BENCH_QUICK=1 for tiny
# data; BENCH_DATABASE_URL=postgres://... for the concurrent-writers row;
# BENCH_SCALE=1 adds the scale tables (bench/scale.py: 10M runs on that server,
# 10,000 scripts, throughput under make serve's settings). wrk is
# installed when missing and we are root; otherwise a Python load driver runs
# and the table says so.
bench: $(VENV)/.installed-run
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 || \
		apt-get install -y -q wrk >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q wrk >/dev/null 2>&1; } || \
		echo "wrk could not be installed: the Python load driver will run"
	$(PY) -m bench
