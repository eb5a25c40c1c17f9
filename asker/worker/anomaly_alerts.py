"""Anomaly alerts in the worker: the audit log of the last window through the rules of
``asker.audit.anomalies``; each new finding is one delivery to the auditors' channel
(``ASKER_AUDITOR_WEBHOOK_URL``, else ``ASKER_AUDITOR_EMAIL``). Findings stay listed for the
audit page (``api.anomaly_findings``) whether or not a channel is set.
"""

from __future__ import annotations

import datetime as dt

from asker import api
from asker.api.runtime import Runtime
from asker.appstate import deliveries
from asker.appstate.deliveries import Delivery
from asker.errors import UserFacingError
from asker.worker import compose
from asker.worker.channels import post_webhook, send_mail

AUDITORS = "auditors"  # the recipient of anomaly deliveries: a channel, not a user

RULE_NAMES = {
    "refusal_burst": "短时间内多次被拒绝 a burst of refusals",
    "query_volume": "提问次数异常多 unusually many questions",
    "off_hours_export": "非工作时间导出 an export outside working hours",
}


def plan_anomalies(rt: Runtime, now: dt.datetime) -> int:
    planned = 0
    for found in api.anomalies_now(rt, now):
        payload = {"rule": found.rule, "user": found.user_id, "count": found.count}
        planned += deliveries.plan(
            rt.app_db,
            "anomaly",
            f"{found.rule}:{found.user_id}",
            found.key,
            AUDITORS,
            now=now,
            payload=payload,
        )
    return planned


def anomaly_message(payload: dict[str, object]) -> compose.Message:
    rule = str(payload["rule"])
    return compose.notice(
        f"[asker] 审计预警 audit alert：{RULE_NAMES.get(rule, rule)} · {payload['user']}",
        [
            f"用户 user {payload['user']}：{RULE_NAMES.get(rule, rule)}，"
            f"{payload['count']} 次 times",
            "请在审计页面查看明细 see the audit page for the records.",
        ],
    )


def send_anomaly(rt: Runtime, item: Delivery) -> str:
    message = anomaly_message(item.payload)
    if rt.settings.auditor_webhook_url:
        post_webhook(rt.settings, rt.settings.auditor_webhook_url, message)
        return "webhook"
    if rt.settings.auditor_email:
        send_mail(rt.settings, rt.settings.auditor_email, message)
        return "email"
    raise UserFacingError("AUDITOR_CHANNEL_MISSING")
