"""The app database on both backends: every test taking ``app_db_url`` or ``engine`` runs on a
SQLite file and on a fresh database of the session's PostgreSQL server (tests/postgres.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from asker.appstate.database import create_schema, engine_for

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def app_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty app database: a SQLite file, or a new database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    url: str = request.getfixturevalue("pg_database_url")
    return url


@pytest.fixture
def bare_engine(app_db_url: str) -> Iterator[Engine]:
    """An engine on the empty database (no tables)."""
    engine = engine_for(app_db_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def engine(bare_engine: Engine) -> Engine:
    """An engine on a database upgraded to the newest schema."""
    create_schema(bare_engine)
    return bare_engine
