"""A property over random periods, comparisons, dimensions and roles on tiny: an attribution's
member contributions (a ratio's rate + mix parts) add up to its total change, which is the
metric's value at the period minus its value at the comparison period; and nothing the role
may not see appears."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asker.config import Settings
from asker.semantic.periods import add_months, month_end
from asker.types import Attribution, MetricQuery, Period
from tests import callers

USERS = ("zhang.wei", "chen.jie", "li.na", "wang.fang", "liu.yang")
METRICS = {
    "deposit_balance": ("branch", "subbranch", "product_type", "segment", "cust_type"),
    "loan_balance": ("branch", "subbranch", "product_type", "five_class", "guarantee_type"),
    "aum_balance": ("branch", "segment", "risk_level"),
    "txn_amount": ("branch", "channel", "cust_type"),
    "new_loan_amount": ("branch", "product_type"),
    "deposit_avg_daily": ("branch", "product_type"),
    "npl_ratio": ("branch", "subbranch", "product_type", "segment"),
    "time_deposit_ratio": ("branch", "segment", "cust_type"),
    "mobile_txn_share": ("branch", "segment"),
}
RATIOS = {"npl_ratio", "time_deposit_ratio", "mobile_txn_share"}


@st.composite
def periods(draw: st.DrawFn) -> Period:
    months = draw(st.integers(min_value=0, max_value=31))  # 2024-03 .. 2026-09
    start = add_months(date(2024, 3, 1), months)
    if draw(st.booleans()):
        return Period(start, month_end(start))
    q = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    return Period(max(q, date(2024, 4, 1)), month_end(add_months(max(q, date(2024, 4, 1)), 2)))


@st.composite
def asks(draw: st.DrawFn) -> tuple[str, MetricQuery]:
    metric = draw(st.sampled_from(sorted(METRICS)))
    query = MetricQuery(
        (metric,),
        (draw(st.sampled_from(METRICS[metric])),),
        period=draw(periods()),
        compare=draw(st.sampled_from(["mom", "mom", "yoy"])),
        attribution=Attribution(),
    )
    return draw(st.sampled_from(USERS)), query


@pytest.fixture(scope="module")
def tiny_settings(tiny_dir: Path) -> Settings:
    return Settings(data_dir=tiny_dir)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(asks())
def test_contributions_add_up_to_the_total_change(
    tiny_settings: Settings, ask: tuple[str, MetricQuery]
) -> None:
    user, query = ask
    found = callers.ask_query(tiny_settings, user, query)
    if found.code == "PERIOD_OUT_OF_RANGE":  # 同比 of 2024: before the history starts
        return
    assert found.status == "ok", (user, query, found.message)
    summary = found.attribution
    assert summary is not None
    total = found.total_change
    scale = max(1.0, abs(summary.value_after or 0), abs(summary.value_before or 0))
    if summary.value_before is not None and summary.value_after is not None:
        assert math.isclose(total, summary.value_after - summary.value_before, abs_tol=1e-9 * scale)
    if query.metrics[0] in RATIOS:
        rate = sum(r[3] for r in found.rows)
        mix = sum(r[4] for r in found.rows)
        assert math.isclose(rate + mix, total, abs_tol=1e-12)
        assert math.isclose(sum(r[5] for r in found.rows), total, abs_tol=1e-12)
        assert math.isclose(rate, summary.rate_total, abs_tol=1e-12)
    else:
        assert math.isclose(sum(r[3] for r in found.rows), total, abs_tol=1e-6 * scale)
