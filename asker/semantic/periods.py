"""Calendar arithmetic for metric periods: buckets by grain and the periods compared with them.

All dates resolve against the data date, never the wall clock.

>>> from datetime import date
>>> may_to_july = Period(date(2026, 5, 15), date(2026, 7, 31))
>>> [(b.start.isoformat(), b.end.isoformat()) for b in buckets(may_to_july, "month")]
[('2026-05-15', '2026-05-31'), ('2026-06-01', '2026-06-30'), ('2026-07-01', '2026-07-31')]
>>> previous(Period(date(2026, 7, 1), date(2026, 9, 30))).end.isoformat()
'2026-06-30'
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from asker.types import Grain, Period

HISTORY_START = date(2024, 1, 1)


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def is_month_end(d: date) -> bool:
    return d == month_end(d)


def unit_start(d: date, grain: Grain) -> date:
    if grain == "day":
        return d
    if grain == "month":
        return d.replace(day=1)
    if grain == "quarter":
        return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return date(d.year, 1, 1)


def add_months(d: date, months: int) -> date:
    """``d`` moved by whole months; a month end stays a month end."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    day = last if is_month_end(d) else min(d.day, last)
    return date(year, month + 1, day)


_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def unit_end(d: date, grain: Grain) -> date:
    if grain == "day":
        return d
    return add_months(unit_start(d, grain), _MONTHS[grain]) - timedelta(days=1)


def buckets(period: Period, grain: Grain) -> tuple[Period, ...]:
    """The calendar units of ``grain`` that meet ``period``, each cut to the period."""
    out: list[Period] = []
    start = period.start
    while start <= period.end:
        end = min(unit_end(start, grain), period.end)
        out.append(Period(start, end))
        start = end + timedelta(days=1)
    return tuple(out)


def unit_of(period: Period) -> Grain | None:
    """The calendar unit ``period`` is exactly one of (largest first), or None."""
    for grain in ("year", "quarter", "month", "day"):
        if (
            unit_start(period.start, grain) == period.start
            and unit_end(period.start, grain) == period.end
        ):
            return grain
    return None


def year_ago(period: Period) -> Period:
    """The same period one year earlier (同比)."""
    return Period(add_months(period.start, -12), add_months(period.end, -12))


def previous(period: Period, grain: Grain | None = None) -> Period:
    """The period before (环比): the previous calendar unit of ``grain`` (or of the period's own
    unit; month-aligned periods step by months), else the same number of days just before."""
    unit = grain or unit_of(period)
    if unit in _MONTHS and unit_start(period.start, unit) == period.start:
        months = _MONTHS[unit]
        return Period(add_months(period.start, -months), add_months(period.end, -months))
    if unit == "day" and period.days == 1:
        day = period.start - timedelta(days=1)
        return Period(day, day)
    end = period.start - timedelta(days=1)
    return Period(end - timedelta(days=period.days - 1), end)


def prior_year_end(period: Period) -> Period:
    """December 31 of the year before the period's end (较年初)."""
    day = date(period.end.year - 1, 12, 31)
    return Period(day, day)


TREND_MONTHS = {"day": 1, "month": 12, "quarter": 24, "year": 36}  # a trend's default window


def default_period(data_date: date, grain: Grain | None = None) -> Period:
    """With no period named: the data date's month (balances read at the data date); a trend
    (a grain) shows its usual window instead: 12 months, 8 quarters, 3 years, or the month by day.
    """
    if grain is None:
        return Period(data_date.replace(day=1), data_date)
    start = add_months(data_date.replace(day=1), 1 - TREND_MONTHS[grain])
    return Period(max(unit_start(start, grain), HISTORY_START), data_date)
