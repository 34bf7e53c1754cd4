# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# Each step is a file target, so a second run only does what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
VENDOR := forms_service/static/vendor
# What the service needs to run (fonts and harfbuzz for PDFs, Graphviz for journey maps), and
# what only the tests need besides (Chromium, a PostgreSQL server).
RUN_APT_PACKAGES := fonts-liberation2 libharfbuzz-subset0 graphviz
APT_PACKAGES := $(RUN_APT_PACKAGES) chromium postgresql

.PHONY: run test unit integration e2e bench loadtest loadtest-crash lint format check install assets system-deps run-deps db clean \
	translations extract-messages update-translations

run: install assets translations run-deps db
	@echo "Serving on http://127.0.0.1:$(PORT)/"
	FORMS_SERVICE_ENV=$${FORMS_SERVICE_ENV:-development} $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --preload --workers 2 --threads 4 --access-logfile - "forms_service:create_app()"

# Unit, integration and browser tests on SQLite, then the integration tests again on a
# throwaway PostgreSQL server (the production database) on loopback, except those marked
# same_on_every_database (pyproject.toml): their subject is not the database.
# The PostgreSQL pass runs beside the SQLite one; both run in several processes
# (pytest-xdist, a file per process at a time; each PostgreSQL worker has its own database,
# tests/conftest.py). The browser journeys wait on the browser much of the time, so the
# SQLite pass has more processes than cores. The PostgreSQL report follows the SQLite one.
test: install assets translations system-deps
	$(BIN)/ruff check .
	$(BIN)/forms-service check form_definitions
	@mkdir -p instance; \
	scripts/with-postgres.sh $(BIN)/pytest tests --ignore=tests/unit --ignore=tests/e2e \
	  -m "not same_on_every_database" -p no:cacheprovider -n 2 --dist loadfile --durations=15 \
	  > instance/postgres-tests.log 2>&1 & postgres=$$!; \
	$(BIN)/pytest -n 3 --dist loadfile --durations=25; sqlite=$$?; \
	wait $$postgres; postgres=$$?; \
	echo "== Integration tests on PostgreSQL"; cat instance/postgres-tests.log; \
	exit $$(( sqlite || postgres ))

unit: install translations
	$(BIN)/pytest tests/unit

e2e: install assets translations system-deps
	$(BIN)/pytest tests/e2e

bench: install assets
	$(BIN)/python bench/run.py

# Citizens (locust, on loopback) fill in and send the three real forms, with repeats, save and
# return and two tabs, against two web processes and two workers on a throwaway PostgreSQL,
# while one web process, one worker and then PostgreSQL itself are SIGKILLed and restarted;
# then the same on SQLite with one web process. Prints from the database what was lost or
# doubled (must be 0), requests/s and p50/p95 per page, errors and recovery times; fails if
# anything was lost or doubled. Not part of `make test`.
loadtest: install assets translations system-deps
	@PG_TEST_PORT=54397 scripts/with-postgres.sh $(BIN)/python scripts/loadtest.py --seconds 90; \
	postgres=$$?; \
	$(BIN)/python scripts/loadtest.py --seconds 90; sqlite=$$?; \
	exit $$(( postgres || sqlite ))

# Citizens (half with two tabs) fill in and submit a form while gunicorn's workers and then
# its master are SIGKILLed; prints what was lost or doubled (all 0), on SQLite and PostgreSQL.
loadtest-crash: install assets system-deps
	$(BIN)/python scripts/loadtest_crash.py --seconds 60
	PG_TEST_PORT=54398 scripts/with-postgres.sh sh -c \
	  'DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/python scripts/loadtest_crash.py --seconds 60'

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(BIN)/forms-service check form_definitions

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/govuk $(VENDOR)/autocomplete
	cp -r node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css \
	      node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js \
	      node_modules/govuk-frontend/dist/govuk/assets $(VENDOR)/govuk/
	cp node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.js \
	   node_modules/accessible-autocomplete/dist/accessible-autocomplete.min.css $(VENDOR)/autocomplete/
	cp node_modules/axe-core/axe.min.js $(VENDOR)/
	mkdir -p $(VENDOR)/moj && cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css $(VENDOR)/moj/
	# MoJ's CSS asks for its icons (the filter tag's remove cross) at /assets/images too;
	# GOV.UK's own images win a name both have.
	cp -n node_modules/@ministryofjustice/frontend/moj/assets/images/* $(VENDOR)/govuk/assets/images/
	touch $@

# Chromium for the browser tests, harfbuzz-subset for fast PDF font subsetting, and the
# PostgreSQL server for testing against the production database.
# The service's own words (buttons, headings, error messages) in English and Welsh: Babel
# catalogues under forms_service/translations. The .po files are the source and are
# committed; the .mo files Flask-Babel reads are compiled here, during set-up.
#   make extract-messages     find every marked string in the code and templates (messages.pot)
#   make update-translations  merge new and changed strings into en and cy (then translate)
#   make translations         compile the catalogues (run and test do this)
TRANSLATIONS := forms_service/translations
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))

translations: install $(CATALOGUES)

$(TRANSLATIONS)/%/LC_MESSAGES/messages.mo: $(TRANSLATIONS)/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS) -l $*

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k lazy_gettext --sort-by-file --no-wrap \
	  --project=forms-service --copyright-holder="Crown copyright" -o $(TRANSLATIONS)/messages.pot .

update-translations: extract-messages
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-wrap --ignore-obsolete \
	  --no-fuzzy-matching

run-deps:
	@$(MAKE) --no-print-directory system-deps APT_PACKAGES="$(RUN_APT_PACKAGES)"

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

db: install
	FORMS_SERVICE_ENV=$${FORMS_SERVICE_ENV:-development} $(BIN)/forms-service init-db

clean:
	rm -rf $(VENV) node_modules $(VENDOR) instance
