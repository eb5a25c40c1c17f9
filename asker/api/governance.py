"""Metric governance: drafts, four-eyes review, versions, locks and impact (the workflow in
``asker.semantic.workflow``). Every step is audited, refused or done (action metric_workflow);
a publish reaches the pipeline and the retrieval index at once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from asker.api.admin import rebuild_index
from asker.api.audit import record
from asker.api.impact_review import expression_messages, gated_impact, refuse_bad_expressions
from asker.api.runtime import Runtime
from asker.appstate import saved_questions as saved
from asker.errors import AskerError, ConfigError, UserFacingError
from asker.semantic import definitions, impact, version_diff, workflow
from asker.semantic.conflicts import DraftCheck
from asker.semantic.drafts import Draft, DraftStore
from asker.semantic.impact import CaseImpact, ImpactCase
from asker.semantic.store import MetricVersion
from asker.semantic.version_diff import VersionDiff
from asker.types import Principal
from asker.understand.parser import parse

_T = TypeVar("_T")


def _governance(rt: Runtime) -> workflow.Governance:
    return workflow.Governance(
        rt.metric_store, DraftStore(rt.app_db), rt.data_date, rt.policy.rights_of
    )


def _step(rt: Runtime, who: Principal, step: str, code: str, run: Callable[[], _T]) -> _T:
    """Run one workflow step as ``who`` and audit it, refused or done. The step is recorded
    after it ran: a record that cannot be written raises AUDIT_UNAVAILABLE so the person knows
    the log is incomplete."""
    try:
        result = run()
    except AskerError as error:
        _audit_step(rt, who, step, code, decision="refused", codes=(error.code,), detail=None)
        raise
    _audit_step(rt, who, step, code, decision="ok", codes=(), detail=_step_detail(result))
    return result


def _draft_step(
    rt: Runtime,
    who: Principal,
    step: str,
    draft_id: int,
    run: Callable[[workflow.Governance], _T],
) -> _T:
    """One workflow step on an existing draft, audited under the draft's metric."""
    gov = _governance(rt)
    code = gov.drafts.get(draft_id).code
    return _step(rt, who, step, code, lambda: run(gov))


def _step_detail(result: object) -> dict[str, object]:
    detail: dict[str, object] = {}
    for name in ("id", "version", "row_version", "status"):
        if hasattr(result, name):
            detail[name] = getattr(result, name)
    if isinstance(result, workflow.Saved):
        detail = {**_step_detail(result.draft), "problems": len(result.check.messages())}
    return detail


def _audit_step(
    rt: Runtime,
    who: Principal,
    step: str,
    code: str,
    *,
    decision: str,
    codes: tuple[str, ...],
    detail: dict[str, object] | None,
) -> None:
    rt.audit.append(
        record(
            who,
            "metric_workflow",
            question=f"{step} {code}",
            plan={"step": step, "code": code, **(detail or {})},
            decision=decision,
            codes=codes,
        )
    )


def _after_publish(rt: Runtime) -> None:
    """Retrieval describes a newly published version at once (the pipeline's services follow the
    published versions by themselves)."""
    rebuild_index(rt)


def metric_is_locked(rt: Runtime, code: str) -> bool:
    return workflow.is_locked(_governance(rt), code)


def metric_drafts(rt: Runtime) -> tuple[Draft, ...]:
    """Open drafts (draft, in review, rejected), oldest first."""
    return DraftStore(rt.app_db).open_drafts()


def metric_draft(rt: Runtime, draft_id: int) -> Draft:
    return DraftStore(rt.app_db).get(draft_id)


def metric_draft_check(rt: Runtime, draft_id: int) -> DraftCheck:
    """Every validation problem and conflict of a draft (the YAML loader's validation), and
    every expression of it the gate would refuse."""
    draft = metric_draft(rt, draft_id)
    found = workflow.check(_governance(rt), draft)
    gated = expression_messages(rt, draft.definition)
    return replace(found, problems=(*found.problems, *gated)) if gated else found


def metric_draft_start(
    rt: Runtime,
    who: Principal,
    code: str,
    definition: dict[str, object] | None = None,
    source: str = "custom.yaml",
) -> Draft:
    """Open a draft of a published metric (or of a new one, from ``definition``)."""
    gov = _governance(rt)
    return _step(
        rt, who, "create", code, lambda: workflow.start_draft(gov, who, code, definition, source)
    )


def metric_draft_save(
    rt: Runtime, who: Principal, draft_id: int, definition: dict[str, object], row_version: int
) -> workflow.Saved:
    """Save an edit based on ``row_version``; a stale one is refused (METRIC_DRAFT_STALE)."""
    return _draft_step(
        rt,
        who,
        "edit",
        draft_id,
        lambda gov: workflow.save_draft(gov, who, draft_id, definition, row_version),
    )


def metric_draft_submit(rt: Runtime, who: Principal, draft_id: int, row_version: int) -> Draft:
    """Submit for review: a draft whose expressions the gate refuses cannot be submitted."""

    def submit(gov: workflow.Governance) -> Draft:
        refuse_bad_expressions(rt, gov.drafts.get(draft_id).definition)
        return workflow.submit(gov, who, draft_id, row_version)

    return _draft_step(rt, who, "submit", draft_id, submit)


def metric_draft_withdraw(rt: Runtime, who: Principal, draft_id: int, row_version: int) -> Draft:
    """Discard a draft that is not in review."""
    return _draft_step(
        rt,
        who,
        "withdraw",
        draft_id,
        lambda gov: workflow.withdraw(gov, who, draft_id, row_version),
    )


def metric_draft_rebase(rt: Runtime, who: Principal, draft_id: int, row_version: int) -> Draft:
    """Base a draft on the version published since it was started (after comparing them)."""
    return _draft_step(
        rt, who, "rebase", draft_id, lambda gov: workflow.rebase(gov, who, draft_id, row_version)
    )


def metric_draft_approve(
    rt: Runtime, who: Principal, draft_id: int, row_version: int, comment: str = ""
) -> MetricVersion:
    """Approve a draft in review and publish it as the metric's next version (four eyes); a
    draft whose expressions the gate refuses is never published."""

    def approve(gov: workflow.Governance) -> MetricVersion:
        refuse_bad_expressions(rt, gov.drafts.get(draft_id).definition)
        return workflow.approve(gov, who, draft_id, row_version, comment)

    version = _draft_step(rt, who, "approve", draft_id, approve)
    _after_publish(rt)
    return version


def metric_draft_reject(
    rt: Runtime, who: Principal, draft_id: int, row_version: int, comment: str
) -> Draft:
    return _draft_step(
        rt,
        who,
        "reject",
        draft_id,
        lambda gov: workflow.reject(gov, who, draft_id, row_version, comment),
    )


def metric_rollback(
    rt: Runtime, who: Principal, code: str, to_version: int, comment: str = ""
) -> MetricVersion:
    """Publish version ``to_version``'s content as the metric's next version."""
    gov = _governance(rt)
    version = _step(
        rt, who, "rollback", code, lambda: workflow.rollback(gov, who, code, to_version, comment)
    )
    _after_publish(rt)
    return version


def metric_deprecate(rt: Runtime, who: Principal, code: str, comment: str = "") -> MetricVersion:
    gov = _governance(rt)
    version = _step(rt, who, "deprecate", code, lambda: workflow.deprecate(gov, who, code, comment))
    _after_publish(rt)
    return version


def metric_unlock(rt: Runtime, who: Principal, code: str, reason: str) -> None:
    gov = _governance(rt)
    _step(rt, who, "unlock", code, lambda: workflow.unlock(gov, who, code, reason))


def metric_lock(rt: Runtime, who: Principal, code: str) -> None:
    gov = _governance(rt)
    _step(rt, who, "lock", code, lambda: workflow.lock(gov, who, code))


def metric_version_diff(rt: Runtime, code: str, before: int, after: int) -> VersionDiff:
    """What changed between two versions of a metric."""
    store = rt.metric_store
    old, new = store.get(code, before), store.get(code, after)
    return version_diff.diff(
        old.definition, new.definition, f"{code} v{before}", f"{code} v{after}"
    )


def metric_draft_diff(rt: Runtime, draft_id: int) -> VersionDiff:
    """What a draft changes against the published version it would replace."""
    draft = metric_draft(rt, draft_id)
    published = rt.metric_store.current().get(draft.code)
    before = published.definition if published else {}
    label = f"{draft.code} v{published.version}" if published else f"{draft.code} (new)"
    return version_diff.diff(before, draft.definition, label, f"{draft.code} draft {draft.id}")


def metric_impact(
    rt: Runtime,
    reviewer: Principal,
    draft_id: int,
    saved_cases: tuple[ImpactCase, ...] | None = None,
) -> tuple[CaseImpact, ...]:
    """Evaluation cases and saved questions using the draft's metric, each with the published
    and with the proposed definition, through the gate (``asker.api.impact_review``): values
    only for a reviewer whose role reads data, and only what that role may see; for the others
    whether each case compiles and passes the gate. ``saved_cases`` defaults to every saved
    question the deterministic parser understands. Refused for a role without a metric right
    (ACCESS_DENIED) and for a draft whose expressions the gate refuses (METRIC_*)."""
    draft = metric_draft(rt, draft_id)
    if saved_cases is None:
        saved_cases = saved_impact_cases(rt)
    cases = impact.cases_using(draft.code, rt.metric_store.published(), saved_cases)
    return gated_impact(rt, reviewer, draft, cases)


def saved_impact_cases(rt: Runtime) -> tuple[ImpactCase, ...]:
    """Saved questions as impact cases: each parsed as it would be asked today."""
    context = rt.services().context
    cases = []
    for item in saved.every(rt.app_db):
        found = parse(item.question, context)
        if found.status == "ok" and found.query is not None:
            cases.append(ImpactCase(f"saved-{item.id}", item.title, found.query, "saved"))
    return tuple(cases)


def metric_import_drafts(rt: Runtime, who: Principal, text: str) -> tuple[workflow.Saved, ...]:
    """Uploaded YAML becomes drafts (one per changed metric) that go through review like any
    edit. The file's problems are refused all at once (DICTIONARY_INVALID), and so is a file
    naming a metric that already has an open draft, before anything is written."""
    parsed, problems = definitions.parse_file("upload.yaml", text)
    if problems or parsed is None:
        found = tuple(map(str, problems))
        raise ConfigError("DICTIONARY_INVALID", source="upload.yaml", problems=found)
    published = rt.metric_store.current()
    bodies = {m.code: m.model_dump(mode="json", exclude_defaults=True) for m in parsed.metrics}
    changed = {
        code: body
        for code, body in bodies.items()
        if code not in published or published[code].definition != body
    }
    open_codes = {d.code for d in metric_drafts(rt)} & set(changed)
    if open_codes:
        raise UserFacingError("METRIC_DRAFT_OPEN", metric=", ".join(sorted(open_codes)))
    result = []
    for code, body in changed.items():
        draft = metric_draft_start(rt, who, code, body, "custom.yaml")
        result.append(metric_draft_save(rt, who, draft.id, body, draft.row_version))
    return tuple(result)
