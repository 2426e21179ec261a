# Two commands: `make run` and `make test`. Each creates .venv and installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SITE ?= site
SAMPLE := examples/sample-article.html

.PHONY: run test test-fast lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setuptools says every editable install is one ("Editable installation…"): that notice, from
# its editable_wheel module alone, is not printed; any other warning is.
QUIET_EDITABLE := PYTHONWARNINGS="ignore:::setuptools.command.editable_wheel"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(QUIET_EDITABLE) $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/audio-edition build $(SAMPLE) --site $(SITE)

# Podcast Index's feed parser (npm) for the client tests, when npm is here; pinned by the lock.
$(VENV)/.installed-node: tests/clients/package-lock.json | $(BIN)/python
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p $(VENV)/node && cp tests/clients/package.json tests/clients/package-lock.json $(VENV)/node/ && \
		npm ci --prefix $(VENV)/node --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the podcast-partytime test will be skipped"; fi

test: $(VENV)/.installed-test $(VENV)/.installed-node
	$(BIN)/python -m pytest

# What needs no voice, browser or cluster: the tests not marked e2e.
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not e2e"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check podcast voices audio tests bench
	$(BIN)/ruff format --check podcast voices audio tests bench
	$(BIN)/python -m mypy
	$(BIN)/lint-imports

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py
	$(BIN)/python bench/feed_render.py

clean:
	rm -rf $(VENV) $(SITE) .audio-edition
