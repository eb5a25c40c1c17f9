"""Token usage of the LLM path in the app database (``llm_usage``), for the per-user daily quota
and the admin statistics. One row per model request: who, role, org, day (UTC+8, like the
question quota), model, purpose and the tokens tiktoken counted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Date, DateTime, Engine, Integer, String, Table, func, select

from asker.appstate.database import metadata
from asker.clock import BANK_TIME
from asker.errors import QueryLimit
from asker.sql.chat import Call

llm_usage = Table(
    "llm_usage",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False),
    Column("role", String(64), nullable=False),
    Column("org_id", String(64), nullable=False),
    Column("day", Date, nullable=False),
    Column("model", String(128), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("prompt_tokens", Integer, nullable=False),
    Column("completion_tokens", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def today(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(BANK_TIME).date()


def record_usage(
    engine: Engine, *, user_id: str, role: str, org_id: str, model: str, made: Call
) -> None:
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as con:
        con.execute(
            llm_usage.insert().values(
                user_id=user_id[:64],
                role=role,
                org_id=org_id,
                day=today(now),
                model=model[:128],
                purpose=made.purpose,
                prompt_tokens=made.prompt_tokens,
                completion_tokens=made.completion_tokens,
                created_at=now,
            )
        )


def tokens_used(engine: Engine, user_id: str, day: dt.date | None = None) -> int:
    total = func.coalesce(func.sum(llm_usage.c.prompt_tokens + llm_usage.c.completion_tokens), 0)
    query = select(total).where(llm_usage.c.user_id == user_id, llm_usage.c.day == (day or today()))
    with engine.connect() as con:
        return int(con.execute(query).scalar_one())


def check_token_quota(engine: Engine, user_id: str, quota: int) -> None:
    """Refuse (``LLM_TOKEN_QUOTA_EXCEEDED``) once the user's tokens today reach the quota."""
    used = tokens_used(engine, user_id)
    if used >= quota:
        raise QueryLimit("LLM_TOKEN_QUOTA_EXCEEDED", used=used, limit=quota)


def tokens_between(engine: Engine, since: dt.datetime | None, until: dt.datetime | None) -> int:
    """Prompt + completion tokens of every user in [since, until) (None: unbounded)."""
    query = select(
        func.coalesce(func.sum(llm_usage.c.prompt_tokens + llm_usage.c.completion_tokens), 0)
    )
    if since is not None:
        query = query.where(llm_usage.c.created_at >= since)
    if until is not None:
        query = query.where(llm_usage.c.created_at < until)
    with engine.connect() as con:
        return int(con.execute(query).scalar_one())


def usage_by_day(engine: Engine) -> list[tuple[dt.date, str, str, int, int]]:
    """Admin statistics: (day, user, model, prompt tokens, completion tokens), newest first."""
    query = (
        select(
            llm_usage.c.day,
            llm_usage.c.user_id,
            llm_usage.c.model,
            func.sum(llm_usage.c.prompt_tokens),
            func.sum(llm_usage.c.completion_tokens),
        )
        .group_by(llm_usage.c.day, llm_usage.c.user_id, llm_usage.c.model)
        .order_by(llm_usage.c.day.desc(), llm_usage.c.user_id)
    )
    with engine.connect() as con:
        return [(d, u, m, int(p), int(c)) for d, u, m, p, c in con.execute(query).all()]
