"""The tiny data dir is shared by every xdist worker and the asker processes tests start, and
they write its app database while others read it. Copying it byte-wise (``shutil.copytree``)
opens and closes ``app.db`` in a process that holds SQLite connections to it, and closing any
descriptor of a file drops all of that process's POSIX locks on it (SQLite's "How To Corrupt
An SQLite Database File", §2.2): another process then writes beside it and the file is
corrupted. So a data dir is copied only by ``tests.helpers.copy_data_dir`` (SQLite's backup
API for the app database)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def byte_copies_of_dirs(source: str) -> list[int]:
    """Lines calling ``shutil.copytree`` (or a bare ``copytree``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else None
            if isinstance(node.func, ast.Name):
                name = node.func.id
            if name == "copytree":
                found.append(node.lineno)
    return found


def test_data_dirs_are_copied_only_through_copy_data_dir() -> None:
    offenders = [
        f"{path.relative_to(TESTS)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "helpers.py"
        for line in byte_copies_of_dirs(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"copy data dirs with tests.helpers.copy_data_dir: {offenders}"


def test_the_check_finds_a_byte_wise_copy() -> None:
    assert byte_copies_of_dirs("import shutil\nshutil.copytree(a, b)\n") == [2]
    assert byte_copies_of_dirs("from shutil import copytree\ncopytree(a, b)\n") == [2]
    assert byte_copies_of_dirs("copy_data_dir(a, b)\n") == []
