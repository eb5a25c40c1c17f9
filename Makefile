# asker: `make run` sets everything up and starts asker on the demo bank; `make test` sets
# everything up and runs the whole suite (lint, types, tests). Nothing else is needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA_DIR ?= .asker
SCALE ?= small

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
	@echo "== 示例 samples: asker sql runs one checked, read-only statement on the demo bank =="
	$(BIN)/asker sql --data-dir $(DATA_DIR) "SELECT org_id, org_name, city FROM dim_org WHERE org_level = '分行' ORDER BY org_id"
	$(BIN)/asker sql --data-dir $(DATA_DIR) "SELECT o.org_name AS 分行, SUM(f.balance) AS 存款余额 FROM fact_deposit_balance_daily f JOIN dim_org s ON s.org_id = f.org_id JOIN dim_org o ON o.org_id = s.branch_id WHERE f.biz_date = DATE '2026-09-30' GROUP BY o.org_id, o.org_name ORDER BY o.org_id"
	$(BIN)/asker sql --data-dir $(DATA_DIR) "DELETE FROM dim_org" || echo "(refused as expected: exit $$?)"

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
