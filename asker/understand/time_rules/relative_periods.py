"""Periods relative to the data date: 上个月, 本季度, 上上月, 本周, last quarter, the year
before last."""

from __future__ import annotations

import re
from datetime import date, timedelta

from asker.semantic.periods import add_months, unit_start
from asker.understand.time_lexicon import (
    L,
    Named,
    R,
    month_named,
    quarter_named,
    range_named,
    with_suffix,
    year_named,
)
from asker.understand.time_rules.named_periods import SUFFIX_CN
from asker.understand.time_rules.rule import Resolver

REL_MONTH_CN = (
    r"(?P<rel>上上一?个?月|上一?个?月|本月|这一?个?月|当月|下一?个?月)" + SUFFIX_CN.format(u="月")
)
REL_QUARTER_CN = (
    r"(?P<rel>上上一?个?季度?|上一?个?季度?|本季度?|这一?个?季度?|当季度?|"
    r"下一?个?季度?)" + SUFFIX_CN.format(u="季")
)
REL_WEEK_CN = r"(?P<rel>上一?个?(?:周|星期|礼拜)|本周|这一?个?(?:周|星期|礼拜))"
REL_EN = (
    rf"{L}(?:(?P<rel>this|current|latest|last|previous|prior)\s+|"
    rf"the\s+(?P<rel2>previous|last|prior)\s+)(?P<u>week|month|quarter|year){R}"
)
BEFORE_LAST_EN = rf"{L}(?:the\s+)?(?P<u>month|quarter|year)\s+before\s+last{R}"
_CN_OFFSETS = {"上上": -2, "上": -1, "下": 1}


def _cn_offset(word: str) -> int:
    return next((v for k, v in _CN_OFFSETS.items() if word.startswith(k)), 0)


def relative_period(unit: str, offset: int, dd: date) -> Named:
    if unit == "week":
        monday = dd - timedelta(days=dd.weekday()) + timedelta(weeks=offset)
        zh, en = ("本周", "this week") if offset == 0 else ("上周", "last week")
        return range_named(monday, monday + timedelta(days=6), zh, en)
    if unit == "year":
        return year_named(dd.year + offset)
    if unit == "quarter":
        start = add_months(unit_start(dd, "quarter"), 3 * offset)
        return quarter_named(start.year, (start.month + 2) // 3)
    start = add_months(unit_start(dd, "month"), offset)
    return month_named(start.year, start.month)


def rel_cn(unit: str) -> Resolver:
    def resolve(m: re.Match[str], dd: date) -> Named:
        named = relative_period(unit, _cn_offset(m["rel"]), dd)
        return with_suffix(named, m.groupdict().get("suf"), dd)

    return resolve


def rel_en(m: re.Match[str], dd: date) -> Named:
    word = (m["rel"] or m["rel2"]).lower()
    return relative_period(m["u"].lower(), 0 if word in {"this", "current", "latest"} else -1, dd)


def before_last_en(m: re.Match[str], dd: date) -> Named:
    return relative_period(m["u"].lower(), -2, dd)
