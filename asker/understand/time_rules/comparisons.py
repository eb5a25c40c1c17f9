"""Comparisons (较年初, 同比, 环比, vs last year) and 去年同期, which is a comparison or a
period depending on what else the question names."""

from __future__ import annotations

import re
from datetime import date

from asker.understand.time_lexicon import L, Named, R, month_named

# 比 after 存贷/占 is part of a metric name (存贷比, 占比), not "compared with".
CMP_PREFIX = r"(?:相较于|相较|相比于|相比|较之|对比|较|(?<![贷占])比|和|与|跟|同)\s*(?:于\s*)?"
CMP_SUFFIX = r"(?:\s*(?:相比较|相比|比较|对比|比))?"
CMP_EN = r"(?:vs\.?|versus|compared\s+(?:with|to)|against|relative\s+to)\s+(?:the\s+)?"
YTD_CN = CMP_PREFIX + r"(?:今年|本年)?\s*(?:年初|(?:去年|上年)年?[末底]|上年度末)" + CMP_SUFFIX
YTD_EN = (
    rf"{L}(?:since\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?year|"
    rf"{CMP_EN}(?:(?:start|beginning)\s+of\s+(?:the\s+|this\s+)?year|year[\s-]+start|"
    r"end\s+of\s+(?:last|the\s+previous|the\s+prior)\s+year|(?:last|prior)\s+year[\s-]+end)|"
    rf"ytd\s+(?:change|growth|increase|decrease|delta|movement)){R}"
)
# 比去年 is a comparison only when 去年 is not the start of a longer period (比去年3月).
YOY_CN = (
    r"同比|" + CMP_PREFIX + r"(?:去年|上年|上一年)(?:同期)?"
    r"(?![\d一二三四五六七八九十第上下全末底年同])" + CMP_SUFFIX
)
YOY_EN = (
    rf"{L}(?:yoy|y/y|y-o-y|year[\s-]+(?:over|on)[\s-]+year|{CMP_EN}(?:same\s+"
    r"(?:period|time|month|quarter)\s+(?:of\s+|in\s+)?last\s+year|(?:last|previous|prior)"
    rf"\s+year|a\s+year\s+(?:ago|earlier))){R}"
)
MOM_CN = (
    r"环比|" + CMP_PREFIX + r"(?:上一?个?月|上一?期|上一?个?季度?|上一?个?(?:周|星期))"
    r"(?:\s*[末底])?" + CMP_SUFFIX
)
MOM_EN = (
    rf"{L}(?:mom|m/m|m-o-m|qoq|q/q|q-o-q|(?:month|quarter|period)[\s-]+(?:over|on)"
    rf"[\s-]+(?:month|quarter|period)|{CMP_EN}(?:last|previous|prior)\s+"
    rf"(?:month|quarter|period)(?:[\s-]+end)?){R}"
)

# --- same period last year ------------------------------------------------------------------
SPLY = rf"(?:去年|上年)同期|{L}(?:the\s+)?same\s+(?:period|time)\s+(?:of\s+|in\s+)?last\s+year{R}"


def sply(_m: re.Match[str], dd: date) -> Named:
    named = month_named(dd.year - 1, dd.month)
    return Named(named.period, f"去年同期（{named.zh}）", f"same period last year ({named.en})")
