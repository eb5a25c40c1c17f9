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
from typing import Any, Literal

from sqlalchemy import Engine

from asker import answer
from asker.config import Settings
from asker.errors import (
    AccessDenied,
    AskerError,
    InternalError,
    InvalidSql,
    NotAnswerable,
    ProviderError,
)
from asker.guardrails import users
from asker.guardrails.export import check_export_right, export_row_cap
from asker.guardrails.gate import gate
from asker.guardrails.policy import Policy
from asker.guardrails.question_scope import check_named_orgs, visible_orgs
from asker.guardrails.rate_limits import QuestionLimits, check_and_count
from asker.guardrails.scope import OrgDirectory
from asker.pii import redact_pii
from asker.retrieval import Retriever
from asker.semantic.compiler import CompiledQuery, Compiler, is_balance
from asker.semantic.model import Dictionary
from asker.sql import answers
from asker.sql.chain import Candidate, Chain, issue_lines
from asker.sql.chat import Call, chat_model
from asker.sql.context import everything, from_hits
from asker.sql.evaluation import PATHS_DISAGREE, same_numbers
from asker.sql.injection import PROMPT_INJECTION, looks_like_injection
from asker.sql.plan import named_orgs
from asker.sql.prompts import PROMPT_VERSION
from asker.sql.turn import LlmTurn
from asker.sql.usage import check_token_quota, record_usage
from asker.sql.visible import Visible, build_visible, metric_tables, scoped_values
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
    chat_model: Any = None  # a langchain chat model overriding the configured endpoint


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
    route: Literal["dictionary", "llm"] = "dictionary"
    llm: LlmTurn | None = None
    flags: tuple[str, ...] = ()  # audit flags (e.g. prompt_injection)


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
        return llm_needed(turn, found, services)
    if found.status == "clarify":
        if found.code == "CLARIFY_TERMS" and llm_model(services) is not None:
            return replace(turn, route="llm")  # words the dictionary does not know: ask the model
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
    if turn.route == "llm":
        return turn  # the repair loop compiled and gated the model's candidate
    assert turn.query is not None
    compiled = services.compiler.compile(turn.query)
    return replace(turn, compiled=compiled)


def gate_query(turn: Turn, services: Services) -> Turn:
    """The fail-closed permission gate: the compiled SQL meets the same checks as any other."""
    if turn.route == "llm":
        return turn
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
    if turn.route == "llm" and turn.compiled is None:
        return llm_sql_answer(build_sql_answer(turn, services))
    assert turn.compiled is not None and turn.result is not None and turn.understanding is not None
    parts = answer_parts(turn, services)
    found = answer.from_metric_result(parts, turn.result)
    if turn.llm is not None and turn.llm.agree is not None:
        found = replace(found, extra={**found.extra, "paths_agree": turn.llm.agree})
    return replace(turn, answer=found)


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


# --- the LLM path (issue 8): questions the dictionary path cannot answer ---------------------


def screen_question(turn: Turn, services: Services) -> Turn:
    """A question that tries to instruct the model is flagged for the audit log; it widens
    nothing, since whatever the model returns still meets the gate."""
    if looks_like_injection(turn.question):
        return replace(turn, flags=(*turn.flags, PROMPT_INJECTION))
    return turn


def llm_model(services: Services) -> Any:
    """The chat model: a test's fake, else the configured endpoint, else None."""
    return services.chat_model or chat_model(services.settings)


def llm_needed(turn: Turn, found: Understanding, services: Services) -> Turn:
    """The dictionary cannot answer: hand the question to the LLM path, or say it needs one."""
    if llm_model(services) is None:
        raise NotAnswerable("LLM_NOT_CONFIGURED", detail=_unknown_words(found))
    return replace(turn, route="llm")


def visible_to(principal: Principal, services: Services) -> Visible:
    """What the principal's role may see, from the policy: the only names a prompt may hold."""
    role = services.policy.role(principal.role)
    catalog = services.compiler.catalog
    readable = {t.name for t in catalog.tables if role.can_read_table(t.name)}
    dictionary = services.dictionary
    metrics = [m for m in dictionary.metrics if metric_tables(m, dictionary) <= readable]
    orgs = visible_orgs(principal, services.policy, services.orgs) if readable else frozenset()
    names = {o.org_id: o.org_name for o in services.orgs.orgs}
    values, hidden = scoped_values(services.value_labels, orgs, names)
    return build_visible(
        catalog,
        access=role.column_access,
        metrics=metrics if readable else (),
        dimensions=[(d.code, d.name, d.name_en) for d in dictionary.dimensions] if readable else (),
        values=values if readable else (),
        hidden_values=hidden,
    )


def _chain(turn: Turn, services: Services) -> Chain:
    assert turn.principal is not None
    who, settings = turn.principal, services.settings
    model_name = settings.llm_model or type(llm_model(services)).__name__

    def record(made: Call) -> None:
        record_usage(
            services.users,
            user_id=who.user_id,
            role=who.role,
            org_id=who.org_id,
            model=model_name,
            made=made,
        )

    return Chain(
        model=llm_model(services),
        method=settings.llm_structured_output,
        budget=settings.llm_prompt_token_budget,
        data_date=services.data_date,
        on_call=record,
    )


def _with_calls(llm: LlmTurn, chain: Chain, **changes: Any) -> LlmTurn:
    return replace(llm, calls=llm.calls + tuple(chain.calls), **changes)


def prepare_llm(turn: Turn, services: Services) -> Turn:
    """Start the LLM path: what the role may see (nothing: refused before any prompt), the
    user's token quota, and the question with its PII patterns replaced."""
    if turn.route != "llm":
        return turn
    assert turn.principal is not None
    visible = visible_to(turn.principal, services)
    if visible.empty:
        raise AccessDenied("ACCESS_DENIED", role=turn.principal.role, target="数据仓库 (warehouse)")
    settings = services.settings
    check_token_quota(services.users, turn.principal.user_id, settings.llm_daily_token_quota)
    question = redact_pii(turn.question)
    return replace(
        turn, llm=LlmTurn(question=question, visible=visible, model=settings.llm_model or "")
    )


def rewrite_followup(turn: Turn, services: Services) -> Turn:
    """In a conversation, the last turns rewrite a follow-up into a standalone question."""
    if turn.route != "llm" or not turn.conversation_id:
        return turn
    assert turn.llm is not None
    history = services.conversations.last_questions(turn.conversation_id, turn.user_id)
    if not history:
        return turn
    llm, chain = turn.llm, _chain(turn, services)
    standalone = redact_pii(chain.rewrite([redact_pii(q) for q in history], llm.question))
    llm = _with_calls(llm, chain, question=standalone, rewritten=standalone != llm.question)
    return replace(turn, llm=llm)


RETRIEVAL_UNAVAILABLE = "retrieval_unavailable"  # the audit flag


def retrieve(turn: Turn, services: Services) -> Turn:
    """The context of the prompt: retrieval hits the role may see, else every visible item (also
    when the embeddings endpoint fails: the answer stays possible and the audit record says so)."""
    if turn.route != "llm":
        return turn
    assert turn.llm is not None and turn.principal is not None
    llm = turn.llm
    hits = []
    flags = turn.flags
    if services.retriever is not None:
        try:
            hits = services.retriever.search(llm.question, turn.principal.role, k=12)
        except ProviderError as error:  # a dead embeddings endpoint: answer without ranking
            log.warning("retrieval unavailable (%s): the prompt lists what the role sees", error)
            flags = (*flags, RETRIEVAL_UNAVAILABLE)
    context = (
        from_hits(llm.question, hits, llm.visible)
        if hits
        else everything(llm.question, llm.visible)
    )
    return replace(turn, llm=replace(llm, context=context), flags=flags)


def plan_with_llm(turn: Turn, services: Services) -> Turn:
    """NL2MQL first; free SQL over the retrieved schema when the dictionary cannot express it;
    a clarifying question when the model asks one."""
    if turn.route != "llm":
        return turn
    assert turn.llm is not None
    llm, chain = turn.llm, _chain(turn, services)
    outcome = chain.plan(llm.question, llm.context)
    if outcome.action == "clarify":
        answered = replace(turn, llm=_with_calls(llm, chain))
        return replace(answered, answer=answers.clarify(turn.question, turn.language, outcome))
    if outcome.action == "not_answerable":
        raise NotAnswerable("NOT_ANSWERABLE")
    candidate, shadow = outcome.candidate, None
    if candidate is None:
        candidate = chain.write_sql(llm.question, llm.context)
    elif services.settings.llm_evaluate_both:
        shadow = chain.write_sql(llm.question, llm.context)
    return replace(turn, llm=_with_calls(llm, chain, candidate=candidate, shadow=shadow))


def repair_loop(turn: Turn, services: Services) -> Turn:
    """Every candidate meets the compiler and the gate; their issues go back to the model for
    at most ``llm_repair_rounds`` rounds. An access refusal is final: it is never repaired."""
    if turn.route != "llm":
        return turn
    assert turn.llm is not None
    llm, chain = turn.llm, _chain(turn, services)
    candidate, rounds = llm.candidate, services.settings.llm_repair_rounds
    assert candidate is not None
    last: AskerError | None = None
    for used in range(rounds + 1):
        current = replace(turn, llm=_with_calls(llm, chain, candidate=candidate, rounds=used))
        try:
            return _gated_candidate(current, candidate, services)
        except AccessDenied as error:
            if error.code == "ACCESS_DENIED":
                raise
            last = error
        except (InvalidSql, NotAnswerable) as error:
            last = error
        if used < rounds:
            issues = issue_lines(last)
            candidate = chain.repair(llm.question, candidate, issues, llm.context)
    assert last is not None
    raise NotAnswerable(
        "LLM_REPAIR_EXHAUSTED", rounds=rounds, last_issue=last.message(turn.language)
    )


def _gated_candidate(turn: Turn, candidate: Candidate, services: Services) -> Turn:
    """The candidate compiled (a MetricQuery) and gated for the principal, or a refusal."""
    who = turn.principal
    assert who is not None
    if candidate.kind == "sql":
        assert candidate.sql is not None
        gated = _gate(candidate.sql, who, services)
        return replace(turn, gated=gated, sql=gated.sql)
    query = candidate.query
    assert query is not None
    orgs = named_orgs(query)
    check_named_orgs(who, orgs, False, services.policy, services.orgs)
    found = Understanding(
        question=turn.question,
        language=turn.language,
        status="ok",
        query=query,
        confidence=0.5,
        assumptions=answers.notes(turn.language, turn.llm),
        named_orgs=orgs,
    )
    compiled = services.compiler.compile(query)
    gated = _gate(compiled.tree, who, services)
    return replace(
        turn, query=query, understanding=found, compiled=compiled, gated=gated, sql=gated.sql
    )


def _gate(sql: Any, who: Principal, services: Services) -> GatedQuery:
    return gate(
        sql,
        who,
        policy=services.policy,
        catalog=services.compiler.catalog,
        orgs=services.orgs,
        dialect=services.executor.dialect,
    )


def compare_paths(turn: Turn, services: Services) -> Turn:
    """Evaluation setting: run the model's free SQL for the same question through the same gate
    and executor, and flag when its numbers differ from the dictionary answer's."""
    llm = turn.llm
    if llm is None or llm.shadow is None or llm.shadow.sql is None or turn.result is None:
        return turn
    assert turn.principal is not None
    try:
        gated = _gate(llm.shadow.sql, turn.principal, services)
        other = services.executor.execute(
            gated.tree,
            row_cap=services.settings.row_cap,
            timeout_s=services.settings.query_timeout_s,
        )
        agree = same_numbers(turn.result.rows, other.rows)
    except AskerError:
        agree = False  # the other path could not even run: that is a disagreement too
    flags = turn.flags if agree else (*turn.flags, PATHS_DISAGREE)
    return replace(turn, llm=replace(llm, agree=agree), flags=flags)


def llm_sql_answer(turn: Turn) -> Turn:
    """An answer from the model's SQL says so (no governed 口径 stands behind it)."""
    assert turn.answer is not None
    notes = answers.notes(turn.language, turn.llm, free_sql=True)
    return replace(turn, answer=replace(turn.answer, assumptions=turn.answer.assumptions + notes))


def llm_sql_plan(turn: Turn, services: Services) -> Answer:
    zh = turn.language == "zh"
    return Answer(
        status="ok",
        question=turn.question,
        language=turn.language,
        message="仅生成查询计划，未执行" if zh else "Plan only: not executed",
        sql=turn.sql,
        as_of=services.data_date,
        filters=turn.gated.filters if turn.gated else (),
        masked_columns=turn.gated.masked_columns if turn.gated else (),
        assumptions=answers.notes(turn.language, turn.llm, free_sql=True),
    )


def llm_audit_fields(turn: Turn) -> dict[str, Any]:
    """What the audit record adds for the LLM path: flags, the model, the prompt version."""
    fields: dict[str, Any] = {"flags": turn.flags}
    if turn.llm is not None:
        fields["model"] = turn.llm.model or "chat"
        fields["prompt_version"] = PROMPT_VERSION
    return fields


def llm_generated_sql(turn: Turn) -> str | None:
    """The SQL the model wrote, before the gate rewrote it (None on the dictionary path)."""
    candidate = turn.llm.candidate if turn.llm else None
    return candidate.sql if candidate is not None else None


EXPLAIN_STEPS: tuple[Step, ...] = (
    check_input,
    screen_question,
    identify,
    within_limits,
    understand,
    check_scope,
    prepare_llm,
    rewrite_followup,
    retrieve,
    plan_with_llm,
    repair_loop,
    compile_query,
    gate_query,
)
_AFTER_LIMITS = EXPLAIN_STEPS.index(within_limits) + 1
ASK_STEPS: tuple[Step, ...] = (
    *EXPLAIN_STEPS[:_AFTER_LIMITS],  # check_input, screen_question, identify, within_limits
    answer_from_verified_example,  # a reviewer-verified question answers with its SQL, gated
    *EXPLAIN_STEPS[_AFTER_LIMITS:],
    execute,
    compare_paths,
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
    if turn.route == "llm" and turn.compiled is None:
        return llm_sql_plan(turn, services)
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
