# Two commands do all set-up: `make map` builds the map, `make test` runs the whole suite.
# Both create .venv when missing and are idempotent; stamps make the second run fast.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BASE   := $(VENV)/.installed-base
TEST   := $(VENV)/.installed-test

.PHONY: map test lint pytest assets browser postgres bench bench-geocode bench-corridor bench-incidents bench-ingest bench-pgstore bench-publish bench-scale bench-million screenshot docs-figures data common-words clean

map: $(BASE) assets
	$(PY) build_map.py

test: $(TEST) assets browser postgres lint pytest

lint: $(TEST)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

# Two workers, each taking whole test files (module fixtures and the crash tests stay together).
pytest: $(TEST) assets browser postgres
	$(PY) -m pytest -n 2 --dist loadfile

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# An editable install leaves the project's own modules uncompiled: compile them once, as pip
# does for installed packages, so that a machine with PYTHONDONTWRITEBYTECODE set (this
# project's development machines do) does not compile ~60 modules at every start.
$(BASE): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	$(PY) -m compileall -q geo layers
	touch $@

$(TEST): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m compileall -q geo layers
	touch $@ $(BASE)

# Third-party JS/CSS that the map inlines, pinned in layers/assets.json (npm pack + sha512).
assets: $(BASE)
	$(PY) scripts/fetch_assets.py

# Headless Chromium for the browser tests: Debian's package when possible.
browser: $(TEST)
	PY=$(PY) sh scripts/install_browser.sh

# PostgreSQL with PostGIS for the database store's tests: Debian's packages when root.
postgres:
	sh scripts/install_postgres.sh

# Benchmarks print ratios and rates measured in the same run; never part of `make test`.
bench: bench-geocode bench-corridor bench-incidents bench-ingest bench-publish bench-scale

bench-geocode: $(TEST)
	$(PY) bench/geocode.py

bench-corridor: $(TEST)
	$(PY) bench/corridor.py

bench-incidents: $(TEST)
	$(PY) bench/incidents.py

bench-ingest: $(TEST)
	$(PY) bench/ingest.py

# Page policy (CSP), KML, QGIS styles, figure and chart at 100,000 incidents.
bench-publish: $(TEST) assets
	$(PY) bench/publish.py

# The database store against the CSV store at 100,000 rows, and 8 x 50 concurrent adds.
bench-pgstore: $(TEST) assets postgres
	$(PY) bench/pgstore.py

# The map at 1,000 / 10,000 / 100,000 incidents against stock folium, in the browser too,
# and 1,000,000 (project only): issue 16's target table (several minutes).
bench-scale: $(TEST) assets browser
	$(PY) bench/scale.py --million

bench-million: $(TEST) assets browser
	$(PY) bench/scale.py --million

# Refresh docs/screenshot.png from the browser test's artefact.
screenshot: $(TEST) assets browser
	IDLIB_UPDATE_DOCS_SCREENSHOT=1 $(PY) -m pytest tests/browser -q

# Refresh the figure and chart the README shows (made by the commands, from the bundled data).
docs-figures: $(BASE)
	$(PY) build_map.py figure --out docs/figure.png
	$(PY) build_map.py chart --out docs/chart.png

# Re-derive data/ from ../shared/data (maintainers only; the outputs are committed).
data: $(BASE)
	$(PY) scripts/derive_data.py

# The frequent-word list ingest uses against false places; wordfreq is needed only here.
common-words: $(BASE)
	$(PY) -m pip install -q wordfreq==3.1.1
	$(PY) scripts/common_words.py

clean:
	rm -rf $(VENV) assets output/*.html tests/artifacts
