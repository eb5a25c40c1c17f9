"""The audit log's hash chain and its anchor outside the database.

Each stored record carries ``mac = HMAC-SHA256(key, prev_mac || seq || canonical_json)``, so an
edit, a deletion or a reordering breaks the chain at a named record, and nobody without the key
can recompute it. The chain head (last seq and mac) is also kept in an anchor file outside the
database, which catches a cut-off tail: the one tampering the chain alone cannot show.

>>> mac = chain_mac(b"k" * 32, GENESIS, 1, '{"a":1}')
>>> len(mac), mac == chain_mac(b"k" * 32, GENESIS, 2, '{"a":1}')
(64, False)
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asker.errors import ConfigError

GENESIS = "0" * 64  # the prev_mac of record 1


def canonical_json(value: Any) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept, no NaN."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )


def chain_mac(key: bytes, prev_mac: str, seq: int, body: str) -> str:
    # prev_mac has a fixed width and seq ends at the newline, so the message splits one way only
    message = f"{prev_mac}\n{seq}\n{body}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    """The last record of the chain: its seq and mac."""

    seq: int
    mac: str


@dataclass(frozen=True)
class ChainRow:
    """One stored record as the verifier sees it; ``consistent`` is False when the row's search
    columns (user, action, decision, time) disagree with its JSON."""

    seq: int
    body: str
    prev_mac: str
    mac: str
    consistent: bool = True


# --- the anchor file -----------------------------------------------------------------------


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


# --- the key and the anchor file live outside the database ------------------------------

KEY_FILE = "audit.key"
ANCHOR_FILE = "audit.anchor"


def anchor_path(data_dir: Path) -> Path:
    """Where the chain head is anchored: ``<data_dir>/audit.anchor``."""
    return data_dir / ANCHOR_FILE


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


# --- verification ------------------------------------------------------------------------


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _plural(first: int, last: int) -> tuple[str, str]:
    return ("record", "was") if first == last else ("records", "were")


@dataclass
class _Problems:
    """Problems in record order; runs of one kind on consecutive records merge into one."""

    runs: list[list[Any]] = field(default_factory=list)  # [kind, first, last, offset]

    def add(self, kind: str, seq: int, offset: int = 0) -> None:
        last = self.runs[-1] if self.runs else None
        if last and last[0] == kind and last[2] == seq - 1 and last[3] == offset:
            last[2] = seq
        else:
            self.runs.append([kind, seq, seq, offset])

    def add_range(self, kind: str, first: int, last: int) -> None:
        self.runs.append([kind, first, last, 0])

    def drop(self, kinds: set[str]) -> None:
        self.runs = [run for run in self.runs if run[0] not in kinds]

    def render(self) -> tuple[str, ...]:
        return tuple(_render(kind, a, b, offset) for kind, a, b, offset in self.runs)


def _render(kind: str, a: int, b: int, offset: int) -> str:
    span, (records, was) = _span(a, b), _plural(a, b)
    if kind == "edited":
        return f"第 {span} 条记录被修改 {records} {span} {was} edited"
    if kind == "deleted":
        return f"第 {span} 条记录被删除 {records} {span} {was} deleted"
    if kind == "moved":
        to = _span(a - offset, b - offset)
        positions = "position" if a == b else "positions"
        return (
            f"第 {span} 条记录被移到第 {to} 位（顺序被调换） "
            f"{records} {span} {was} moved to {positions} {to} (reordered)"
        )
    if kind == "unlinked":
        return (
            f"第 {span} 条记录与前一条记录的链接不符 "
            f"{records} {span} {'does' if a == b else 'do'} not follow the record before"
        )
    if kind == "truncated":
        return (
            f"日志末尾被截断：外部锚点记录到第 {b} 条，第 {span} 条记录缺失 "
            f"the log's tail was cut off: the external anchor records record {b}; "
            f"{records} {span} {'is' if a == b else 'are'} missing"
        )
    if kind == "anchor_mismatch":
        return f"第 {span} 条记录与外部锚点不符 record {span} does not match the external anchor"
    raise ValueError(kind)


def key_mismatch(count: int) -> str:
    return (
        f"审计密钥与日志不匹配：全部 {count} 条记录的校验码都不符（日志被用另一个密钥重算，"
        f"或使用了错误的密钥文件） the audit key does not match the log: all {count} records "
        "fail their MAC (the chain was recomputed with another key, or the wrong key is in use)"
    )


def anchor_missing(path: Path) -> str:
    return (
        f"外部锚点文件 {path} 缺失，无法检查日志末尾是否被截断 "
        f"the external anchor file {path} is missing: a cut-off tail cannot be ruled out"
    )


def anchor_unreadable(path: Path) -> str:
    return (
        f"外部锚点文件 {path} 已损坏 the external anchor file {path} is unreadable "
        "(move it aside to let the next record write a new one)"
    )


def _body_seq(body: str) -> int | None:
    try:
        seq = json.loads(body).get("seq")
    except (ValueError, AttributeError):
        return None
    return seq if isinstance(seq, int) else None


def check_chain(
    rows: Iterable[ChainRow], key: bytes, anchor: ChainHead | None
) -> tuple[int, tuple[str, ...]]:
    """(number of rows, problems) for ``rows`` in seq order against ``key`` and the anchor."""
    problems = _Problems()
    count = authentic = last_seq = 0
    last_mac, last_flagged, anchored_mac = GENESIS, False, None
    for row in rows:
        count += 1
        gap = row.seq > last_seq + 1
        if gap:
            problems.add_range("deleted", last_seq + 1, row.seq - 1)
        flagged = False
        if chain_mac(key, row.prev_mac, row.seq, row.body) == row.mac:
            authentic += 1
            if not (gap or last_flagged) and row.prev_mac != last_mac:
                problems.add("unlinked", row.seq)
        else:
            flagged = True
            moved_from = _body_seq(row.body)
            if moved_from not in (None, row.seq) and row.mac == chain_mac(
                key, row.prev_mac, moved_from, row.body
            ):
                authentic += 1
                problems.add("moved", moved_from, offset=moved_from - row.seq)
            else:
                problems.add("edited", row.seq)
        if not row.consistent and not flagged:
            problems.add("edited", row.seq)
        if anchor is not None and row.seq == anchor.seq:
            anchored_mac = row.mac
        last_seq, last_mac, last_flagged = row.seq, row.mac, flagged
    if count and not authentic:
        problems.drop({"edited", "moved", "unlinked"})
        rendered = (key_mismatch(count), *problems.render())
        return count, rendered + _anchor(anchor, last_seq, anchored_mac)
    return count, problems.render() + _anchor(anchor, last_seq, anchored_mac)


def _anchor(anchor: ChainHead | None, last_seq: int, anchored_mac: str | None) -> tuple[str, ...]:
    if anchor is None or anchor.seq == 0:
        return ()
    if anchor.seq > last_seq:
        return (_render("truncated", last_seq + 1, anchor.seq, 0),)
    if anchored_mac is not None and anchored_mac != anchor.mac:
        return (_render("anchor_mismatch", anchor.seq, anchor.seq, 0),)
    return ()  # the anchored record matches (or was deleted, which is reported already)
