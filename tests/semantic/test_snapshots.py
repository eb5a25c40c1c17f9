"""Snapshots of compiled SQL for every metric in four shapes (tests/semantic/snapshots/)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from asker.semantic.compiler import Compiler
from asker.semantic.query_checks import is_balance
from asker.semantic.validate import load_seed_dictionary
from asker.types import Filter, MetricQuery, Period
from asker.warehouse.catalog import load_catalog
from tests.snapshots import assert_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
DICTIONARY = load_seed_dictionary()
COMPILER = Compiler(DICTIONARY, load_catalog(), date(2026, 9, 30))


def shapes(code: str) -> dict[str, MetricQuery]:
    metric = DICTIONARY.metric(code)
    by = "branch" if "branch" in metric.dimensions else None
    compare = "ytd" if is_balance(metric, DICTIONARY) else "yoy"
    return {
        "single value, default period": MetricQuery(metrics=(code,)),
        "by branch, 2026 Q2": MetricQuery(
            metrics=(code,),
            dimensions=(by,) if by else (),
            period=Period(date(2026, 4, 1), date(2026, 6, 30)),
        ),
        "monthly trend 2026 Q3, 成都分行": MetricQuery(
            metrics=(code,),
            grain="month",
            period=Period(date(2026, 7, 1), date(2026, 9, 30)),
            filters=(Filter("branch", ("B05",)),) if by else (),
        ),
        f"compared ({compare})": MetricQuery(metrics=(code,), compare=compare),  # type: ignore[arg-type]
    }


@pytest.mark.parametrize("code", DICTIONARY.metric_codes)
def test_compiled_sql_matches_its_snapshot(request: pytest.FixtureRequest, code: str) -> None:
    parts = []
    for title, query in shapes(code).items():
        parts.append(f"-- {title}\n{COMPILER.compile(query).sql(pretty=True)};\n")
    assert_snapshot(request, SNAPSHOTS / f"{code}.sql", "\n".join(parts))


def test_compiling_is_deterministic() -> None:
    query = MetricQuery(
        metrics=("npl_ratio", "loan_balance"), dimensions=("branch",), compare="mom"
    )
    assert COMPILER.compile(query).sql() == COMPILER.compile(query).sql()
