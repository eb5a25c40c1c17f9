"""Small helpers shared by tests: run SQL on the tiny executor, compare result sets, copy a data
dir, run the asker command line."""

from __future__ import annotations

import math
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from contextlib import closing
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlglot

from asker.types import QueryResult
from asker.warehouse.engine import DuckDBExecutor


def rows(executor: DuckDBExecutor, sql: str, cap: int = 100_000) -> list[tuple[Any, ...]]:
    tree = sqlglot.parse_one(sql, dialect="duckdb")
    return list(executor.execute(tree, row_cap=cap, timeout_s=60).rows)


def normal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return value


def _sort_key(row: Sequence[Any]) -> tuple[str, ...]:
    return tuple(f"{v:.6g}" if isinstance(v, float) else str(v) for v in row)


def same_value(a: Any, b: Any, rel: float = 1e-9, abs_: float = 1e-6) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)
    return a == b


def result_diff(got: Sequence[Sequence[Any]], want: Sequence[Sequence[Any]]) -> str | None:
    """None when the two results hold the same rows (any order, numbers within tolerance)."""
    g = sorted((tuple(normal(v) for v in r) for r in got), key=_sort_key)
    w = sorted((tuple(normal(v) for v in r) for r in want), key=_sort_key)
    if len(g) != len(w):
        return f"{len(g)} rows, expected {len(w)}:\n got  {g[:5]}\n want {w[:5]}"
    for a, b in zip(g, w, strict=True):
        if len(a) != len(b) or not all(same_value(x, y) for x, y in zip(a, b, strict=True)):
            return f"row differs:\n got  {a}\n want {b}"
    return None


def capped_diff(
    got: Sequence[Sequence[Any]], want: Sequence[Sequence[Any]], cap: int
) -> str | None:
    """None when ``want`` is longer than the row cap and ``got`` is ``cap + 1`` of its rows (the
    gate asks for one row past the cap so the executor can say the result was cut): no row made
    up, none twice more often than ``want`` holds it."""
    if len(got) != cap + 1:
        return f"{len(got)} rows, expected the cap {cap} + 1 of {len(want)}"
    unmatched = [tuple(normal(v) for v in r) for r in want]
    counts: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for row in unmatched:
        counts.setdefault(_sort_key(row), []).append(row)
    for raw in got:
        row = tuple(normal(v) for v in raw)
        same = counts.get(_sort_key(row), [])
        found = next(
            (w for w in same if all(same_value(a, b) for a, b in zip(row, w, strict=True))), None
        )
        if found is None:
            return f"row not in the expected result:\n got  {row}"
        same.remove(found)
    return None


def suppressed_diff(result: QueryResult, want: Sequence[Sequence[Any]]) -> str | None:
    """None when ``result`` holds the rows of ``want`` except that each cell it lists as
    suppressed is null (any order, numbers within tolerance)."""
    hidden = {(c.row, result.columns.index(c.column)) for c in result.suppressed}
    if len(want) != len(result.rows):
        return f"{len(result.rows)} rows, expected {len(want)}"
    unmatched = [tuple(normal(v) for v in r) for r in want]
    for number, row in enumerate(result.rows):
        got = tuple(normal(v) for v in row)
        if any(got[i] is not None for n, i in hidden if n == number):
            return f"row {number}: a suppressed cell is not null: {row}"
        found = next(
            (
                other
                for other in unmatched
                if len(other) == len(got)
                and all(
                    (number, i) in hidden or same_value(a, b)
                    for i, (a, b) in enumerate(zip(got, other, strict=True))
                )
            ),
            None,
        )
        if found is None:
            return f"row differs:\n got  {got}\n want one of {unmatched[:5]}"
        unmatched.remove(found)
    return None


APP_DB_FILES = ("app.db", "app.db-wal", "app.db-shm", "app.db-journal", "*.tmp")


AS_BUILT = "app-as-built.db"  # beside the tiny data dir: its app database before any test ran
AS_BUILT_ANCHOR = "audit-as-built.anchor"  # and the audit anchor that goes with that database


def copy_data_dir(source: Path, target: Path, *ignore: str, as_built: bool = False) -> Path:
    """A private copy of a data dir that other tests keep writing to: files are copied, the
    SQLite app database through SQLite's backup API (a consistent snapshot, whatever its WAL
    holds at that moment); ``ignore`` names more entries to leave out (e.g. ``"index"``).
    ``as_built``: the app database as it was built, before any test wrote to it (no other
    test's conversations, sessions or audit rows), for tests that count what they wrote."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*APP_DB_FILES, *ignore))
    app_db = source.parent / AS_BUILT if as_built else source / "app.db"
    with (
        closing(sqlite3.connect(app_db)) as src,
        closing(sqlite3.connect(target / "app.db")) as dst,
    ):
        src.backup(dst)
    if as_built:  # the anchor names the chain head of the database it goes with (if any)
        anchor, built = target / "audit.anchor", source.parent / AS_BUILT_ANCHOR
        anchor.unlink(missing_ok=True)
        if built.exists():
            shutil.copyfile(built, anchor)
    return target


ASKER = [sys.executable, "-m", "asker"]  # the asker console script, as a user runs it


def asker(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``asker ARGS`` in a child process, its output captured (the command line as users run it)."""
    return subprocess.run(
        [*ASKER, *args],
        capture_output=True,
        check=False,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
