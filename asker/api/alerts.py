"""Threshold alerts from the facade: set one up on a question that answers with one number (a
metric, its filters, the owner's scope), list and remove them, and read an answer's number.

The question is asked when the alert is set up, to refuse one that does not answer with a number
(ALERT_NOT_A_NUMBER), and again as its owner each time the data date moves (``asker worker``).
"""

from __future__ import annotations

import datetime as dt

from asker.api.audit import record
from asker.api.questions import ask
from asker.api.runtime import Runtime
from asker.api.subscriptions import check_schedule_and_channel, check_webhook
from asker.appstate import alerts as store
from asker.appstate import deliveries
from asker.appstate.alerts import COMPARISONS, ThresholdAlert
from asker.appstate.deliveries import Delivery
from asker.audit import search as audit_search
from asker.audit.anomalies import WATCHED_ACTIONS, AnomalyRules, Finding, findings
from asker.audit.search import AuditFilter
from asker.config import Settings
from asker.errors import UserFacingError
from asker.types import Answer, Principal


def alert_value(answer: Answer) -> tuple[str, float, str] | None:
    """(metric code, value, format) of an answer that is one number, else None."""
    shown = answer.presentation
    if answer.status != "ok" or shown is None or shown.kind != "headline" or answer.row_count != 1:
        return None
    column = shown.value or (answer.columns[0] if answer.columns else None)
    if column not in answer.columns:
        return None
    value = answer.rows[0][answer.columns.index(column)]
    if isinstance(value, bool) or value is None:
        return None
    described = next((c for c in answer.result_columns if c.name == column), None)
    metric = (described.metric if described else None) or column
    try:
        return metric, float(value), described.format if described else "number"
    except (TypeError, ValueError):
        return None


def add_alert(
    rt: Runtime,
    who: Principal,
    question: str,
    *,
    comparison: str,
    threshold: float,
    channel: str = "email",
    webhook_url: str | None = None,
) -> ThresholdAlert:
    """Watch ``question``'s number, in ``who``'s scope, against ``threshold``."""
    if comparison not in COMPARISONS:
        raise UserFacingError(
            "COMPARISON_INVALID", comparison=comparison, comparisons=" ".join(COMPARISONS)
        )
    check_schedule_and_channel("daily", channel)
    if channel == "webhook":
        check_webhook(rt.settings, webhook_url)
    found = alert_value(ask(rt, who, question))
    if found is None:
        raise UserFacingError("ALERT_NOT_A_NUMBER", question=question[:200])
    made = store.add(
        rt.app_db,
        owner_id=who.user_id,
        question=question.strip(),
        metric=found[0],
        comparison=comparison,  # type: ignore[arg-type]
        threshold=threshold,
        channel=channel,
        webhook_url=webhook_url if channel == "webhook" else None,
        now=rt.clock.now(),
    )
    rt.audit.append(
        record(who, "subscription", question=f"alert #{made.id} {found[0]} {comparison}")
    )
    return made


def alerts(rt: Runtime, who: Principal) -> tuple[ThresholdAlert, ...]:
    return store.owned_by(rt.app_db, who.user_id)


def remove_alert(rt: Runtime, who: Principal, item: int) -> None:
    store.remove(rt.app_db, item, who.user_id)
    rt.audit.append(record(who, "subscription", question=f"remove alert #{item}"))


def anomaly_rules(settings: Settings) -> AnomalyRules:
    return AnomalyRules(
        window=dt.timedelta(minutes=settings.anomaly_window_minutes),
        refusals=settings.anomaly_refusals,
        queries=settings.anomaly_queries,
        working_hours=settings.working_hours,
    )


def anomalies_now(rt: Runtime, now: dt.datetime) -> tuple[Finding, ...]:
    """What the anomaly rules find in the audit log's last window (for the worker)."""
    rules = anomaly_rules(rt.settings)
    entries = audit_search.search(
        rt.app_db, AuditFilter(actions=WATCHED_ACTIONS, since=now - rules.window)
    )
    return findings(entries, now, rules)


def anomaly_findings(rt: Runtime, auditor: Principal) -> tuple[Delivery, ...]:
    """Every anomaly finding reported so far, oldest first (the audit page)."""
    rt.policy.require(auditor.role, "read_audit", "审计日志 audit log")
    return deliveries.listed(rt.app_db, "anomaly")
