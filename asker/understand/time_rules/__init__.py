"""The time-expression rules, in priority order: each is a named regex and what it resolves to.

Order matters because a rule only sees text no earlier rule consumed: comparisons go first
(较年初 must not become the point 年初, 比上月 must not become the period 上月), then
去年同期, to-date periods and rolling windows, grains with a prefix (各月末 is a grain, not 月末),
exact dates, named months/quarters/halves/years, relative units, bare 月末/年末, and last the
weak words (今天, 趋势) that only count when nothing more specific was said.

Each kind of expression has its module (``comparisons``, ``to_date``, ``windows``, ``grains``,
``exact_dates``, ``named_periods``, ``relative_periods``, ``points``); ``RULES`` below is the one
place that orders them.
"""

from __future__ import annotations

import re

from asker.understand.time_lexicon import months_window
from asker.understand.time_rules import (
    comparisons,
    exact_dates,
    grains,
    named_periods,
    points,
    relative_periods,
    to_date,
    windows,
)
from asker.understand.time_rules.rule import Resolver, Rule

__all__ = ["RULES", "Rule"]


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _period(pattern: str, resolve: Resolver) -> Rule:
    return Rule("period", _re(pattern), resolve=resolve)


def _date(pattern: str, resolve: Resolver) -> Rule:
    return Rule("period", _re(pattern), resolve=resolve, claim=True)


def _grain(pattern: str, grain: str, weak: bool = False) -> Rule:
    return Rule("grain", _re(pattern), value=grain, weak=weak)


def _compare(pattern: str, compare: str) -> Rule:
    return Rule("compare", _re(pattern), value=compare)


RULES: tuple[Rule, ...] = (
    _compare(comparisons.YTD_CN, "ytd"),
    _compare(comparisons.YTD_EN, "ytd"),
    _compare(comparisons.YOY_CN, "yoy"),
    _compare(comparisons.YOY_EN, "yoy"),
    _compare(comparisons.MOM_CN, "mom"),
    _compare(comparisons.MOM_EN, "mom"),
    Rule("sply", _re(comparisons.SPLY), resolve=comparisons.sply),
    _period(to_date.YTD_PERIOD, to_date.ytd),
    _period(to_date.QTD_PERIOD, to_date.qtd),
    _period(to_date.MTD_PERIOD, to_date.mtd),
    _period(windows.WINDOW_CN, windows.window_cn),
    _period(windows.HALF_YEAR_CN, lambda _m, dd: months_window(6, dd)),
    _period(windows.WINDOW_EN, windows.window_en),
    _period(windows.PAST_EN, windows.past_en),
    _period(windows.TTM_EN, lambda _m, dd: months_window(12, dd)),
    _grain(grains.GRAIN_MONTH_CN, "month"),
    _grain(grains.GRAIN_QUARTER_CN, "quarter"),
    _grain(grains.GRAIN_YEAR_CN, "year"),
    _grain(grains.GRAIN_DAY_CN, "day"),
    _grain(grains.GRAIN_MONTH_EN, "month"),
    _grain(grains.GRAIN_QUARTER_EN, "quarter"),
    _grain(grains.GRAIN_YEAR_EN, "year"),
    _grain(grains.GRAIN_DAY_EN, "day"),
    _date(exact_dates.ISO_DAY, exact_dates.day),
    _period(exact_dates.COMPACT_DAY, exact_dates.day),
    _date(exact_dates.CN_DAY, exact_dates.day),
    _date(exact_dates.EN_DAY_FIRST, exact_dates.day_en),
    _date(exact_dates.EN_MONTH_DAY, exact_dates.day_en),
    _period(exact_dates.MD_SLASH, exact_dates.day),
    _period(named_periods.SINCE_EN, named_periods.since_en),
    _period(named_periods.MONTH_RANGE_CN, named_periods.month_range),
    _period(named_periods.FIRST_QUARTERS_CN, named_periods.first_quarters),
    _period(named_periods.ISO_MONTH, named_periods.month),
    _period(named_periods.MONTH_CN, named_periods.month),
    _period(named_periods.EN_MONTH, named_periods.month_en),
    _period(named_periods.QUARTER_Q, named_periods.quarter_q),
    _period(named_periods.QUARTER_CN, named_periods.quarter_cn),
    _period(named_periods.QUARTER_EN, named_periods.quarter_en),
    _period(named_periods.HALF_CN, named_periods.half_cn),
    _period(named_periods.HALF_EN, named_periods.half_en),
    _period(named_periods.YEAR_CN, named_periods.year_cn),
    _period(named_periods.YEAR_EN, named_periods.year_en),
    _period(relative_periods.REL_MONTH_CN, relative_periods.rel_cn("month")),
    _period(relative_periods.REL_QUARTER_CN, relative_periods.rel_cn("quarter")),
    _period(relative_periods.REL_WEEK_CN, relative_periods.rel_cn("week")),
    _period(relative_periods.REL_EN, relative_periods.rel_en),
    _period(relative_periods.BEFORE_LAST_EN, relative_periods.before_last_en),
    _period(points.BARE_END_CN, points.bare_end),
    _period(points.BARE_START_CN, points.year_start),
    _period(points.BARE_END_EN, points.bare_end),
    _period(points.TODAY_CN, points.today),
    _period(points.TODAY_EN, points.today),
    _grain(grains.TREND, "month", weak=True),
)
