# Two entry points for a fresh Debian machine (root, Python 3.11):
#   make pack   -> .venv, package, conference pack in reports/
#   make test   -> the same plus test dependencies (poppler-utils, LibreOffice Impress, axe-core), pytest
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(PY) -m pip
PACK_ARGS ?=

.PHONY: pack test lab venv install install-test system-deps test-system-deps clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

venv: $(VENV)/bin/python

install: venv
	$(PIP) install -q -e .

# Chromium drives kaleido (static images), print-to-PDF and the browser tests;
# the fonts give Arabic and Latin glyphs in static exports; poppler-utils' pdftotext lets the
# tests read the print PDFs (no count below 5 published).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'Noto Sans Arabic' \
	    || ! command -v pdftotext >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-noto-core fonts-dejavu-core poppler-utils >/dev/null; \
	fi

# The tests also read PDFs (poppler-utils: pdftotext), convert a deck with LibreOffice Impress
# (no GUI) and check pages with axe-core (npm, into .cache/axe-core: test-only, never committed).
AXE_VERSION ?= 4.14.1
test-system-deps: system-deps
	@if ! command -v pdftotext >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    poppler-utils libreoffice-impress-nogui $$(command -v npm >/dev/null 2>&1 || echo npm) >/dev/null; \
	fi
	@test -f .cache/axe-core/node_modules/axe-core/axe.min.js || \
	  npm install --prefix .cache/axe-core --no-save --no-audit --no-fund axe-core@$(AXE_VERSION) >/dev/null

pack: install system-deps
	$(VENV)/bin/traffickstats pack --out reports $(PACK_ARGS)

install-test: venv
	$(PIP) install -q -e '.[test,dask]'

test: install-test test-system-deps
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	$(PY) -m pytest -q $(PYTEST_ARGS)

# JupyterLab on the briefing notebooks (the .py files open as notebooks: notebooks/jupyterlab/)
lab: install
	$(PIP) install -q -e '.[notebook]'
	cd notebooks && ../$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root)

clean:
	rm -rf reports .pytest_cache
