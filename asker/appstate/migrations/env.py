"""Alembic's migration environment for the app database.

Run by Alembic only (``asker.appstate.database.create_schema`` or
``python -m asker.appstate.migrations``): importing this module elsewhere (pytest's doctest
collection) does nothing.
"""

from __future__ import annotations

import importlib

from alembic import context
from sqlalchemy import Connection, MetaData, text

from asker.appstate.database import MIGRATION_LOCK, engine_for, metadata
from asker.appstate.migrations import TABLE_MODULES


def target_metadata() -> MetaData:
    """``metadata`` with every table declared: the modules are imported by name."""
    for name in TABLE_MODULES:
        importlib.import_module(name)
    return metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        render_as_batch=True,  # revisions must also run on SQLite, which cannot ALTER much
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Concurrent upgrades wait here; the lock ends with the transaction.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no app database: pass a connection or set sqlalchemy.url")
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


def run_offline() -> None:
    """``--sql``: print the DDL instead of running it."""
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata(),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if getattr(context, "_proxy", None) is not None:  # Alembic is running this environment
    if context.is_offline_mode():
        run_offline()
    else:
        run_online()
