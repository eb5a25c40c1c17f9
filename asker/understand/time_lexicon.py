"""Building blocks for time expressions: text normalisation, numerals, regex fragments and the
named periods the rules resolve to (labels included).

>>> cn_int("十二"), cn_int("三十一"), cn_int("两"), cn_int("二〇二六"), cn_int("07")
(12, 31, 2, 2026, 7)
>>> normalize("２０２６年Ｑ２") == "2026年Q2"
True
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

from asker.semantic.periods import add_months, month_end, unit_end, unit_start
from asker.types import Period

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space map one-to-one onto ASCII, so the
# normalised text keeps every character's offset and spans index the caller's original text.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    return text.translate(_FULL_WIDTH)


_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def cn_int(token: str) -> int:
    """Arabic digits, Chinese numerals up to 九十九, or digit-by-digit years (二〇二六)."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, ones = token.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
    value = 0
    for char in token:
        value = value * 10 + _CN_DIGITS[char]
    return value


EN_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirty": 30,
    "sixty": 60,
    "ninety": 90,
}


def en_int(token: str) -> int:
    return int(token) if token.isdigit() else EN_NUMBERS[token.lower()]


EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EN_MONTH_KEYS = (
    {name.lower(): i + 1 for i, name in enumerate(EN_MONTHS)}
    | {name.lower()[:3]: i + 1 for i, name in enumerate(EN_MONTHS)}
    | {"sept": 9}
)


def en_month(token: str) -> int:
    return _EN_MONTH_KEYS[token.lower().rstrip(".")]


# --- regex fragments. ASCII look-arounds instead of \b: in Python's Unicode regexes a Chinese
# character is a word character, so \b would fail in mixed text like "2026Q1交易".
L = r"(?<![A-Za-z0-9])"
R = r"(?![A-Za-z0-9])"
CN_NUM = r"(?:\d{1,3}|[一二三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九])"
EN_NUM = r"(?:\d{1,3}|" + "|".join(EN_NUMBERS) + ")"
# A month number must not continue another number ("112月") or follow 前/近/第/每/各 (those are
# counts or grains); a day number is 1..31.
MON = r"(?<![\d.一二三四五六七八九十前近第每各])(?P<mon>\d{1,2}|十[一二]?|[一二三四五六七八九])"
DAY = r"(?P<day>\d{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
# Years: 2026年 / 26年 / 二〇二六年, but not terms or durations (5年期, 10年以上).
YEAR_ABS = (
    r"(?<!\d)(?P<y>20\d{2}|2\d|二[〇零○][〇零○一二三四五六七八九]{2})\s*年"
    r"(?!期(?!间)|以上|以下|以内|内|左右|多)"
)
YEAR_ABS4 = (
    r"(?<!\d)(?P<y>20\d{2}|二[〇零○][〇零○一二三四五六七八九]{2})\s*年"
    r"(?!期(?!间)|以上|以下|以内|内|左右|多)"
)
YEAR_REL = r"(?P<yr>大前年|前年|去年|上一年|上年|今年|本年|当年|明年)"
YEAR = rf"(?:{YEAR_ABS}|{YEAR_REL})"
YEAR_OFFSETS = {
    "大前年": -3,
    "前年": -2,
    "去年": -1,
    "上一年": -1,
    "上年": -1,
    "今年": 0,
    "本年": 0,
    "当年": 0,
    "明年": 1,
}
EN_MONTH_NAMES = (
    r"(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december|sept|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)"
)


@dataclass(frozen=True)
class Named:
    """A period as the text named it (not yet clipped), with its base labels."""

    period: Period
    zh: str
    en: str
    point: bool = False
    show_range: bool = False  # windows and to-date periods show their dates in the label
    weak: bool = False  # "today"/"latest": used only when nothing more specific is named


def year_of(groups: dict[str, str | None], data_date: date) -> int | None:
    """The year the text names (absolute or relative), or None when it names none."""
    if groups.get("y"):
        digits = str(cn_int(groups["y"] or ""))
        return 2000 + int(digits) if len(digits) == 2 else int(digits)
    if groups.get("yr"):
        return data_date.year + YEAR_OFFSETS[groups["yr"] or ""]
    return None


def latest_year(year: int | None, start: date, data_date: date) -> int:
    """A unit named without a year is the latest one that has started by the data date."""
    if year is not None:
        return year
    return data_date.year - 1 if start > data_date else data_date.year


def day_named(day: date) -> Named:
    label_en = f"{day.day} {EN_MONTHS[day.month - 1][:3]} {day.year}"
    return Named(Period(day, day), f"{day.year}年{day.month}月{day.day}日", label_en, point=True)


def month_named(year: int, month: int) -> Named:
    start = date(year, month, 1)
    return Named(
        Period(start, month_end(start)), f"{year}年{month}月", f"{EN_MONTHS[month - 1]} {year}"
    )


_CN_ORDINALS = "一二三四"


def quarter_named(year: int, quarter: int) -> Named:
    start = date(year, 3 * quarter - 2, 1)
    return Named(
        Period(start, unit_end(start, "quarter")),
        f"{year}年第{_CN_ORDINALS[quarter - 1]}季度",
        f"Q{quarter} {year}",
    )


def half_named(year: int, half: int) -> Named:
    start = date(year, 6 * half - 5, 1)
    return Named(
        Period(start, add_months(start, 6) - timedelta(days=1)),
        f"{year}年{'上下'[half - 1]}半年",
        f"H{half} {year}",
    )


def year_named(year: int) -> Named:
    return Named(Period(date(year, 1, 1), date(year, 12, 31)), f"{year}年", str(year))


def range_named(start: date, end: date, zh: str, en: str) -> Named:
    return Named(Period(start, end), zh, en, show_range=True)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def days_window(days: int, data_date: date) -> Named:
    start = data_date - timedelta(days=days - 1)
    return range_named(start, data_date, f"近{days}天", f"last {_plural(days, 'day')}")


def months_window(months: int, data_date: date) -> Named:
    start = add_months(unit_start(data_date, "month"), 1 - months)
    return range_named(start, data_date, f"近{months}个月", f"last {_plural(months, 'month')}")


def since(named: Named, data_date: date) -> Named:
    return range_named(named.period.start, data_date, f"{named.zh}以来", f"since {named.en}")


def end_point(named: Named) -> Named:
    return day_named(named.period.end)


def start_point(named: Named) -> Named:
    return day_named(named.period.start)


def with_suffix(named: Named, suffix: str | None, data_date: date) -> Named:
    """Apply a Chinese suffix: 末/底 → the last day, 初 → the first day, 以来/至今 → to the data
    date; 累计/全年/度 change nothing."""
    suffix = (suffix or "").strip()
    if suffix.endswith(("末", "底")):
        return end_point(named)
    if suffix.endswith("初"):
        return start_point(named)
    if suffix in {"以来", "至今", "到现在", "到目前"}:
        return since(named, data_date)
    return named


def valid_day(year: int, month: int, day: int) -> date | None:
    if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
        return date(year, month, day)
    return None


def weakened(named: Named) -> Named:
    return replace(named, weak=True)
