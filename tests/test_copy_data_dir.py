"""copy_data_dir(..., as_built=True) leaves out what other tests wrote to a shared data dir's app
database (the browser tests count li.na's past conversations; AppTest tests on tiny ask hers)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.helpers import AS_BUILT, copy_data_dir

TURN = (
    "INSERT INTO conversation_turns (conversation_id, user_id, question, query, created_at) "
    "VALUES ('li.na-1', 'li.na', '各支行上个月末存款余额', NULL, '2026-12-08 01:47:00')"
)


def _turns(data_dir: Path) -> int:
    with closing(sqlite3.connect(data_dir / "app.db")) as con:
        return int(con.execute("SELECT count(*) FROM conversation_turns").fetchone()[0])


def test_a_copy_as_built_has_none_of_the_turns_another_test_wrote(
    tiny_dir: Path, tmp_path: Path
) -> None:
    shared = copy_data_dir(tiny_dir, tmp_path / "shared" / "data", as_built=True)
    with closing(sqlite3.connect(shared / "app.db")) as con:
        con.execute("DELETE FROM conversation_turns")
        con.commit()
        with closing(sqlite3.connect(shared.parent / AS_BUILT)) as snapshot:
            con.backup(snapshot)  # the shared dir as built
        con.execute(TURN)  # then another test asks as li.na in it
        con.commit()
    assert _turns(copy_data_dir(shared, tmp_path / "plain")) == 1
    assert _turns(copy_data_dir(shared, tmp_path / "built", as_built=True)) == 0
