"""Keeping a bank's asker on a copy of the tiny demo bank: ``asker upgrade`` on an app database
at an older schema revision (made with Alembic's own downgrade), the refusal to start on an older
or newer schema, and ``asker backup`` / ``restore`` with ``asker audit verify`` on the copy.
Revisions and records are read back with sqlite3 and tarfile, not through asker."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import stat
import tarfile
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command

from asker import __version__, api
from asker.appstate.database import alembic_config
from asker.config import Settings
from asker.errors import ConfigError
from tests import callers
from tests.helpers import asker, copy_data_dir

VERSIONS = Path(__file__).resolve().parents[1] / "asker" / "appstate" / "migrations" / "versions"
# The newest revision: the highest-numbered migration file (their ids are their numbers).
HEAD = max(p.name.split("_", 1)[0] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def revision(data_dir: Path) -> str | None:
    with closing(sqlite3.connect(data_dir / "app.db")) as db:
        row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    return None if row is None else str(row[0])


def tables(data_dir: Path) -> set[str]:
    with closing(sqlite3.connect(data_dir / "app.db")) as db:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def not_demo(data_dir: Path) -> None:
    """The copy becomes a bank's own data dir: its schema moves only by ``asker upgrade``."""
    manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    (data_dir / "manifest.json").write_text(json.dumps({**manifest, "demo": False}))


def downgrade(data_dir: Path, to: str) -> None:
    command.downgrade(alembic_config(url=f"sqlite:///{data_dir / 'app.db'}"), to)


@pytest.fixture
def bank_dir(tiny_dir: Path, tmp_path: Path) -> Path:
    return copy_data_dir(tiny_dir, tmp_path / "bank", "index")


def test_a_bank_database_at_an_older_revision_is_refused_until_asker_upgrade(
    bank_dir: Path,
) -> None:
    not_demo(bank_dir)
    downgrade(bank_dir, "0012")
    assert revision(bank_dir) == "0012" and "api_tokens" not in tables(bank_dir)

    with pytest.raises(ConfigError) as refused:
        api.open_runtime(Settings(data_dir=bank_dir))
    assert refused.value.code == "SCHEMA_OUTDATED"
    for language in ("zh", "en"):
        message = refused.value.message(language)
        assert "asker upgrade" in message and "0012" in message and HEAD in message
    assert revision(bank_dir) == "0012"  # refusing changed nothing

    cli = asker("audit", "verify", "--data-dir", str(bank_dir))
    assert cli.returncode == 1 and "SCHEMA_OUTDATED" in cli.stderr

    first = asker("upgrade", "--data-dir", str(bank_dir), "--format", "json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"status": "ok", "before": "0012", "after": HEAD}
    assert revision(bank_dir) == HEAD and "api_tokens" in tables(bank_dir)

    again = asker("upgrade", "--data-dir", str(bank_dir))
    assert again.returncode == 0 and "already up to date" in again.stdout
    api.open_runtime(Settings(data_dir=bank_dir)).close()


def test_a_database_a_newer_asker_upgraded_is_refused_with_the_version(bank_dir: Path) -> None:
    with closing(sqlite3.connect(bank_dir / "app.db")) as db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
        db.commit()
    with pytest.raises(ConfigError) as refused:
        api.open_runtime(Settings(data_dir=bank_dir))  # even a demo data dir
    assert refused.value.code == "SCHEMA_NEWER"
    for language in ("zh", "en"):
        message = refused.value.message(language)
        assert "0099" in message and __version__ in message
    cli = asker("upgrade", "--data-dir", str(bank_dir))
    assert cli.returncode == 1 and "SCHEMA_NEWER" in cli.stderr
    assert revision(bank_dir) == "0099"  # never downgraded


def test_a_demo_data_dir_follows_the_code(bank_dir: Path) -> None:
    downgrade(bank_dir, "0011")
    api.open_runtime(Settings(data_dir=bank_dir)).close()
    assert revision(bank_dir) == HEAD and {"llm_usage", "api_tokens"} <= tables(bank_dir)


# --- backup and restore ----------------------------------------------------------------------


def audit_rows(data_dir: Path) -> list[tuple[int, str]]:
    with closing(sqlite3.connect(data_dir / "app.db")) as db:
        return [(int(s), str(r)) for s, r in db.execute("SELECT seq, record FROM audit_log")]


def members(archive: Path) -> dict[str, tuple[int, bytes]]:
    with tarfile.open(archive, "r:gz") as tar:
        found = {}
        for m in tar.getmembers():
            body = tar.extractfile(m)
            assert body is not None
            found[m.name] = (m.mode, body.read())
        return found


def rewrite(archive: Path, target: Path, files: dict[str, bytes], *, fix_sums: bool) -> None:
    """Write ``archive`` again as ``target`` with some files replaced; ``fix_sums``: the
    manifest's checksums are recomputed, as a careful forger would."""
    entries = {name: body for name, (_mode, body) in members(archive).items()} | files
    manifest = json.loads(entries["backup.json"])
    if fix_sums:
        for name, listed in manifest["files"].items():
            listed["sha256"] = hashlib.sha256(entries[name]).hexdigest()
            listed["size"] = len(entries[name])
    entries["backup.json"] = json.dumps(manifest).encode()
    with tarfile.open(target, "w:gz") as tar:
        for name in ["backup.json", *[n for n in entries if n != "backup.json"]]:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(entries[name]), 0o600
            tar.addfile(info, io.BytesIO(entries[name]))


def edited_database(archive: Path, tmp_path: Path) -> tuple[bytes, int]:
    """The archive's app.db with the newest audit record's question changed, and its seq (the
    shared tiny data dir may hold older records of other tests' questions)."""
    copy = tmp_path / "edited.db"
    copy.write_bytes(members(archive)["app.db"][1])
    with closing(sqlite3.connect(copy)) as db:
        seq, before = db.execute("SELECT seq, record FROM audit_log ORDER BY seq DESC").fetchone()
        assert "各分行的存款余额" in before
        after = before.replace("各分行的存款余额", "各支行的存款余额")
        db.execute("UPDATE audit_log SET record = ? WHERE seq = ?", (after, seq))
        db.commit()
    return copy.read_bytes(), int(seq)


@pytest.fixture
def backed_up(bank_dir: Path, tmp_path: Path) -> Path:
    """A backup of the copy after two audited questions."""
    settings = Settings(data_dir=bank_dir)
    for question in ("存款余额是多少", "各分行的存款余额"):
        assert callers.ask(settings, "zhang.wei", question).status == "ok"
    archive = tmp_path / "asker-backup.tar.gz"
    done = asker("backup", "--data-dir", str(bank_dir), "--output", str(archive))
    assert done.returncode == 0, done.stderr
    return archive


def test_a_backup_holds_the_database_key_and_anchor_and_restores_verified(
    bank_dir: Path, backed_up: Path, tmp_path: Path
) -> None:
    found = members(backed_up)
    assert set(found) == {"backup.json", "app.db", "audit.key", "audit.anchor", "manifest.json"}
    assert all(mode == 0o600 for mode, _ in found.values())
    assert found["audit.key"][1] == (bank_dir / "audit.key").read_bytes()
    manifest = json.loads(found["backup.json"][1])
    for name, listed in manifest["files"].items():
        assert listed["sha256"] == hashlib.sha256(found[name][1]).hexdigest()
    assert manifest["schema_revision"] == HEAD
    assert stat.S_IMODE(os.stat(backed_up).st_mode) == 0o600

    target = tmp_path / "restored"
    done = asker("restore", str(backed_up), "--data-dir", str(target))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(os.stat(target / "audit.key").st_mode) == 0o600
    assert audit_rows(target) == audit_rows(bank_dir) and len(audit_rows(target)) >= 2
    verified = asker("audit", "verify", "--data-dir", str(target), "--format", "json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout)["count"] == len(audit_rows(bank_dir))

    again = asker("restore", str(backed_up), "--data-dir", str(target))
    assert again.returncode == 1 and "RESTORE_TARGET_NOT_EMPTY" in again.stderr
    assert asker("restore", str(backed_up), "--data-dir", str(target), "--force").returncode == 0
    twice = asker("backup", "--data-dir", str(bank_dir), "--output", str(backed_up))
    assert twice.returncode == 1 and "BACKUP_TARGET_EXISTS" in twice.stderr


def test_a_damaged_archive_is_refused_and_changes_nothing(backed_up: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.tar.gz"
    edited, _seq = edited_database(backed_up, tmp_path)
    rewrite(backed_up, damaged, {"app.db": edited}, fix_sums=False)
    target = tmp_path / "target"
    done = asker("restore", str(damaged), "--data-dir", str(target))
    assert done.returncode == 1 and "BACKUP_INVALID" in done.stderr and "app.db" in done.stderr
    assert not target.exists() or not any(target.iterdir())

    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(backed_up.read_bytes()[:2000])
    assert "BACKUP_INVALID" in asker("restore", str(cut), "--data-dir", str(target)).stderr


def test_a_tampered_record_with_recomputed_checksums_fails_audit_verify(
    backed_up: Path, tmp_path: Path
) -> None:
    forged = tmp_path / "forged.tar.gz"
    edited, seq = edited_database(backed_up, tmp_path)
    rewrite(backed_up, forged, {"app.db": edited}, fix_sums=True)
    target = tmp_path / "target"
    assert asker("restore", str(forged), "--data-dir", str(target)).returncode == 0
    verified = asker("audit", "verify", "--data-dir", str(target), "--format", "json")
    assert verified.returncode == 1
    report = json.loads(verified.stdout)
    assert report["status"] == "error" and any(str(seq) in p for p in report["problems"])
