"""The audit log (ARCHITECTURE §1, audit step): an append-only, hash-chained record of every
question, statement, export, login and metric workflow step, who made it and what was decided.

A record holds the PII-redacted question, the plan, the SQL, the names of the tables, columns,
filters and masks, the decision and its codes, counts and a hash of the result: never a data value.
Appends are serialized in one database transaction (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an
advisory lock), so any number of threads and processes may write. An append that cannot be
recorded raises ``AUDIT_UNAVAILABLE``: the caller withholds the answer (fail closed).

>>> record = AuditRecord("li.na", "teller", "B05", "ask", question="13812345678 的存款")
>>> record.question, record.flags
('[手机号] 的存款', ('pii_redacted',))
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from asker.appstate.database import metadata
from asker.audit.anchor import (
    ANCHOR_FILE,
    AnchorMissing,
    AnchorUnreadable,
    advance_anchor,
    anchor_lock,
    anchor_path,
    append_queue,
    read_anchor,
    write_anchor,
)
from asker.audit.chain import (
    GENESIS,
    ChainHead,
    anchor_missing,
    anchor_unreadable,
    canonical_json,
    chain_mac,
    check_chain,
)
from asker.audit.forward import SyslogForwarder
from asker.audit.key import KEY_FILE, load_or_create_key, parse_key
from asker.audit.redact import (
    PII_REDACTED,
    Action,
    AuditRecord,
    Decision,
    hash_result,
)
from asker.audit.table import AuditEntry, audit_entry, audit_table, chain_row
from asker.errors import ConfigError, InternalError
from asker.pii import redact_pii

__all__ = [
    "ANCHOR_FILE",
    "KEY_FILE",
    "PII_REDACTED",
    "Action",
    "AuditEntry",
    "AuditLog",
    "AuditRecord",
    "AuditReport",
    "Decision",
    "anchor_path",
    "audit_table",
    "hash_result",
    "load_or_create_key",
    "parse_key",
    "redact_pii",
]

_log = logging.getLogger(__name__)
_PG_LOCK = 0x6173_6B65_7261  # pg_advisory_xact_lock id of the chain ("askera")
_ATTEMPTS = 5


@dataclass(frozen=True)
class AuditReport:
    """What ``verify()`` found: ``problems`` name each broken record, in Chinese and English."""

    ok: bool
    count: int
    problems: tuple[str, ...] = ()

    def raise_if_broken(self) -> None:
        if not self.ok:
            raise ConfigError("AUDIT_TAMPERED", problems=self.problems)


class AuditLog:
    """The hash-chained audit log in the app database, anchored in a file outside it."""

    def __init__(
        self,
        engine: Engine,
        key: bytes,
        anchor_path: Path,
        *,
        forwarder: SyslogForwarder | None = None,
    ) -> None:
        if len(key) < 32:
            raise ValueError("the audit key must have at least 32 bytes")
        self._engine, self._key, self._anchor_path = engine, key, anchor_path
        self._forwarder = forwarder
        self._ready = False
        self._ready_lock = threading.Lock()

    def append(self, record: AuditRecord) -> int:
        """Record ``record``; its sequence number. Raises AUDIT_UNAVAILABLE (fail closed)."""
        try:
            self._ensure_table()
            # Writers queue on a file lock before the database's write lock: a kernel lock
            # queue is quicker than SQLite's busy handler, which polls with sleeps.
            body = record.to_json()
            with append_queue(self._anchor_path):
                self._check_anchor()
                head, at = self._insert(body)
            self._anchor_head(head)
        except Exception as exc:
            # the class only: driver messages can quote the parameters
            _log.error("audit record not written (%s): answer withheld", type(exc).__name__)
            raise InternalError("AUDIT_UNAVAILABLE", error_class=type(exc).__name__) from exc
        if self._forwarder is not None:  # after the commit: the database is the record of truth
            self._forwarder.forward(body, seq=head.seq, at=at, mac=head.mac)
        return head.seq

    @property
    def forwarding_failures(self) -> int:
        """Records the syslog forwarder could not deliver since this process started."""
        return 0 if self._forwarder is None else self._forwarder.failures

    def close(self) -> None:
        """Give records still queued for syslog a moment to leave."""
        if self._forwarder is not None:
            self._forwarder.close()

    def verify(self) -> AuditReport:
        """Check every record's mac and link, the numbering, and the head against the anchor."""
        # read the anchor first: it never runs ahead of committed rows, so it cannot run ahead
        # of the snapshot read next even while others append
        anchor, anchor_problems = self._read_anchor()
        with self._engine.connect() as conn:
            if not inspect(conn).has_table(audit_table.name):
                count, problems = check_chain((), self._key, anchor)
            else:
                stmt = select(audit_table).order_by(audit_table.c.seq)
                rows = conn.execution_options(yield_per=1000).execute(stmt)
                count, problems = check_chain(map(chain_row, rows), self._key, anchor)
        # an anchor that appeared since it was read is a chain that started meanwhile
        if anchor is None and count and not anchor_problems and not self._anchor_path.exists():
            anchor_problems = (anchor_missing(self._anchor_path),)
        problems += anchor_problems
        return AuditReport(ok=not problems, count=count, problems=problems)

    def search(
        self,
        *,
        user_id: str | None = None,
        action: Action | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int = 100,
    ) -> tuple[AuditEntry, ...]:
        """The newest records first, filtered by user, action and time (``until`` exclusive)."""
        stmt = select(audit_table).order_by(audit_table.c.seq.desc()).limit(limit)
        if user_id is not None:
            stmt = stmt.where(audit_table.c.user_id == user_id)
        if action is not None:
            stmt = stmt.where(audit_table.c.action == action)
        if since is not None:
            stmt = stmt.where(audit_table.c.created_at >= since)
        if until is not None:
            stmt = stmt.where(audit_table.c.created_at < until)
        with self._engine.connect() as conn:
            found = conn.execute(stmt).all()
        return tuple(audit_entry(row) for row in found)

    def reanchor(self) -> ChainHead:
        """Anchor the chain's current head in place of a lost, damaged or stale anchor file.

        For an administrator who has read ``asker audit verify``: it accepts the log as it is.
        """
        with append_queue(self._anchor_path), anchor_lock(self._anchor_path):
            head = self._head() or ChainHead(0, GENESIS)
            write_anchor(self._anchor_path, head)
        return head

    # --- appending ---------------------------------------------------------------------

    def _ensure_table(self) -> None:
        if self._ready:
            return
        with self._ready_lock:
            try:
                metadata.create_all(self._engine, tables=[audit_table])
            except DBAPIError:  # another process created it between the check and the create
                if not inspect(self._engine).has_table(audit_table.name):
                    raise
            self._ready = True

    def _insert(self, record: dict[str, Any]) -> tuple[ChainHead, str]:
        for attempt in range(_ATTEMPTS):
            try:
                return self._insert_once(record)
            except DBAPIError as exc:
                if attempt == _ATTEMPTS - 1 or not _transient(exc):
                    raise
                time.sleep(0.02 * 2**attempt * (1 + random.random()))
        raise AssertionError("unreachable")

    def _insert_once(self, record: dict[str, Any]) -> tuple[ChainHead, str]:
        with self._engine.connect() as conn:
            _lock_chain(conn)
            last = conn.execute(_LAST).first()
            seq, prev_mac = (last.seq + 1, last.mac) if last else (1, GENESIS)
            now = dt.datetime.now(dt.UTC)
            body = canonical_json({"v": 1, "seq": seq, "at": now.isoformat(), "record": record})
            mac = chain_mac(self._key, prev_mac, seq, body)
            conn.execute(
                insert(audit_table).values(
                    seq=seq,
                    created_at=now,
                    user_id=record["user_id"],
                    action=record["action"],
                    decision=record["decision"],
                    record=body,
                    prev_mac=prev_mac,
                    mac=mac,
                )
            )
            conn.commit()
        return ChainHead(seq, mac), now.isoformat()

    def _head(self) -> ChainHead | None:
        with self._engine.connect() as conn:
            last = conn.execute(_LAST).first()
        return ChainHead(last.seq, last.mac) if last else None

    def _check_anchor(self) -> None:
        """Refuse to extend a chain whose anchor is damaged or gone: that evidence is kept."""
        if read_anchor(self._anchor_path) is not None:  # raises AnchorUnreadable
            return
        if self._head() is not None:
            raise AnchorMissing(str(self._anchor_path))
        with anchor_lock(self._anchor_path):  # a new chain is anchored before its first record
            advance_anchor(self._anchor_path, ChainHead(0, GENESIS))

    def _anchor_head(self, head: ChainHead) -> None:
        with anchor_lock(self._anchor_path):
            current = read_anchor(self._anchor_path)
            if current is None or current.seq < head.seq:
                # anchor the newest committed record: writers queued behind us then skip
                newest = self._head() or head
                advance_anchor(self._anchor_path, max(head, newest, key=lambda h: h.seq))

    def _read_anchor(self) -> tuple[ChainHead | None, tuple[str, ...]]:
        try:
            return read_anchor(self._anchor_path), ()
        except AnchorUnreadable:
            return None, (anchor_unreadable(self._anchor_path),)


_LAST = select(audit_table.c.seq, audit_table.c.mac).order_by(audit_table.c.seq.desc()).limit(1)


def _lock_chain(conn: Connection) -> None:
    """Serialize appenders from here to commit: read the head, insert the next record."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK})
    # elsewhere the seq primary key refuses a duplicate and the insert is retried


def _transient(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True  # another writer took the seq
    message = str(exc.orig).lower()
    sqlstate = getattr(exc.orig, "sqlstate", None)
    return "locked" in message or "busy" in message or sqlstate in ("40001", "40P01")
