# Every command a developer runs. `make run` and `make test` work on a fresh machine.
PYTHON ?= $(shell scripts/find-python)
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/studylog
RUN_ENV := DEBUG=true
PYTEST_ARGS ?= -n 2  # two workers: the machines here have two cores

.PHONY: messages install run migrate seed admin static worker test test-sqlite test-postgres lint format check-migrations bench clean check-obligations rebuild-obligations

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(BIN)/.installed

migrate: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py setup_roles

seed: migrate
	$(RUN_ENV) $(BIN)/python manage.py load_seeds

# Obligation rows (who had to attend, who owes a report) against the live definition;
# exits non-zero on drift. UNIT=<code> limits both to the members of one subtree.
check-obligations: migrate
	$(RUN_ENV) $(BIN)/python manage.py check_obligations $(if $(UNIT),--unit $(UNIT))

rebuild-obligations: migrate
	$(RUN_ENV) $(BIN)/python manage.py rebuild_obligations $(if $(UNIT),--unit $(UNIT))

admin: migrate
	$(RUN_ENV) $(BIN)/python manage.py ensure_admin

static: install
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput -v0

run: seed admin static
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	scripts/ensure-postgres
	scripts/ensure-chromium
	$(MAKE) --no-print-directory lint check-migrations test-sqlite test-postgres

test-sqlite: install
	@echo "== tests on SQLite =="
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== tests on PostgreSQL =="
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Runs queued imports when TASKS_BACKEND=database (otherwise imports run in the request).
worker: migrate
	$(RUN_ENV) $(BIN)/python manage.py db_worker

# Imports a generated 100,000-member roster; needs a scratch PostgreSQL database.
BENCH_URL ?= postgres://postgres@127.0.0.1:5432/studylog_bench
bench: install
	DATABASE_URL=$(BENCH_URL) $(BIN)/python bench/import_roster.py

check-migrations: install
	$(RUN_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

messages:
	msgfmt -c -o locale/vi/LC_MESSAGES/django.mo locale/vi/LC_MESSAGES/django.po
	msgfmt -c -o locale/vi/LC_MESSAGES/djangojs.mo locale/vi/LC_MESSAGES/djangojs.po
