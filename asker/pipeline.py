"""explain() and ask(): an ordered tuple of small steps over one ``Turn``.

    check_input -> understand -> compile_query -> gate_query      (EXPLAIN_STEPS)
                -> execute -> build_answer                         (ASK_STEPS)

A step returns the turn with its part filled in, or with ``answer`` set when the turn ends early
(a clarifying question or a refusal). Steps never build SQL text: the compiler builds an AST and
the gate checks and regenerates it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Engine

from asker import answer
from asker.config import Settings
from asker.errors import AskerError, InternalError, InvalidSql, NotAnswerable
from asker.guardrails import users
from asker.guardrails.export import check_export_right, export_row_cap
from asker.guardrails.gate import gate
from asker.guardrails.policy import Policy
from asker.guardrails.question_scope import check_named_orgs
from asker.guardrails.rate_limits import QuestionLimits, check_and_count
from asker.guardrails.scope import OrgDirectory
from asker.retrieval import Retriever
from asker.semantic.compiler import CompiledQuery, Compiler, is_balance
from asker.semantic.model import Dictionary
from asker.types import (
    Answer,
    GatedQuery,
    Labelled,
    Language,
    MetricQuery,
    Principal,
    QueryResult,
    Understanding,
)
from asker.understand.conversation import Conversations
from asker.understand.language import detect_language
from asker.understand.parser import Context, parse
from asker.understand.verified_examples import find_example
from asker.warehouse.engine import Executor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """What the steps read: built once per process and published dictionary version."""

    settings: Settings
    dictionary: Dictionary
    versions: dict[str, int]
    compiler: Compiler
    context: Context
    executor: Executor
    conversations: Conversations
    value_labels: dict[tuple[str, str], str]
    data_date: date
    policy: Policy
    orgs: OrgDirectory
    users: Engine
    retriever: Retriever | None = None


@dataclass(frozen=True)
class Turn:
    question: str
    user_id: str
    conversation_id: str | None = None
    language: Language = "zh"
    principal: Principal | None = None
    understanding: Understanding | None = None
    query: MetricQuery | None = None
    compiled: CompiledQuery | None = None
    gated: GatedQuery | None = None
    sql: str | None = None
    result: QueryResult | None = None
    answer: Answer | None = None
    timings: dict[str, float] = field(default_factory=dict)


Step = Callable[[Turn, Services], Turn]


def check_input(turn: Turn, services: Services) -> Turn:
    text = turn.question.strip()
    language = detect_language(text)
    if not text:
        raise InvalidSql("EMPTY_INPUT")
    limit = services.settings.max_input_chars
    if len(text) > limit:
        raise InvalidSql("QUESTION_TOO_LONG", length=len(text), limit=limit)
    return replace(turn, question=text, language=language)


def identify(turn: Turn, services: Services) -> Turn:
    """Who asks: their role and org unit decide what they may see."""
    return replace(turn, principal=users.principal(services.users, turn.user_id))


def within_limits(turn: Turn, services: Services) -> Turn:
    """Questions per minute and per day, per user and role (RATE_LIMITED, DAILY_QUOTA_EXCEEDED)."""
    assert turn.principal is not None
    check_and_count(
        services.users,
        turn.principal.user_id,
        turn.principal.role,
        limits=QuestionLimits.from_settings(services.settings),
    )
    return turn


def understand(turn: Turn, services: Services) -> Turn:
    previous = None
    if turn.conversation_id:
        previous = services.conversations.last_query(turn.conversation_id, turn.user_id)
    found = parse(turn.question, services.context, previous)
    turn = replace(turn, understanding=found)
    if found.status == "refused":
        if found.code == "DIMENSION_NOT_ALLOWED" and found.query is not None:
            services.compiler.check(found.query)  # raises with the metric and allowed dimensions
        raise NotAnswerable("NOT_ANSWERABLE", detail=_unknown_words(found))
    if found.status == "clarify":
        return replace(turn, answer=_clarify(found, services))
    return replace(turn, query=found.query)


def _unknown_words(found: Understanding) -> str:
    if not found.unexplained:
        return ""
    if found.language == "zh":
        return f"指标字典中没有「{'、'.join(found.unexplained)}」。"
    return f"The metric dictionary has no '{', '.join(found.unexplained)}'. "


def _clarify(found: Understanding, services: Services) -> Answer:
    zh = found.language == "zh"
    if found.code == "CLARIFY_TERMS":
        words = ("、" if zh else ", ").join(found.unexplained)
        message = (
            f"没有理解「{words}」。请换个说法，或选择下面的问法。"
            if zh
            else f"I did not understand '{words}'. Rephrase, or pick one of these."
        )
    else:
        message = "请问您想看哪个指标？" if zh else "Which metric would you like to see?"
    return Answer(
        status="clarify",
        question=found.question,
        language=found.language,
        code=found.code,
        message=message,
        assumptions=found.assumptions,
        choices=concrete_choices(found, services),
    )


def concrete_choices(found: Understanding, services: Services) -> tuple[Labelled, ...]:
    """Choices carry the MetricQuery to run when picked (a metric swapped in, for example)."""
    out = []
    for choice in found.choices:
        value = choice.value
        if isinstance(value, dict) and "replace_metric" in value and found.query is not None:
            old, new = value["replace_metric"]
            metrics = tuple(new if m == old else m for m in found.query.metrics)
            value = replace(found.query, metrics=metrics)
        out.append(Labelled(choice.label, value))
    return tuple(out)


def check_scope(turn: Turn, services: Services) -> Turn:
    """A question naming an org outside the asker's scope is refused, naming it."""
    assert turn.understanding is not None and turn.principal is not None
    found = turn.understanding
    check_named_orgs(
        turn.principal, found.named_orgs, found.bank_wide, services.policy, services.orgs
    )
    return turn


def compile_query(turn: Turn, services: Services) -> Turn:
    assert turn.query is not None
    compiled = services.compiler.compile(turn.query)
    return replace(turn, compiled=compiled)


def gate_query(turn: Turn, services: Services) -> Turn:
    """The fail-closed permission gate: the compiled SQL meets the same checks as any other."""
    assert turn.compiled is not None and turn.principal is not None
    gated = gate(
        turn.compiled.tree,
        turn.principal,
        policy=services.policy,
        catalog=services.compiler.catalog,
        orgs=services.orgs,
        dialect=services.executor.dialect,
    )
    return replace(turn, gated=gated, sql=gated.sql)


def execute(turn: Turn, services: Services) -> Turn:
    assert turn.gated is not None
    settings = services.settings
    result = services.executor.execute(
        turn.gated.tree,
        row_cap=min(settings.row_cap, turn.gated.row_cap or settings.row_cap),
        timeout_s=settings.query_timeout_s,
    )
    return replace(turn, result=result)


def build_answer(turn: Turn, services: Services) -> Turn:
    assert turn.compiled is not None and turn.result is not None and turn.understanding is not None
    parts = answer_parts(turn, services)
    return replace(turn, answer=answer.from_metric_result(parts, turn.result))


def answer_parts(turn: Turn, services: Services) -> answer.MetricAnswerParts:
    assert turn.compiled is not None and turn.understanding is not None
    compiled, found = turn.compiled, turn.understanding
    query = compiled.query
    assert query.period is not None
    return answer.MetricAnswerParts(
        question=turn.question,
        language=turn.language,
        metrics=compiled.metrics,
        versions=services.versions,
        period=query.period,
        filters=_filter_labels(query, turn.language, services)
        + (turn.gated.filters if turn.gated else ()),
        masked=turn.gated.masked_columns if turn.gated else (),
        dimension_names={d.code: (d.name, d.name_en) for d in services.dictionary.dimensions},
        assumptions=found.assumptions + _default_period_note(turn, services),
        choices=concrete_choices(found, services),
        sql=turn.sql or "",
        as_of=services.data_date,
    )


def _filter_labels(
    query: MetricQuery, language: Language, services: Services
) -> tuple[Labelled, ...]:
    zh = language == "zh"
    assert query.period is not None
    labels = [
        Labelled(
            ("期间：" if zh else "Period: ") + answer.period_label(query.period, language),
            {"start": query.period.start, "end": query.period.end},
        )
    ]
    for f in query.filters:
        dim = services.dictionary.dimension(f.dimension)
        names = [services.value_labels.get((f.dimension, v), v) for v in f.values]
        head = f"{dim.name}：" if zh else f"{dim.name_en}: "
        labels.append(
            Labelled(
                head + ("、" if zh else ", ").join(names),
                {"dimension": f.dimension, "values": list(f.values)},
            )
        )
    return tuple(labels)


def _default_period_note(turn: Turn, services: Services) -> tuple[str, ...]:
    assert turn.query is not None and turn.compiled is not None
    if turn.query.period is not None:
        return ()
    zh = turn.language == "zh"
    balances = all(is_balance(m, services.dictionary) for m in turn.compiled.metrics)
    day = services.data_date.isoformat()
    if turn.query.grain:
        label = answer.period_label(turn.compiled.query.period, turn.language)  # type: ignore[arg-type]
        return (
            f"未指定期间，按{label}展示趋势" if zh else f"No period named: the trend over {label}",
        )
    if balances:
        return (
            f"未指定期间，取数据日期 {day} 的时点值"
            if zh
            else f"No period named: the balance on the data date {day}",
        )
    label = answer.period_label(turn.compiled.query.period, turn.language)  # type: ignore[arg-type]
    return (
        f"未指定期间，按数据日期所在月（{label}）统计"
        if zh
        else f"No period named: the data date's month ({label})",
    )


def given_query(turn: Turn, services: Services) -> Turn:
    """A query the user picked (a clarifying choice, an alternative): no parsing needed."""
    assert turn.query is not None
    orgs = tuple(
        v for f in turn.query.filters if f.dimension in ("branch", "subbranch") for v in f.values
    )
    found = Understanding(
        question=turn.question,
        language=turn.language,
        status="ok",
        query=turn.query,
        confidence=1.0,
        named_orgs=orgs,
    )
    return replace(turn, understanding=found)


def check_statement(turn: Turn, services: Services) -> Turn:
    limit = services.settings.max_input_chars
    if len(turn.question) > limit:
        raise InvalidSql("INPUT_TOO_LONG", length=len(turn.question), limit=limit)
    return turn


def gate_statement(turn: Turn, services: Services) -> Turn:
    """A statement typed by a power user meets the same gate as compiled and model-written SQL."""
    assert turn.principal is not None
    gated = gate(
        turn.question,
        turn.principal,
        policy=services.policy,
        catalog=services.compiler.catalog,
        orgs=services.orgs,
        dialect=services.executor.dialect,
    )
    return replace(turn, gated=gated, sql=gated.sql)


def build_sql_answer(turn: Turn, services: Services) -> Turn:
    assert turn.result is not None and turn.gated is not None
    found = answer.from_result(
        turn.question, turn.language, turn.result, sql=turn.sql or "", as_of=services.data_date
    )
    return replace(
        turn,
        answer=replace(found, filters=turn.gated.filters, masked_columns=turn.gated.masked_columns),
    )


# --- operations (issue 11): verified examples and exports -------------------------------------


def answer_from_verified_example(turn: Turn, services: Services) -> Turn:
    """A question a reviewer verified (same normalised text) is answered with the example's SQL,
    gated for this asker (their scope and masks), saying where the answer came from."""
    example = find_example(services.users, turn.question)
    if example is None:
        return turn
    asked = turn.question
    turn = execute(gate_statement(replace(turn, question=example.sql), services), services)
    turn = replace(turn, question=asked)
    assert turn.result is not None and turn.gated is not None
    found = answer.from_result(
        turn.question, turn.language, turn.result, sql=turn.sql or "", as_of=services.data_date
    )
    zh = turn.language == "zh"
    note = (
        f"此回答来自已审核的示例 #{example.id}（审核人 {example.reviewer}），按您的权限范围执行"
        if zh
        else f"Answered from verified example #{example.id} (reviewed by {example.reviewer}), "
        "run within your permissions"
    )
    extra = {"verified_example": example.id, "statement": example.sql}
    return replace(
        turn,
        answer=replace(
            found,
            filters=turn.gated.filters,
            masked_columns=turn.gated.masked_columns,
            assumptions=(note,),
            extra=extra,
        ),
    )


def check_export(turn: Turn, services: Services) -> Turn:
    """Export is a right of its own (查导分离): EXPORT_NOT_ALLOWED, before anything runs."""
    assert turn.principal is not None
    check_export_right(turn.principal, services.policy)
    return turn


def execute_export(turn: Turn, services: Services) -> Turn:
    """Like ``execute``, capped at the export row cap."""
    assert turn.gated is not None and turn.principal is not None
    cap = export_row_cap(turn.principal, services.policy, services.settings.export_row_cap)
    result = services.executor.execute(
        turn.gated.tree, row_cap=cap, timeout_s=services.settings.query_timeout_s
    )
    return replace(turn, result=result)


EXPLAIN_STEPS: tuple[Step, ...] = (
    check_input,
    identify,
    within_limits,
    understand,
    check_scope,
    compile_query,
    gate_query,
)
ASK_STEPS: tuple[Step, ...] = (
    *EXPLAIN_STEPS[:3],  # check_input, identify, within_limits
    answer_from_verified_example,  # a reviewer-verified question answers with its SQL, gated
    *EXPLAIN_STEPS[3:],
    execute,
    build_answer,
)
QUERY_STEPS: tuple[Step, ...] = (
    identify,
    within_limits,
    given_query,
    check_scope,
    compile_query,
    gate_query,
    execute,
    build_answer,
)
SQL_STEPS: tuple[Step, ...] = (
    check_statement,
    identify,
    within_limits,
    gate_statement,
    execute,
    build_sql_answer,
)


def run(steps: tuple[Step, ...], turn: Turn, services: Services) -> Turn:
    """Run ``steps`` in order, timing each; stop when one ends the turn with an answer. A step
    that raises ends the turn with a refusal, keeping what earlier steps found (the principal,
    the SQL) so the audit record of a refusal is as complete as that of an answer."""
    for step in steps:
        started = time.perf_counter()
        try:
            turn = step(turn, services)
        except Exception as exc:
            return ended(turn, exc)
        finally:
            turn.timings[step.__name__] = (time.perf_counter() - started) * 1000
        if turn.answer is not None:
            break
    return turn


def ended(turn: Turn, error: Exception) -> Turn:
    """The one place an exception becomes what the user sees: asker's own errors keep their
    code and message; anything else is a bug, logged, and shown only by its class."""
    if not isinstance(error, AskerError):
        log.exception("step failed")
        error = InternalError("INTERNAL_ERROR", error_class=type(error).__name__)
    return replace(turn, answer=refusal(turn, error))


def refusal(turn: Turn, error: AskerError) -> Answer:
    return answer.from_error(turn.question, turn.language, error, sql=turn.sql)


def explained(turn: Turn, services: Services) -> Answer:
    """explain(): the plan and the final SQL, not run."""
    if turn.answer is not None:
        return turn.answer
    parts = answer_parts(turn, services)
    zh = turn.language == "zh"
    return Answer(
        status="ok",
        question=turn.question,
        language=turn.language,
        message="仅生成查询计划，未执行" if zh else "Plan only: not executed",
        sql=turn.sql,
        columns=turn.compiled.columns if turn.compiled else (),
        as_of=services.data_date,
        metrics=answer.metric_refs(parts),
        filters=parts.filters,
        assumptions=parts.assumptions,
        choices=parts.choices,
    )


# Exports re-run the answer's source through the gate, never rows held by the UI.
EXPORT_QUERY_STEPS: tuple[Step, ...] = (
    identify,
    check_export,
    within_limits,
    given_query,
    check_scope,
    compile_query,
    gate_query,
    execute_export,
    build_answer,
)
EXPORT_QUESTION_STEPS: tuple[Step, ...] = (
    check_input,
    identify,
    check_export,
    within_limits,
    understand,
    check_scope,
    compile_query,
    gate_query,
    execute_export,
    build_answer,
)
EXPORT_SQL_STEPS: tuple[Step, ...] = (
    check_statement,
    identify,
    check_export,
    within_limits,
    gate_statement,
    execute_export,
    build_sql_answer,
)
