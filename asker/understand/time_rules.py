"""The time-expression rules, in priority order: each is a named regex and what it resolves to.

Order matters because a rule only sees text no earlier rule consumed: comparisons go first
(较年初 must not become the point 年初, 比上月 must not become the period 上月), then
去年同期, to-date periods and rolling windows, grains with a prefix (各月末 is a grain, not 月末),
exact dates, named months/quarters/halves/years, relative units, bare 月末/年末, and last the
weak words (今天, 趋势) that only count when nothing more specific was said.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from asker.semantic.periods import add_months, unit_end, unit_start
from asker.types import Grain, Period
from asker.understand.time_lexicon import (
    CN_NUM,
    DAY,
    EN_MONTH_NAMES,
    EN_NUM,
    MON,
    YEAR,
    YEAR_ABS4,
    YEAR_REL,
    L,
    Named,
    R,
    cn_int,
    day_named,
    days_window,
    en_int,
    en_month,
    end_point,
    half_named,
    latest_year,
    month_named,
    months_window,
    quarter_named,
    range_named,
    since,
    valid_day,
    weakened,
    with_suffix,
    year_named,
    year_of,
)

Resolver = Callable[[re.Match[str], date], Named | None]


@dataclass(frozen=True)
class Rule:
    kind: str  # "period" | "grain" | "compare" | "sply"
    pattern: re.Pattern[str]
    value: str | None = None  # the grain or compare a grain/compare rule stands for
    resolve: Resolver | None = None  # how a period rule turns its match into a period
    weak: bool = False  # weak grains (趋势) only count when no explicit grain is named
    # An exact date claims its text even when impossible (2025年2月29日), so that no weaker rule
    # reads a piece of it as February or as the year 2025; the caller then sees no period.
    claim: bool = False


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# --- comparisons -----------------------------------------------------------------------------
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


def _sply(_m: re.Match[str], dd: date) -> Named:
    named = month_named(dd.year - 1, dd.month)
    return Named(named.period, f"去年同期（{named.zh}）", f"same period last year ({named.en})")


# --- to-date periods and rolling windows ----------------------------------------------------
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


def _window_cn(m: re.Match[str], dd: date) -> Named | None:
    if m["n"] == "半":  # 近半年 is six months; 近半个月 has no calendar meaning here
        return months_window(6, dd) if m["u"] == "年" else None
    return _window(cn_int(m["n"]), m["u"], dd)


def _window_en(m: re.Match[str], dd: date) -> Named | None:
    return _window(en_int(m["n"]), m["u"], dd)


def _past_en(m: re.Match[str], dd: date) -> Named | None:
    return _window(1, m["u"], dd)


def _ytd(_m: re.Match[str], dd: date) -> Named:
    return range_named(date(dd.year, 1, 1), dd, "今年以来", "year to date")


def _qtd(_m: re.Match[str], dd: date) -> Named:
    return _relative("quarter", 0, dd)


def _mtd(_m: re.Match[str], dd: date) -> Named:
    return _relative("month", 0, dd)


# --- grains ----------------------------------------------------------------------------------
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

# --- exact dates -----------------------------------------------------------------------------
ISO_DAY = r"(?<!\d)(?P<y>20\d{2})\s*[-/.]\s*(?P<mon>\d{1,2})\s*[-/.]\s*(?P<day>\d{1,2})(?!\d)"
COMPACT_DAY = r"(?<!\d)(?P<y>20\d{2})(?P<mon>[01]\d)(?P<day>[0-3]\d)(?!\d)"
CN_DAY = rf"(?:{YEAR}\s*)?{MON}\s*月\s*{DAY}\s*[日号]"
EN_DAY_FIRST = (
    rf"{L}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mname>{EN_MONTH_NAMES})"
    rf"\.?(?:,?\s+(?P<y>20\d{{2}}))?{R}"
)
EN_MONTH_DAY = (
    rf"{L}(?P<mname>{EN_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,?\s+(?P<y>20\d{{2}}))?{R}"
)
# 6/30 or 6/30/2026; not a fraction of something ("1/3的客户").
MD_SLASH = (
    r"(?<![\d/.])(?P<mon>\d{1,2})/(?P<day>\d{1,2})(?:/(?P<y>20\d{2}))?"
    r"(?![\d/%])(?!\s*(?:的|以上|以下|of\b))"
)


def _resolve_day(year: int | None, month: int, day: int, dd: date) -> Named | None:
    if year is None:  # a day named without a year is the latest one on or before the data date
        probe = valid_day(dd.year, month, day)
        year = dd.year - 1 if probe is not None and probe > dd else dd.year
    found = valid_day(year, month, day)
    return day_named(found) if found else None


def _day(m: re.Match[str], dd: date) -> Named | None:
    return _resolve_day(year_of(m.groupdict(), dd), cn_int(m["mon"]), cn_int(m["day"]), dd)


def _day_en(m: re.Match[str], dd: date) -> Named | None:
    year = int(m["y"]) if m["y"] else None
    return _resolve_day(year, en_month(m["mname"]), int(m["day"]), dd)


# --- named months, quarters, halves and years -------------------------------------------------
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


def _month(m: re.Match[str], dd: date) -> Named | None:
    groups = m.groupdict()
    return _resolve_month(year_of(groups, dd), cn_int(m["mon"]), groups.get("suf"), dd)


def _month_en(m: re.Match[str], dd: date) -> Named | None:
    bare_may = m["mname"].lower() == "may" and not m["y"]
    if bare_may and not _MAY_CONTEXT.search(m.string[: m.start()]):
        return None
    return _resolve_month(int(m["y"]) if m["y"] else None, en_month(m["mname"]), None, dd)


def _month_range(m: re.Match[str], dd: date) -> Named | None:
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


def _first_quarters(m: re.Match[str], dd: date) -> Named | None:
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


def _quarter_q(m: re.Match[str], dd: date) -> Named:
    year = m["y"] or m["y2"]
    return _resolve_quarter(int(year) if year else None, int(m["q"]), None, dd)


def _quarter_cn(m: re.Match[str], dd: date) -> Named:
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


def _quarter_en(m: re.Match[str], dd: date) -> Named:
    return _resolve_quarter(_en_year(m, dd, "y"), _ORDINALS[m["ord"].lower()], None, dd)


def _resolve_half(year: int | None, half: int, suffix: str | None, dd: date) -> Named:
    named = half_named(latest_year(year, date(dd.year, 6 * half - 5, 1), dd), half)
    return with_suffix(named, suffix, dd)


def _half_cn(m: re.Match[str], dd: date) -> Named:
    groups = m.groupdict()
    return _resolve_half(year_of(groups, dd), 1 if m["h"] == "上" else 2, groups.get("suf"), dd)


def _half_en(m: re.Match[str], dd: date) -> Named:
    half = int(m["h"]) if m["h"] else _ORDINALS[m["ord"].lower()]
    return _resolve_half(_en_year(m, dd, "y0", "y"), half, None, dd)


def _year_cn(m: re.Match[str], dd: date) -> Named | None:
    groups = m.groupdict()
    year = year_of(groups, dd)
    return with_suffix(year_named(year), groups.get("suf"), dd) if year else None


def _year_en(m: re.Match[str], _dd: date) -> Named:
    return year_named(int(m["y"] or m["y2"]))


SINCE_EN = (
    rf"{L}since\s+(?:(?P<mname>{EN_MONTH_NAMES})\.?(?:[\s,'-]+(?P<y>20\d{{2}}))?|"
    rf"(?P<y2>20\d{{2}})){R}"
)


def _since_en(m: re.Match[str], dd: date) -> Named | None:
    if m["y2"]:
        return since(year_named(int(m["y2"])), dd)
    named = _resolve_month(int(m["y"]) if m["y"] else None, en_month(m["mname"]), None, dd)
    return since(named, dd) if named else None


# --- relative units ---------------------------------------------------------------------------
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


def _relative(unit: str, offset: int, dd: date) -> Named:
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


def _rel_cn(unit: str) -> Resolver:
    def resolve(m: re.Match[str], dd: date) -> Named:
        named = _relative(unit, _cn_offset(m["rel"]), dd)
        return with_suffix(named, m.groupdict().get("suf"), dd)

    return resolve


def _rel_en(m: re.Match[str], dd: date) -> Named:
    word = (m["rel"] or m["rel2"]).lower()
    return _relative(m["u"].lower(), 0 if word in {"this", "current", "latest"} else -1, dd)


def _before_last_en(m: re.Match[str], dd: date) -> Named:
    return _relative(m["u"].lower(), -2, dd)


# --- bare 月末/季末/年末/年初 and today ---------------------------------------------------
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


def _bare_end(m: re.Match[str], dd: date) -> Named:
    """The latest month/quarter/year end on or before the data date."""
    unit = _BARE_UNITS[m["u"].lower()]
    end = unit_end(dd, unit)
    if end > dd:
        end = unit_start(dd, unit) - timedelta(days=1)
    return end_point(Named(Period(end, end), "", ""))


def _year_start(_m: re.Match[str], dd: date) -> Named:
    return day_named(date(dd.year, 1, 1))


def _today(_m: re.Match[str], dd: date) -> Named:
    return weakened(day_named(dd))


def _period(pattern: str, resolve: Resolver) -> Rule:
    return Rule("period", _re(pattern), resolve=resolve)


def _date(pattern: str, resolve: Resolver) -> Rule:
    return Rule("period", _re(pattern), resolve=resolve, claim=True)


def _grain(pattern: str, grain: str, weak: bool = False) -> Rule:
    return Rule("grain", _re(pattern), value=grain, weak=weak)


def _compare(pattern: str, compare: str) -> Rule:
    return Rule("compare", _re(pattern), value=compare)


RULES: tuple[Rule, ...] = (
    _compare(YTD_CN, "ytd"),
    _compare(YTD_EN, "ytd"),
    _compare(YOY_CN, "yoy"),
    _compare(YOY_EN, "yoy"),
    _compare(MOM_CN, "mom"),
    _compare(MOM_EN, "mom"),
    Rule("sply", _re(SPLY), resolve=_sply),
    _period(YTD_PERIOD, _ytd),
    _period(QTD_PERIOD, _qtd),
    _period(MTD_PERIOD, _mtd),
    _period(WINDOW_CN, _window_cn),
    _period(HALF_YEAR_CN, lambda _m, dd: months_window(6, dd)),
    _period(WINDOW_EN, _window_en),
    _period(PAST_EN, _past_en),
    _period(TTM_EN, lambda _m, dd: months_window(12, dd)),
    _grain(GRAIN_MONTH_CN, "month"),
    _grain(GRAIN_QUARTER_CN, "quarter"),
    _grain(GRAIN_YEAR_CN, "year"),
    _grain(GRAIN_DAY_CN, "day"),
    _grain(GRAIN_MONTH_EN, "month"),
    _grain(GRAIN_QUARTER_EN, "quarter"),
    _grain(GRAIN_YEAR_EN, "year"),
    _grain(GRAIN_DAY_EN, "day"),
    _date(ISO_DAY, _day),
    _period(COMPACT_DAY, _day),
    _date(CN_DAY, _day),
    _date(EN_DAY_FIRST, _day_en),
    _date(EN_MONTH_DAY, _day_en),
    _period(MD_SLASH, _day),
    _period(SINCE_EN, _since_en),
    _period(MONTH_RANGE_CN, _month_range),
    _period(FIRST_QUARTERS_CN, _first_quarters),
    _period(ISO_MONTH, _month),
    _period(MONTH_CN, _month),
    _period(EN_MONTH, _month_en),
    _period(QUARTER_Q, _quarter_q),
    _period(QUARTER_CN, _quarter_cn),
    _period(QUARTER_EN, _quarter_en),
    _period(HALF_CN, _half_cn),
    _period(HALF_EN, _half_en),
    _period(YEAR_CN, _year_cn),
    _period(YEAR_EN, _year_en),
    _period(REL_MONTH_CN, _rel_cn("month")),
    _period(REL_QUARTER_CN, _rel_cn("quarter")),
    _period(REL_WEEK_CN, _rel_cn("week")),
    _period(REL_EN, _rel_en),
    _period(BEFORE_LAST_EN, _before_last_en),
    _period(BARE_END_CN, _bare_end),
    _period(BARE_START_CN, _year_start),
    _period(BARE_END_EN, _bare_end),
    _period(TODAY_CN, _today),
    _period(TODAY_EN, _today),
    _grain(TREND, "month", weak=True),
)
