"""The audit key: 32 bytes in ``<data_dir>/audit.key``, kept outside the database it protects."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from asker.errors import ConfigError

KEY_FILE = "audit.key"


def parse_key(text: str) -> bytes:
    """A 32-byte key from its 64 hex characters (the key file's content, or a setting)."""
    key = bytes.fromhex(text.strip())
    if len(key) != 32:
        raise ValueError("an audit key has 32 bytes (64 hex characters)")
    return key


def load_or_create_key(data_dir: Path) -> bytes:
    """The audit key in ``<data_dir>/audit.key``, created (mode 0600) on first use.

    Back the key up apart from the database: without it the log cannot be verified.
    """
    if not data_dir.is_dir():
        raise ConfigError("DATA_DIR_MISSING", path=str(data_dir))
    path = data_dir / KEY_FILE
    if not path.exists():
        _create_key(path)
    if path.stat().st_mode & 0o077:
        raise ConfigError("AUDIT_KEY_INVALID", path=str(path))
    try:
        return parse_key(path.read_text(encoding="ascii"))
    except ValueError as exc:
        raise ConfigError("AUDIT_KEY_INVALID", path=str(path)) from exc


def _create_key(path: Path) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(32) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.link(temp, path)  # never replaces a key another process created first
    except FileExistsError:
        pass
    finally:
        temp.unlink(missing_ok=True)
