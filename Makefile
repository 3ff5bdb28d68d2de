# Everything the project needs is installed from here into .venv; nothing by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The real client, without its ML stack (torch, xgboost...): see mls_mock/lightweight.py.
SKTMLS := sktmls==2026.10.7

.PHONY: serve test bench install clean

$(BIN)/.installed: pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	$(BIN)/pip install --quiet --no-deps "$(SKTMLS)"
	touch $@

install: $(BIN)/.installed

serve: install  ## the fake on 127.0.0.1:8000, in memory
	$(BIN)/mls-mock serve $(ARGS)

test: install   ## the whole suite
	$(BIN)/python -m pytest $(ARGS)

bench: install  ## the benchmark table
	$(BIN)/python bench/run.py $(ARGS)

clean:
	rm -rf $(VENV)
