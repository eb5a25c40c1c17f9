"""One run of ``asker worker``: plan what is due, then send what this worker claimed.

Planning inserts one delivery row per message owed (a subscription for its period of the data
date, an alert's breach or recovery, an anomaly finding); the row's uniqueness means a message is
planned once however many workers run. Sending takes only rows this worker claimed. Every attempt
is audited (action ``delivery``); a failed one is retried with doubling waits up to
``delivery_max_attempts``; one that can never go (the subscriber cannot be resolved, has no
directory address) is given up at once and the subscription's owner is told.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from asker import api
from asker.api.runtime import Runtime
from asker.appstate import deliveries, subscriptions
from asker.appstate.deliveries import Delivery
from asker.audit.log import Decision
from asker.audit.request import request_scope
from asker.errors import AskerError, ConfigError, ProviderError, UserFacingError
from asker.worker import compose
from asker.worker.alerting import send_alert
from asker.worker.anomaly_alerts import send_anomaly
from asker.worker.channels import to_channel, to_user


@dataclass
class RunReport:
    """What one run did: deliveries planned, and attempts by outcome."""

    planned: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    codes: list[str] = field(default_factory=list)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:64]


Planner = Callable[[Runtime, dt.datetime], int]


def plan_subscriptions(rt: Runtime, now: dt.datetime) -> int:
    """One delivery per subscription and period of the current data date."""
    planned = 0
    for sub in subscriptions.every(rt.app_db):
        occasion = subscriptions.occasion(sub.schedule, rt.data_date)
        planned += deliveries.plan(
            rt.app_db, "subscription", str(sub.id), occasion, sub.subscriber_id, now=now
        )
    return planned


def run_once(
    rt: Runtime,
    worker: str,
    *,
    planners: tuple[Planner, ...] = (plan_subscriptions,),
    now: dt.datetime | None = None,
) -> RunReport:
    """Plan what is due, then make one attempt at each delivery this worker claims."""
    moment = now or rt.clock.now()
    report = RunReport(planned=sum(planner(rt, moment) for planner in planners))
    lease = dt.timedelta(seconds=rt.settings.worker_claim_lease_s)
    tried: set[int] = set()
    for _ in range(_PASSES):  # a later pass sends the notices an earlier one planned
        claimed = deliveries.claim_due(rt.app_db, worker, moment, lease, skip=tried)
        for item in claimed:
            attempt(rt, item, worker, moment, report)
            tried.add(item.id)
        if not claimed:
            break
    return report


_PASSES = 3


def attempt(rt: Runtime, item: Delivery, worker: str, now: dt.datetime, report: RunReport) -> None:
    what = f"{item.source} #{item.source_id} {item.occasion}"
    number = item.attempts + 1
    try:
        channel, decision = send(rt, item, now)
    except (ProviderError, ConfigError) as error:  # the channel failed: try again later
        retry = number < rt.settings.delivery_max_attempts
        wait = rt.settings.delivery_retry_base_s * 2 ** (number - 1)
        retry_at = now + dt.timedelta(seconds=wait) if retry else None
        deliveries.finish(rt.app_db, item.id, worker, now, code=error.code, retry_at=retry_at)
        flags = (f"attempt:{number}", "retry" if retry else "given_up")
        api.audit_delivery(
            rt, item.recipient_id, what, decision="error", codes=(error.code,), flags=flags
        )
        report.retrying += retry
        report.failed += not retry
        report.codes.append(error.code)
        return
    except UserFacingError as error:  # it can never go: give up, tell the owner
        deliveries.finish(rt.app_db, item.id, worker, now, code=error.code)
        api.audit_delivery(
            rt,
            item.recipient_id,
            what,
            decision="refused",
            codes=(error.code,),
            flags=(f"attempt:{number}", "given_up"),
        )
        tell_owner(rt, item, error, now)
        report.failed += 1
        report.codes.append(error.code)
        return
    deliveries.finish(rt.app_db, item.id, worker, now)
    api.audit_delivery(
        rt, item.recipient_id, what, decision=decision, flags=(f"channel:{channel}",)
    )
    report.sent += 1


def send(rt: Runtime, item: Delivery, now: dt.datetime) -> tuple[str, Decision]:
    """Compose and send one delivery; its channel and the audit decision (``ok``, or
    ``refused`` for a refusal notice sent in place of the data)."""
    if item.source == "subscription":
        return _send_subscription(rt, item)
    if item.source == "notice":
        message = compose.notice(str(item.payload.get("subject", "")), item.payload["lines"])
        return to_user(rt, item.recipient_id, message), "ok"
    if item.source == "alert":
        return send_alert(rt, item), "ok"
    return send_anomaly(rt, item), "ok"


def _send_subscription(rt: Runtime, item: Delivery) -> tuple[str, Decision]:
    sub = subscriptions.get(rt.app_db, int(item.source_id))
    who = api.subscriber_principal(rt, sub.subscriber_id)
    if who is None:
        raise UserFacingError("SUBSCRIBER_UNRESOLVED", user=sub.subscriber_id)
    with request_scope(f"worker:delivery:{item.id}"):
        title, answer = api.rerun_for(rt, who, sub)
    message = compose.answer_message(
        title,
        answer,
        saved_id=sub.saved_question_id,
        with_table=api.can_export(rt, who),
        public_url=rt.settings.public_url,
        data_date=rt.data_date,
    )
    channel = to_channel(rt, who.user_id, sub.channel, sub.webhook_url, message)
    return channel, "ok" if answer.status == "ok" else "refused"


def tell_owner(rt: Runtime, item: Delivery, error: AskerError, now: dt.datetime) -> None:
    """A subscription that could not go: its owner gets a notice (once per occasion)."""
    if item.source != "subscription":
        return
    try:
        sub = subscriptions.get(rt.app_db, int(item.source_id))
    except AskerError:
        return
    payload = {
        "subject": f"[asker] 订阅 #{sub.id} 未能送达 could not be delivered",
        "lines": [
            f"订阅 subscription #{sub.id}（收藏的问题 saved question #{sub.saved_question_id}）"
            f"→ {sub.subscriber_id}, {item.occasion}",
            f"[{error.code}] {error.message('zh')}",
            error.message("en"),
        ],
    }
    deliveries.plan(
        rt.app_db,
        "notice",
        f"subscription:{sub.id}",
        f"{item.occasion}:{error.code}",
        sub.owner_id,
        now=now,
        payload=payload,
    )
