"""Alembic migrations of the app database (run by ``asker.appstate.database.create_schema``).

Adding a table or a column: declare it in its module, make sure the module is listed in
``TABLE_MODULES`` below, then write the next revision, e.g.::

    export ASKER_APP_DB_URL=sqlite:////tmp/scratch.db
    python -m asker.appstate.migrations upgrade head
    python -m asker.appstate.migrations revision --autogenerate --rev-id 0002 -m "add a table"

Review the generated file: it must run on SQLite and PostgreSQL (autogenerate renders
``batch_alter_table`` blocks for SQLite). ``tests/appstate`` checks on both backends that upgrading
to head gives exactly the declared tables. Tables belong to the migrations: a module must not
create its own (``metadata.create_all``) once its table is in a revision.
"""

from __future__ import annotations

# Every module that declares tables on ``asker.appstate.database.metadata``. The migration
# environment imports them by name (importlib), so the bottom layer never imports the layers
# above it.
TABLE_MODULES: tuple[str, ...] = (
    "asker.semantic.store",
    "asker.appstate.conversations",
    "asker.access.accounts",
    "asker.pipeline.rate_limits",
    "asker.audit.table",
    "asker.semantic.drafts",
    "asker.appstate.verified_examples",
    "asker.appstate.feedback_queue",
    "asker.appstate.saved_questions",
    "asker.sql.usage",
    "asker.access.tokens",
)
