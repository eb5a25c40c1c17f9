"""Threshold alerts in the worker: once per data date, each alert's question is asked again as
its owner; crossing the line plans one ``breach`` delivery, coming back one ``recovery``; staying
on the same side plans nothing. A question that no longer answers with a number (the owner lost
the right, the metric went) plans a notice to the owner instead.
"""

from __future__ import annotations

import datetime as dt

from asker import api
from asker.api.runtime import Runtime
from asker.appstate import alerts, deliveries
from asker.appstate.alerts import ThresholdAlert
from asker.appstate.deliveries import Delivery
from asker.audit.request import request_scope
from asker.worker import compose
from asker.worker.channels import to_channel


def plan_alerts(rt: Runtime, now: dt.datetime) -> int:
    """Evaluate each alert not yet evaluated for the data date (one worker each)."""
    planned = 0
    for alert in alerts.every(rt.app_db):
        if alerts.claim_evaluation(rt.app_db, alert.id, rt.data_date):
            planned += _evaluate(rt, alert, now)
    return planned


def _evaluate(rt: Runtime, alert: ThresholdAlert, now: dt.datetime) -> int:
    owner = api.subscriber_principal(rt, alert.owner_id)
    if owner is None:
        return 0  # nobody to tell; the audit log shows the alert's owner is gone
    with request_scope(f"worker:alert:{alert.id}"):
        answer = api.ask(rt, owner, alert.question)
    found = api.alert_value(answer)
    day = (answer.as_of or rt.data_date).isoformat()
    if found is None:
        lines = [f"预警 alert #{alert.id}：{alert.question}", f"[{answer.code}] {answer.message}"]
        payload = {"subject": f"[asker] 预警无法计算 alert not evaluated · {day}", "lines": lines}
        occasion = f"{rt.data_date.isoformat()}:unavailable"
        return int(
            deliveries.plan(
                rt.app_db,
                "notice",
                f"alert:{alert.id}",
                occasion,
                alert.owner_id,
                now=now,
                payload=payload,
            )
        )
    _, value, fmt = found
    over = alerts.breached(alert.comparison, value, alert.threshold)
    event = "breach" if over and alert.state != "breached" else None
    if not over and alert.state == "breached":
        event = "recovery"
    alerts.set_state(rt.app_db, alert.id, "breached" if over else "normal")
    if event is None:
        return 0
    payload = {
        "event": event,
        "question": alert.question,
        "value": compose.cell(value, fmt),
        "threshold": compose.cell(alert.threshold, fmt),
        "comparison": alert.comparison,
        "data_date": day,
    }
    occasion = f"{rt.data_date.isoformat()}:{event}"
    return int(
        deliveries.plan(
            rt.app_db, "alert", str(alert.id), occasion, alert.owner_id, now=now, payload=payload
        )
    )


def alert_message(payload: dict[str, str]) -> compose.Message:
    breach = payload["event"] == "breach"
    head = "预警 alert" if breach else "预警解除 recovered"
    rule = f"{payload['comparison']} {payload['threshold']}"
    return compose.notice(
        f"[asker] {head}：{payload['question']} {payload['value']} · "
        f"数据日期 data date {payload['data_date']}",
        [
            f"{payload['question']}：{payload['value']}（条件 condition {rule}）",
            "已超过阈值 the line is crossed" if breach else "已回到阈值内 back within the line",
        ],
    )


def send_alert(rt: Runtime, item: Delivery) -> str:
    alert = alerts.get(rt.app_db, int(item.source_id))
    message = alert_message(item.payload)
    return to_channel(rt, alert.owner_id, alert.channel, alert.webhook_url, message)
