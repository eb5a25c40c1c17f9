"""The bypass corpus holds on PostgreSQL: the same attempts and legitimate queries as
tests/gate/test_bypass_corpus.py, gated as there, run on the tiny demo bank loaded into
PostgreSQL (tests/engines.py). The scope and PII checks read the same engine's rows.

A legitimate query written with a DuckDB-only construct PostgreSQL lacks (``TRY_CAST``,
``GROUP BY ALL``, ``* EXCLUDE``) is refused there as ``UNSUPPORTED_SQL``, never translated
into something else; every other one runs, in scope, and equals the query run ungated, except
for the small cells the gate suppresses for a role without detail (k-cell suppression): the same
cells as on DuckDB, run on the copy the engine was loaded from."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from asker.api import limits
from asker.errors import InvalidSql
from asker.types import QueryResult
from asker.warehouse.engine import open_warehouse
from asker.warehouse.url import open_executor
from tests.engines import EngineBank
from tests.gate.bank import Bank, make_bank
from tests.gate.test_bypass_corpus import (
    LEGITIMATE,
    assert_in_scope,
    gated,
    run,
    test_bypass_attempt,
)
from tests.helpers import suppressed_diff

pytestmark = pytest.mark.engines
__all__ = ["test_bypass_attempt"]  # collected here too, on PostgreSQL
DUCKDB_ONLY = re.compile(r"\bTRY_CAST\b|\bGROUP BY ALL\b|\*\s*EXCLUDE\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def bank(pg_bank: EngineBank) -> Iterator[Bank]:
    settings = pg_bank.settings
    executor = open_executor(settings, limits(settings))
    try:
        yield make_bank(executor, handmade=False)  # type: ignore[arg-type]
    finally:
        executor.close()


@pytest.fixture(scope="module")
def duck(pg_bank: EngineBank) -> Iterator[Bank]:
    """The DuckDB file PostgreSQL was loaded from: the reference for the suppressed cells."""
    executor = open_warehouse(pg_bank.duck_file, limits(pg_bank.settings))
    try:
        yield make_bank(executor, handmade=False)
    finally:
        executor.close()


def suppressed_columns(result: QueryResult) -> Counter[str]:
    return Counter(c.column for c in result.suppressed)


@pytest.mark.parametrize(
    "query", LEGITIMATE, ids=[f"{q['role']}-{i:02d}" for i, q in enumerate(LEGITIMATE)]
)
def test_legitimate_query_on_postgresql(query: dict[str, Any], bank: Bank, duck: Bank) -> None:
    checked = gated(bank, query["role"], query["sql"])
    if DUCKDB_ONLY.search(query["sql"]):
        with pytest.raises(InvalidSql) as refused:
            run(bank, checked)
        assert refused.value.code == "UNSUPPORTED_SQL"
        return
    result = run(bank, checked)
    assert_in_scope(bank, query["role"], result)
    on_duckdb = run(duck, gated(duck, query["role"], query["sql"]))
    assert suppressed_columns(result) == suppressed_columns(on_duckdb), "other cells suppressed"
    if query.get("same_as_raw"):
        diff = suppressed_diff(result, bank.rows(query["sql"]))
        assert diff is None, f"the rewrite changed: {diff}"
