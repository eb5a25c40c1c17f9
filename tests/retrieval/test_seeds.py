"""The shipped glossary names real metrics, and every shipped example's SQL runs through the
real gate and executor (as the head-office analyst) and reads only the tables it lists."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from asker.config import Settings
from asker.retrieval.seeds import load_examples, load_expansions, load_glossary
from tests import callers
from tests.retrieval.conftest import TinyIndex


def test_glossary_names_published_metrics(tiny_index: TinyIndex) -> None:
    codes = set(tiny_index.dictionary.metric_codes)
    terms = load_glossary()
    assert len(terms) >= 20
    assert all(set(t.metrics) <= codes for t in terms)


def test_expansions_load() -> None:
    pairs = load_expansions()
    assert ("借款", "贷款") in pairs and all(k == k.lower() for k, _ in pairs)


@pytest.mark.parametrize("example", load_examples(), ids=lambda e: e.id)
def test_example_sql_passes_the_gate_and_runs(example, tiny_dir: Path) -> None:  # type: ignore[no-untyped-def]
    tables = {t.name for t in sqlglot.parse_one(example.sql, dialect="duckdb").find_all(exp.Table)}
    assert tables == set(example.tables)
    answer = callers.run_sql(Settings(data_dir=tiny_dir), "zhang.wei", example.sql)
    assert answer.status == "ok", (answer.code, answer.message)
    assert answer.row_count and answer.row_count > 0
