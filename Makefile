# Quick start: `make serve` (the site on http://127.0.0.1:8000; PORT=8001 for another) and `make test`.
# The documentation: `make docs` (docs/_build/html/index.html).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
# The development server runs with debug on and the development secret key.
DEV_ENV := DJANGO_DEBUG=1
# `make serve PORT=8001` when 8000 is taken.
PORT ?= 8000
# The front proxy (`make proxy`): nginx on PROXY_PORT, before gunicorn on 127.0.0.1:PORT.
PROXY_PORT ?= 8080
PROXY_DIR ?= var/proxy
PROXY_TIMEOUT ?= 10s
NGINX ?= $(or $(shell command -v nginx),/usr/sbin/nginx)

.PHONY: serve prod proxy prod-setup production-settings test lint format docs migrate seed superuser backup restore bench loadtest clean

# Each install is redone whenever pyproject.toml changes. Development, tests and benchmarks:
# the runtime dependencies plus the dev extra (test, lint and docs tools, the S3 client).
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# Production: the runtime dependencies only (docs/operators/index.md "make prod").
$(VENV)/.installed-prod: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

# The documentation site: the runtime dependencies (docs/conf.py sets up Django) and the
# docs extra.
$(VENV)/.installed-docs: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $@

# axe-core for the accessibility tests, from the npm registry (never a CDN).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

migrate: $(VENV)/.installed
	$(DEV_ENV) $(MANAGE) migrate --noinput

# Loads MLSys 2026 once: reloading would undo organisers' edits to it and reset the
# revision numbers calendar clients rely on (`python manage.py loaddata mlsys2026` forces it).
seed: migrate
	@if $(DEV_ENV) $(MANAGE) shell --verbosity 0 -c "from program.models import Conference; \
	    raise SystemExit(Conference.objects.filter(slug='2026').exists())"; then \
	  $(DEV_ENV) $(MANAGE) loaddata mlsys2026; \
	else echo "MLSys 2026 is already loaded."; fi

serve: seed
	$(DEV_ENV) $(MANAGE) collectstatic --noinput --verbosity 0
	$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

# Production (docs/operators/deploy.md): runtime dependencies only, debug off, migrations,
# hashed and compressed static files (prod-setup, which the one-off commands such as loaddata
# and createsuperuser follow), then gunicorn in the foreground (gunicorn.conf.py:
# WEB_CONCURRENCY workers on HOST:PORT). DATABASE_URL and CACHE_URL name PostgreSQL and Redis;
# the secret key, the host names and the database must be given.
prod-setup: production-settings $(VENV)/.installed-prod
	DJANGO_DEBUG=0 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=0 $(MANAGE) collectstatic --noinput --verbosity 0

prod: prod-setup
	DJANGO_DEBUG=0 PORT=$(PORT) $(VENV)/bin/gunicorn --config gunicorn.conf.py

# The front proxy (docs/operators/deploy.md) in the foreground: deploy/nginx.conf with the
# ports, the slow-client timeout and the photos' folder (DJANGO_MEDIA_ROOT) filled in, its pid, temporary files and access log in
# PROXY_DIR, its errors on standard error.
proxy:
	@test -x "$(NGINX)" || { echo "make proxy: nginx is not installed (apt-get install nginx)" >&2; exit 1; }
	mkdir -p $(PROXY_DIR)/logs $(PROXY_DIR)/temp
	sed -e 's|@PROXY_PORT@|$(PROXY_PORT)|; s|@APP_PORT@|$(PORT)|; s|@CLIENT_TIMEOUT@|$(PROXY_TIMEOUT)|' \
	  -e 's|@MEDIA_ROOT@|$(abspath $(or $(DJANGO_MEDIA_ROOT),media))|' deploy/nginx.conf > $(PROXY_DIR)/nginx.conf
	exec $(NGINX) -p $(abspath $(PROXY_DIR))/ -c nginx.conf -e stderr -g 'daemon off;'

production-settings:
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make prod: DJANGO_SECRET_KEY is not set. Set it to a long random string, e.g. the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2; exit 1; }
	@test -n "$$DJANGO_ALLOWED_HOSTS" || { echo "make prod: DJANGO_ALLOWED_HOSTS is not set. Set it to the site's host names, comma-separated (e.g. program.example.org)." >&2; exit 1; }
	@test -n "$$DATABASE_URL" || { echo "make prod: DATABASE_URL is not set. Set it to the production database (e.g. postgres://program:PASSWORD@127.0.0.1:5432/program); without it the site would use the development SQLite file." >&2; exit 1; }

test: $(VENV)/.installed node_modules/.installed
	$(VENV)/bin/pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The documentation site, docs/_build/html/index.html. -E reads every page each time, so a
# warning in an unchanged page still fails the build; -W --keep-going -n: every warning,
# a broken link, anchor or reference among them, fails it (after listing them all).
docs: $(VENV)/.installed-docs
	$(VENV)/bin/sphinx-build -E -W --keep-going -n -b html docs docs/_build/html

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Creates an admin login for /admin/ (asks for a name and password).
superuser: migrate
	$(DEV_ENV) $(MANAGE) createsuperuser

# Every edition, login, history and speaker photo in one ZIP (docs/operators/backups.md), of
# the database DATABASE_URL names (the development one by default). BACKUP=file.zip names it;
# else backups/program-<UTC date and time>.zip.
# backup and restore run on the production server too (cron): runtime dependencies only.
backup: $(VENV)/.installed-prod
	$(MANAGE) backup $(BACKUP)

# Loads BACKUP=file.zip into an empty database (migrated first), photos included.
restore: $(VENV)/.installed-prod
	@test -n "$(BACKUP)" || { echo "Name the backup: make restore BACKUP=backups/program-....zip"; exit 2; }
	$(MANAGE) migrate --noinput
	$(MANAGE) restore $(BACKUP)

bench: $(VENV)/.installed
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

# 64 readers for 30 s against gunicorn on PostgreSQL + Redis while organisers edit and import
# (bench/loadtest.py; it creates and drops its own database). LOADTEST_ARGS adds options.
loadtest: $(VENV)/.installed
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules staticfiles docs/_build db.sqlite3 db.sqlite3-wal db.sqlite3-shm
