"""Anomaly alerts for auditors over the audit log: a scripted burst of refused statements by one
user raises one alert to the auditors' webhook; ordinary use raises none; each rule by itself on
hand-made records (exports outside working hours, unusually many questions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from asker import api, worker
from asker.audit.anomalies import AnomalyRules, findings
from asker.audit.table import AuditEntry
from asker.config import Settings
from asker.errors import AccessDenied
from tests.worker.conftest import WebhookSink


@dataclass(frozen=True)
class FixedClock:
    moment: dt.datetime

    def now(self) -> dt.datetime:
        return self.moment


def test_a_burst_of_refusals_alerts_the_auditors_once_and_ordinary_use_does_not(
    data_dir: Path, webhook: WebhookSink
) -> None:
    settings = Settings(
        data_dir=data_dir,
        anomaly_refusals=5,
        anomaly_queries=100,
        auditor_webhook_url=webhook.url,
        webhook_allowed_hosts=("127.0.0.1",),
        webhook_format="dingtalk",
    )
    rt = api.open_runtime(settings)
    try:
        liu, li = api.local_user(rt, "liu.yang"), api.local_user(rt, "li.na")
        for table in ("dim_customer", "dim_account", "fact_transaction", "dim_loan", "dim_org"):
            refused = api.run_sql(rt, liu, f"DELETE FROM {table}")
            assert refused.status == "refused"
        for question in ("存款余额", "不良贷款率", "各支行存款余额", "贷款余额"):
            assert api.ask(rt, li, question).status == "ok"
        assert api.run_sql(rt, li, "DROP TABLE dim_org").status == "refused"
    finally:
        rt.close()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    rt = api.open_runtime(settings, clock=FixedClock(later))
    try:
        first = worker.run_once(rt)
        second = worker.run_once(rt)
        listed = api.anomaly_findings(rt, api.local_user(rt, "sun.li"))
        with pytest.raises(AccessDenied):
            api.anomaly_findings(rt, api.local_user(rt, "li.na"))
    finally:
        rt.close()
    assert (first.sent, second.planned) == (1, 0)
    [posted] = webhook.bodies
    assert posted["body"]["msgtype"] == "markdown"
    assert "liu.yang" in posted["body"]["markdown"]["text"]
    assert "li.na" not in posted["body"]["markdown"]["text"]
    assert [(f.payload["rule"], f.payload["user"], f.payload["count"]) for f in listed] == [
        ("refusal_burst", "liu.yang", 5)
    ]


BANK = dt.timezone(dt.timedelta(hours=8))
RULES = AnomalyRules(dt.timedelta(hours=24), refusals=3, queries=4, working_hours=(8, 20))


def entry(seq: int, at: dt.datetime, action: str, decision: str = "ok", **more: str) -> AuditEntry:
    return AuditEntry(seq, at, {"user_id": "u1", "action": action, "decision": decision, **more})


def test_exports_outside_working_hours_and_at_weekends_are_found() -> None:
    wednesday = dt.datetime(2026, 9, 30, tzinfo=BANK)
    entries = [
        entry(1, wednesday.replace(hour=10), "export"),
        entry(2, wednesday.replace(hour=22), "export"),
        entry(3, (wednesday + dt.timedelta(days=3)).replace(hour=10), "export"),  # Saturday
        entry(4, wednesday.replace(hour=23), "export", "refused"),  # refused: nothing left
    ]
    now = wednesday + dt.timedelta(days=3, hours=12)
    rules = AnomalyRules(dt.timedelta(days=5), refusals=99, queries=99, working_hours=(8, 20))
    assert [(f.rule, f.key) for f in findings(entries, now, rules)] == [
        ("off_hours_export", "seq2"),
        ("off_hours_export", "seq3"),
    ]


def test_many_questions_are_found_but_not_what_the_worker_asked_for_a_subscriber() -> None:
    now = dt.datetime(2026, 9, 30, 10, tzinfo=BANK)
    own = [entry(n, now - dt.timedelta(minutes=n), "ask") for n in range(1, 5)]
    for_subscriber = [
        entry(10 + n, now, "ask", "refused", request_id=f"worker:delivery:{n}") for n in range(5)
    ]
    found = findings(own + for_subscriber, now, RULES)
    assert [(f.rule, f.user_id, f.count) for f in found] == [("query_volume", "u1", 4)]
    assert findings(own[:3], now, RULES) == ()
