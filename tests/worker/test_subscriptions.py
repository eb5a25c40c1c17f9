"""Subscriptions delivered by ``asker worker`` against real local servers: the mail carries the
data date and the subscriber's masked values, a webhook gets the robot's JSON, a subscriber who
lost their rights gets a refusal notice, one who cannot be resolved gets nothing (the owner is
told), a failed delivery is retried, and every attempt is audited.

Expected values come from hand-written SQL over the warehouse."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import delete, update

from asker import api, worker
from asker.access.accounts import users
from asker.api.runtime import Runtime
from asker.appstate import deliveries
from asker.audit.search import AuditFilter
from asker.config import Settings
from asker.errors import AccessDenied, UserFacingError
from asker.worker import runner
from tests.helpers import asker
from tests.worker.conftest import MailSink, WebhookSink, html_of

TOP_CUSTOMERS = "成都分行存款余额最高的5个客户"
TOP_CUSTOMERS_SQL = """
SELECT c.cust_name, SUM(f.balance) AS balance
FROM fact_deposit_balance_daily f
JOIN dim_customer c ON c.cust_id = f.cust_id
JOIN dim_org o ON o.org_id = f.org_id
WHERE f.biz_date = DATE '2026-09-30' AND (o.branch_id = 'B05' OR o.org_id = 'B05')
GROUP BY c.cust_id, c.cust_name
ORDER BY balance DESC
LIMIT 5
"""


def settings_for(data_dir: Path, smtp: MailSink | None = None, **more: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port if smtp else 1,
        "webhook_allowed_hosts": ("127.0.0.1",),
        "delivery_retry_base_s": 0,
    }
    return Settings(**{**values, **more})  # type: ignore[arg-type]


def audited_deliveries(rt: Runtime) -> list[dict[str, object]]:
    sun = api.local_user(rt, "sun.li")
    found = api.search_audit(rt, sun, AuditFilter(actions=("delivery",)))
    return [entry.record for entry in reversed(found)]


def test_mail_carries_the_data_date_and_the_subscribers_masked_values(
    data_dir: Path, smtp: MailSink
) -> None:
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        top = con.sql(TOP_CUSTOMERS_SQL).fetchall()
    rt = api.open_runtime(settings_for(data_dir, smtp))
    try:
        li = api.local_user(rt, "li.na")
        saved = api.save_question(rt, li, TOP_CUSTOMERS)
        api.subscribe(rt, li, saved.id, schedule="daily", channel="email")
        first = worker.run_once(rt)
        again = worker.run_once(rt)
    finally:
        rt.close()
    assert (first.sent, again.planned, again.sent) == (1, 0, 0)
    [mail] = smtp.to("li.na@bank.example")
    assert "2026-09-30" in mail["Subject"]
    body = html_of(mail)
    for name, balance in top:
        assert name not in body  # li.na sees customer names masked
        assert f"{name[0]}**" in body
        assert f"{float(balance):,.2f}" in body
    assert [
        r["decision"] for r in audited_deliveries(api.open_runtime(settings_for(data_dir)))
    ] == ["ok"]


def test_a_webhook_gets_the_robots_json_on_an_allowed_host_only(
    data_dir: Path, webhook: WebhookSink
) -> None:
    rt = api.open_runtime(settings_for(data_dir, webhook_format="wecom"))
    try:
        li = api.local_user(rt, "li.na")
        saved = api.save_question(rt, li, "不良贷款率")
        with pytest.raises(AccessDenied) as refused:
            api.subscribe(
                rt, li, saved.id, channel="webhook", webhook_url="https://robot.elsewhere.example/x"
            )
        assert refused.value.code == "WEBHOOK_HOST_NOT_ALLOWED"
        api.subscribe(rt, li, saved.id, channel="webhook", webhook_url=webhook.url)
        report = worker.run_once(rt)
    finally:
        rt.close()
    assert report.sent == 1
    [posted] = webhook.bodies
    body = posted["body"]
    assert body["msgtype"] == "markdown"
    assert "2026-09-30" in body["markdown"]["content"]
    assert "不良贷款率" in body["markdown"]["content"]


def test_a_subscriber_whose_rights_were_removed_gets_a_refusal_notice_not_data(
    data_dir: Path, smtp: MailSink
) -> None:
    rt = api.open_runtime(settings_for(data_dir, smtp))
    try:
        li = api.local_user(rt, "li.na")
        saved = api.save_question(rt, li, TOP_CUSTOMERS)
        api.subscribe(rt, li, saved.id)
        with rt.app_db.begin() as con:  # after subscribing, li.na loses data access
            con.execute(update(users).where(users.c.user_id == "li.na").values(role="auditor"))
        report = worker.run_once(rt)
        records = audited_deliveries(rt)
    finally:
        rt.close()
    assert report.sent == 1
    [mail] = smtp.to("li.na@bank.example")
    assert "not sent" in mail["Subject"]
    body = html_of(mail)
    assert "**" not in body.replace("<p>", "")  # no masked name, no table
    assert "<table" not in body
    assert [(r["decision"], r["user_id"]) for r in records] == [("refused", "li.na")]


def test_an_unresolvable_subscriber_gets_nothing_and_the_owner_a_notice(
    data_dir: Path, smtp: MailSink
) -> None:
    rt = api.open_runtime(settings_for(data_dir, smtp))
    try:
        zhang = api.local_user(rt, "zhang.wei")
        saved = api.save_question(rt, zhang, "存款余额")
        api.share_saved_question(rt, zhang, saved.id, "branch_manager")
        api.subscribe(rt, zhang, saved.id, subscriber="li.na")
        with rt.app_db.begin() as con:  # li.na leaves the bank
            con.execute(delete(users).where(users.c.user_id == "li.na"))
        report = worker.run_once(rt)
        records = audited_deliveries(rt)
    finally:
        rt.close()
    assert smtp.to("li.na@bank.example") == []
    [notice] = smtp.to("zhang.wei@bank.example")
    assert "SUBSCRIBER_UNRESOLVED" in html_of(notice)
    assert (report.failed, report.sent) == (1, 1)
    assert [(r["user_id"], r["decision"], r["codes"]) for r in records] == [
        ("li.na", "refused", ["SUBSCRIBER_UNRESOLVED"]),
        ("zhang.wei", "ok", []),
    ]


def test_a_failed_delivery_is_retried_and_every_attempt_audited(
    data_dir: Path, webhook: WebhookSink
) -> None:
    webhook.statuses = [500]
    rt = api.open_runtime(settings_for(data_dir))
    try:
        li = api.local_user(rt, "li.na")
        saved = api.save_question(rt, li, "不良贷款率")
        api.subscribe(rt, li, saved.id, channel="webhook", webhook_url=webhook.url)
        first = worker.run_once(rt)
        second = worker.run_once(rt)
        third = worker.run_once(rt)
        records = audited_deliveries(rt)
        [item] = deliveries.listed(rt.app_db, "subscription")
    finally:
        rt.close()
    assert (first.retrying, first.sent, second.sent, third.sent) == (1, 0, 1, 0)
    assert [b["status"] for b in webhook.bodies] == [500, 200]
    assert (item.status, item.attempts) == ("sent", 2)
    assert [(r["decision"], r["codes"]) for r in records] == [
        ("error", ["DELIVERY_FAILED"]),
        ("ok", []),
    ]


def test_retries_wait_longer_each_time_and_then_give_up(
    data_dir: Path, webhook: WebhookSink
) -> None:
    webhook.statuses = [500, 500, 500]
    settings = settings_for(data_dir, delivery_retry_base_s=60, delivery_max_attempts=2)
    start = dt.datetime(2026, 10, 1, 1, 0, tzinfo=dt.UTC)
    rt = api.open_runtime(settings)
    try:
        li = api.local_user(rt, "li.na")
        saved = api.save_question(rt, li, "不良贷款率")
        api.subscribe(rt, li, saved.id, channel="webhook", webhook_url=webhook.url)
        name = worker.worker_name()
        first = runner.run_once(rt, name, now=start)
        early = runner.run_once(rt, name, now=start + dt.timedelta(seconds=59))
        late = runner.run_once(rt, name, now=start + dt.timedelta(seconds=61))
        [item] = deliveries.listed(rt.app_db, "subscription")
    finally:
        rt.close()
    assert (first.retrying, early.retrying + early.failed, late.failed) == (1, 0, 1)
    assert (item.status, item.attempts, item.last_code) == ("failed", 2, "DELIVERY_FAILED")


def test_who_may_subscribe_whom(data_dir: Path) -> None:
    rt = api.open_runtime(settings_for(data_dir))
    try:
        li = api.local_user(rt, "li.na")
        zhang = api.local_user(rt, "zhang.wei")
        theirs = api.save_question(rt, zhang, "存款余额")
        api.share_saved_question(rt, zhang, theirs.id, "branch_manager")
        with pytest.raises(AccessDenied):  # a question shared with her is not hers to push
            api.subscribe(rt, li, theirs.id, subscriber="wang.fang")
        with pytest.raises(UserFacingError) as bad:
            api.subscribe(rt, li, theirs.id, schedule="hourly")
        assert bad.value.code == "SCHEDULE_INVALID"
        mine = api.subscribe(rt, li, theirs.id, schedule="weekly")
        assert [s.id for s in api.subscriptions(rt, zhang)] == []
        assert [s.id for s in api.subscriptions(rt, li)] == [mine.id]
        api.unsubscribe(rt, li, mine.id)
        assert api.subscriptions(rt, li) == ()
    finally:
        rt.close()


def test_without_the_export_right_a_table_becomes_a_line_and_a_link(
    data_dir: Path, smtp: MailSink
) -> None:
    settings = settings_for(data_dir, smtp, public_url="https://asker.bank.example")
    rt = api.open_runtime(settings)
    try:
        wang = api.local_user(rt, "wang.fang")  # 支行行长: no export right
        assert not api.can_export(rt, wang)
        saved = api.save_question(rt, wang, "存款余额最高的5个客户")
        asked = api.ask(rt, wang, saved.question)
        api.subscribe(rt, wang, saved.id)
        worker.run_once(rt)
    finally:
        rt.close()
    assert asked.status == "ok" and asked.row_count == 5  # a table, were it shown
    [mail] = smtp.to("wang.fang@bank.example")
    body = html_of(mail)
    assert "<table" not in body and "**" not in body
    assert f"https://asker.bank.example/?saved={saved.id}" in body
    assert "2026-09-30" in mail["Subject"]


def test_mail_goes_to_the_directory_address_only(data_dir: Path) -> None:
    rt = api.open_runtime(settings_for(data_dir))
    try:
        li = api.local_user(rt, "li.na")
        saved = api.save_question(rt, li, "存款余额")
        api.set_email(rt, "li.na", None)
        with pytest.raises(UserFacingError) as missing:
            api.subscribe(rt, li, saved.id)
        assert missing.value.code == "EMAIL_MISSING"
        with pytest.raises(UserFacingError) as invalid:
            api.set_email(rt, "li.na", "not an address")
        assert invalid.value.code == "EMAIL_INVALID"
    finally:
        rt.close()
    recorded = asker(
        "users", "set-email", "li.na", "li.na@chengdu.bank.example", "--data-dir", str(data_dir)
    )
    assert recorded.returncode == 0, recorded.stderr
    rt = api.open_runtime(settings_for(data_dir))
    try:
        assert api.directory_email(rt, "li.na") == "li.na@chengdu.bank.example"
    finally:
        rt.close()
