"""The auditor's search over the audit log: by user, org, action, time, decision and code, and the
filtered log as CSV. The log holds names, redacted questions, SQL and counts, never data values,
so neither does the CSV.

>>> AuditFilter(codes=("export_not_allowed",)).codes
('EXPORT_NOT_ALLOWED',)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, inspect, select

from asker.audit.table import AuditEntry, audit_table

MAX_ROWS = 100_000  # most records one search reads

CSV_COLUMNS = (
    "seq",
    "created_at",
    "user_id",
    "role",
    "org_id",
    "action",
    "decision",
    "codes",
    "question",
    "tables",
    "columns",
    "filters",
    "masks",
    "row_count",
    "elapsed_ms",
    "result_hash",
    "gated_sql",
    "flags",
)


@dataclass(frozen=True)
class AuditFilter:
    """Every field narrows the search; empty ones do not. ``until`` is exclusive."""

    user_id: str = ""
    org_id: str = ""
    actions: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = MAX_ROWS

    def __post_init__(self) -> None:
        object.__setattr__(self, "user_id", self.user_id.strip())
        object.__setattr__(self, "org_id", self.org_id.strip())
        object.__setattr__(self, "codes", tuple(c.strip().upper() for c in self.codes if c))

    def keeps(self, record: dict[str, Any]) -> bool:
        """The parts of the filter only the record's JSON holds (org and codes)."""
        if self.org_id and record.get("org_id") != self.org_id:
            return False
        return not self.codes or bool(set(self.codes) & set(record.get("codes") or ()))


def search(engine: Engine, query: AuditFilter) -> tuple[AuditEntry, ...]:
    """Matching records, newest first."""
    if not inspect(engine).has_table(audit_table.name):
        return ()
    stmt = select(audit_table).order_by(audit_table.c.seq.desc()).limit(MAX_ROWS)
    if query.user_id:
        stmt = stmt.where(audit_table.c.user_id == query.user_id)
    if query.actions:
        stmt = stmt.where(audit_table.c.action.in_(query.actions))
    if query.decisions:
        stmt = stmt.where(audit_table.c.decision.in_(query.decisions))
    if query.since is not None:
        stmt = stmt.where(audit_table.c.created_at >= query.since)
    if query.until is not None:
        stmt = stmt.where(audit_table.c.created_at < query.until)
    found: list[AuditEntry] = []
    with engine.connect() as conn:
        for row in conn.execute(stmt):
            entry = AuditEntry(row.seq, _utc(row.created_at), _record(row.record))
            if query.keeps(entry.record):
                found.append(entry)
                if len(found) >= query.limit:
                    break
    return tuple(found)


def row_of(entry: AuditEntry) -> dict[str, Any]:
    """One record flattened for a table or a CSV line (lists joined with '; ')."""
    record = entry.record
    out: dict[str, Any] = {"seq": entry.seq, "created_at": entry.created_at.isoformat()}
    for name in CSV_COLUMNS[2:]:
        value = record.get(name)
        out[name] = "; ".join(str(v) for v in value) if isinstance(value, list) else value
    return out


def to_csv(entries: tuple[AuditEntry, ...]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        writer.writerow({k: _safe(v) for k, v in row_of(entry).items()})
    return out.getvalue().encode("utf-8-sig")


def _safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula stays text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _record(text: str) -> dict[str, Any]:
    import json

    body = json.loads(text)
    return dict(body["record"])


def _utc(moment: dt.datetime) -> dt.datetime:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite drops the zone
    return aware.astimezone(dt.UTC)
