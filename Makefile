# Two commands do all the set-up on a fresh machine:
#   make run    — install, migrate, load the demo catalog (first time), serve on http://127.0.0.1:$PORTAL_PORT (5000)
#   make test   — install (with test tools and Chromium), run the whole test suite twice: the embedded
#                 profile (SQLite, Whoosh, memory), then the production profile against a PostgreSQL 15
#                 and a Redis that scripts/services.py installs if missing, starts and stops again
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run test test-embedded test-production bench bench-pg bench-load translations clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) portal demo --if-empty
	$(FLASK) portal reindex --if-needed
	$(FLASK) run --host $${PORTAL_HOST:-127.0.0.1} --port $${PORTAL_PORT:-5000}

test: $(VENV)/.dev
	bash scripts/ensure-chromium.sh
	@status=0; \
	echo "== embedded profile: SQLite, Whoosh, in-memory rate limits"; \
	$(BIN)/python -m pytest || status=1; \
	echo "== production profile: PostgreSQL, PostgreSQL search, Redis (browser journeys ran above)"; \
	$(BIN)/python scripts/services.py run -- $(BIN)/python -m pytest --ignore=tests/browser || status=1; \
	exit $$status

test-embedded: $(VENV)/.dev
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest

test-production: $(VENV)/.dev
	$(BIN)/python scripts/services.py run -- $(BIN)/python -m pytest --ignore=tests/browser

bench: $(VENV)/.dev
	$(BIN)/python bench/search.py

# gunicorn under a request mix on 10,000 entries, and 1 GB downloads through nginx (see bench/README.md)
bench-load: $(VENV)/.dev
	$(BIN)/python bench/load.py
bench-pg: $(VENV)/.dev
	$(BIN)/python scripts/services.py run -- $(BIN)/python bench/search_pg.py

# After changing page text: extract, merge into both catalogs, compile (the .mo files are committed).
translations: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d portal/translations

clean:
	rm -rf $(VENV) instance .pytest_cache
