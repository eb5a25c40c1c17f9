"""The bank's clock: China Standard Time (UTC+8, no daylight saving), in which a bank day starts at
00:00. Moments are stored in UTC; this is where they become the bank's wall-clock time and days.

>>> import datetime as dt
>>> bank_time_text(dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC))
'2026-10-01 00:30:00 UTC+8'
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

BANK_TIME = dt.timezone(dt.timedelta(hours=8), "UTC+8")


class Clock(Protocol):
    """Where "now" comes from: the system clock in production, a fixed one in tests."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def bank_time_text(moment: dt.datetime) -> str:
    """A moment as the bank's wall-clock time, for messages."""
    return moment.astimezone(BANK_TIME).strftime("%Y-%m-%d %H:%M:%S %Z")


def bank_date(moment: dt.datetime) -> dt.date:
    """The bank day a moment falls on."""
    return moment.astimezone(BANK_TIME).date()


def bank_day(moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Start of the bank day holding ``moment`` and of the next one, in UTC."""
    local = moment.astimezone(BANK_TIME)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)
