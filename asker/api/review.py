"""The feedback review: thumbs-down items with a corrected question → SQL pair, checked through
the gate for their author, promoted to verified examples (which feed retrieval) or rejected.
Only roles with the ``review_feedback`` right; every decision is audited before it takes effect."""

from __future__ import annotations

from asker.access.identity import LocalUser
from asker.answer import from_error
from asker.api.admin import rebuild_index
from asker.api.audit import record
from asker.api.runtime import Runtime
from asker.appstate import feedback_queue
from asker.appstate import verified_examples as verified
from asker.appstate.feedback_queue import FeedbackItem
from asker.appstate.verified_examples import VerifiedExample
from asker.errors import AskerError, UserFacingError
from asker.gate import gate
from asker.types import Answer, GatedQuery, Principal

REVIEW = "反馈审核 feedback review"


def feedback_queue_items(
    rt: Runtime, reviewer: Principal, *, status: str | None = "pending"
) -> tuple[FeedbackItem, ...]:
    """Thumbs-down items for a reviewer."""
    rt.policy.require(reviewer.role, "review_feedback", REVIEW)
    return feedback_queue.items(rt.app_db, status=status)


def _gate_for_author(rt: Runtime, author: str, statement: str) -> GatedQuery:
    """The corrected SQL through the gate for the user who wrote it: scope and masks applied."""
    svc = rt.services()
    return gate(
        statement,
        rt.authenticator.authenticate(LocalUser(author)),  # the author as they are now
        policy=svc.policy,
        catalog=svc.compiler.catalog,
        orgs=svc.orgs,
        dialect=svc.executor.dialect,
        min_cell_size=svc.settings.min_cell_size,
    )


def _correction(
    rt: Runtime, reviewer: Principal, item_id: int, sql: str | None
) -> tuple[FeedbackItem, str]:
    rt.policy.require(reviewer.role, "review_feedback", REVIEW)
    found = feedback_queue.item(rt.app_db, item_id)
    if found is None or found.status != "pending":
        raise UserFacingError("FEEDBACK_NOT_PENDING", item=item_id)
    statement = (sql or found.corrected_sql or "").strip()
    if not statement:
        raise UserFacingError("CORRECTION_REQUIRED", item=item_id)
    return found, statement


def check_correction(
    rt: Runtime, reviewer: Principal, item_id: int, sql: str | None = None
) -> Answer:
    """The reviewer's check: the corrected SQL through the gate for the user who wrote it,
    planned but not run (reviewers read no data). A refusal comes back as a refused Answer."""
    found, statement = _correction(rt, reviewer, item_id, sql)
    try:
        gated = _gate_for_author(rt, found.user_id, statement)
    except AskerError as error:
        return from_error(statement, "zh", error)
    return Answer(
        status="ok",
        question=statement,
        language="zh",
        message="已通过权限检查（未执行） Passed the gate (not run)",
        sql=gated.sql,
        filters=gated.filters,
        masked_columns=gated.masked_columns,
        tables=gated.tables,
    )


def promote_feedback(
    rt: Runtime,
    reviewer: Principal,
    item_id: int,
    *,
    question: str | None = None,
    sql: str | None = None,
) -> VerifiedExample:
    """A reviewer promotes a corrected pair to a verified example, only if the SQL passes the
    gate (for its author; the gate's own refusal is raised otherwise). The reviewer may edit the
    pair first."""
    found, pair_sql = _correction(rt, reviewer, item_id, sql)
    pair_question = (question or found.corrected_question or "").strip()
    if not pair_question:
        raise UserFacingError("CORRECTION_REQUIRED", item=item_id)
    gated = _gate_for_author(rt, found.user_id, pair_sql)
    _audit_review(rt, reviewer, item_id, "promoted", pair_question, gated=gated)
    example = verified.add_example(
        rt.app_db,
        question=pair_question,
        sql=pair_sql,
        tables=gated.tables,
        author=found.user_id,
        reviewer=reviewer.user_id,
        source_feedback_id=item_id,
    )
    feedback_queue.close(
        rt.app_db,
        item_id,
        reviewer=reviewer.user_id,
        decision="promoted",
        reason="",
        example_id=example.id,
    )
    rebuild_index(rt)  # the verified example feeds retrieval from now on
    return example


def reject_feedback(rt: Runtime, reviewer: Principal, item_id: int, reason: str) -> None:
    """A reviewer rejects an item; the reason is kept (REASON_REQUIRED without one)."""
    rt.policy.require(reviewer.role, "review_feedback", REVIEW)
    if not reason.strip():
        raise UserFacingError("REASON_REQUIRED")
    found = feedback_queue.item(rt.app_db, item_id)
    if found is None or found.status != "pending":
        raise UserFacingError("FEEDBACK_NOT_PENDING", item=item_id)
    _audit_review(rt, reviewer, item_id, "rejected", reason.strip())
    feedback_queue.close(
        rt.app_db, item_id, reviewer=reviewer.user_id, decision="rejected", reason=reason.strip()
    )


def verified_examples(rt: Runtime) -> tuple[VerifiedExample, ...]:
    """Every reviewer-verified question → SQL pair (the retrieval index is fed from here)."""
    return verified.list_examples(rt.app_db)


def _audit_review(
    rt: Runtime,
    reviewer: Principal,
    item_id: int,
    decision: str,
    question: str,
    *,
    gated: GatedQuery | None = None,
) -> None:
    """A review changes how later questions are answered: it is on the audit log."""
    rt.audit.append(
        record(
            reviewer,
            "metric_workflow",
            question=question,
            plan={"feedback_id": item_id, "review": decision},
            gated_sql=gated.sql if gated else None,
            tables=gated.tables if gated else (),
        )
    )
