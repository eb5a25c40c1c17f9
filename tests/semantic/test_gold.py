"""Compiled metric queries equal hand-written SQL from the 口径 text (tests/semantic/gold/).

The gold SQL was written independently of the compiler, from ARCHITECTURE §5 only.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from asker.semantic.compiler import Compiler
from asker.semantic.impact import query_from_yaml
from asker.semantic.validate import load_seed_dictionary
from asker.types import MetricQuery
from asker.warehouse.catalog import load_catalog
from asker.warehouse.engine import DuckDBExecutor
from tests.helpers import result_diff, rows

GOLD = Path(__file__).parent / "gold"


def gold_cases() -> list[Any]:
    cases = []
    for path in sorted(GOLD.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            cases.append(pytest.param(case, id=case["id"]))
    return cases


@pytest.fixture(scope="module")
def compiler() -> Compiler:
    return Compiler(load_seed_dictionary(), load_catalog(), date(2026, 9, 30))


def _metric_columns(query: MetricQuery) -> int:
    return len(query.metrics) * (4 if query.compare else 1)


def _drop_empty(result: list[tuple[Any, ...]], n_metrics: int) -> list[tuple[Any, ...]]:
    return [r for r in result if any(v is not None for v in r[len(r) - n_metrics :])]


@pytest.mark.parametrize("case", gold_cases())
def test_compiled_result_equals_the_hand_written_gold(
    case: dict[str, Any], compiler: Compiler, tiny_executor: DuckDBExecutor
) -> None:
    query = query_from_yaml(case["query"])
    compiled = compiler.compile(query)
    n = _metric_columns(query)
    got = _drop_empty(rows(tiny_executor, compiled.sql()), n)
    want = _drop_empty(rows(tiny_executor, case["sql"]), n)
    assert want, f"{case['id']}: the gold query returned nothing; fix the gold case"
    diff = result_diff(got, want)
    assert diff is None, f"{case['id']}: {diff}\n\ncompiled SQL:\n{compiled.sql(pretty=True)}"
