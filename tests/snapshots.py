"""Golden snapshot files: a change in generated output is a reviewed diff, never silent."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest


def assert_snapshot(request: pytest.FixtureRequest, path: Path, text: str) -> None:
    """Compare ``text`` with the file at ``path``; ``pytest --update-snapshots`` rewrites it."""
    if request.config.getoption("--update-snapshots"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"no snapshot {path}: run `pytest --update-snapshots` and review the new file")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "\n".join(
            difflib.unified_diff(
                expected.splitlines(), text.splitlines(), "snapshot", "now", lineterm="", n=2
            )
        )
        pytest.fail(
            f"{path.name} changed. If intended, run `pytest --update-snapshots` and "
            f"review the diff in git.\n{diff[:4000]}"
        )
