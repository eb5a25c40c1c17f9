"""The Alembic migrations own the app schema: upgrading to head gives exactly the declared tables,
on SQLite and PostgreSQL, and doing it again changes nothing."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event, func, inspect, select

from asker.appstate.conversations import conversation_turns
from asker.appstate.database import MIGRATIONS, alembic_config, create_schema, engine_for, metadata
from asker.appstate.migrations import TABLE_MODULES
from asker.appstate.migrations.env import target_metadata

ROOT = Path(__file__).resolve().parents[2]


def head() -> str:
    revision = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert revision is not None
    return revision


def differences(engine: Engine) -> list[Any]:
    with engine.connect() as con:
        return list(compare_metadata(MigrationContext.configure(con), target_metadata()))


def current_revisions(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as con:
        return MigrationContext.configure(con).get_current_heads()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def add_turn(engine: Engine, question: str = "存款余额是多少") -> None:
    with engine.begin() as con:
        con.execute(
            conversation_turns.insert().values(
                conversation_id="c1",
                user_id="zhang.wei",
                question=question,
                created_at=dt.datetime.now(dt.UTC),
            )
        )


def count_turns(engine: Engine) -> int:
    with engine.connect() as con:
        return int(con.execute(select(func.count()).select_from(conversation_turns)).scalar_one())


def test_upgrading_to_head_gives_exactly_the_declared_tables(bare_engine: Engine) -> None:
    create_schema(bare_engine)
    assert current_revisions(bare_engine) == (head(),)
    assert table_names(bare_engine) == set(metadata.tables) | {"alembic_version"}
    assert differences(bare_engine) == []


def test_create_schema_twice_changes_nothing(engine: Engine) -> None:
    add_turn(engine)
    statements: list[str] = []

    def seen(_con: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        create_schema(engine)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    ddl = ("CREATE ", "ALTER ", "DROP ", "INSERT ", "UPDATE ", "DELETE ")
    assert not [s for s in statements if s.lstrip().upper().startswith(ddl)]
    assert current_revisions(engine) == (head(),) and count_turns(engine) == 1


def test_a_database_created_before_the_migrations_is_adopted(bare_engine: Engine) -> None:
    older = ("metric_versions", "conversation_turns", "users", "audit_log")
    target_metadata()
    metadata.create_all(bare_engine, tables=[metadata.tables[t] for t in older])
    add_turn(bare_engine)
    create_schema(bare_engine)
    assert current_revisions(bare_engine) == (head(),)
    assert differences(bare_engine) == [] and count_turns(bare_engine) == 1


def test_downgrade_to_base_and_upgrade_again(engine: Engine) -> None:
    with engine.begin() as con:
        command.downgrade(alembic_config(con), "base")
    assert table_names(engine) <= {"alembic_version"}
    with engine.begin() as con:
        command.upgrade(alembic_config(con), "0001")
    assert current_revisions(engine) == ("0001",)
    create_schema(engine)
    assert differences(engine) == []


UPGRADE = """
import sys
from asker.appstate.database import create_schema, engine_for
create_schema(engine_for(sys.argv[1]))
"""


def test_concurrent_upgrades_in_several_processes(app_db_url: str) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE, app_db_url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0], outputs
    engine = engine_for(app_db_url)
    try:
        assert current_revisions(engine) == (head(),) and differences(engine) == []
    finally:
        engine.dispose()


def test_concurrent_upgrades_in_threads_take_turns(app_db_url: str) -> None:
    engines = [engine_for(app_db_url) for _ in range(4)]
    errors: list[BaseException] = []

    def upgrade(engine: Engine) -> None:
        try:
            create_schema(engine)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=upgrade, args=(e,)) for e in engines]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        assert current_revisions(engines[0]) == (head(),) and differences(engines[0]) == []
    finally:
        for e in engines:
            e.dispose()


def test_the_migration_environment_lists_every_module_that_declares_tables() -> None:
    declaring = set()
    for path in sorted((ROOT / "asker").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Table"
                and any(isinstance(a, ast.Name) and a.id == "metadata" for a in node.args)
            ):
                rel = path.relative_to(ROOT).with_suffix("")
                declaring.add(".".join(rel.parts))
    assert declaring == set(TABLE_MODULES)


def test_importing_the_environment_outside_alembic_does_nothing() -> None:
    module = importlib.reload(importlib.import_module("asker.appstate.migrations.env"))
    assert module.target_metadata() is metadata
