"""The audit trail from the facade: the one builder of audit records, the log's verification,
and the auditor's search, CSV and usage statistics (each behind the role's right)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from asker import pipeline
from asker.access.scope import OrgDirectory
from asker.api.runtime import Runtime
from asker.audit import search as audit_search
from asker.audit.log import AuditEntry, AuditRecord, AuditReport, hash_result
from asker.audit.request import current_request_id
from asker.audit.search import AuditFilter
from asker.audit.usage import QUESTION_ACTIONS, UsageReport, usage_report
from asker.errors import AskerError
from asker.sql.usage import tokens_between, usage_by_day
from asker.types import Answer, Principal


def record(
    actor: Principal | None, action: str, *, user_id: str = "", **fields: Any
) -> AuditRecord:
    """The audit record of one action by ``actor`` (or by the name typed, when nobody is known)."""
    return AuditRecord(
        user_id=(actor.user_id if actor else user_id)[:64],
        role=actor.role if actor else "",
        org_id=actor.org_id if actor else "",
        action=action,  # type: ignore[arg-type]
        request_id=fields.pop("request_id", None) or current_request_id(),
        **fields,
    )


def turn_record(action: str, turn: pipeline.Turn, result: Answer) -> AuditRecord:
    """Everything a question's turn decided, without a data value."""
    gated = turn.gated
    return record(
        turn.principal,
        action,
        user_id=turn.user_id,
        question=turn.question,
        plan=turn.query,
        generated_sql=turn.compiled.sql() if turn.compiled else pipeline.llm_generated_sql(turn),
        gated_sql=turn.sql,
        tables=gated.tables if gated else (),
        columns=gated.columns if gated else (),
        filters=tuple(f.label for f in gated.filters) if gated else (),
        masks=tuple(m.label for m in gated.masked_columns) if gated else (),
        decision=result.status,
        codes=(result.code,) if result.code else (),
        row_count=turn.result.row_count if turn.result else None,
        elapsed_ms=result.elapsed_ms,
        result_hash=hash_result(turn.result) if turn.result else None,
        **pipeline.llm_audit_fields(turn),
    )


def audited(rt: Runtime, action: str, turn: pipeline.Turn, result: Answer) -> Answer:
    """Append the audit record; if it cannot be written the answer is withheld (fail closed)."""
    try:
        rt.audit.append(turn_record(action, turn, result))
    except AskerError as error:
        return pipeline.refusal(turn, error)
    return result


def verify(rt: Runtime) -> AuditReport:
    """Check the whole chain against its key and its external anchor (``asker audit verify``)."""
    return rt.audit.verify()


def verify_as(rt: Runtime, auditor: Principal) -> AuditReport:
    rt.policy.require(auditor.role, "read_audit", "审计日志 audit log")
    return verify(rt)


def search(rt: Runtime, auditor: Principal, query: AuditFilter) -> tuple[AuditEntry, ...]:
    """The audit page's search, newest first."""
    rt.policy.require(auditor.role, "read_audit", "审计日志 audit log")
    return audit_search.search(rt.app_db, query)


def audit_row(entry: AuditEntry) -> dict[str, object]:
    """One entry as the audit page's table shows it."""
    return audit_search.row_of(entry)


def to_csv(rt: Runtime, auditor: Principal, query: AuditFilter) -> bytes:
    """The filtered log as CSV: names, redacted questions, SQL and counts, no data values."""
    return audit_search.to_csv(search(rt, auditor, query))


def usage(
    rt: Runtime,
    viewer: Principal,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> UsageReport:
    """Usage statistics counted from the audit log."""
    rt.policy.require(viewer.role, "read_usage", "使用统计 usage statistics")
    entries = audit_search.search(
        rt.app_db, AuditFilter(actions=QUESTION_ACTIONS, since=since, until=until)
    )
    orgs = rt.services().orgs
    return usage_report(
        entries,
        lambda org: _branch_name(orgs, org),
        tokens=tokens_between(rt.app_db, since, until),
    )


def llm_usage(rt: Runtime) -> list[tuple[dt.date, str, str, int, int]]:
    """Statistics of the LLM path: (day, user, model, prompt tokens, completion tokens)."""
    return usage_by_day(rt.app_db)


def _branch_name(orgs: OrgDirectory, org_id: str) -> str:
    try:
        org = orgs.get(org_id)
    except AskerError:
        return org_id or "-"
    if org.org_level == "支行" and org.branch_id:
        return orgs.get(org.branch_id).org_name
    return org.org_name
