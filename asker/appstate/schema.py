"""Which schema revision an app database is at, and whether this asker may open it.

A bank's app database moves to a new schema only when an administrator runs ``asker upgrade``
(after a backup): a newer asker refuses to start on an older schema, and any asker refuses a
database a newer asker has already upgraded (a revision these migrations do not know). A demo
data dir, or a database with no tables yet, is brought to the newest revision on the way.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Engine, inspect, text

from asker import __version__
from asker.appstate.database import MIGRATIONS, app_db_unavailable, create_schema
from asker.errors import ConfigError

VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class SchemaState:
    """``current`` is the database's revision (None: no revision table), ``head`` the newest
    this asker knows; ``empty``: the database holds no table at all."""

    current: str | None
    head: str
    known: frozenset[str]
    empty: bool

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def newer(self) -> bool:
        """The database was upgraded by a newer asker: its revision is none of ours."""
        return self.current is not None and self.current not in self.known


@functools.cache
def _revisions() -> tuple[str, frozenset[str]]:
    from alembic.script import ScriptDirectory  # ~0.15 s: once per process

    scripts = ScriptDirectory(str(MIGRATIONS))
    head = scripts.get_current_head()
    if head is None:
        raise RuntimeError("the app database migrations have no head revision")
    return head, frozenset(s.revision for s in scripts.walk_revisions())


def schema_state(engine: Engine) -> SchemaState:
    """Read the database's revision without changing anything."""
    head, known = _revisions()
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            current = None
            if VERSION_TABLE in tables:
                query = text(f"SELECT version_num FROM {VERSION_TABLE}")
                current = next(iter(connection.execute(query).scalars()), None)
    except Exception as exc:  # the first contact with the database: unreachable, refused, ...
        url = engine.url.render_as_string(hide_password=False)
        raise app_db_unavailable(url, exc) from None
    return SchemaState(current=current, head=head, known=known, empty=not tables)


def require_current_schema(engine: Engine, *, data_dir: str, automatic: bool) -> None:
    """Open only a database at this asker's schema revision.

    ``automatic`` (a demo data dir): an older schema is upgraded here. Otherwise an older schema
    raises SCHEMA_OUTDATED (run ``asker upgrade``), a newer one SCHEMA_NEWER; a database with no
    table at all is given the schema (nothing to lose).
    """
    state = schema_state(engine)
    if state.up_to_date:
        return
    if state.newer:
        raise ConfigError(
            "SCHEMA_NEWER", revision=state.current, head=state.head, version=__version__
        )
    if automatic or state.empty:
        create_schema(engine)
        return
    raise ConfigError(
        "SCHEMA_OUTDATED",
        revision=state.current or "none",
        head=state.head,
        version=__version__,
        data_dir=data_dir,
    )


@dataclass(frozen=True)
class Upgrade:
    """What ``upgrade`` did: the revision before and after."""

    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def upgrade(engine: Engine) -> Upgrade:
    """Run the migrations to the newest revision (idempotent); SCHEMA_NEWER when the database is
    ahead of this asker (a downgrade is never attempted)."""
    state = schema_state(engine)
    if state.newer:
        raise ConfigError(
            "SCHEMA_NEWER", revision=state.current, head=state.head, version=__version__
        )
    create_schema(engine)
    return Upgrade(before=state.current, after=schema_state(engine).current or state.head)
