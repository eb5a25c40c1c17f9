"""Deliveries: each message ``asker worker`` owes someone (a subscription's answer for one data
date, an alert's breach or recovery, an anomaly finding), one row each, with its attempts.

Two rules keep several workers from sending anything twice:

- a message is one row, unique by (source, source_id, occasion): whichever worker inserts it
  first plans it, the others' inserts fail and they move on;
- a worker sends only the rows it claimed, and a claim is one conditional UPDATE (``claimed_by``
  still empty, or its holder's lease run out): the database lets exactly one claimant through.

A claim that outlives ``lease`` (a worker died mid-send) may be taken over; a delivery is then
sent at least once rather than lost. No data values are kept: an alert's payload holds the
aggregate number it found, its threshold and the data date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    Column,
    ColumnElement,
    Engine,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from asker.appstate.database import UtcDateTime, metadata

Source = Literal["subscription", "alert", "anomaly", "notice"]
DeliveryStatus = Literal["pending", "sent", "failed"]

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(16), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("occasion", String(64), nullable=False),  # a data date, a period, an event's key
    Column("recipient_id", String(64), nullable=False),  # a user, or "auditors"
    Column("payload", Text, nullable=True),  # JSON: what an alert found (aggregates only)
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_at", UtcDateTime(), nullable=True),
    Column("last_code", String(64), nullable=True),
    Column("sent_at", UtcDateTime(), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("source", "source_id", "occasion", name="uq_deliveries_occasion"),
)


@dataclass(frozen=True)
class Delivery:
    id: int
    source: Source
    source_id: str
    occasion: str
    recipient_id: str
    payload: dict[str, Any]
    status: DeliveryStatus
    attempts: int
    last_code: str | None


def plan(
    engine: Engine,
    source: Source,
    source_id: str,
    occasion: str,
    recipient_id: str,
    *,
    now: dt.datetime,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Record a message to send; False when it is planned already (by any worker, ever)."""
    values = {
        "source": source,
        "source_id": source_id,
        "occasion": occasion,
        "recipient_id": recipient_id,
        "payload": json.dumps(payload, ensure_ascii=False) if payload else None,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    try:
        with engine.begin() as con:
            con.execute(insert(deliveries).values(**values))
    except IntegrityError:
        return False
    return True


def _claimable(now: dt.datetime, lease: dt.timedelta) -> ColumnElement[bool]:
    return and_(
        deliveries.c.status == "pending",
        deliveries.c.next_attempt_at <= now,
        or_(deliveries.c.claimed_by.is_(None), deliveries.c.claimed_at < now - lease),
    )


def claim_due(
    engine: Engine,
    worker: str,
    now: dt.datetime,
    lease: dt.timedelta,
    *,
    skip: Collection[int] = (),
    limit: int = 100,
) -> tuple[Delivery, ...]:
    """The due deliveries this worker now holds (each held by one worker only), but those in
    ``skip`` (attempted already in this run)."""
    stmt = select(deliveries.c.id).where(_claimable(now, lease))
    if skip:
        stmt = stmt.where(deliveries.c.id.not_in(list(skip)))
    with engine.connect() as con:
        ids = con.execute(stmt.order_by(deliveries.c.id).limit(limit)).scalars()
        candidates = list(ids)
    claimed = []
    for item in candidates:
        with engine.begin() as con:
            won = con.execute(
                update(deliveries)
                .where(deliveries.c.id == item, _claimable(now, lease))
                .values(claimed_by=worker, claimed_at=now)
            ).rowcount
        if won == 1:
            claimed.append(item)
    return tuple(get(engine, item) for item in claimed)


def get(engine: Engine, item: int) -> Delivery:
    with engine.connect() as con:
        row = con.execute(select(deliveries).where(deliveries.c.id == item)).one()
    return Delivery(
        id=row.id,
        source=row.source,
        source_id=row.source_id,
        occasion=row.occasion,
        recipient_id=row.recipient_id,
        payload=json.loads(row.payload) if row.payload else {},
        status=row.status,
        attempts=row.attempts,
        last_code=row.last_code,
    )


def finish(
    engine: Engine,
    item: int,
    worker: str,
    now: dt.datetime,
    *,
    code: str | None = None,
    retry_at: dt.datetime | None = None,
) -> None:
    """The outcome of one attempt: sent (no ``code``), to try again at ``retry_at``, or given up
    (a ``code`` and no ``retry_at``). The claim is released."""
    status = "sent" if code is None else ("pending" if retry_at is not None else "failed")
    values: dict[str, Any] = {
        "status": status,
        "attempts": deliveries.c.attempts + 1,
        "claimed_by": None,
        "claimed_at": None,
        "last_code": code,
    }
    if status == "sent":
        values["sent_at"] = now
    if retry_at is not None:
        values["next_attempt_at"] = retry_at
    with engine.begin() as con:
        con.execute(
            update(deliveries)
            .where(deliveries.c.id == item, deliveries.c.claimed_by == worker)
            .values(**values)
        )


def listed(engine: Engine, source: Source | None = None) -> tuple[Delivery, ...]:
    """Every delivery (of one source), oldest first."""
    stmt = select(deliveries.c.id).order_by(deliveries.c.id)
    if source is not None:
        stmt = stmt.where(deliveries.c.source == source)
    with engine.connect() as con:
        ids = list(con.execute(stmt).scalars())
    return tuple(get(engine, item) for item in ids)
