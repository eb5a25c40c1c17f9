# asker: `make run` sets everything up and starts asker on the demo bank; `make test` sets
# everything up and runs the whole suite (lint, types, tests). Nothing else is needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
DATA_DIR ?= .asker
SCALE ?= small
PORT ?= 8501

.PHONY: setup setup-spark run test test-engines test-spark-slice lint bench clean lock

setup: $(STAMP)

# The Spark Connect client (the `spark` extra) for the engine tests; `make run` stays light.
setup-spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.lock
	touch $(SPARK_STAMP)

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

# Engine tests sharing one Spark Connect server run on one worker (xdist_group "spark").
test: lint setup-spark
	$(BIN)/pytest -n auto -q --dist loadgroup

# The whole bank gold suite on PostgreSQL and Spark Connect (figures in bench/engines.json).
test-engines: setup-spark
	ASKER_ENGINES_FULL=1 $(BIN)/pytest -n 2 -q --dist loadgroup tests/eval/test_engines.py

# Spark's 60-case covering slice in both modes (CI runs a 15-case representative slice).
test-spark-slice: setup-spark
	ASKER_SPARK_SLICE=1 $(BIN)/pytest -q tests/eval/test_engines.py -k spark

bench: setup
	$(BIN)/asker bench --data-dir $(DATA_DIR) --output bench/results.json

# Re-pin the whole dependency tree after changing pyproject.toml's pins.
lock: setup
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^asker' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
