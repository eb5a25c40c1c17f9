"""The ``audit_log`` table, and how its rows read: as the verifier checks them (a ``ChainRow``)
and as an auditor searches them (an ``AuditEntry``)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Row, String, Table, Text

from asker.appstate.database import metadata
from asker.audit.chain import ChainRow

audit_table = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("user_id", String(64), nullable=False, index=True),
    Column("action", String(32), nullable=False),
    Column("decision", String(16), nullable=False),
    Column("record", Text, nullable=False),  # canonical JSON, covered by the mac
    Column("prev_mac", String(64), nullable=False),
    Column("mac", String(64), nullable=False),
)


@dataclass(frozen=True)
class AuditEntry:
    """One stored record, as an auditor searches them."""

    seq: int
    created_at: dt.datetime
    record: dict[str, Any]


def _utc(moment: dt.datetime) -> dt.datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite drops the zone
    return aware.astimezone(dt.UTC)


def chain_row(row: Row[Any]) -> ChainRow:
    try:
        body = json.loads(row.record)
        record = body["record"]
        searchable = (record["user_id"], record["action"], record["decision"])
        consistent = searchable == (row.user_id, row.action, row.decision) and _utc(
            dt.datetime.fromisoformat(body["at"])
        ) == _utc(row.created_at)
    except (ValueError, KeyError, TypeError):
        consistent = False
    return ChainRow(row.seq, row.record, row.prev_mac, row.mac, consistent)


def audit_entry(row: Row[Any]) -> AuditEntry:
    return AuditEntry(row.seq, _utc(row.created_at), json.loads(row.record)["record"])
