# Everything the project needs is installed from here into .venv; nothing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The real client, without its ML stack (torch, xgboost...): see mls_mock/lightweight.py.
SKTMLS := sktmls==2026.10.7
# The same client as users install it, ML stack and all (torch 2.9.1, a CUDA build: ~8 GB).
VENV_FULL := .venv-full
BIN_FULL  := $(VENV_FULL)/bin
# pip's own cache stores nothing here (the index's responses are not cacheable), so sktmls's
# wheels are kept in a folder of our own, outside the clone, that survives between CI runs.
WHEELHOUSE ?= $(HOME)/.cache/mls-mock/wheels
FULL_TESTS ?= tests/contract tests/plugin tests/mock
# What `make lint` checks; mypy's own list is [tool.mypy] files in pyproject.toml.
LINT_PATHS ?= mls_mock pytest_plugin fixtures bench

# Cached bytecode (and pytest's rewritten test modules) must be written: without it every
# pytest worker, `mls-mock serve` and pytester run recompiles the same sources (~10 s a run).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: serve test test-thorough test-full lint format bench install install-full browser screenshots clean

$(BIN)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	$(BIN)/pip install --quiet --no-deps "$(SKTMLS)"
	touch $@

install: $(BIN)/.installed browser

# tests/browser drive Debian's Chromium and its chromedriver (Selenium never downloads a
# browser or a driver). Installed here when missing, so `make test` on a fresh machine (CI
# runs as root) does all its set-up; without root the browser tests fail saying what to install.
CHROMIUM := /usr/bin/chromium /usr/bin/chromedriver
browser:
	@for tool in $(CHROMIUM); do test -x $$tool || missing=1; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
		else \
			echo "make: the browser tests need Debian's chromium and chromium-driver (run as root: apt-get install chromium chromium-driver)"; \
		fi; \
	fi

# Rebuilt from nothing whenever the pins may have changed: an upgraded venv can keep
# packages that a fresh `pip install sktmls` would not have. sktmls first, as a user has it;
# `pip download` resolves against the index and fetches only wheels the folder lacks, and
# --no-index makes the install take them (with --find-links alone pip prefers the index's
# copy of the same file); `pip check` fails if mls-mock's install broke one of sktmls's pins.
$(BIN_FULL)/.installed: pyproject.toml Makefile
	rm -rf $(VENV_FULL)
	$(PYTHON) -m venv $(VENV_FULL)
	$(BIN_FULL)/pip install --quiet --upgrade pip
	$(BIN_FULL)/pip download --quiet --dest $(WHEELHOUSE) "$(SKTMLS)"
	$(BIN_FULL)/pip install --quiet --no-index --find-links $(WHEELHOUSE) "$(SKTMLS)"
	$(BIN_FULL)/pip install --quiet -e ".[test]"
	$(BIN_FULL)/pip check
	touch $@

install-full: $(BIN_FULL)/.installed

serve: $(BIN)/.installed  ## the fake on 127.0.0.1:8000, in memory (no browser needed: not `install`)
	$(BIN)/mls-mock serve $(ARGS)

# One worker per core, each handed one test at a time (the longest first: tests/conftest.py),
# so that none idles while another ends on a long test (xdist's default hands each worker a
# quarter of its share up front).
XDIST := -n auto --dist load --maxschedchunk 1

test: install   ## the whole suite, at the default size (about 7 minutes on 2 idle cores)
	$(BIN)/python -m pytest $(XDIST) $(ARGS)

test-thorough: install  ## the same tests with the full example, step and request counts
	MLS_MOCK_TESTS=thorough $(BIN)/python -m pytest $(XDIST) $(ARGS)

test-full: install-full  ## the contract, plugin and MLSMock tests against a full sktmls install
	$(BIN_FULL)/python -m pytest $(XDIST) $(FULL_TESTS) $(ARGS)

lint: install   ## ruff (lint, and format without rewriting) and mypy; what CI runs
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy

format: install  ## rewrite what `make lint` would refuse and ruff can fix
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

# The README's pictures of the dashboard, taken by tests/browser (a plain test run writes them
# to a temporary folder only, so it never changes tracked files).
# The demo seed's Korean text needs a Hangul font (a system one: the page loads no web font).
screenshots: install  ## rewrite tests/browser/screenshots/*.png
	@test -d /usr/share/fonts/truetype/nanum || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq fonts-nanum >/dev/null; } || true
	MLS_MOCK_SCREENSHOTS=1 $(BIN)/python -m pytest -n 0 -q tests/browser $(ARGS)

bench: install  ## the benchmark table
	$(BIN)/python bench/run.py $(ARGS)

clean:
	rm -rf $(VENV) $(VENV_FULL)
