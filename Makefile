# Children's services improvement report book. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_SYSTEM ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CONFIG ?= config/default.yml

# Lint first: a broken layer or a lint finding fails fast, before the slow steps.
.PHONY: help setup book test lint unit nbval build-check many-reports browser browser-deps pdf-deps reproducible bench demo-data figures validate clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'
	@echo "  Variables: CONFIG=$(CONFIG), BENCH_SIZES (e.g. \"10000 100000\" for a quick make bench)"

REQUIREMENTS := requirements.txt requirements-test.txt requirements-cluster.txt requirements-bench.txt

$(STAMP): $(REQUIREMENTS) pyproject.toml
	@test -x $(PY) || $(PYTHON_SYSTEM) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check $(addprefix -r ,$(REQUIREMENTS))
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the pinned requirements (only when they changed)

book: $(STAMP) pdf-deps ## Validate the data, execute the notebooks (in parallel; unchanged ones from the cache), build the HTML book and its PDF for CONFIG
	$(PY) -m improvement_report build --config $(CONFIG)

test: lint unit nbval build-check many-reports browser reproducible ## Unit tests, nbval on book/, a strict rebuild, many reports at once, browser checks, reproducibility

lint: $(STAMP) ## ruff (lint and format) and import-linter's layer contracts
	$(VENV)/bin/ruff check improvement_report tests benchmarks
	$(VENV)/bin/ruff format --check improvement_report tests benchmarks
	$(VENV)/bin/lint-imports

unit: $(STAMP) ## Unit tests of the package (tests/<layer>/; the browser and build groups are left out)
	$(PY) -m pytest tests

nbval: $(STAMP) ## Re-run the executed edition in book/ and compare every output
	$(PY) -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider book/*.ipynb

build-check: $(STAMP) pdf-deps ## Rebuild the default report from scratch, every page executed (warnings fail)
	$(PY) -m improvement_report build --config config/default.yml --no-cache

many-reports: $(STAMP) pdf-deps ## Build three reports at once locally (one failing) and two on a local Dask cluster
	$(PY) -m pytest -p no:cacheprovider -m build tests/many_reports

pdf-deps: ## Install Debian's Chromium (prints the PDF) and poppler-utils (reads it in the tests), when missing
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/pdftotext ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; fi

browser-deps: pdf-deps ## Install Debian's Chromium and chromedriver, poppler-utils, and the pinned axe-core, when missing
	@if [ ! -x /usr/bin/chromedriver ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-driver >/dev/null; fi
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

browser: $(STAMP) browser-deps ## Drive the built book in headless Chromium: pages, images, links, search, axe-core, identifiers
	$(PY) -m pytest -p no:cacheprovider -m browser tests/browser

reproducible: ## Fail when the rebuild changed the committed edition or demo data
	@git diff --stat --exit-code -- book data || { echo "The rebuild changed committed files (above): the committed edition is stale or not reproducible."; exit 1; }

bench: $(STAMP) ## Time the book's stages and the engine at 10^4-10^7 rows against DuckDB; writes benchmarks/RESULTS.md
	$(PY) -m benchmarks.run $(if $(BENCH_SIZES),--sizes $(BENCH_SIZES))

demo-data: $(STAMP) ## Regenerate data/demo from the fixed seed
	$(PY) -m improvement_report demo-data

figures: $(STAMP) ## Print the headline figures for the default period as JSON
	$(PY) -m improvement_report figures --data data/demo --month 2017-11 --window-start 2017-09-01 --window-end 2017-12-31

validate: $(STAMP) ## Check CONFIG's data folder against the data contract
	$(PY) -m improvement_report validate --config $(CONFIG)

clean: ## Remove the built HTML, the execution cache and benchmark extracts (not the executed edition in book/)
	rm -rf _build
