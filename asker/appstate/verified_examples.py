"""Verified examples: question → SQL pairs a reviewer promoted from the feedback queue.

Nothing lands here automatically: ``add_example`` is called only when a reviewer promotes an item.
The retrieval index is fed from ``list_examples``; a question whose normalised text equals an
example's is answered with that example's SQL (run through the gate for the asker).

>>> normalise_question("  上个月 各分行的存款余额？ ")
'上个月各分行的存款余额'
>>> normalise_question("Deposit balance, by branch!")
'depositbalancebybranch'
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Column, Engine, Integer, String, Table, Text, insert, select

from asker.appstate.database import UtcDateTime, metadata

verified_examples = Table(
    "verified_examples",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("question", Text, nullable=False),
    Column("normalised_question", String(512), nullable=False, index=True),
    Column("sql", Text, nullable=False),
    Column("tables", Text, nullable=False),  # JSON list of the tables the SQL reads
    Column("author", String(64), nullable=False),  # who wrote the correction
    Column("reviewer", String(64), nullable=False),  # who promoted it
    Column("created_at", UtcDateTime(), nullable=False),
    Column("source_feedback_id", Integer, nullable=True),
)


@dataclass(frozen=True)
class VerifiedExample:
    id: int
    question: str
    normalised_question: str
    sql: str
    tables: tuple[str, ...]
    author: str
    reviewer: str
    created_at: dt.datetime
    source_feedback_id: int | None


def normalise_question(question: str) -> str:
    """Width-folded, lower case, no spaces or punctuation: when two questions are 'the same'."""
    folded = unicodedata.normalize("NFKC", question).lower()
    kept = (c for c in folded if not c.isspace() and not unicodedata.category(c).startswith("P"))
    return "".join(kept)[:512]


def add_example(
    engine: Engine,
    *,
    question: str,
    sql: str,
    tables: tuple[str, ...],
    author: str,
    reviewer: str,
    source_feedback_id: int | None,
) -> VerifiedExample:
    now = dt.datetime.now(dt.UTC)
    values = {
        "question": question,
        "normalised_question": normalise_question(question),
        "sql": sql,
        "tables": json.dumps(list(tables), ensure_ascii=False),
        "author": author,
        "reviewer": reviewer,
        "created_at": now,
        "source_feedback_id": source_feedback_id,
    }
    with engine.begin() as con:
        new_id = con.execute(insert(verified_examples).values(**values)).inserted_primary_key
    assert new_id is not None
    return _example({**values, "id": int(new_id[0])})


def list_examples(engine: Engine) -> tuple[VerifiedExample, ...]:
    """Every verified example, oldest first."""
    with engine.connect() as con:
        rows = con.execute(select(verified_examples).order_by(verified_examples.c.id)).mappings()
        return tuple(_example(dict(row)) for row in rows)


def find_example(engine: Engine, question: str) -> VerifiedExample | None:
    """The newest example whose normalised question equals ``question``'s, or None."""
    key = normalise_question(question)
    if not key:
        return None
    stmt = (
        select(verified_examples)
        .where(verified_examples.c.normalised_question == key)
        .order_by(verified_examples.c.id.desc())
        .limit(1)
    )
    with engine.connect() as con:
        row = con.execute(stmt).mappings().first()
    return _example(dict(row)) if row else None


def _example(row: dict[str, object]) -> VerifiedExample:
    return VerifiedExample(
        id=int(row["id"]),  # type: ignore[call-overload]
        question=str(row["question"]),
        normalised_question=str(row["normalised_question"]),
        sql=str(row["sql"]),
        tables=tuple(json.loads(str(row["tables"]))),
        author=str(row["author"]),
        reviewer=str(row["reviewer"]),
        created_at=row["created_at"],  # type: ignore[arg-type]
        source_feedback_id=row["source_feedback_id"],  # type: ignore[arg-type]
    )
