"""The feedback queue: thumbs-down answers, optionally with a corrected question → SQL pair, wait
as pending items until a reviewer promotes the pair to a verified example or rejects the item
with a reason (kept). Nothing is promoted automatically.

The item itself is a row of ``answer_feedback`` (the chat's buttons write it); the correction and
the review live in their own tables keyed by the feedback id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from asker.appstate.conversations import answer_feedback
from asker.appstate.database import UtcDateTime, metadata
from asker.errors import UserFacingError

Decision = Literal["promoted", "rejected"]

feedback_corrections = Table(
    "feedback_corrections",
    metadata,
    Column("feedback_id", Integer, ForeignKey("answer_feedback.id"), primary_key=True),
    Column("question", Text, nullable=False),
    Column("sql", Text, nullable=False),
)

feedback_reviews = Table(
    "feedback_reviews",
    metadata,
    Column("feedback_id", Integer, ForeignKey("answer_feedback.id"), primary_key=True),
    Column("reviewer", String(64), nullable=False),
    Column("decision", String(16), nullable=False),  # promoted | rejected
    Column("reason", Text, nullable=False),
    Column("example_id", Integer, nullable=True),  # the verified example a promotion made
    Column("reviewed_at", UtcDateTime(), nullable=False),
)


@dataclass(frozen=True)
class FeedbackItem:
    id: int
    user_id: str
    question: str
    sql: str | None
    rating: int
    reason: str
    status: str  # pending | promoted | rejected
    created_at: dt.datetime
    corrected_question: str | None = None
    corrected_sql: str | None = None
    reviewer: str | None = None
    review_reason: str | None = None
    example_id: int | None = None


def submit(
    engine: Engine,
    user_id: str,
    question: str,
    *,
    sql: str | None,
    rating: int,
    reason: str = "",
    corrected_question: str = "",
    corrected_sql: str = "",
) -> int:
    """Store a rating (and a correction when both its parts are given); the new item's id."""
    with engine.begin() as con:
        found = con.execute(
            insert(answer_feedback).values(
                user_id=user_id,
                question=question,
                sql=sql,
                rating=1 if rating > 0 else -1,
                reason=reason[:2000],
                status="pending",
                created_at=dt.datetime.now(dt.UTC),
            )
        ).inserted_primary_key
        assert found is not None
        item = int(found[0])
        if corrected_question.strip() and corrected_sql.strip():
            con.execute(
                insert(feedback_corrections).values(
                    feedback_id=item, question=corrected_question.strip(), sql=corrected_sql.strip()
                )
            )
    return item


_ITEMS = (
    select(
        answer_feedback,
        feedback_corrections.c.question.label("corrected_question"),
        feedback_corrections.c.sql.label("corrected_sql"),
        feedback_reviews.c.reviewer,
        feedback_reviews.c.reason.label("review_reason"),
        feedback_reviews.c.example_id,
    )
    .outerjoin(feedback_corrections, feedback_corrections.c.feedback_id == answer_feedback.c.id)
    .outerjoin(feedback_reviews, feedback_reviews.c.feedback_id == answer_feedback.c.id)
)


def items(
    engine: Engine, *, status: str | None = "pending", limit: int = 200
) -> tuple[FeedbackItem, ...]:
    """Thumbs-down items, oldest first (``status`` None: all of them)."""
    stmt = _ITEMS.where(answer_feedback.c.rating < 0).order_by(answer_feedback.c.id).limit(limit)
    if status is not None:
        stmt = stmt.where(answer_feedback.c.status == status)
    with engine.connect() as con:
        return tuple(_item(row) for row in con.execute(stmt).mappings())


def item(engine: Engine, item_id: int) -> FeedbackItem | None:
    with engine.connect() as con:
        row = con.execute(_ITEMS.where(answer_feedback.c.id == item_id)).mappings().first()
    return _item(row) if row else None


def close(
    engine: Engine,
    item_id: int,
    *,
    reviewer: str,
    decision: Decision,
    reason: str,
    example_id: int | None = None,
) -> None:
    """Mark a pending item reviewed (once: a second review is FEEDBACK_NOT_PENDING)."""
    with engine.begin() as con:
        changed = con.execute(
            update(answer_feedback)
            .where(answer_feedback.c.id == item_id, answer_feedback.c.status == "pending")
            .values(status=decision)
        ).rowcount
        if changed != 1:
            raise UserFacingError("FEEDBACK_NOT_PENDING", item=item_id)
        con.execute(
            insert(feedback_reviews).values(
                feedback_id=item_id,
                reviewer=reviewer,
                decision=decision,
                reason=reason[:2000],
                example_id=example_id,
                reviewed_at=dt.datetime.now(dt.UTC),
            )
        )


def _item(row: object) -> FeedbackItem:
    r = dict(row)  # type: ignore[call-overload]
    return FeedbackItem(
        id=r["id"],
        user_id=r["user_id"],
        question=r["question"],
        sql=r["sql"],
        rating=r["rating"],
        reason=r["reason"] or "",
        status=r["status"],
        created_at=r["created_at"],
        corrected_question=r["corrected_question"],
        corrected_sql=r["corrected_sql"],
        reviewer=r["reviewer"],
        review_reason=r["review_reason"],
        example_id=r["example_id"],
    )
