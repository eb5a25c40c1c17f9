"""Calendar arithmetic against hand-computed dates."""

from __future__ import annotations

from datetime import date

import pytest

from asker.semantic import periods
from asker.types import Period

D = date


@pytest.mark.parametrize(
    ("period", "grain", "expected"),
    [
        (
            Period(D(2026, 1, 1), D(2026, 3, 31)),
            "month",
            [
                (D(2026, 1, 1), D(2026, 1, 31)),
                (D(2026, 2, 1), D(2026, 2, 28)),
                (D(2026, 3, 1), D(2026, 3, 31)),
            ],
        ),
        (
            Period(D(2025, 11, 15), D(2026, 2, 10)),
            "quarter",
            [(D(2025, 11, 15), D(2025, 12, 31)), (D(2026, 1, 1), D(2026, 2, 10))],
        ),
        (
            Period(D(2024, 1, 1), D(2026, 9, 30)),
            "year",
            [
                (D(2024, 1, 1), D(2024, 12, 31)),
                (D(2025, 1, 1), D(2025, 12, 31)),
                (D(2026, 1, 1), D(2026, 9, 30)),
            ],
        ),
        (
            Period(D(2026, 9, 28), D(2026, 9, 30)),
            "day",
            [
                (D(2026, 9, 28), D(2026, 9, 28)),
                (D(2026, 9, 29), D(2026, 9, 29)),
                (D(2026, 9, 30), D(2026, 9, 30)),
            ],
        ),
    ],
)
def test_buckets(period: Period, grain: str, expected: list[tuple[date, date]]) -> None:
    assert [(b.start, b.end) for b in periods.buckets(period, grain)] == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("period", "grain", "expected"),
    [
        (Period(D(2026, 9, 1), D(2026, 9, 30)), None, Period(D(2026, 8, 1), D(2026, 8, 31))),
        (Period(D(2026, 3, 1), D(2026, 3, 31)), None, Period(D(2026, 2, 1), D(2026, 2, 28))),
        (Period(D(2026, 7, 1), D(2026, 9, 30)), None, Period(D(2026, 4, 1), D(2026, 6, 30))),
        (Period(D(2026, 7, 1), D(2026, 9, 30)), "quarter", Period(D(2026, 4, 1), D(2026, 6, 30))),
        (Period(D(2025, 1, 1), D(2025, 12, 31)), None, Period(D(2024, 1, 1), D(2024, 12, 31))),
        (Period(D(2026, 9, 24), D(2026, 9, 30)), None, Period(D(2026, 9, 17), D(2026, 9, 23))),
        (Period(D(2026, 9, 30), D(2026, 9, 30)), "day", Period(D(2026, 9, 29), D(2026, 9, 29))),
    ],
)
def test_previous_period(period: Period, grain: str | None, expected: Period) -> None:
    assert periods.previous(period, grain) == expected  # type: ignore[arg-type]


def test_year_ago_keeps_month_ends() -> None:
    assert periods.year_ago(Period(D(2025, 2, 1), D(2025, 2, 28))) == Period(
        D(2024, 2, 1), D(2024, 2, 29)
    )
    assert periods.year_ago(Period(D(2024, 2, 1), D(2024, 2, 29))) == Period(
        D(2023, 2, 1), D(2023, 2, 28)
    )


def test_prior_year_end_and_default() -> None:
    assert periods.prior_year_end(Period(D(2026, 7, 1), D(2026, 9, 30))) == Period(
        D(2025, 12, 31), D(2025, 12, 31)
    )
    assert periods.default_period(D(2026, 9, 30)) == Period(D(2026, 9, 1), D(2026, 9, 30))
