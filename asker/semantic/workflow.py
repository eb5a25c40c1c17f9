"""The metric governance workflow: draft → submit → approve (publish) or reject; rollback;
deprecate; lock and unlock of regulatory metrics.

Rules: a role with the right ``draft_metrics`` drafts, edits and submits; one with
``approve_metrics`` approves, rejects, rolls back, deprecates, unlocks and locks (the rights are
declared per role in the permission policy). Four eyes: nobody who edited a draft may approve or
reject it.
A locked metric (``locked: true``, the regulatory ones) cannot be drafted, rolled back or
deprecated until an approver unlocks it; publishing it locks it again. Publishing writes a new
immutable version in ``metric_versions``; a rollback publishes an earlier version's content as a
new version (content that was already reviewed once). Callers audit every step
(asker.api.governance).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from asker.errors import AccessDenied, UserFacingError
from asker.semantic.conflicts import DraftCheck, check_draft
from asker.semantic.definitions import CODE
from asker.semantic.drafts import EDITABLE, Draft, DraftStore
from asker.semantic.store import MetricStore, MetricVersion, content_hash, metric_versions
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


@dataclass(frozen=True)
class Saved:
    draft: Draft
    check: DraftCheck


def require_right(gov: Governance, actor: Principal, right: str) -> None:
    if right not in gov.rights(actor.role):
        raise AccessDenied("METRIC_ROLE_REQUIRED", user=actor.user_id, right=right)


def is_locked(gov: Governance, code: str) -> bool:
    """A metric marked ``locked`` whose lock an approver has not lifted."""
    published = gov.store.current().get(code)
    if published is None or not published.definition.get("locked", False):
        return False
    return not gov.drafts.unlocked(code)


def _refuse_if_locked(gov: Governance, code: str) -> None:
    if is_locked(gov, code):
        raise UserFacingError("METRIC_LOCKED", metric=code)


def _refuse_if_base_changed(gov: Governance, draft: Draft) -> None:
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


# --- drafting (draft_metrics) ---------------------------------------------------------------


def start_draft(
    gov: Governance,
    actor: Principal,
    code: str,
    definition: Mapping[str, Any] | None = None,
    source: str = "custom.yaml",
) -> Draft:
    """A draft of ``code``: from its published version, or ``definition`` for a new metric."""
    require_right(gov, actor, ADMIN)
    _refuse_if_locked(gov, code)
    published = gov.store.current().get(code)
    if published is not None:
        base = dict(definition) if definition is not None else published.definition
        return gov.drafts.create(
            code, published.source, base, author=actor.user_id, base_version=published.version
        )
    if definition is None:
        raise UserFacingError("METRIC_DRAFT_STATE", metric=code, status="-", allowed="new")
    if not re.fullmatch(CODE, code) or len(code) > 64:
        problem = f"code: 编码必须匹配 must match {CODE} (at most 64 characters): {code!r}"
        raise UserFacingError("METRIC_DRAFT_INVALID", metric=code or "-", problems=(problem,))
    body = dict(definition)
    return gov.drafts.create(code, source, body, author=actor.user_id, base_version=None)


def save_draft(
    gov: Governance,
    actor: Principal,
    draft_id: int,
    definition: Mapping[str, Any],
    expected_row_version: int,
) -> Saved:
    """Save an edit if nobody saved the draft since ``expected_row_version``; every problem
    and conflict of the saved content is returned (a draft may be saved with problems)."""
    require_right(gov, actor, ADMIN)
    draft = gov.drafts.get(draft_id)
    _refuse_if_locked(gov, draft.code)
    editors = [*draft.editors, actor.user_id] if actor.user_id not in draft.editors else None
    values: dict[str, Any] = {"definition": dict(definition), "status": "draft"}
    if editors is not None:
        values["editors"] = editors
    saved = gov.drafts.change(draft, expected_row_version, allowed=EDITABLE, **values)
    return Saved(saved, check(gov, saved))


def submit(gov: Governance, actor: Principal, draft_id: int, expected_row_version: int) -> Draft:
    """Send a draft to review; refused while it has problems or conflicts."""
    require_right(gov, actor, ADMIN)
    draft = gov.drafts.get(draft_id)
    _refuse_if_locked(gov, draft.code)
    _refuse_if_base_changed(gov, draft)
    found = check(gov, draft)
    if not found.ok:
        raise UserFacingError("METRIC_DRAFT_INVALID", metric=draft.code, problems=found.messages())
    return gov.drafts.change(draft, expected_row_version, allowed=EDITABLE, status="in_review")


def withdraw(gov: Governance, actor: Principal, draft_id: int, expected_row_version: int) -> Draft:
    """Discard a draft that is not in review; the metric may get a new draft."""
    require_right(gov, actor, ADMIN)
    draft = gov.drafts.get(draft_id)
    return gov.drafts.change(draft, expected_row_version, allowed=EDITABLE, status="withdrawn")


def rebase(gov: Governance, actor: Principal, draft_id: int, expected_row_version: int) -> Draft:
    """The admin has compared the draft with the version published since: base it on that one
    (the draft's content stays as it is)."""
    require_right(gov, actor, ADMIN)
    draft = gov.drafts.get(draft_id)
    published = gov.store.current().get(draft.code)
    return gov.drafts.change(
        draft,
        expected_row_version,
        allowed=EDITABLE,
        base_version=published.version if published else None,
    )


# --- publishing (approve_metrics) -----------------------------------------------------------


def _reviewable(gov: Governance, actor: Principal, draft_id: int) -> Draft:
    require_right(gov, actor, APPROVER)
    draft = gov.drafts.get(draft_id)
    if actor.user_id in draft.editors:
        raise UserFacingError("METRIC_SELF_APPROVAL", user=actor.user_id, metric=draft.code)
    return draft


def approve(
    gov: Governance, actor: Principal, draft_id: int, expected_row_version: int, comment: str
) -> MetricVersion:
    """Approve and publish a draft in review as the metric's next version."""
    draft = _reviewable(gov, actor, draft_id)
    _refuse_if_locked(gov, draft.code)
    _refuse_if_base_changed(gov, draft)
    found = check(gov, draft)
    if not found.ok:
        raise UserFacingError("METRIC_DRAFT_INVALID", metric=draft.code, problems=found.messages())
    gov.drafts.change(draft, expected_row_version, allowed=("in_review",), status="in_review")
    version = publish(
        gov,
        draft.code,
        draft.source,
        draft.definition,
        author=draft.author,
        approver=actor,
        comment=comment,
    )
    gov.drafts.change(
        draft,
        expected_row_version + 1,
        allowed=("in_review",),
        status="published",
        reviewer=actor.user_id,
        comment=comment,
        published_version=version.version,
    )
    return version


def reject(
    gov: Governance, actor: Principal, draft_id: int, expected_row_version: int, comment: str
) -> Draft:
    """Send a draft back to its author with a comment (required)."""
    draft = _reviewable(gov, actor, draft_id)
    if not comment.strip():
        raise UserFacingError("METRIC_COMMENT_REQUIRED", metric=draft.code)
    return gov.drafts.change(
        draft,
        expected_row_version,
        allowed=("in_review",),
        status="rejected",
        reviewer=actor.user_id,
        comment=comment,
    )


def rollback(
    gov: Governance, actor: Principal, code: str, to_version: int, comment: str
) -> MetricVersion:
    """Publish the content of an earlier version as the metric's next version."""
    require_right(gov, actor, APPROVER)
    _refuse_if_locked(gov, code)
    earlier = gov.store.get(code, to_version)
    found = check_draft(gov.store, code, earlier.source, earlier.definition, gov.data_date)
    if found.problems:
        raise UserFacingError("METRIC_DRAFT_INVALID", metric=code, problems=found.problems)
    note = f"rollback to v{to_version}: {comment}".strip()
    return publish(
        gov,
        code,
        earlier.source,
        earlier.definition,
        author=earlier.author,
        approver=actor,
        comment=note,
    )


def deprecate(gov: Governance, actor: Principal, code: str, comment: str) -> MetricVersion:
    """Retire a metric (a new version with status deprecated); refused while others use it."""
    require_right(gov, actor, APPROVER)
    _refuse_if_locked(gov, code)
    current = gov.store.get(code)
    dictionary = gov.store.published()
    users = sorted(
        m.code
        for m in dictionary.metrics
        if code in (m.numerator, m.denominator, *(i.code for i in m.inputs))
    )
    if users:
        raise UserFacingError("METRIC_IN_USE", metric=code, users=", ".join(users))
    return publish(
        gov,
        code,
        current.source,
        current.definition,
        author=current.author,
        approver=actor,
        comment=comment,
        status="deprecated",
    )


def unlock(gov: Governance, actor: Principal, code: str, reason: str) -> None:
    """Lift a regulatory metric's lock so it can be drafted; the reason is required."""
    require_right(gov, actor, APPROVER)
    if not reason.strip():
        raise UserFacingError("METRIC_COMMENT_REQUIRED", metric=code)
    if not is_locked(gov, code):
        raise UserFacingError("METRIC_NOT_LOCKED", metric=code)
    gov.drafts.unlock(code, by=actor.user_id, reason=reason)


def lock(gov: Governance, actor: Principal, code: str) -> None:
    require_right(gov, actor, APPROVER)
    gov.drafts.lock(code)


def publish(
    gov: Governance,
    code: str,
    source: str,
    definition: Mapping[str, Any],
    *,
    author: str,
    approver: Principal,
    comment: str,
    status: str = "published",
) -> MetricVersion:
    """Write the next immutable version of ``code``; a locked metric is locked again."""
    now = dt.datetime.now(dt.UTC)
    with gov.store.engine.begin() as con:
        latest = con.execute(
            select(func.max(metric_versions.c.version)).where(metric_versions.c.code == code)
        ).scalar()
        version = (latest or 0) + 1
        con.execute(
            metric_versions.insert().values(
                code=code,
                version=version,
                status=status,
                source=source,
                definition=dict(definition),
                content_hash=content_hash(definition),
                author=author,
                approver=approver.user_id,
                comment=comment,
                created_at=now,
                published_at=now,
            )
        )
    gov.drafts.lock(code)
    return gov.store.get(code, version)
