"""``asker backup`` / ``asker restore``: the app database with the audit key and its anchor, in
one tar.gz whose ``backup.json`` lists every file with its size and sha256.

The three belong together: the key verifies the chain in the database, the anchor says where
the chain ended. The anchor is read before the database is copied (SQLite's backup API: a
consistent snapshot while asker runs), so it never names a record the copy lacks. Every file is
0600 in the archive and after a restore. A restore checks the whole archive in a staging folder
first and changes nothing when any check fails; the checksums catch damage, while tampering
with the records themselves is what ``asker audit verify`` on the restored copy finds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from asker import __version__
from asker.appstate.database import engine_for
from asker.appstate.schema import schema_state
from asker.audit.log import ANCHOR_FILE, KEY_FILE
from asker.config import Settings
from asker.errors import ConfigError
from asker.warehouse.datadir import MANIFEST

BACKUP_MANIFEST = "backup.json"
FORMAT = 1
APP_DB = "app.db"
REQUIRED = (APP_DB, KEY_FILE, ANCHOR_FILE)
OPTIONAL = (MANIFEST,)  # ``asker init``'s manifest: whether the data dir is the demo's
STALE_BESIDE_DB = ("app.db-wal", "app.db-shm", "app.db-journal")


@dataclass(frozen=True)
class BackupReport:
    """What one backup or restore holds."""

    path: Path
    files: tuple[str, ...]
    schema_revision: str | None
    audit_head: int | None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_file(settings: Settings) -> Path:
    url = make_url(settings.resolved_app_db_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ConfigError("BACKUP_NOT_SUPPORTED", backend=url.get_backend_name())
    path = Path(url.database)
    if not path.is_file():
        raise ConfigError("DATA_DIR_MISSING", path=str(settings.data_dir))
    return path


def _anchor_seq(path: Path) -> int | None:
    try:
        return int(json.loads(path.read_bytes())["seq"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def backup(settings: Settings, output: Path) -> BackupReport:
    """Write the archive to ``output`` (refused when it exists); nothing half-written is left."""
    database = _sqlite_file(settings)
    if output.exists():
        raise ConfigError("BACKUP_TARGET_EXISTS", path=str(output))
    with tempfile.TemporaryDirectory(prefix=".asker-backup-", dir=output.parent) as work:
        staging = Path(work)
        for name in (ANCHOR_FILE, KEY_FILE, *OPTIONAL):  # the anchor before the database
            if (settings.data_dir / name).is_file():
                shutil.copyfile(settings.data_dir / name, staging / name)
        missing = [n for n in (KEY_FILE, ANCHOR_FILE) if not (staging / n).is_file()]
        if missing:
            raise ConfigError("BACKUP_INVALID", path=str(settings.data_dir), reason=missing[0])
        with (
            closing(sqlite3.connect(database)) as source,
            closing(sqlite3.connect(staging / APP_DB)) as copy,
        ):
            source.backup(copy)
        files = tuple(n for n in (*REQUIRED, *OPTIONAL) if (staging / n).is_file())
        revision = _revision(staging / APP_DB)
        manifest = {
            "format": FORMAT,
            "asker_version": __version__,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "schema_revision": revision,
            "files": {
                n: {"size": (staging / n).stat().st_size, "sha256": _sha256(staging / n)}
                for n in files
            },
        }
        partial = staging / "archive.tar.gz"
        _write_archive(partial, staging, files, manifest)
        os.replace(partial, output)
    return BackupReport(output, files, revision, _anchor_seq(settings.data_dir / ANCHOR_FILE))


def _revision(database: Path) -> str | None:
    engine = engine_for(f"sqlite:///{database}")
    try:
        return schema_state(engine).current
    finally:
        engine.dispose()


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(dt.datetime.now(dt.UTC).timestamp())
    return info


def _write_archive(
    path: Path, staging: Path, files: tuple[str, ...], manifest: dict[str, Any]
) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
        body = json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n"
        archive.addfile(_member(BACKUP_MANIFEST, len(body)), io.BytesIO(body))
        for name in files:
            with (staging / name).open("rb") as source:
                archive.addfile(_member(name, (staging / name).stat().st_size), source)
        raw.flush()
        os.fsync(raw.fileno())


# --- restore ---------------------------------------------------------------------------------


def _is_empty(path: Path) -> bool:
    return not path.exists() or (path.is_dir() and not any(path.iterdir()))


def restore(archive: Path, data_dir: Path, *, force: bool = False) -> BackupReport:
    """Restore ``archive`` into ``data_dir``: refused when it holds anything unless ``force``,
    which replaces the backed-up files and keeps the rest (warehouse, index)."""
    if not force and not _is_empty(data_dir):
        raise ConfigError("RESTORE_TARGET_NOT_EMPTY", path=str(data_dir))
    data_dir.mkdir(parents=True, exist_ok=True)
    with _checked_archive(archive, data_dir.absolute().parent) as (staging, manifest):
        files = tuple(manifest["files"])
        for name in STALE_BESIDE_DB:  # another database's WAL would corrupt the restored one
            (data_dir / name).unlink(missing_ok=True)
        for name in files:
            os.replace(staging / name, data_dir / name)
    return BackupReport(
        data_dir, files, manifest.get("schema_revision"), _anchor_seq(data_dir / ANCHOR_FILE)
    )


def _invalid(archive: Path, reason: str) -> ConfigError:
    return ConfigError("BACKUP_INVALID", path=str(archive), reason=reason)


@contextmanager
def _checked_archive(archive: Path, beside: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Unpack ``archive`` into a staging folder and check it whole; yield folder and manifest."""
    with tempfile.TemporaryDirectory(prefix=".asker-restore-", dir=beside) as work:
        staging = Path(work)
        try:
            with tarfile.open(archive, mode="r:gz") as source:
                manifest = _unpack(source, staging, archive)
        except (OSError, EOFError, tarfile.TarError) as exc:
            raise _invalid(archive, f"not a readable asker backup ({type(exc).__name__})") from exc
        for name, expected in manifest["files"].items():
            if _sha256(staging / name) != expected.get("sha256"):
                raise _invalid(archive, f"{name}: checksum does not match / 校验和不符")
        _check_database(staging / APP_DB, archive)
        yield staging, manifest


def _unpack(source: tarfile.TarFile, staging: Path, archive: Path) -> dict[str, Any]:
    members = source.getmembers()
    if not members or members[0].name != BACKUP_MANIFEST:
        raise _invalid(archive, f"{BACKUP_MANIFEST} missing")
    manifest = _read_manifest(source, members[0], archive)
    listed = set(manifest["files"])
    names = [m.name for m in members[1:]]
    if sorted(names) != sorted(listed) or not set(REQUIRED) <= listed:
        raise _invalid(archive, f"files {sorted(names)} differ from the manifest's")
    for member in members[1:]:
        if not member.isfile() or member.name not in (*REQUIRED, *OPTIONAL):
            raise _invalid(archive, f"unexpected entry {member.name!r}")
        extracted = source.extractfile(member)
        if extracted is None:
            raise _invalid(archive, f"unexpected entry {member.name!r}")
        fd = os.open(staging / member.name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as target:
            shutil.copyfileobj(extracted, target)
    return manifest


def _read_manifest(
    source: tarfile.TarFile, member: tarfile.TarInfo, archive: Path
) -> dict[str, Any]:
    body = source.extractfile(member)
    try:
        manifest = json.loads(body.read() if body else b"")
        files = manifest["files"]
        ok = manifest["format"] == FORMAT and isinstance(files, dict)
    except (ValueError, KeyError, TypeError) as exc:
        raise _invalid(archive, f"{BACKUP_MANIFEST} unreadable") from exc
    if not ok:
        raise _invalid(archive, f"backup format {manifest.get('format')!r} unknown")
    return dict(manifest)


def _check_database(path: Path, archive: Path) -> None:
    try:
        with closing(sqlite3.connect(path)) as db:
            verdict = db.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise _invalid(archive, f"{APP_DB} is not a SQLite database") from exc
    if verdict is None or verdict[0] != "ok":
        raise _invalid(archive, f"{APP_DB} failed its integrity check")
