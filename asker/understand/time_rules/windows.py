"""Rolling windows that end on the data date: 近30天, 最近3个月, 近半年, last 12 months, TTM."""

from __future__ import annotations

import re
from datetime import date

from asker.understand.time_lexicon import (
    CN_NUM,
    EN_NUM,
    L,
    Named,
    R,
    cn_int,
    days_window,
    en_int,
    months_window,
)

WINDOW_CN = (
    r"(?:最近|近|过去)\s*的?\s*(?P<n>" + CN_NUM + r"|半)\s*个?\s*"
    r"(?P<u>天|日|周|星期|礼拜|月|季度|季|年)(?:份)?(?:内|以来|来)?"
)
HALF_YEAR_CN = r"这半年"
WINDOW_EN = (
    rf"{L}(?:(?:in|over|for|during|within)\s+)?(?:the\s+)?(?:last|past|previous|prior|"
    rf"trailing|recent|rolling)\s+(?P<n>{EN_NUM})\s+(?P<u>day|week|month|quarter|year)s?{R}"
)
PAST_EN = (
    rf"{L}(?:(?:in|over|for|during|within)\s+)?(?:the\s+)?past\s+"
    rf"(?P<u>week|month|quarter|year){R}"
)
TTM_EN = rf"{L}(?:ttm|ltm|trailing\s+twelve\s+months){R}"
_WINDOW_MONTHS = {"月": 1, "季": 3, "季度": 3, "年": 12, "month": 1, "quarter": 3, "year": 12}
_WINDOW_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "礼拜": 7, "day": 1, "week": 7}


def _window(count: int, unit: str, dd: date) -> Named | None:
    unit = unit.lower()
    if count <= 0:
        return None
    if unit in _WINDOW_DAYS:
        return days_window(count * _WINDOW_DAYS[unit], dd)
    return months_window(count * _WINDOW_MONTHS[unit], dd)


def window_cn(m: re.Match[str], dd: date) -> Named | None:
    if m["n"] == "半":  # 近半年 is six months; 近半个月 has no calendar meaning here
        return months_window(6, dd) if m["u"] == "年" else None
    return _window(cn_int(m["n"]), m["u"], dd)


def window_en(m: re.Match[str], dd: date) -> Named | None:
    return _window(en_int(m["n"]), m["u"], dd)


def past_en(m: re.Match[str], dd: date) -> Named | None:
    return _window(1, m["u"], dd)
