"""The anchor file outside the database: it records the chain head (last seq and mac), so a log
cut short of that head shows. It is replaced atomically under a file lock; appenders queue on a
second lock before they take the database's."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from asker.audit.chain import ChainHead, canonical_json

ANCHOR_FILE = "audit.anchor"


def anchor_path(data_dir: Path) -> Path:
    """Where the chain head is anchored: ``<data_dir>/audit.anchor``."""
    return data_dir / ANCHOR_FILE


class AnchorUnreadable(ValueError):
    """The anchor file exists but does not hold a chain head."""


class AnchorMissing(LookupError):
    """The anchor file is gone while the chain has records."""


def read_anchor(path: Path) -> ChainHead | None:
    """The chain head the anchor file records, or None when there is no anchor yet."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
        head = ChainHead(seq=data["seq"], mac=data["mac"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AnchorUnreadable(str(path)) from exc
    if not isinstance(head.seq, int) or not isinstance(head.mac, str) or len(head.mac) != 64:
        raise AnchorUnreadable(str(path))
    return head


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created 0600), across processes."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def anchor_lock(path: Path) -> AbstractContextManager[None]:
    """The lock every writer of the anchor file ``path`` holds."""
    return file_lock(path.with_name(path.name + ".lock"))


def append_queue(path: Path) -> AbstractContextManager[None]:
    """The lock appenders of the chain anchored at ``path`` queue on for the database."""
    return file_lock(path.with_name(path.name + ".queue"))


def write_anchor(path: Path, head: ChainHead) -> None:
    """Replace the anchor atomically (temp file + rename): a reader sees the old head or the
    new one, never half of one. Call it under ``anchor_lock(path)``."""
    temp = path.with_name(path.name + ".tmp")
    with open(temp, "w", encoding="utf-8") as out:
        out.write(canonical_json({"seq": head.seq, "mac": head.mac}) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)


def advance_anchor(path: Path, head: ChainHead) -> None:
    """Record ``head`` unless the anchor already records a later one (under ``anchor_lock``)."""
    current = read_anchor(path)
    if current is None or current.seq < head.seq:
        write_anchor(path, head)  # the anchor never moves backwards
