"""Saved questions (favourites): a user keeps a question to re-run on fresh data and may share it
with a role. The question is kept as text and asked again through the normal path, so each re-run
meets the asker's own scope and masks, never the saver's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Engine,
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

saved_questions = Table(
    "saved_questions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("question", Text, nullable=False),
    Column("shared_role", String(32), nullable=True),  # a role every user of it sees this with
    Column("created_at", UtcDateTime(), nullable=False),
)


@dataclass(frozen=True)
class SavedQuestion:
    id: int
    user_id: str
    title: str
    question: str
    shared_role: str | None
    created_at: dt.datetime


def save(engine: Engine, user_id: str, question: str, title: str = "") -> SavedQuestion:
    values = {
        "user_id": user_id,
        "title": (title.strip() or question.strip())[:200],
        "question": question.strip(),
        "shared_role": None,
        "created_at": dt.datetime.now(dt.UTC),
    }
    with engine.begin() as con:
        found = con.execute(insert(saved_questions).values(**values)).inserted_primary_key
    assert found is not None
    return SavedQuestion(id=int(found[0]), **values)  # type: ignore[arg-type]


def visible_to(engine: Engine, user_id: str, role: str) -> tuple[SavedQuestion, ...]:
    """The user's own saved questions and those shared with the user's role, newest first."""
    stmt = (
        select(saved_questions)
        .where(or_(saved_questions.c.user_id == user_id, saved_questions.c.shared_role == role))
        .order_by(saved_questions.c.id.desc())
    )
    with engine.connect() as con:
        return tuple(SavedQuestion(**dict(row)) for row in con.execute(stmt).mappings())


def get(engine: Engine, item: int, user_id: str, role: str) -> SavedQuestion:
    for found in visible_to(engine, user_id, role):
        if found.id == item:
            return found
    raise UserFacingError("SAVED_QUESTION_NOT_FOUND", item=item)


def share(engine: Engine, item: int, user_id: str, role: str | None) -> None:
    """Share the user's own saved question with ``role`` (None: stop sharing)."""
    with engine.begin() as con:
        changed = con.execute(
            update(saved_questions)
            .where(saved_questions.c.id == item, saved_questions.c.user_id == user_id)
            .values(shared_role=role)
        ).rowcount
    if changed != 1:
        raise UserFacingError("SAVED_QUESTION_NOT_FOUND", item=item)


def remove(engine: Engine, item: int, user_id: str) -> None:
    with engine.begin() as con:
        changed = con.execute(
            delete(saved_questions).where(
                saved_questions.c.id == item, saved_questions.c.user_id == user_id
            )
        ).rowcount
    if changed != 1:
        raise UserFacingError("SAVED_QUESTION_NOT_FOUND", item=item)


def every(engine: Engine) -> tuple[SavedQuestion, ...]:
    """All saved questions of every user: what a metric change would touch (impact review)."""
    with engine.connect() as con:
        rows = con.execute(select(saved_questions).order_by(saved_questions.c.id)).mappings()
        return tuple(SavedQuestion(**dict(row)) for row in rows)
