"""Subscriptions: a saved question sent to a subscriber on a schedule (daily when the data date
moves, weekly, monthly), by e-mail or to a group robot's webhook. Only the link is kept: at send
time the question is asked again as the subscriber, so their rights then decide what they get.

>>> occasion("weekly", dt.date(2026, 9, 30)), occasion("monthly", dt.date(2026, 9, 30))
('2026-W40', '2026-09')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

from sqlalchemy import Column, Engine, Integer, String, Table, delete, insert, or_, select

from asker.appstate.database import UtcDateTime, metadata
from asker.errors import UserFacingError

Schedule = Literal["daily", "weekly", "monthly"]
Channel = Literal["email", "webhook"]
SCHEDULES: tuple[str, ...] = get_args(Schedule)
CHANNELS: tuple[str, ...] = get_args(Channel)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("saved_question_id", Integer, nullable=False, index=True),
    Column("subscriber_id", String(64), nullable=False, index=True),
    Column("owner_id", String(64), nullable=False),  # who set it up: told when it cannot go
    Column("schedule", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("webhook_url", String(500), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)


@dataclass(frozen=True)
class Subscription:
    id: int
    saved_question_id: int
    subscriber_id: str
    owner_id: str
    schedule: Schedule
    channel: Channel
    webhook_url: str | None
    created_at: dt.datetime


def occasion(schedule: Schedule, data_date: dt.date) -> str:
    """The period a data date falls in: one delivery per period and subscription."""
    if schedule == "daily":
        return data_date.isoformat()
    if schedule == "weekly":
        year, week, _ = data_date.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{data_date:%Y-%m}"


def add(
    engine: Engine,
    *,
    saved_question_id: int,
    subscriber_id: str,
    owner_id: str,
    schedule: Schedule,
    channel: Channel,
    webhook_url: str | None,
    now: dt.datetime,
) -> Subscription:
    values = {
        "saved_question_id": saved_question_id,
        "subscriber_id": subscriber_id,
        "owner_id": owner_id,
        "schedule": schedule,
        "channel": channel,
        "webhook_url": webhook_url,
        "created_at": now,
    }
    with engine.begin() as con:
        found = con.execute(insert(subscriptions).values(**values)).inserted_primary_key
    assert found is not None
    return Subscription(id=int(found[0]), **values)  # type: ignore[arg-type]


def involving(engine: Engine, user_id: str) -> tuple[Subscription, ...]:
    """The subscriptions the user receives or set up, oldest first."""
    stmt = (
        select(subscriptions)
        .where(or_(subscriptions.c.subscriber_id == user_id, subscriptions.c.owner_id == user_id))
        .order_by(subscriptions.c.id)
    )
    with engine.connect() as con:
        return tuple(Subscription(**dict(row)) for row in con.execute(stmt).mappings())


def every(engine: Engine) -> tuple[Subscription, ...]:
    with engine.connect() as con:
        rows = con.execute(select(subscriptions).order_by(subscriptions.c.id)).mappings()
        return tuple(Subscription(**dict(row)) for row in rows)


def get(engine: Engine, item: int) -> Subscription:
    with engine.connect() as con:
        row = con.execute(select(subscriptions).where(subscriptions.c.id == item)).mappings()
        found = row.first()
    if found is None:
        raise UserFacingError("SUBSCRIPTION_NOT_FOUND", item=item)
    return Subscription(**dict(found))


def remove(engine: Engine, item: int, user_id: str) -> None:
    """Stop a subscription the user receives or set up."""
    with engine.begin() as con:
        gone = con.execute(
            delete(subscriptions).where(
                subscriptions.c.id == item,
                or_(subscriptions.c.subscriber_id == user_id, subscriptions.c.owner_id == user_id),
            )
        ).rowcount
    if gone != 1:
        raise UserFacingError("SUBSCRIPTION_NOT_FOUND", item=item)
