"""Questions per minute and per day, per user, counted in the app database so the chat app, the
command line and every process share one count.

Both limits are fixed windows, one row per user and window: the clock minute (10:31:00-10:31:59
UTC) and the bank's calendar day (from 00:00 UTC+8). A fixed window lets a user ask up to twice
the per-minute limit across a minute boundary; that is the price of O(1) state per user. Each
window is counted by one conditional UPSERT and both run in one transaction, so concurrent
callers in any process never count past a limit, and a refused question counts nowhere.

>>> limits = QuestionLimits(per_minute=30, per_minute_by_role=(("executive", 60),))
>>> limits.per_minute_for("executive"), limits.per_minute_for("analyst")
(60, 30)
>>> bank_time_text(dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.UTC))
'2026-10-01 00:00:00 UTC+8'
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Column, Connection, DateTime, Engine, Integer, String, Table, case, or_
from sqlalchemy.dialects import postgresql, sqlite

from asker.appstate.database import metadata
from asker.clock import bank_day, bank_time_text
from asker.config import Settings
from asker.errors import QueryLimit

Period = Literal["minute", "day"]

question_counts = Table(
    "question_counts",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("period", String(8), primary_key=True),  # "minute" or "day"
    Column("period_start", DateTime(timezone=True), nullable=False),  # UTC
    Column("questions", Integer, nullable=False),
)


@dataclass(frozen=True)
class QuestionLimits:
    """How many questions a user may ask: per clock minute (by role) and per bank day."""

    per_minute: int = 30
    daily_quota: int = 2000
    per_minute_by_role: tuple[tuple[str, int], ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> QuestionLimits:
        return cls(
            per_minute=settings.rate_limit_per_minute,
            daily_quota=settings.daily_question_quota,
            per_minute_by_role=settings.rate_limit_per_minute_by_role,
        )

    def per_minute_for(self, role: str) -> int:
        return dict(self.per_minute_by_role).get(role, self.per_minute)


def check_and_count(
    engine: Engine,
    user_id: str,
    role: str,
    now: dt.datetime | None = None,
    *,
    limits: QuestionLimits | None = None,
) -> None:
    """Count one question for the user, or raise QueryLimit (RATE_LIMITED or
    DAILY_QUOTA_EXCEEDED, saying when to retry) without counting it. ``now`` must be aware."""
    limits = limits or QuestionLimits()
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    day_start, next_day = bank_day(moment)
    minute_start = moment.replace(second=0, microsecond=0)
    per_minute = limits.per_minute_for(role)
    with engine.begin() as con:  # a raise below rolls back whatever was counted
        if not _count(con, user_id, "day", day_start, limits.daily_quota):
            raise QueryLimit(
                "DAILY_QUOTA_EXCEEDED", limit=limits.daily_quota, retry_at=bank_time_text(next_day)
            )
        if not _count(con, user_id, "minute", minute_start, per_minute):
            retry_at = minute_start + dt.timedelta(minutes=1)
            raise QueryLimit(
                "RATE_LIMITED",
                limit=per_minute,
                retry_after=max(1, math.ceil((retry_at - moment).total_seconds())),
                retry_at=bank_time_text(retry_at),
            )


def _count(con: Connection, user_id: str, period: Period, start: dt.datetime, limit: int) -> bool:
    """Add one to the user's window starting at ``start``; False (nothing changed) at the limit.

    One statement, so the check and the increment cannot interleave with another caller's. A
    window newer than the stored one starts again at 1; an older one (a clock behind another
    process's) counts into the stored window.
    """
    dialect = postgresql if con.dialect.name == "postgresql" else sqlite
    insert = dialect.insert(question_counts).values(
        user_id=user_id, period=period, period_start=start, questions=1
    )
    stored = question_counts.c
    newer = insert.excluded.period_start > stored.period_start
    upsert = insert.on_conflict_do_update(
        index_elements=[stored.user_id, stored.period],
        set_={
            "questions": case((newer, 1), else_=stored.questions + 1),
            "period_start": case((newer, insert.excluded.period_start), else_=stored.period_start),
        },
        where=or_(newer, stored.questions < limit),
    ).returning(stored.questions)
    return con.execute(upsert).first() is not None
