"""Sessions their user ended by signing out. The browser's session token (``session_token``) is
signed, not stored, so signing out records the session here: a copy of the token that survived
the sign-out (a cookie the page could not remove in time, one taken from the browser) no longer
signs anyone in."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Engine, Integer, String, Table, insert, select

from asker.appstate.database import UtcDateTime, metadata

ended_sessions = Table(
    "ended_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False, index=True),
    Column("started_at", UtcDateTime(), nullable=False),  # the session's sign-in time
    Column("ended_at", UtcDateTime(), nullable=False),
)


def end(engine: Engine, user_id: str, started: dt.datetime, now: dt.datetime) -> None:
    """Record that ``user_id``'s session signed in at ``started`` was ended at ``now``."""
    with engine.begin() as con:
        con.execute(
            insert(ended_sessions).values(user_id=user_id, started_at=started, ended_at=now)
        )


def ended(engine: Engine, user_id: str, started: dt.datetime) -> bool:
    """Whether ``user_id`` signed out of the session signed in at ``started``."""
    query = select(ended_sessions.c.id).where(
        ended_sessions.c.user_id == user_id, ended_sessions.c.started_at == started
    )
    with engine.connect() as con:
        return con.execute(query.limit(1)).first() is not None
