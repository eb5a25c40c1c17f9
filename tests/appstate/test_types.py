"""``UtcDateTime``: the same aware UTC moments back from SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, Table, select
from sqlalchemy.exc import StatementError

from asker.appstate.database import UtcDateTime

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MOMENT = dt.datetime(2026, 10, 1, 7, 30, tzinfo=SHANGHAI)  # 2026-09-30 23:30 UTC


def events_table(metadata: MetaData, kind: object) -> Table:
    return Table(
        "events",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("at", kind, nullable=True),  # type: ignore[arg-type]
    )


def test_moments_come_back_aware_in_utc_and_compare_correctly(bare_engine: Engine) -> None:
    events = events_table(MetaData(), UtcDateTime())
    events.metadata.create_all(bare_engine)
    with bare_engine.begin() as con:
        con.execute(events.insert(), [{"id": 1, "at": MOMENT}, {"id": 2, "at": None}])
    with bare_engine.connect() as con:
        stored = con.execute(select(events.c.at).where(events.c.id == 1)).scalar_one()
        later = MOMENT + dt.timedelta(minutes=1)
        found = con.execute(select(events.c.id).where(events.c.at < later)).scalars().all()
        earlier = con.execute(select(events.c.id).where(events.c.at < MOMENT)).scalars().all()
    assert stored == MOMENT and stored.tzinfo == dt.UTC
    assert stored.isoformat() == "2026-09-30T23:30:00+00:00"
    assert (found, earlier) == ([1], [])


def test_naive_datetimes_are_refused(bare_engine: Engine) -> None:
    events = events_table(MetaData(), UtcDateTime())
    events.metadata.create_all(bare_engine)
    with pytest.raises(StatementError, match="naive"), bare_engine.begin() as con:
        con.execute(events.insert().values(id=1, at=dt.datetime(2026, 10, 1, 7, 30)))


def test_switching_a_column_to_it_needs_no_migration(bare_engine: Engine) -> None:
    events_table(MetaData(), DateTime(timezone=True)).metadata.create_all(bare_engine)
    declared = events_table(MetaData(), UtcDateTime()).metadata
    with bare_engine.connect() as con:
        assert compare_metadata(MigrationContext.configure(con), declared) == []
