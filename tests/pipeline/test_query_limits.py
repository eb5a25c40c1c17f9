"""Limits through the facade (``asker sql`` and ``asker ask``): one deadline over the gate and the
execution, OFFSET counted against the row cap, the per-user concurrency cap. Expected rows come
from the warehouse read directly, not from the code under test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from asker.config import Settings
from tests import callers


@pytest.fixture(scope="module")
def capped(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir, row_cap=20)


@pytest.fixture(scope="module")
def hurried(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir, query_timeout_s=0.5)


def org_ids(tiny_executor: Any) -> list[str]:
    """Every org id, read from the warehouse directly (no gate, no row cap)."""
    sql = "SELECT org_id FROM dim_org ORDER BY org_id"
    result = tiny_executor.execute_sql(sql, row_cap=10_000, timeout_s=30)
    return [r[0] for r in result.rows]


def test_an_offset_reaches_nothing_past_the_cap(capped: Settings, tiny_executor: Any) -> None:
    answer = callers.run_sql(
        capped, "zhang.wei", "SELECT org_id FROM dim_org ORDER BY org_id LIMIT 10 OFFSET 15"
    )
    assert answer.status == "ok"
    assert [r[0] for r in answer.rows] == org_ids(tiny_executor)[15:20]
    assert answer.truncated


def test_an_offset_at_the_cap_is_refused(capped: Settings) -> None:
    answer = callers.run_sql(
        capped, "zhang.wei", "SELECT org_id FROM dim_org ORDER BY org_id OFFSET 20"
    )
    assert (answer.status, answer.code) == ("refused", "OFFSET_PAST_CAP")
    assert "20" in answer.message and answer.rows == ()


def test_a_query_past_the_deadline_stops_and_the_next_one_works(hurried: Settings) -> None:
    heavy = "SELECT count(*) FROM fact_deposit_balance_daily a, fact_deposit_balance_daily b"
    answer = callers.run_sql(hurried, "zhang.wei", heavy)
    assert (answer.status, answer.code) == ("refused", "QUERY_TIMEOUT")
    assert "0.5" in answer.message  # the whole limit, not what was left of it
    after = callers.run_sql(hurried, "zhang.wei", "SELECT count(*) AS n FROM dim_org")
    assert after.status == "ok" and after.rows == ((33,),)


def test_a_long_chain_of_joins_is_refused_by_the_gate(hurried: Settings) -> None:
    joins = " ".join(f"JOIN dim_org t{i} ON t{i}.org_id = t{i - 1}.org_id" for i in range(1, 60))
    answer = callers.run_sql(hurried, "zhang.wei", f"SELECT count(*) FROM dim_org t0 {joins}")
    assert (answer.status, answer.code) == ("refused", "STATEMENT_TOO_COMPLEX")


def test_the_concurrency_cap_refuses_the_extra_request(capped: Settings) -> None:
    rt = callers.runtime(capped)
    slots = rt.slots
    held = [slots.try_acquire("li.na") for _ in range(capped.max_concurrent_queries_per_user)]
    assert all(held)
    try:
        answer = callers.run_sql(capped, "li.na", "SELECT count(*) FROM dim_org")
        assert (answer.status, answer.code) == ("refused", "TOO_MANY_CONCURRENT")
        other = callers.run_sql(capped, "wang.fang", "SELECT count(*) FROM dim_org")
        assert other.status == "ok"  # the cap is per user
        asked = callers.ask(capped, "li.na", "存款余额")
        assert asked.code == "TOO_MANY_CONCURRENT"
    finally:
        for _ in held:
            slots.release("li.na")
    assert callers.run_sql(capped, "li.na", "SELECT count(*) FROM dim_org").status == "ok"
