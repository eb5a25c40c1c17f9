"""The pre-started executor children: a query past its deadline stops, the child that ran it is
killed and replaced, and the next query works; a child has its memory limits. No timed
assertions: the outcome (the error code, a new child, the next answer) is what is checked."""

from __future__ import annotations

import os
import signal
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


def test_a_child_answers_like_the_warehouse(pool: PooledExecutor) -> None:
    assert run(pool, "SELECT count(*) FROM dim_org WHERE org_level = '分行'") == ((10,),)


def test_a_child_that_cannot_answer_is_killed_at_the_deadline_and_replaced(
    pool: PooledExecutor,
) -> None:
    """Some phases of a DuckDB query never see ``interrupt()``; a frozen child stands for all of
    them: whatever the child does, the request ends at its deadline and the next one is served."""
    run(pool, "SELECT 1")  # the child is up
    before, replaced = pool.pids(), pool.replaced
    (frozen,) = before
    os.kill(frozen, signal.SIGSTOP)
    with pytest.raises(QueryLimit) as caught:
        run(pool, "SELECT 1", timeout_s=0.5)
    assert caught.value.code == "QUERY_TIMEOUT"
    assert pool.replaced == replaced + 1
    assert set(pool.pids()).isdisjoint(before)
    assert not Path(f"/proc/{frozen}").exists() or "Z" in _state(frozen)
    assert run(pool, "SELECT count(*) FROM dim_org") == ((33,),)


def _state(pid: int) -> str:
    """The process state letter from /proc (a killed child not yet reaped shows Z)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


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
