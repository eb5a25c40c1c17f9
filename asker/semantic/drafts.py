"""Metric drafts in the app database: one open draft per metric, saved with optimistic concurrency.

Every draft row carries ``row_version``. A save or a state change names the row version it was
based on; the database applies it only when that is still the current one (one conditional
UPDATE, atomic on SQLite and PostgreSQL), so of two people editing the same draft the second is
refused with ``METRIC_DRAFT_STALE`` instead of silently overwriting the first. ``open_code`` is
the metric code while a draft is open and NULL once it is closed: a unique constraint on it keeps
one open draft per metric even when two admins start one at the same moment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Column,
    Engine,
    Integer,
    String,
    Table,
    Text,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from asker.appstate.database import UtcDateTime, metadata
from asker.errors import NotAnswerable, UserFacingError

DraftStatus = Literal["draft", "in_review", "rejected", "published", "withdrawn"]
OPEN: tuple[DraftStatus, ...] = ("draft", "in_review", "rejected")
EDITABLE: tuple[DraftStatus, ...] = ("draft", "rejected")

metric_drafts = Table(
    "metric_drafts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(64), nullable=False, index=True),
    Column("open_code", String(64), unique=True),  # = code while open, NULL once closed
    Column("source", String(128), nullable=False),
    Column("base_version", Integer),  # the published version the draft started from
    Column("definition", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("author", String(64), nullable=False),
    Column("editors", JSON, nullable=False),  # everyone who saved it: none of them may approve
    Column("row_version", Integer, nullable=False),
    Column("reviewer", String(64)),
    Column("comment", Text),
    Column("published_version", Integer),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

metric_unlocks = Table(
    "metric_unlocks",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("unlocked_by", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("unlocked_at", UtcDateTime, nullable=False),
)


@dataclass(frozen=True)
class Draft:
    id: int
    code: str
    source: str
    base_version: int | None
    definition: dict[str, Any]
    status: str
    author: str
    editors: tuple[str, ...]
    row_version: int
    reviewer: str | None
    comment: str | None
    published_version: int | None
    updated_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _as_draft(row: Any) -> Draft:
    return Draft(
        id=row.id,
        code=row.code,
        source=row.source,
        base_version=row.base_version,
        definition=dict(row.definition),
        status=row.status,
        author=row.author,
        editors=tuple(row.editors),
        row_version=row.row_version,
        reviewer=row.reviewer,
        comment=row.comment,
        published_version=row.published_version,
        updated_at=row.updated_at,
    )


class DraftStore:
    """Drafts and unlocks; every write is one statement or one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, draft_id: int) -> Draft:
        with self.engine.connect() as con:
            row = con.execute(select(metric_drafts).where(metric_drafts.c.id == draft_id)).first()
        if row is None:
            raise NotAnswerable("METRIC_DRAFT_UNKNOWN", draft=draft_id)
        return _as_draft(row)

    def open_drafts(self, status: DraftStatus | None = None) -> tuple[Draft, ...]:
        query = select(metric_drafts).where(metric_drafts.c.open_code.is_not(None))
        if status is not None:
            query = query.where(metric_drafts.c.status == status)
        with self.engine.connect() as con:
            return tuple(_as_draft(r) for r in con.execute(query.order_by(metric_drafts.c.id)))

    def history(self, code: str) -> tuple[Draft, ...]:
        query = select(metric_drafts).where(metric_drafts.c.code == code)
        with self.engine.connect() as con:
            return tuple(_as_draft(r) for r in con.execute(query.order_by(metric_drafts.c.id)))

    def create(
        self,
        code: str,
        source: str,
        definition: dict[str, Any],
        *,
        author: str,
        base_version: int | None,
    ) -> Draft:
        now = _now()
        try:
            with self.engine.begin() as con:
                result = con.execute(
                    metric_drafts.insert().values(
                        code=code,
                        open_code=code,
                        source=source,
                        base_version=base_version,
                        definition=definition,
                        status="draft",
                        author=author,
                        editors=[author],
                        row_version=1,
                        created_at=now,
                        updated_at=now,
                    )
                )
                draft_id = result.inserted_primary_key[0]  # type: ignore[index]
        except IntegrityError as exc:
            raise UserFacingError("METRIC_DRAFT_OPEN", metric=code) from exc
        return self.get(int(draft_id))

    def change(
        self,
        draft: Draft,
        expected_row_version: int,
        *,
        allowed: tuple[DraftStatus, ...],
        **values: Any,
    ) -> Draft:
        """Apply ``values`` only if the draft is still at ``expected_row_version`` and in one of
        the ``allowed`` states; otherwise refuse with the reason (stale, or wrong state)."""
        if values.get("status") not in (None, *OPEN):
            values["open_code"] = None  # closed: the metric may get a new draft
        statement = (
            update(metric_drafts)
            .where(
                metric_drafts.c.id == draft.id,
                metric_drafts.c.row_version == expected_row_version,
                metric_drafts.c.status.in_(allowed),
            )
            .values(row_version=expected_row_version + 1, updated_at=_now(), **values)
        )
        with self.engine.begin() as con:
            changed = con.execute(statement).rowcount
        if changed == 1:
            return self.get(draft.id)
        current = self.get(draft.id)
        if current.row_version != expected_row_version:
            raise UserFacingError(
                "METRIC_DRAFT_STALE",
                metric=draft.code,
                expected=expected_row_version,
                current=current.row_version,
                by=current.editors[-1],
            )
        raise UserFacingError(
            "METRIC_DRAFT_STATE",
            metric=draft.code,
            status=current.status,
            allowed="/".join(allowed),
        )

    # --- locks ---------------------------------------------------------------------------------

    def unlocked(self, code: str) -> bool:
        with self.engine.connect() as con:
            row = con.execute(select(metric_unlocks).where(metric_unlocks.c.code == code)).first()
        return row is not None

    def unlock(self, code: str, *, by: str, reason: str) -> None:
        with self.engine.begin() as con:
            con.execute(metric_unlocks.delete().where(metric_unlocks.c.code == code))
            con.execute(
                metric_unlocks.insert().values(
                    code=code, unlocked_by=by, reason=reason, unlocked_at=_now()
                )
            )

    def lock(self, code: str) -> None:
        with self.engine.begin() as con:
            con.execute(metric_unlocks.delete().where(metric_unlocks.c.code == code))
