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

The shared rules are in ``rules``, the admin's steps in ``drafting``, the approver's in
``publishing``.
"""

from __future__ import annotations

from asker.semantic.workflow.drafting import (
    Saved,
    rebase,
    save_draft,
    start_draft,
    submit,
    withdraw,
)
from asker.semantic.workflow.publishing import (
    approve,
    deprecate,
    lock,
    publish,
    reject,
    rollback,
    unlock,
)
from asker.semantic.workflow.rules import (
    ADMIN,
    APPROVER,
    Governance,
    check,
    is_locked,
    require_right,
)

__all__ = [
    "ADMIN",
    "APPROVER",
    "Governance",
    "Saved",
    "approve",
    "check",
    "deprecate",
    "is_locked",
    "lock",
    "publish",
    "rebase",
    "reject",
    "require_right",
    "rollback",
    "save_draft",
    "start_draft",
    "submit",
    "unlock",
    "withdraw",
]
