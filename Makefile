# Two commands do all the set-up on a fresh machine:
#   make run    — install, migrate, load the demo catalog (first time), serve on http://127.0.0.1:$PORTAL_PORT (5000)
#   make test   — install (with test tools and Chromium), run the whole test suite twice: the embedded
#                 profile (SQLite, Whoosh, memory), then the production profile against a PostgreSQL 15
#                 and a Redis that scripts/services.py installs if missing, starts and stops again
VENV   ?= .venv
PYTHON ?= python3
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi

.PHONY: run test test-embedded test-production bench bench-pg bench-load translations lock clean

# Installed only from the locks (every package pinned with its hashes); see README "Upgrading a pin".
PIP_LOCKED := $(BIN)/pip install -q --require-hashes --no-deps
# The suite runs on one pytest worker per core (pytest-xdist); TEST_WORKERS=0 runs it in one process.
# Tests that share a fixture made once per module or per directory stay in one worker (tests/conftest.py).
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/activate
	$(PIP_LOCKED) -r requirements.txt
	$(BIN)/pip check
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(PIP_LOCKED) -r requirements-dev.txt
	$(BIN)/pip check
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) portal demo --if-empty
	$(FLASK) portal reindex --if-needed
	$(FLASK) run --host $${PORTAL_HOST:-127.0.0.1} --port $${PORTAL_PORT:-5000}

test: $(VENV)/.dev
	bash scripts/ensure-test-tools.sh
	@status=0; \
	echo "== embedded profile: SQLite, Whoosh, in-memory rate limits"; \
	$(PYTEST) || status=1; \
	echo "== production profile: PostgreSQL, PostgreSQL search, Redis (browser journeys ran above)"; \
	$(BIN)/python scripts/services.py run -- $(PYTEST) --ignore=tests/browser || status=1; \
	exit $$status

test-embedded: $(VENV)/.dev
	bash scripts/ensure-test-tools.sh
	$(PYTEST)

test-production: $(VENV)/.dev
	$(BIN)/python scripts/services.py run -- $(PYTEST) --ignore=tests/browser

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

# Re-make both locks from requirements.in / requirements-dev.in (after changing a pin there).
lock:
	$(PYTHON) -m venv .lock-tools && .lock-tools/bin/pip install -q uv==0.13.10
	.lock-tools/bin/uv pip compile -q --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes requirements.in -o requirements.txt
	.lock-tools/bin/uv pip compile -q --python-version 3.11 --python-platform x86_64-manylinux_2_28 --generate-hashes requirements-dev.in -o requirements-dev.txt
	rm -rf .lock-tools

clean:
	rm -rf $(VENV) instance .pytest_cache
