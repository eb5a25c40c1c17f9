# asker: `make run` sets everything up and starts asker on the demo bank; `make test` sets
# everything up and runs the whole suite (lint, types, tests). Nothing else is needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR ?= .asker
SCALE ?= small
PORT ?= 8501

.PHONY: setup run test lint bench clean lock

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "asker needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: setup
	test -f $(DATA_DIR)/manifest.json || $(BIN)/asker init --data-dir $(DATA_DIR) --scale $(SCALE)
	$(BIN)/asker serve --data-dir $(DATA_DIR) --port $(PORT)

lint: setup
	$(BIN)/ruff check asker ui eval tests
	$(BIN)/ruff format --check asker ui eval tests
	$(BIN)/mypy

test: lint
	$(BIN)/pytest -n auto -q

bench: setup
	$(BIN)/asker bench --data-dir $(DATA_DIR) --output bench/results.json

# Re-pin the whole dependency tree after changing pyproject.toml's pins.
lock: setup
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^asker' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
