"""The pre-started executor children: a query past its deadline stops, the child that ran it is
killed and replaced, and the next query works; a child has its memory limits. No timed
assertions: the outcome (the error code, a new child, the next answer) is what is checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlglot

from asker.errors import QueryLimit
from asker.warehouse.engine import Limits
from asker.warehouse.executor_pool import PooledExecutor


@pytest.fixture(scope="module")
def pool(tiny_db: Path) -> Iterator[PooledExecutor]:
    executor = PooledExecutor(tiny_db, Limits(memory_limit="1GB", address_space_mb=4096))
    yield executor
    executor.close()


def run(pool: PooledExecutor, sql: str, timeout_s: float = 60.0) -> tuple[tuple[object, ...], ...]:
    return pool.execute(
        sqlglot.parse_one(sql, dialect="duckdb"), row_cap=10, timeout_s=timeout_s
    ).rows


def join_chain(n: int) -> str:
    """A self-join chain DuckDB spends seconds planning (its interrupt cannot reach it)."""
    joins = " ".join(
        f"JOIN dim_org t{i} ON t{i}.org_id = t{i - 1}.org_id AND t{i}.city = t0.city"
        for i in range(1, n)
    )
    return f"SELECT count(*) FROM dim_org t0 {joins}"


def test_a_child_answers_like_the_warehouse(pool: PooledExecutor) -> None:
    assert run(pool, "SELECT count(*) FROM dim_org WHERE org_level = '分行'") == ((10,),)


def test_a_query_the_planner_cannot_leave_is_stopped_and_its_child_replaced(
    pool: PooledExecutor,
) -> None:
    run(pool, "SELECT 1")  # the child is up
    before, replaced = pool.pids(), pool.replaced
    with pytest.raises(QueryLimit) as caught:
        run(pool, join_chain(300), timeout_s=0.2)
    assert caught.value.code == "QUERY_TIMEOUT"
    assert pool.replaced == replaced + 1
    assert set(pool.pids()).isdisjoint(before)
    assert run(pool, "SELECT count(*) FROM dim_org") == ((33,),)


def test_a_long_scan_is_stopped_within_its_child(pool: PooledExecutor) -> None:
    big = "SELECT count(*) FROM fact_deposit_balance_daily a, fact_deposit_balance_daily b"
    with pytest.raises(QueryLimit) as caught:
        run(pool, big, timeout_s=0.5)
    assert caught.value.code == "QUERY_TIMEOUT"
    assert run(pool, "SELECT 2") == ((2,),)


def test_growing_strings_stop_at_the_memory_limit(pool: PooledExecutor) -> None:
    with pytest.raises(QueryLimit) as caught:
        run(pool, "SELECT length(repeat(repeat('x', 1000000), 3000))")
    assert caught.value.code == "QUERY_MEMORY"
    assert run(pool, "SELECT 3") == ((3,),)


def test_each_child_runs_under_an_address_space_limit(pool: PooledExecutor) -> None:
    run(pool, "SELECT 1")
    (pid,) = pool.pids()
    limits = Path(f"/proc/{pid}/limits").read_text()
    line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
    assert str(4096 * 1024 * 1024) in line
