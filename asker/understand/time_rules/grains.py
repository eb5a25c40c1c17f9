"""Grains: 按月/各季度/逐日/monthly, and the weak grain of 趋势/over time."""

from __future__ import annotations

from asker.understand.time_lexicon import L, R

# 月末 after 每/各 belongs to the grain (各月末余额); 日均/季日均/月日均 are metric names, never
# grains; 各年龄段 is an age band and 5年期 a term.
# A bare 年度/月度 right after a year or a number is part of a period (2026年度预算).
_NOT_AFTER_NUMBER = r"(?<![\d〇零○一二三四五六七八九十本上今去前当])"
GRAIN_MONTH_CN = (
    r"(?:按|每|各|逐|分)\s*(?:一?个)?\s*月(?:份|度)?(?:末|底)?|"
    rf"{_NOT_AFTER_NUMBER}月度(?!日均)"
)
GRAIN_QUARTER_CN = (
    r"(?:按|每|各|逐|分)\s*(?:一?个)?\s*季(?:度)?(?:末|底)?|"
    r"季度(?=\s*(?:趋势|走势|变化))"
)
GRAIN_YEAR_CN = (
    r"(?:按|每|各|逐|分|历)\s*一?\s*年(?:度|份)?(?:末|底)?(?!龄|期|化)|"
    rf"{_NOT_AFTER_NUMBER}年度(?!日均)"
)
GRAIN_DAY_CN = r"(?:按|每|逐|分)\s*一?\s*(?:日|天)(?!均)|日度|各日(?!均)"
_NOT_AVERAGE = r"(?!\s+(?:average|avg))(?<!average\s)"
GRAIN_MONTH_EN = (
    rf"{L}(?:month[\s-]+by[\s-]+month|(?:by|per|each|every|for\s+each)\s+month|"
    rf"monthly{_NOT_AVERAGE}){R}"
)
GRAIN_QUARTER_EN = (
    rf"{L}(?:quarter[\s-]+by[\s-]+quarter|(?:by|per|each|every|for\s+each)\s+"
    rf"quarter|quarterly{_NOT_AVERAGE}){R}"
)
GRAIN_YEAR_EN = (
    rf"{L}(?:year[\s-]+by[\s-]+year|(?:by|per|each|every|for\s+each)\s+year|"
    rf"yearly{_NOT_AVERAGE}|annually){R}"
)
GRAIN_DAY_EN = (
    rf"{L}(?:day[\s-]+by[\s-]+day|(?:by|per|each|every|for\s+each)\s+day|"
    rf"(?<!average\s)(?<!avg\s)daily{_NOT_AVERAGE}){R}"
)
TREND = rf"变化趋势|变动趋势|趋势图?|走势|{L}(?:trends?|over\s+time|time\s+series){R}"
