"""Subscriptions to saved questions, and what ``asker worker`` asks of the facade when it sends
one: who the subscriber is at send time, the answer they get then, their directory address, and
the audit record of each attempt.

A subscription keeps only the link to the saved question: nothing is decided when subscribing
beyond who may set it up. At send time the question is asked again *as the subscriber*, so their
scope, masks and rights then decide what goes out (a refusal, when they have lost them).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from asker.access import accounts
from asker.api.audit import record
from asker.api.questions import ask, refusal
from asker.api.runtime import Runtime
from asker.appstate import saved_questions as saved
from asker.appstate import subscriptions as store
from asker.appstate.subscriptions import CHANNELS, SCHEDULES, Subscription
from asker.audit.log import Decision
from asker.config import Settings
from asker.errors import AccessDenied, AskerError, UserFacingError
from asker.types import Answer, Principal


def subscribe(
    rt: Runtime,
    who: Principal,
    saved_question_id: int,
    *,
    schedule: str = "daily",
    channel: str = "email",
    webhook_url: str | None = None,
    subscriber: str | None = None,
) -> Subscription:
    """Subscribe ``subscriber`` (default: ``who``) to a saved question ``who`` can see. Someone
    else may be subscribed only to a question ``who`` saved; mail goes to the subscriber's
    directory address only (EMAIL_MISSING without one), a webhook to an allowed host only."""
    check_schedule_and_channel(schedule, channel)
    found = saved.get(rt.app_db, saved_question_id, who.user_id, who.role)
    target = subscriber or who.user_id
    if who.user_id not in (target, found.user_id):
        raise AccessDenied("ACCESS_DENIED", role=who.role, target=f"subscribe {target}")
    accounts.principal(rt.app_db, target)  # UNKNOWN_USER
    if channel == "email" and accounts.email_of(rt.app_db, target) is None:
        raise UserFacingError("EMAIL_MISSING", user=target)
    if channel == "webhook":
        check_webhook(rt.settings, webhook_url)
    made = store.add(
        rt.app_db,
        saved_question_id=found.id,
        subscriber_id=target,
        owner_id=who.user_id,
        schedule=schedule,  # type: ignore[arg-type]
        channel=channel,  # type: ignore[arg-type]
        webhook_url=webhook_url if channel == "webhook" else None,
        now=rt.clock.now(),
    )
    rt.audit.append(
        record(who, "subscription", question=f"subscribe #{made.id} {target} {schedule} {channel}")
    )
    return made


def subscriptions(rt: Runtime, who: Principal) -> tuple[Subscription, ...]:
    """The subscriptions ``who`` receives or set up."""
    return store.involving(rt.app_db, who.user_id)


def unsubscribe(rt: Runtime, who: Principal, item: int) -> None:
    store.remove(rt.app_db, item, who.user_id)
    rt.audit.append(record(who, "subscription", question=f"unsubscribe #{item}"))


def check_schedule_and_channel(schedule: str, channel: str) -> None:
    if schedule not in SCHEDULES:
        raise UserFacingError("SCHEDULE_INVALID", schedule=schedule, schedules=", ".join(SCHEDULES))
    if channel not in CHANNELS:
        raise UserFacingError("CHANNEL_INVALID", channel=channel, channels=", ".join(CHANNELS))


def check_webhook(settings: Settings, url: str | None) -> str:
    """The webhook's host when it is an http(s) address on the allow-list."""
    if not url:
        raise UserFacingError("WEBHOOK_URL_REQUIRED")
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    allowed = {h.lower() for h in settings.webhook_allowed_hosts}
    if parts.scheme not in ("http", "https") or host not in allowed:
        raise AccessDenied("WEBHOOK_HOST_NOT_ALLOWED", host=host or url[:80])
    return host


def set_email(rt: Runtime, user_id: str, email: str | None) -> None:
    """Record a user's directory e-mail address (the administrator's ``asker users set-email``)."""
    if email is not None and (email.count("@") != 1 or " " in email or len(email) > 254):
        raise UserFacingError("EMAIL_INVALID", email=email[:80])
    accounts.set_email(rt.app_db, user_id, email)
    rt.audit.append(record(None, "user_admin", user_id=user_id, question="set e-mail address"))


def directory_email(rt: Runtime, user_id: str) -> str | None:
    return accounts.email_of(rt.app_db, user_id)


# --- at send time ---------------------------------------------------------------------------


def subscriber_principal(rt: Runtime, user_id: str) -> Principal | None:
    """The user as they are now, or None when they cannot be resolved: no account any more, or
    no role of the policy (a directory user no longer in a mapped group)."""
    try:
        who = accounts.principal(rt.app_db, user_id)
    except AskerError:
        return None
    return who if who.role in rt.policy.role_names else None


def rerun_for(rt: Runtime, who: Principal, sub: Subscription) -> tuple[str, Answer]:
    """The saved question's title and its answer asked now as ``who`` (a refusal when they may
    no longer see the question or its data)."""
    try:
        found = saved.get(rt.app_db, sub.saved_question_id, who.user_id, who.role)
    except UserFacingError as error:
        return f"#{sub.saved_question_id}", refusal(f"#{sub.saved_question_id}", error, "zh")
    return found.title, ask(rt, who, found.question)


def audit_delivery(
    rt: Runtime,
    recipient: str,
    what: str,
    *,
    decision: Decision,
    codes: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
) -> None:
    """The audit record of one delivery attempt (who it was for, what, the outcome)."""
    who = subscriber_principal(rt, recipient)
    rt.audit.append(
        record(
            who,
            "delivery",
            user_id=recipient,
            question=what,
            decision=decision,
            codes=codes,
            flags=flags,
        )
    )
