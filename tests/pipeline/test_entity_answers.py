"""Entity lists and thresholds end to end on tiny (real DuckDB, real gate): each answer's rows
against SQL written by hand from ARCHITECTURE §5-§6 with the role's scope and masks in it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlglot

from asker.config import Settings
from asker.types import MetricQuery
from tests import callers

NAME = (
    "CASE WHEN length(c.cust_name) <= 1 THEN repeat('*', length(c.cust_name)) "
    "ELSE left(c.cust_name, 1) || '**' END"
)
MOBILE = (
    "CASE WHEN length(c.mobile) <= 7 THEN repeat('*', length(c.mobile)) "
    "ELSE left(c.mobile, 3) || '****' || right(c.mobile, 4) END"
)


@pytest.fixture(scope="module")
def settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir)


def _rows(tiny_executor: Any, sql: str) -> list[tuple[Any, ...]]:
    result = tiny_executor.execute(
        sqlglot.parse_one(sql, dialect="duckdb"), row_cap=5000, timeout_s=30
    )
    return [tuple(r) for r in result.rows]


def _same(got: tuple[tuple[Any, ...], ...], want: list[tuple[Any, ...]]) -> None:
    def norm(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(round(float(v), 2) if isinstance(v, float | Decimal) else v for v in row)

    assert [norm(r) for r in got] == [norm(r) for r in want]


def test_a_client_managers_top_customers_with_mobiles(
    settings: Settings, tiny_executor: Any
) -> None:
    found = callers.ask(settings, "liu.yang", "我名下存款最多的10个客户及其手机号")
    assert found.status == "ok", found.message
    assert found.columns == ("cust_id", "cust_name", "mobile", "deposit_balance")
    want = _rows(
        tiny_executor,
        f"""SELECT c.cust_id, c.cust_name, {MOBILE}, SUM(f.balance) AS b
        FROM fact_deposit_balance_daily f JOIN dim_customer c ON c.cust_id = f.cust_id
        WHERE f.biz_date = DATE '2026-09-30' AND c.manager_emp_id = 'E00051'
        GROUP BY c.cust_id, c.cust_name, c.mobile ORDER BY b DESC, c.cust_id LIMIT 10""",
    )
    _same(found.rows, want)
    assert [m.value["column"] for m in found.masked_columns] == ["mobile"]


def test_a_threshold_list_is_stated_in_filters_and_words(
    settings: Settings, tiny_executor: Any
) -> None:
    found = callers.ask(settings, "wang.fang", "哪些客户存款超过100万")
    assert found.status == "ok", found.message
    assert "存款余额 超过 100万" in [f.label for f in found.filters]
    assert "超过 100万" in found.message and "按客户列出" in found.message
    want = _rows(
        tiny_executor,
        f"""SELECT c.cust_id, {NAME}, SUM(f.balance)
        FROM fact_deposit_balance_daily f JOIN dim_customer c ON c.cust_id = f.cust_id
        WHERE f.biz_date = DATE '2026-09-30' AND c.open_org_id = 'B05S01'
        GROUP BY c.cust_id, c.cust_name HAVING SUM(f.balance) > 1000000 ORDER BY c.cust_id""",
    )
    _same(found.rows, want)


def test_a_metric_threshold_on_groups_is_a_having(settings: Settings, tiny_executor: Any) -> None:
    found = callers.ask(
        settings, "zhang.wei", "branches with deposit balance of at least 40 million"
    )
    assert found.status == "ok", found.message
    want = _rows(
        tiny_executor,
        """SELECT b.org_name, SUM(f.balance) FROM fact_deposit_balance_daily f
        JOIN dim_org s ON s.org_id = f.org_id JOIN dim_org b ON b.org_id = s.branch_id
        WHERE f.biz_date = DATE '2026-09-30' GROUP BY b.org_id, b.org_name
        HAVING SUM(f.balance) >= 40000000 ORDER BY b.org_id""",
    )
    _same(found.rows, want)
    assert any("at least 40,000,000" in f.label for f in found.filters)


def test_an_aggregates_only_role_is_refused_with_the_aggregate_as_a_choice(
    settings: Settings, tiny_executor: Any
) -> None:
    found = callers.ask(settings, "chen.jie", "存款最多的10个客户")
    assert (found.status, found.code) == ("refused", "DETAIL_NOT_ALLOWED")
    assert not found.rows
    (choice,) = found.choices
    assert isinstance(choice.value, MetricQuery) and choice.value.entity is None
    picked = callers.ask_query(settings, "chen.jie", choice.value)
    assert picked.status == "ok"
    assert picked.columns == ("branch", "deposit_balance") and len(picked.rows) == 10


def test_a_query_with_an_entity_still_goes_through_the_gate(settings: Settings) -> None:
    """Picked as a choice (no parsing), an entity list for the executive is still refused."""
    query = MetricQuery(
        ("aum_balance",), entity="customer", attributes=("mobile",), order="desc", limit=5
    )
    found = callers.ask_query(settings, "chen.jie", query)
    assert (found.status, found.code) == ("refused", "DETAIL_NOT_ALLOWED")
