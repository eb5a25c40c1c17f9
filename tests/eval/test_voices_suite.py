"""The voices suite (issue 18 item 6): it loads, it is large enough, every role speaks in it, the
split tags are the recorded seed's split, and every gold SQL runs on tiny (ungated)."""

from __future__ import annotations

import importlib.util
from collections import Counter
from types import ModuleType

import pytest

from asker.warehouse.engine import DuckDBExecutor
from eval.cases import CASES_DIR, load_suite
from tests.helpers import rows

DATA_ROLES = {"client_manager", "subbranch_manager", "branch_manager", "hq_analyst", "hq_executive"}


def _split_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("split_voices", CASES_DIR / "split_voices.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_suite_loads_with_at_least_1500_questions_from_every_data_role() -> None:
    cases = load_suite("voices")
    assert len(cases) >= 1500
    assert {c.tags.permission for c in cases} == DATA_ROLES
    statuses = Counter(c.expect.status for c in cases)
    assert statuses["clarify"] > 0 and statuses["refused"] > 0 and statuses["ok"] > 1000
    assert any(c.turns for c in cases) and any(c.language == "en" for c in cases)


def test_the_split_is_the_recorded_seeds_split() -> None:
    cases = load_suite("voices")
    split = _split_module()
    expected = split.assign(c.id for c in cases)
    assert {c.id: c.tags.split for c in cases} == expected
    tuned = sum(v == "tuned" for v in expected.values())
    assert tuned == round(len(cases) * 0.7)
    # another seed gives another split: the test would notice a re-split
    assert split.assign(sorted(expected), seed=split.SEED + 1) != expected


def test_every_gold_sql_runs_ungated_on_tiny(tiny_executor: DuckDBExecutor) -> None:
    # The shared executor: a process may open the DuckDB file with one configuration only.
    failures = []
    for sql in sorted({c.expect.sql for c in load_suite("voices") if c.expect.sql}):
        try:
            rows(tiny_executor, sql)
        except Exception as error:  # a gold that errors is a mistake in the gold
            failures.append(f"{type(error).__name__} {error}: {sql[:120]}")
    assert not failures, failures[:5]


@pytest.mark.parametrize("status", ["ok", "clarify", "refused"])
def test_each_status_appears_in_both_slices(status: str) -> None:
    slices = {c.tags.split for c in load_suite("voices") if c.expect.status == status}
    assert slices == {"tuned", "untouched"}
