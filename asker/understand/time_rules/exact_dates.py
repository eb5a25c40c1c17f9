"""Exact dates: 2026-06-30, 20260630, 6月30日, 30 June 2026, June 30, 6/30."""

from __future__ import annotations

import re
from datetime import date

from asker.understand.time_lexicon import (
    DAY,
    EN_MONTH_NAMES,
    MON,
    YEAR,
    L,
    Named,
    R,
    cn_int,
    day_named,
    en_month,
    valid_day,
    year_of,
)

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


def day(m: re.Match[str], dd: date) -> Named | None:
    return _resolve_day(year_of(m.groupdict(), dd), cn_int(m["mon"]), cn_int(m["day"]), dd)


def day_en(m: re.Match[str], dd: date) -> Named | None:
    year = int(m["y"]) if m["y"] else None
    return _resolve_day(year, en_month(m["mname"]), int(m["day"]), dd)
