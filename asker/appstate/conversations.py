"""Conversations: the last turns of one user's conversation, kept in the app database so a
follow-up ("那对公的呢") resolves against what was asked before, in the UI and the CLI alike."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Column, DateTime, Engine, Integer, String, Table, Text, func, select

from asker.appstate.database import metadata
from asker.pii import redact_pii
from asker.types import Attribution, Filter, MetricQuery, Period, Threshold

KEEP = 5  # turns a follow-up may refer back to

conversation_turns = Table(
    "conversation_turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), nullable=False, index=True),
    Column("user_id", String(64), nullable=False),
    Column("question", Text, nullable=False),
    Column("query", Text),  # the resolved MetricQuery as JSON, NULL when nothing was answered
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def query_to_json(query: MetricQuery) -> str:
    return json.dumps(asdict(query), ensure_ascii=False, default=str)


def _period(raw: dict[str, str] | None) -> Period | None:
    if not raw:
        return None
    return Period(date.fromisoformat(raw["start"]), date.fromisoformat(raw["end"]))


def _attribution(raw: dict[str, Any] | None) -> Attribution | None:
    if raw is None:
        return None
    return Attribution(compare_period=_period(raw.get("compare_period")), top=raw.get("top"))


def query_from_json(text: str) -> MetricQuery:
    raw: dict[str, Any] = json.loads(text)
    return MetricQuery(
        metrics=tuple(raw["metrics"]),
        dimensions=tuple(raw.get("dimensions", ())),
        filters=tuple(
            Filter(f["dimension"], tuple(f["values"]), f.get("exclude", False))
            for f in raw.get("filters", ())
        ),
        period=_period(raw.get("period")),
        grain=raw.get("grain"),
        compare=raw.get("compare"),
        order=raw.get("order"),
        limit=raw.get("limit"),
        entity=raw.get("entity"),
        attributes=tuple(raw.get("attributes", ())),
        thresholds=tuple(Threshold(**t) for t in raw.get("thresholds", ())),
        attribution=_attribution(raw.get("attribution")),
    )


@dataclass(frozen=True)
class ConversationSummary:
    """One past conversation of a user: its first question, when it was last added to, turns."""

    conversation_id: str
    first_question: str
    last_at: dt.datetime
    turns: int


@dataclass(frozen=True)
class PastTurn:
    """One turn of a past conversation: the question, when it was asked, the query it was
    answered with (None when it was not answered)."""

    question: str
    asked_at: dt.datetime
    query: MetricQuery | None


class Conversations:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def last_query(self, conversation_id: str, user_id: str) -> MetricQuery | None:
        """The most recent answered query among the last turns of the user's conversation."""
        query = (
            select(conversation_turns.c.query)
            .where(
                conversation_turns.c.conversation_id == conversation_id,
                conversation_turns.c.user_id == user_id,
            )
            .order_by(conversation_turns.c.id.desc())
            .limit(KEEP)
        )
        with self.engine.connect() as con:
            rows = con.execute(query).all()
        for row in rows:
            if row.query:
                return query_from_json(row.query)
        return None

    def last_questions(self, conversation_id: str, user_id: str) -> list[str]:
        """The questions of the user's last turns in this conversation, oldest first."""
        query = (
            select(conversation_turns.c.question)
            .where(
                conversation_turns.c.conversation_id == conversation_id,
                conversation_turns.c.user_id == user_id,
            )
            .order_by(conversation_turns.c.id.desc())
            .limit(KEEP)
        )
        with self.engine.connect() as con:
            return [row.question for row in reversed(con.execute(query).all())]

    def recent(self, user_id: str, limit: int = 20) -> list[ConversationSummary]:
        """The user's conversations, the latest first (only their own: the user id is part of
        every condition)."""
        grouped = (
            select(
                conversation_turns.c.conversation_id,
                func.min(conversation_turns.c.id).label("first_id"),
                func.max(conversation_turns.c.created_at).label("last_at"),
                func.count().label("turns"),
            )
            .where(conversation_turns.c.user_id == user_id)
            .group_by(conversation_turns.c.conversation_id)
            .subquery()
        )
        query = (
            select(grouped, conversation_turns.c.question)
            .join(conversation_turns, conversation_turns.c.id == grouped.c.first_id)
            .order_by(grouped.c.last_at.desc(), grouped.c.first_id.desc())
            .limit(limit)
        )
        with self.engine.connect() as con:
            rows = con.execute(query).all()
        return [
            ConversationSummary(r.conversation_id, r.question, _aware(r.last_at), int(r.turns))
            for r in rows
        ]

    def turns(self, conversation_id: str, user_id: str) -> list[PastTurn]:
        """Every turn of the user's conversation, oldest first: the question, when it was asked
        and the query it was answered with (another user's conversation reads as empty)."""
        query = (
            select(
                conversation_turns.c.question,
                conversation_turns.c.created_at,
                conversation_turns.c.query,
            )
            .where(
                conversation_turns.c.conversation_id == conversation_id,
                conversation_turns.c.user_id == user_id,
            )
            .order_by(conversation_turns.c.id)
        )
        with self.engine.connect() as con:
            rows = con.execute(query).all()
        return [
            PastTurn(
                r.question, _aware(r.created_at), query_from_json(r.query) if r.query else None
            )
            for r in rows
        ]

    def record(
        self, conversation_id: str, user_id: str, question: str, query: MetricQuery | None
    ) -> None:
        """Keep a turn; the question is stored PII-redacted by the one redactor."""
        with self.engine.begin() as con:
            con.execute(
                conversation_turns.insert().values(
                    conversation_id=conversation_id,
                    user_id=user_id,
                    question=redact_pii(question),  # nothing raw at rest
                    query=query_to_json(query) if query else None,
                    created_at=dt.datetime.now(dt.UTC),
                )
            )


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite gives back naive times for what was written in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


answer_feedback = Table(
    "answer_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False),
    Column("question", Text, nullable=False),
    Column("sql", Text),
    Column("rating", Integer, nullable=False),  # +1 helpful, -1 not helpful
    Column("reason", Text),
    Column("status", String(16), nullable=False, default="pending"),  # reviewed later
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def record_feedback(
    engine: Engine, user_id: str, question: str, *, sql: str | None, rating: int, reason: str
) -> None:
    """Thumbs up or down on an answer, kept for review (nothing is promoted automatically)."""
    with engine.begin() as con:
        con.execute(
            answer_feedback.insert().values(
                user_id=user_id,
                question=question,
                sql=sql,
                rating=1 if rating > 0 else -1,
                reason=reason[:2000],
                status="pending",
                created_at=dt.datetime.now(dt.UTC),
            )
        )
