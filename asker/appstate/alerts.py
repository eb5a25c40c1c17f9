"""Threshold alerts: "不良率超过 2% 时提醒我". A question naming one number (a metric with its
filters, asked in its owner's scope), a comparison and a line; evaluated once per data date,
notifying once when the line is crossed and once when the number comes back.

``state`` is what the last evaluation found (``breached`` or ``normal``; None before the first);
``evaluated_date`` the data date it was evaluated for, which is also how one worker claims an
evaluation: ``claim_evaluation`` moves it to the new data date in one conditional UPDATE.

>>> breached(">", 0.021, 0.02), breached(">", 0.02, 0.02), breached(">=", 0.02, 0.02)
(True, False, True)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, get_args

from sqlalchemy import (
    Column,
    ColumnElement,
    Engine,
    Float,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    or_,
    select,
    update,
)

from asker.appstate.database import UtcDateTime, metadata
from asker.errors import UserFacingError

Comparison = Literal[">", ">=", "<", "<="]
COMPARISONS: tuple[str, ...] = get_args(Comparison)
AlertState = Literal["breached", "normal"]

threshold_alerts = Table(
    "threshold_alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner_id", String(64), nullable=False, index=True),
    Column("question", Text, nullable=False),
    Column("metric", String(64), nullable=False),  # the code of the number watched
    Column("comparison", String(2), nullable=False),
    Column("threshold", Float, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("webhook_url", String(500), nullable=True),
    Column("state", String(16), nullable=True),
    Column("evaluated_date", String(10), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)


@dataclass(frozen=True)
class ThresholdAlert:
    id: int
    owner_id: str
    question: str
    metric: str
    comparison: Comparison
    threshold: float
    channel: str
    webhook_url: str | None
    state: AlertState | None
    evaluated_date: str | None
    created_at: dt.datetime


def breached(comparison: Comparison, value: float, threshold: float) -> bool:
    return {
        ">": value > threshold,
        ">=": value >= threshold,
        "<": value < threshold,
        "<=": value <= threshold,
    }[comparison]


def add(
    engine: Engine,
    *,
    owner_id: str,
    question: str,
    metric: str,
    comparison: Comparison,
    threshold: float,
    channel: str,
    webhook_url: str | None,
    now: dt.datetime,
) -> ThresholdAlert:
    values = {
        "owner_id": owner_id,
        "question": question,
        "metric": metric,
        "comparison": comparison,
        "threshold": threshold,
        "channel": channel,
        "webhook_url": webhook_url,
        "state": None,
        "evaluated_date": None,
        "created_at": now,
    }
    with engine.begin() as con:
        found = con.execute(insert(threshold_alerts).values(**values)).inserted_primary_key
    assert found is not None
    return ThresholdAlert(id=int(found[0]), **values)  # type: ignore[arg-type]


def _rows(engine: Engine, *where: ColumnElement[bool]) -> tuple[ThresholdAlert, ...]:
    stmt = select(threshold_alerts).where(*where).order_by(threshold_alerts.c.id)
    with engine.connect() as con:
        return tuple(ThresholdAlert(**dict(row)) for row in con.execute(stmt).mappings())


def owned_by(engine: Engine, user_id: str) -> tuple[ThresholdAlert, ...]:
    return _rows(engine, threshold_alerts.c.owner_id == user_id)


def every(engine: Engine) -> tuple[ThresholdAlert, ...]:
    return _rows(engine)


def get(engine: Engine, item: int) -> ThresholdAlert:
    found = _rows(engine, threshold_alerts.c.id == item)
    if not found:
        raise UserFacingError("ALERT_NOT_FOUND", item=item)
    return found[0]


def claim_evaluation(engine: Engine, item: int, data_date: dt.date) -> bool:
    """Whether this caller evaluates the alert for ``data_date`` (exactly one caller does)."""
    day = data_date.isoformat()
    with engine.begin() as con:
        won = con.execute(
            update(threshold_alerts)
            .where(
                threshold_alerts.c.id == item,
                or_(
                    threshold_alerts.c.evaluated_date.is_(None),
                    threshold_alerts.c.evaluated_date != day,
                ),
            )
            .values(evaluated_date=day)
        ).rowcount
    return bool(won == 1)


def set_state(engine: Engine, item: int, state: AlertState) -> None:
    with engine.begin() as con:
        con.execute(
            update(threshold_alerts).where(threshold_alerts.c.id == item).values(state=state)
        )


def remove(engine: Engine, item: int, user_id: str) -> None:
    with engine.begin() as con:
        gone = con.execute(
            delete(threshold_alerts).where(
                threshold_alerts.c.id == item, threshold_alerts.c.owner_id == user_id
            )
        ).rowcount
    if gone != 1:
        raise UserFacingError("ALERT_NOT_FOUND", item=item)
