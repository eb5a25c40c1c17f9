"""The data directory: built in a staging folder beside it and moved into place only when whole.

An interrupted ``asker init`` leaves the old data dir (or none) untouched and no staging folder.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from asker.errors import ConfigError

MANIFEST = "manifest.json"
WAREHOUSE = "warehouse.duckdb"


@dataclass(frozen=True)
class Manifest:
    """What ``asker init`` built: read to tell a demo data dir from a bank's own."""

    demo: bool
    scale: str
    seed: int
    data_date: str
    asker_version: str
    row_counts: dict[str, int]
    # The engine the warehouse lives in and its URL without the password (None: the DuckDB file
    # here). The DuckDB file is kept beside an engine's data dir: the copy it was loaded from.
    engine: str = "duckdb"
    warehouse_url: str | None = None


def read_manifest(data_dir: Path) -> Manifest:
    path = data_dir / MANIFEST
    if not path.is_file():
        raise ConfigError("DATA_DIR_MISSING", path=str(data_dir))
    return Manifest(**json.loads(path.read_text(encoding="utf-8")))


def write_manifest(data_dir: Path, manifest: Manifest) -> None:
    text = json.dumps(asdict(manifest), ensure_ascii=False, indent=2, sort_keys=True)
    (data_dir / MANIFEST).write_text(text + "\n", encoding="utf-8")


@contextmanager
def staged_data_dir(target: Path, *, force: bool) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces ``target``, on any failure it goes."""
    target = target.absolute()
    if target.exists() and not force:
        raise ConfigError("DATA_DIR_EXISTS", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_into_place(staging, target)


def _swap_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    retired = target.with_name(f".{target.name}.old-{os.getpid()}")
    target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
