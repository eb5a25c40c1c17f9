"""Points in time named without a period: bare 月末/季末/年末, 年初, and the weak 今天/最新,
which only count when nothing more specific was said."""

from __future__ import annotations

import re
from datetime import date, timedelta

from asker.semantic.periods import unit_end, unit_start
from asker.types import Grain, Period
from asker.understand.time_lexicon import L, Named, R, day_named, end_point, weakened

BARE_END_CN = r"(?P<u>月|季|年)度?[末底]"
BARE_START_CN = r"年初"
BARE_END_EN = rf"{L}(?P<u>month|quarter|year)[\s-]+end{R}"
TODAY_CN = r"截至目前为止|截[至止]到?目前|截至今[天日]|今天|今日|当日|最新|当前|目前|现在|当下"
TODAY_EN = (
    rf"{L}(?:as\s+(?:of|at)\s+(?:today|now)|today|latest|right\s+now|"
    rf"current(?!\s+(?:account|deposit)s?{R})){R}"
)
_BARE_UNITS: dict[str, Grain] = {
    "月": "month",
    "季": "quarter",
    "年": "year",
    "month": "month",
    "quarter": "quarter",
    "year": "year",
}


def bare_end(m: re.Match[str], dd: date) -> Named:
    """The latest month/quarter/year end on or before the data date."""
    unit = _BARE_UNITS[m["u"].lower()]
    end = unit_end(dd, unit)
    if end > dd:
        end = unit_start(dd, unit) - timedelta(days=1)
    return end_point(Named(Period(end, end), "", ""))


def year_start(_m: re.Match[str], dd: date) -> Named:
    return day_named(date(dd.year, 1, 1))


def today(_m: re.Match[str], dd: date) -> Named:
    return weakened(day_named(dd))
