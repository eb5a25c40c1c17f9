"""The metric review's impact run, through the gate (issue #17 item 3).

Every statement the impact run makes meets the gate twice before anything runs: as the system
principal (``asker.access.system_principal``: no PII at all), which proves the draft's SQL is one
the gate allows whoever asks, and as the reviewer, whose rights decide what is shown. A reviewer
whose role reads no data (metric_admin, metric_approver and auditor in the demo policy) gets no
run at all: only whether each case compiles and passes the gate, never a value, a row count or
a changed/unchanged flag (with those, prefix guesses about raw values would be answered).

A draft's own expressions (``measure.expr``, ``measure.where``, ``measure.time``, a migration's
columns) are checked the same way before any case is compiled: no subquery, no PII column, no
function the gate refuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from asker.access.system_principal import impact_principal
from asker.api.runtime import Runtime
from asker.errors import AccessDenied, UserFacingError
from asker.gate import gate
from asker.gate.issues import Issue
from asker.semantic import definitions, impact
from asker.semantic.compiler import Compiler
from asker.semantic.conflicts import candidate
from asker.semantic.drafts import Draft
from asker.semantic.impact import CaseImpact, ImpactCase
from asker.types import GatedQuery, Principal, QueryResult

REVIEW_RIGHTS = frozenset({"draft_metrics", "approve_metrics"})
IMPACT = "指标影响分析 metric impact review"
# what the dictionary's validation reports already: unknown names, text that does not parse
VALIDATION_CODES = frozenset({"INVALID_SQL", "UNKNOWN_TABLE", "UNKNOWN_COLUMN", "EMPTY_INPUT"})


def _system_gate(rt: Runtime, statement: str | exp.Expr) -> GatedQuery:
    """``statement`` through the gate as the system principal (no PII, every row)."""
    svc = rt.services()
    root = next(o.org_id for o in svc.orgs.orgs if o.parent_org_id is None)
    policy, system = impact_principal(svc.policy, rt.catalog, root)
    return gate(
        statement,
        system,
        policy=policy,
        catalog=rt.catalog,
        orgs=svc.orgs,
        dialect=svc.executor.dialect,
        min_cell_size=svc.settings.min_cell_size,
    )


def _reviewer_gate(rt: Runtime, reviewer: Principal, tree: Any) -> GatedQuery:
    svc = rt.services()
    return gate(
        tree,
        reviewer,
        policy=svc.policy,
        catalog=rt.catalog,
        orgs=svc.orgs,
        dialect=svc.executor.dialect,
        min_cell_size=svc.settings.min_cell_size,
    )


# --- the draft's own expressions ---------------------------------------------------------------


def _expressions(definition: dict[str, Any]) -> Iterator[tuple[str, str, str, str]]:
    """(field, table, expression, statement) for every SQL fragment a draft carries."""
    measure = definition.get("measure") or {}
    table = str(measure.get("table") or "")
    if table:
        for field in ("expr", "time", "where"):
            text = measure.get(field)
            if not text:
                continue
            body = f"SELECT COUNT(*) FROM {table} WHERE {text}" if field == "where" else None
            yield f"measure.{field}", table, str(text), body or f"SELECT {text} FROM {table}"
    migration = definition.get("migration") or {}
    table = str(migration.get("table") or "")
    for field in ("key", "time", "class_column", "amount"):
        text = migration.get(field)
        if table and text:
            yield f"migration.{field}", table, str(text), f"SELECT {text} FROM {table}"


def _has_subquery(text: str, wrapper: str) -> bool:
    """A query nested in the fragment (the wrapper's own SELECT aside)."""
    try:
        tree = sqlglot.parse_one(wrapper, dialect="duckdb")
    except (ParseError, TokenError):
        return "select" in text.lower()  # cannot tell: a fragment naming SELECT is refused
    return any(node is not tree for node in tree.find_all(exp.Query))


def _refused(field: str, table: str, found: Issue) -> UserFacingError:
    params = dict(found.params)
    if found.code == "FUNCTION_NOT_ALLOWED":
        return UserFacingError("METRIC_FUNCTION_NOT_ALLOWED", field=field, name=params["name"])
    if found.code in ("ACCESS_DENIED", "MASKED_COLUMN_MISUSE") and "." in params.get("target", ""):
        return UserFacingError("METRIC_PII_NOT_ALLOWED", field=field, column=params["target"])
    return UserFacingError("METRIC_EXPRESSION_REFUSED", field=field, table=table, reason=found.code)


def expression_problems(rt: Runtime, definition: dict[str, Any]) -> tuple[UserFacingError, ...]:
    """Every fragment of a draft the gate would refuse, each as the refusal to show: a subquery,
    a PII column (even inside COUNT), a function off the gate's allow-list."""
    problems = []
    code = str(definition.get("code") or "")
    published = rt.metric_store.current().get(code)
    reviewed = set(_expressions(published.definition)) if published else set()
    for field, table, text, statement in _expressions(definition):
        # a fragment the published version already holds was reviewed when it was published
        # (dormant_account_count's correlated NOT EXISTS); its compiled cases still meet the gate
        if (field, table, text, statement) in reviewed:
            continue
        if _has_subquery(text, statement):
            problems.append(UserFacingError("METRIC_SUBQUERY_NOT_ALLOWED", field=field))
            continue
        try:
            _system_gate(rt, statement)
        except UserFacingError as error:
            issues: tuple[Issue, ...] = error.params.get("issues", ())
            if error.code in VALIDATION_CODES:
                continue  # the dictionary's own validation names these (METRIC_DRAFT_INVALID)
            if issues:
                problems.append(_refused(field, table, issues[0]))
            else:
                problems.append(
                    UserFacingError(
                        "METRIC_EXPRESSION_REFUSED", field=field, table=table, reason=error.code
                    )
                )
    return tuple(problems)


def expression_messages(rt: Runtime, definition: dict[str, Any]) -> tuple[str, ...]:
    """The problems of ``expression_problems`` in both languages, for a draft's check."""
    problems = expression_problems(rt, definition)
    return tuple(f"{p.message('zh')} {p.message('en')}" for p in problems)


def refuse_bad_expressions(rt: Runtime, definition: dict[str, Any]) -> None:
    """Raise the first problem of ``expression_problems`` (a draft that cannot go further)."""
    problems = expression_problems(rt, definition)
    if problems:
        raise problems[0]


# --- the impact run ----------------------------------------------------------------------------


def _runner(rt: Runtime, reviewer: Principal) -> impact.Run:
    """Gate as the system principal, then as the reviewer, then run what the reviewer's gate
    produced (their scope, masks and small-cell rule) under the query timeout."""

    def run(tree: Any) -> QueryResult:
        _system_gate(rt, tree)  # refuses what no one may run (PII, functions, constructs)
        mine = _reviewer_gate(rt, reviewer, tree)
        timeout = rt.settings.query_timeout_s
        return rt.executor.execute(mine.tree, row_cap=mine.row_cap, timeout_s=timeout)

    return run


def _only_checked(rt: Runtime, tree: Any) -> None:
    _system_gate(rt, tree)


def _compilers(rt: Runtime, draft: Draft) -> tuple[Compiler, Compiler]:
    store = rt.metric_store
    try:
        metric_file = definitions.MetricFile.model_validate(draft.definition)
        proposed, _ = candidate(store, draft.code, draft.source, metric_file)
    except ValueError:  # an invalid draft: every case fails on the proposed side
        proposed = store.published()
    return rt.compiler(), Compiler(proposed, rt.catalog, rt.data_date)


def gated_impact(
    rt: Runtime, reviewer: Principal, draft: Draft, cases: tuple[ImpactCase, ...]
) -> tuple[CaseImpact, ...]:
    """The impact of ``draft`` on ``cases`` as ``reviewer`` may see it (module docstring)."""
    if not rt.policy.rights_of(reviewer.role) & REVIEW_RIGHTS:
        raise AccessDenied("ACCESS_DENIED", role=reviewer.role, target=IMPACT)
    refuse_bad_expressions(rt, draft.definition)
    before, after = _compilers(rt, draft)
    if not rt.policy.role(reviewer.role).data_access:
        return impact.check(cases, before, after, lambda tree: _only_checked(rt, tree))
    return impact.measure(cases, before, after, _runner(rt, reviewer))
