"""The app database (metric versions, users, audit, feedback): SQLAlchemy 2 on SQLite by default,
PostgreSQL through ``ASKER_APP_DB_URL``. Each module declares its tables on ``metadata``.

The schema is owned by the Alembic migrations in ``asker/appstate/migrations``:
``create_schema`` upgrades a database to the newest revision (a no-op when it is there already).
A module that declares tables must also be listed in ``asker.appstate.migrations.TABLE_MODULES``,
which the migration environment imports by name, so this bottom layer never imports the layers
above it.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, DateTime, Dialect, Engine, MetaData, create_engine, event
from sqlalchemy.types import TypeDecorator

from asker.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

# Names for constraints and indexes, so later migrations (and SQLite's batch mode) can refer to
# them by name on every backend. ``ix`` is SQLAlchemy's default, which the first schema used;
# check constraints must be given a name (``%(constraint_name)s``).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# pg_advisory_xact_lock key serialising concurrent upgrades of one PostgreSQL database.
MIGRATION_LOCK = 0x61736B6572  # "asker"
# Alembic keeps the running migration in module globals: one upgrade per process at a time.
_UPGRADING = threading.Lock()


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment, stored in UTC and read back timezone-aware in UTC on every backend.

    A plain ``DateTime(timezone=True)`` differs by backend: SQLite stores the wall-clock time
    as given (a +08:00 value is not converted) and reads it back without a zone, PostgreSQL reads
    it back in the session's time zone. Naive datetimes are refused. The column type in the
    database is that of ``DateTime(timezone=True)``, so switching to it needs no migration.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"a naive datetime cannot be stored as a moment: {value!r}")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: the UTC wall-clock time stored above
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # first: switching to WAL may wait on others; a schema upgrade in another process holds the
    # write lock for seconds on a loaded machine, so waiting 30 s beats failing a request
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def shown_url(url: str) -> str:
    """``url`` as it may appear in a message or a log: no password, no query string (which can
    carry one too); an unparsable URL shows its scheme only.

    >>> shown_url("postgresql+psycopg://asker:s3cret@db.bank.local:5432/asker?password=x")
    'postgresql+psycopg://asker:***@db.bank.local:5432/asker'
    """
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
        return str(parsed.set(query={}).render_as_string(hide_password=True))
    except Exception:  # whatever the parser says may quote the URL
        scheme = url.partition("://")[0]
        return (scheme if scheme.replace("+", "").isalnum() else "?") + "://…"


def app_db_unavailable(url: str, exc: BaseException) -> ConfigError:
    """The error for an app database that cannot be opened: the URL without its password and
    the error's class (a driver's message can quote the connection string)."""
    return ConfigError("APP_DB_UNAVAILABLE", url=shown_url(url), error_class=type(exc).__name__)


def open_app_db(url: str) -> Engine:
    """``engine_for(url)``, an unparsable URL raising APP_DB_UNAVAILABLE without the URL."""
    try:
        return engine_for(url)
    except Exception as exc:
        raise app_db_unavailable(url, exc) from None


def engine_for(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An Alembic configuration for asker's migrations, without an ini file.

    ``connection``: run on this connection (and inside its transaction); otherwise ``url`` is
    opened by the migration environment.
    """
    from alembic.config import Config  # ~0.15 s: only when migrating

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def create_schema(engine: Engine) -> None:
    """Upgrade the app database to the newest schema revision (idempotent).

    The whole upgrade is one transaction: PostgreSQL runs DDL transactionally and takes an
    advisory lock, so concurrent callers wait and then find nothing to do; SQLite takes its write
    lock up front (``BEGIN IMMEDIATE``) for the same effect; threads of one process take turns
    (Alembic is not thread-safe). A database made before the migrations existed keeps its tables
    and data: the first revision creates only the tables it lacks. The modules named in
    ``asker.appstate.migrations.TABLE_MODULES`` are imported on the way.
    """
    from alembic import command

    with _UPGRADING, engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        command.upgrade(alembic_config(connection), "head")
