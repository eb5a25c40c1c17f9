"""The approver's steps (the right ``approve_metrics``): approve and publish, reject, roll back,
deprecate, unlock and lock; and ``publish``, which writes the next immutable version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select

from asker.errors import UserFacingError
from asker.semantic.conflicts import check_draft
from asker.semantic.drafts import Draft
from asker.semantic.store import MetricVersion, content_hash, metric_versions
from asker.semantic.workflow.rules import (
    APPROVER,
    Governance,
    check,
    is_locked,
    refuse_if_base_changed,
    refuse_if_locked,
    require_right,
)
from asker.types import Principal


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
    refuse_if_locked(gov, draft.code)
    refuse_if_base_changed(gov, draft)
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
    refuse_if_locked(gov, code)
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
    refuse_if_locked(gov, code)
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
