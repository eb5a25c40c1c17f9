"""The admin's steps (the right ``draft_metrics``): start, save, submit, withdraw and rebase a
draft."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from asker.errors import UserFacingError
from asker.semantic.conflicts import DraftCheck
from asker.semantic.definitions import CODE
from asker.semantic.drafts import EDITABLE, Draft
from asker.semantic.workflow.rules import (
    ADMIN,
    Governance,
    check,
    refuse_if_base_changed,
    refuse_if_locked,
    require_right,
)
from asker.types import Principal


@dataclass(frozen=True)
class Saved:
    draft: Draft
    check: DraftCheck


def start_draft(
    gov: Governance,
    actor: Principal,
    code: str,
    definition: Mapping[str, Any] | None = None,
    source: str = "custom.yaml",
) -> Draft:
    """A draft of ``code``: from its published version, or ``definition`` for a new metric."""
    require_right(gov, actor, ADMIN)
    refuse_if_locked(gov, code)
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
    refuse_if_locked(gov, draft.code)
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
    refuse_if_locked(gov, draft.code)
    refuse_if_base_changed(gov, draft)
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
