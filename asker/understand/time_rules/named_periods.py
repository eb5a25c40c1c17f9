"""Named months, quarters, halves and years (3月, 2026年一季度, H1, FY2025), month ranges
(1-6月), the first N quarters (前三季度) and "since <month or year>"."""

from __future__ import annotations

import re
from datetime import date

from asker.types import Period
from asker.understand.time_lexicon import (
    EN_MONTH_NAMES,
    MON,
    YEAR,
    YEAR_ABS4,
    YEAR_REL,
    L,
    Named,
    R,
    cn_int,
    en_month,
    half_named,
    latest_year,
    month_named,
    quarter_named,
    since,
    with_suffix,
    year_named,
    year_of,
)

MONTH_RANGE_CN = (
    rf"(?:{YEAR}\s*)?{MON}\s*(?:月份?)?\s*(?:-|~|至|到|—|–)\s*"
    r"(?P<mon2>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月份?"
)
FIRST_QUARTERS_CN = rf"(?:{YEAR}\s*)?前\s*(?P<n>[1-4一二三四两])\s*个?\s*季度?"
ISO_MONTH = r"(?<!\d)(?P<y>20\d{2})\s*[-/.]\s*(?P<mon>\d{1,2})(?![\d.])"
SUFFIX_CN = r"(?P<suf>\s*(?:{u}?末|{u}?底|以来|至今|到现在|到目前|累计))?"
MONTH_CN = rf"(?:{YEAR}\s*)?{MON}\s*月份?" + SUFFIX_CN.format(u="月")
EN_MONTH = rf"{L}(?P<mname>{EN_MONTH_NAMES})\.?(?:[\s,'-]+(?P<y>20\d{{2}}))?{R}"
QUARTER_Q = (
    rf"{L}(?:(?P<y>20\d{{2}})\s*年?\s*[-/]?\s*)?q\s*(?P<q>[1-4]){R}"
    rf"(?:\s*(?:of\s+)?(?P<y2>20\d{{2}}){R})?"
)
QUARTER_CN = (
    rf"(?:{YEAR}\s*)?(?<![\d一二三四五六七八九十前近])(?:第\s*)?"
    r"(?P<q>[1-4一二三四])\s*季度?" + SUFFIX_CN.format(u="季")
)
QUARTER_EN = (
    rf"{L}(?:the\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter"
    rf"(?:\s+(?:of\s+)?(?:(?P<y>20\d{{2}})|(?P<rel>this|last)\s+year))?{R}"
)
HALF_CN = rf"(?:{YEAR}\s*)?(?P<h>[上下])半年度?" + SUFFIX_CN.format(u="年")
HALF_EN = (
    rf"{L}(?:(?P<y0>20\d{{2}})\s*)?(?:h(?P<h>[12])|(?:the\s+)?(?P<ord>first|second)\s+half)"
    rf"(?:\s+(?:of\s+)?(?:(?P<y>20\d{{2}})|(?P<rel>this|last)\s+year))?{R}"
)
# A year on its own must be four digits or relative: a bare "25年" is more often a term (期限25年).
YEAR_CN = rf"(?:{YEAR_ABS4}|{YEAR_REL})(?:\s*(?:全年|整年|度))?" + SUFFIX_CN.format(u="年")
YEAR_EN = (
    rf"{L}(?:(?:in|for|during|of|(?:the\s+|calendar\s+)?year|full[\s-]+year|fy)\s*'?)"
    rf"(?P<y>20\d{{2}}){R}|"
    rf"{L}(?P<y2>20\d{{2}})\s+full[\s-]+year{R}"
)
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
}
# "May" is also a verb: a bare "may" is a month only after a preposition.
_MAY_CONTEXT = re.compile(r"(?:in|of|since|for|during|until|from|end\s+of)\s+$", re.IGNORECASE)


def _resolve_month(year: int | None, month: int, suffix: str | None, dd: date) -> Named | None:
    if not 1 <= month <= 12:
        return None
    named = month_named(latest_year(year, date(dd.year, month, 1), dd), month)
    return with_suffix(named, suffix, dd)


def month(m: re.Match[str], dd: date) -> Named | None:
    groups = m.groupdict()
    return _resolve_month(year_of(groups, dd), cn_int(m["mon"]), groups.get("suf"), dd)


def month_en(m: re.Match[str], dd: date) -> Named | None:
    bare_may = m["mname"].lower() == "may" and not m["y"]
    if bare_may and not _MAY_CONTEXT.search(m.string[: m.start()]):
        return None
    return _resolve_month(int(m["y"]) if m["y"] else None, en_month(m["mname"]), None, dd)


def month_range(m: re.Match[str], dd: date) -> Named | None:
    first, last = cn_int(m["mon"]), cn_int(m["mon2"])
    if not 1 <= first < last <= 12:
        return None
    year = latest_year(year_of(m.groupdict(), dd), date(dd.year, first, 1), dd)
    start, end = month_named(year, first), month_named(year, last)
    return Named(
        Period(start.period.start, end.period.end),
        f"{year}年{first}-{last}月",
        f"{start.en[:3]}–{end.en[:3]} {year}",
    )


def first_quarters(m: re.Match[str], dd: date) -> Named | None:
    count = cn_int(m["n"])
    year = latest_year(year_of(m.groupdict(), dd), date(dd.year, 1, 1), dd)
    end = quarter_named(year, count).period.end
    return Named(
        Period(date(year, 1, 1), end),
        f"{year}年前{'一二三四'[count - 1]}季度",
        f"Q1–Q{count} {year}",
    )


def _resolve_quarter(year: int | None, quarter: int, suffix: str | None, dd: date) -> Named:
    named = quarter_named(latest_year(year, date(dd.year, 3 * quarter - 2, 1), dd), quarter)
    return with_suffix(named, suffix, dd)


def quarter_q(m: re.Match[str], dd: date) -> Named:
    year = m["y"] or m["y2"]
    return _resolve_quarter(int(year) if year else None, int(m["q"]), None, dd)


def quarter_cn(m: re.Match[str], dd: date) -> Named:
    groups = m.groupdict()
    return _resolve_quarter(year_of(groups, dd), cn_int(m["q"]), groups.get("suf"), dd)


def _en_year(m: re.Match[str], dd: date, *names: str) -> int | None:
    """The year an English phrase names: digits in one of ``names`` or "this/last year"."""
    for name in names:
        if m[name]:
            return int(m[name])
    if m["rel"]:
        return dd.year - (m["rel"].lower() == "last")
    return None


def quarter_en(m: re.Match[str], dd: date) -> Named:
    return _resolve_quarter(_en_year(m, dd, "y"), _ORDINALS[m["ord"].lower()], None, dd)


def _resolve_half(year: int | None, half: int, suffix: str | None, dd: date) -> Named:
    named = half_named(latest_year(year, date(dd.year, 6 * half - 5, 1), dd), half)
    return with_suffix(named, suffix, dd)


def half_cn(m: re.Match[str], dd: date) -> Named:
    groups = m.groupdict()
    return _resolve_half(year_of(groups, dd), 1 if m["h"] == "上" else 2, groups.get("suf"), dd)


def half_en(m: re.Match[str], dd: date) -> Named:
    half = int(m["h"]) if m["h"] else _ORDINALS[m["ord"].lower()]
    return _resolve_half(_en_year(m, dd, "y0", "y"), half, None, dd)


def year_cn(m: re.Match[str], dd: date) -> Named | None:
    groups = m.groupdict()
    year = year_of(groups, dd)
    return with_suffix(year_named(year), groups.get("suf"), dd) if year else None


def year_en(m: re.Match[str], _dd: date) -> Named:
    return year_named(int(m["y"] or m["y2"]))


SINCE_EN = (
    rf"{L}since\s+(?:(?P<mname>{EN_MONTH_NAMES})\.?(?:[\s,'-]+(?P<y>20\d{{2}}))?|"
    rf"(?P<y2>20\d{{2}})){R}"
)


def since_en(m: re.Match[str], dd: date) -> Named | None:
    if m["y2"]:
        return since(year_named(int(m["y2"])), dd)
    named = _resolve_month(int(m["y"]) if m["y"] else None, en_month(m["mname"]), None, dd)
    return since(named, dd) if named else None
