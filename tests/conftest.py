"""Shared fixtures. The tiny demo bank is built once per test session (on the xdist controller)
and handed to every worker; tests only read it."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# A real PostgreSQL server per worker (app-db and engine tests); one Spark Connect server and
# real LDAP and OIDC servers once per run; the tiny demo bank loaded into each engine.
pytest_plugins = [
    "tests.postgres",
    "tests.shared_servers",
    "tests.slapd",
    "tests.oidc_servers",
    "tests.spark",
    "tests.engines",
]

# Hundreds of tests ask as the same demo users within a minute: the session runs with generous
# limits (subprocesses inherit them); tests of the limits themselves pass their own settings.
os.environ.setdefault("ASKER_RATE_LIMIT_PER_MINUTE", "1000000")
os.environ.setdefault("ASKER_DAILY_QUESTION_QUOTA", "1000000")

hypothesis_settings.register_profile("asker", derandomize=True, deadline=None, max_examples=100)
hypothesis_settings.load_profile("asker")

TINY_KEY = "asker_tiny_data_dir"
_TINY = pytest.StashKey[Path]()


def _build_tiny() -> Path:
    from asker import api
    from asker.config import Settings

    root = Path(tempfile.mkdtemp(prefix="asker-tiny-"))
    data_dir = root / "data"
    api.init(Settings(data_dir=data_dir), scale="tiny", seed=42)
    from tests.helpers import AS_BUILT, AS_BUILT_ANCHOR

    with (
        closing(sqlite3.connect(data_dir / "app.db")) as src,
        closing(sqlite3.connect(root / AS_BUILT)) as dst,
    ):
        src.backup(dst)  # what copy_data_dir(..., as_built=True) starts from
    if (data_dir / "audit.anchor").exists():  # an empty chain has no anchor yet
        shutil.copyfile(data_dir / "audit.anchor", root / AS_BUILT_ANCHOR)
    return data_dir


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller built it
    config.stash[_TINY] = _build_tiny()


def pytest_configure_node(node: Any) -> None:  # xdist hook
    node.workerinput[TINY_KEY] = str(node.config.stash[_TINY])


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and _TINY in config.stash:
        shutil.rmtree(config.stash[_TINY].parent, ignore_errors=True)


@pytest.fixture(scope="session")
def tiny_dir(request: pytest.FixtureRequest) -> Path:
    """The tiny demo data dir (seed 42, data date 2026-09-30). Read-only: never modify it."""
    config = request.config
    if hasattr(config, "workerinput"):
        return Path(config.workerinput[TINY_KEY])
    return config.stash[_TINY]


@pytest.fixture(scope="session")
def tiny_db(tiny_dir: Path) -> Path:
    """The tiny warehouse file."""
    return tiny_dir / "warehouse.duckdb"


@pytest.fixture(scope="session")
def tiny_executor(tiny_db: Path):  # type: ignore[no-untyped-def]
    """A sandboxed executor on tiny. A process may open a DuckDB file with only one configuration:
    the limits are those of the default settings, which every runtime over tiny opens it with."""
    from asker.api import limits
    from asker.config import Settings
    from asker.warehouse.engine import open_warehouse

    executor = open_warehouse(tiny_db, limits(Settings()))
    yield executor
    executor.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="rewrite golden snapshot files from the current output (review the diff!)",
    )
