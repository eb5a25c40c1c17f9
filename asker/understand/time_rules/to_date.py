"""To-date periods: 今年以来/YTD, 本季度以来/QTD, 本月以来/MTD, each ending on the data date."""

from __future__ import annotations

import re
from datetime import date

from asker.understand.time_lexicon import L, Named, R, range_named
from asker.understand.time_rules.relative_periods import relative_period

YTD_PERIOD = (
    r"(?:今年|本年度?)?\s*年初\s*(?:至今|以来|到现在|到目前为止|到目前|迄今)|"
    r"(?:今年|本年度?)\s*(?:以来|累计|至今)|"
    rf"{L}(?:ytd|year[\s-]+to[\s-]+date|so\s+far\s+this\s+year|this\s+year\s+so\s+far){R}"
)
QTD_PERIOD = (
    r"本季度?\s*(?:以来|累计|至今)|季初\s*(?:至今|以来)|"
    rf"{L}(?:qtd|quarter[\s-]+to[\s-]+date){R}"
)
MTD_PERIOD = (
    r"本月\s*(?:以来|累计|至今)|月初\s*(?:至今|以来)|"
    rf"{L}(?:mtd|month[\s-]+to[\s-]+date){R}"
)


def ytd(_m: re.Match[str], dd: date) -> Named:
    return range_named(date(dd.year, 1, 1), dd, "今年以来", "year to date")


def qtd(_m: re.Match[str], dd: date) -> Named:
    return relative_period("quarter", 0, dd)


def mtd(_m: re.Match[str], dd: date) -> Named:
    return relative_period("month", 0, dd)
