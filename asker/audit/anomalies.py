"""Anomaly rules for auditors, evaluated over the audit log: a burst of refusals by one user,
unusually many questions by one user, an export outside working hours. Thresholds come from the
settings; what ``asker worker`` asks on a subscriber's behalf (request ids ``worker:…``) is not
the user's own use and is not counted.

Each finding carries a key that names it once: the window it fell in for the counting rules,
the record's sequence number for an export, so a finding is reported once however often the
rules run.

>>> import datetime as dt
>>> at = dt.datetime(2026, 9, 30, 14, 0, tzinfo=dt.UTC)  # 22:00 in the bank
>>> rules = AnomalyRules(dt.timedelta(hours=1), refusals=2, queries=100, working_hours=(8, 20))
>>> entries = [AuditEntry(7, at, {"user_id": "u", "action": "export", "decision": "ok"})]
>>> [(f.rule, f.key) for f in findings(entries, at, rules)]
[('off_hours_export', 'seq7')]
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from asker.audit.table import AuditEntry
from asker.clock import BANK_TIME

WATCHED_ACTIONS = ("ask", "explain", "sql", "export")
QUESTION_ACTIONS = ("ask", "explain", "sql")


@dataclass(frozen=True)
class AnomalyRules:
    window: dt.timedelta
    refusals: int
    queries: int
    working_hours: tuple[int, int]  # [start, end) hours in the bank's time, Monday to Friday


@dataclass(frozen=True)
class Finding:
    rule: str  # refusal_burst, query_volume, off_hours_export
    user_id: str
    count: int
    key: str


def _own_use(record: dict[str, Any]) -> bool:
    return not str(record.get("request_id") or "").startswith("worker:")


def off_hours(moment: dt.datetime, working_hours: tuple[int, int]) -> bool:
    local = moment.astimezone(BANK_TIME)
    start, end = working_hours
    return local.weekday() >= 5 or not start <= local.hour < end


def findings(
    entries: Iterable[AuditEntry], now: dt.datetime, rules: AnomalyRules
) -> tuple[Finding, ...]:
    """What the rules find in the records of the window ending ``now``."""
    since = now - rules.window
    recent = [e for e in entries if since <= e.created_at <= now and _own_use(e.record)]
    bucket = f"w{int(now.timestamp() // rules.window.total_seconds())}"
    refused = Counter(
        e.record["user_id"]
        for e in recent
        if e.record.get("action") in WATCHED_ACTIONS and e.record.get("decision") == "refused"
    )
    asked = Counter(
        e.record["user_id"] for e in recent if e.record.get("action") in QUESTION_ACTIONS
    )
    found = [
        Finding("refusal_burst", user, n, bucket)
        for user, n in sorted(refused.items())
        if n >= rules.refusals
    ]
    found += [
        Finding("query_volume", user, n, bucket)
        for user, n in sorted(asked.items())
        if n >= rules.queries
    ]
    found += [
        Finding("off_hours_export", e.record["user_id"], 1, f"seq{e.seq}")
        for e in recent
        if e.record.get("action") == "export"
        and e.record.get("decision") == "ok"
        and off_hours(e.created_at, rules.working_hours)
    ]
    return tuple(found)
