"""The chat page under AppTest, signed out, on the tiny bank (shared by the page's test files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
TIMEOUT = 60


def started_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The chat page on ``data_dir``, run once (signed out)."""
    monkeypatch.setenv("ASKER_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


@pytest.fixture
def app(tiny_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    return started_app(tiny_dir, monkeypatch)
