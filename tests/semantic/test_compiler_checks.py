"""What the compiler refuses, and the suggestions it makes."""

from __future__ import annotations

from datetime import date

import pytest

from asker.errors import NotAnswerable
from asker.semantic.compiler import Compiler
from asker.semantic.query_checks import is_balance
from asker.semantic.validate import load_seed_dictionary
from asker.types import MetricQuery, Period
from asker.warehouse.catalog import load_catalog

COMPILER = Compiler(load_seed_dictionary(), load_catalog(), date(2026, 9, 30))


def refusal(query: MetricQuery) -> NotAnswerable:
    with pytest.raises(NotAnswerable) as caught:
        COMPILER.compile(query)
    return caught.value


def test_an_unknown_metric_gets_did_you_mean() -> None:
    error = refusal(MetricQuery(metrics=("deposit_balanse",)))
    assert error.code == "UNKNOWN_METRIC" and "deposit_balance" in error.message("en")


def test_an_unknown_dimension_gets_did_you_mean() -> None:
    error = refusal(MetricQuery(metrics=("deposit_balance",), dimensions=("brunch",)))
    assert error.code == "UNKNOWN_DIMENSION" and "branch" in error.message("zh")


def test_a_dimension_the_metric_does_not_allow_is_refused_naming_the_allowed_ones() -> None:
    error = refusal(MetricQuery(metrics=("deposit_balance",), dimensions=("channel",)))
    assert error.code == "DIMENSION_NOT_ALLOWED"
    assert "存款余额" in error.message("zh") and "分行" in error.message("zh")


def test_ytd_comparison_only_for_balances() -> None:
    assert refusal(MetricQuery(metrics=("txn_count",), compare="ytd")).code == "COMPARE_NOT_ALLOWED"
    COMPILER.compile(MetricQuery(metrics=("npl_ratio",), compare="ytd"))  # a ratio of balances


def test_periods_outside_the_data_are_refused() -> None:
    after = MetricQuery(
        metrics=("txn_count",), period=Period(date(2026, 10, 1), date(2026, 10, 31))
    )
    assert refusal(after).code == "PERIOD_OUT_OF_RANGE"
    before = MetricQuery(
        metrics=("txn_count",), period=Period(date(2020, 1, 1), date(2020, 12, 31))
    )
    assert "2024-01-01" in refusal(before).message("en")


def test_a_period_running_past_the_data_date_is_cut_at_it() -> None:
    compiled = COMPILER.compile(
        MetricQuery(
            metrics=("deposit_avg_daily",), period=Period(date(2026, 7, 1), date(2026, 12, 31))
        )
    )
    assert compiled.buckets == (Period(date(2026, 7, 1), date(2026, 9, 30)),)


def test_balance_or_flow() -> None:
    d = load_seed_dictionary()
    balances = {m.code for m in d.metrics if is_balance(m, d)}
    assert {
        "deposit_balance",
        "npl_ratio",
        "loan_to_deposit_ratio",
        "deposit_growth_ytd",
        "customer_count",
        "deposit_budget_attainment",
    } <= balances
    assert (
        not {
            "txn_count",
            "deposit_avg_daily",
            "normal_migration_rate",
            "credit_approval_rate",
            "new_loan_amount_ytd",
        }
        & balances
    )


def test_result_columns_follow_the_contract() -> None:
    compiled = COMPILER.compile(
        MetricQuery(
            metrics=("npl_ratio", "loan_balance"),
            dimensions=("branch",),
            grain="quarter",
            compare="yoy",
            period=Period(date(2026, 1, 1), date(2026, 9, 30)),
        )
    )
    assert compiled.columns == (
        "quarter",
        "branch",
        "npl_ratio",
        "npl_ratio_compare",
        "npl_ratio_diff",
        "npl_ratio_growth",
        "loan_balance",
        "loan_balance_compare",
        "loan_balance_diff",
        "loan_balance_growth",
    )
