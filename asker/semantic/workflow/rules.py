"""What every workflow step works on (``Governance``) and the rules the steps share: the rights,
the lock of regulatory metrics, the version a draft replaces, and the draft's check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from asker.errors import AccessDenied, UserFacingError
from asker.semantic.conflicts import DraftCheck, check_draft
from asker.semantic.drafts import Draft, DraftStore
from asker.semantic.store import MetricStore
from asker.types import Principal

ADMIN = "draft_metrics"  # the right to draft
APPROVER = "approve_metrics"  # the right to publish


@dataclass(frozen=True)
class Governance:
    """What the workflow works on: the published versions, the drafts, and the data date that
    compiled SQL (for conflicts) is made for."""

    store: MetricStore
    drafts: DraftStore
    data_date: dt.date
    rights: Callable[[str], frozenset[str]]  # a role's application rights, from the policy


def require_right(gov: Governance, actor: Principal, right: str) -> None:
    if right not in gov.rights(actor.role):
        raise AccessDenied("METRIC_ROLE_REQUIRED", user=actor.user_id, right=right)


def is_locked(gov: Governance, code: str) -> bool:
    """A metric marked ``locked`` whose lock an approver has not lifted."""
    published = gov.store.current().get(code)
    if published is None or not published.definition.get("locked", False):
        return False
    return not gov.drafts.unlocked(code)


def refuse_if_locked(gov: Governance, code: str) -> None:
    if is_locked(gov, code):
        raise UserFacingError("METRIC_LOCKED", metric=code)


def refuse_if_base_changed(gov: Governance, draft: Draft) -> None:
    """A draft must replace the version it was started from, not one published since."""
    published = gov.store.current().get(draft.code)
    current = published.version if published else None
    if current != draft.base_version:
        raise UserFacingError(
            "METRIC_BASE_CHANGED",
            metric=draft.code,
            base=draft.base_version or "-",
            current=current or "-",
        )


def check(gov: Governance, draft: Draft) -> DraftCheck:
    return check_draft(gov.store, draft.code, draft.source, draft.definition, gov.data_date)
