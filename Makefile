# Two commands: `make run` and `make test`. Each creates .venv and installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SITE ?= site
SAMPLE := examples/sample-article.html

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

run: $(VENV)/.installed
	$(BIN)/audio-edition build $(SAMPLE) --site $(SITE)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check podcast voices audio tests bench
	$(BIN)/ruff format --check podcast voices audio tests bench
	$(BIN)/python -m mypy

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py
	$(BIN)/python bench/feed_render.py

clean:
	rm -rf $(VENV) $(SITE) .audio-edition
