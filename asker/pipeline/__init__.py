"""explain() and ask(): an ordered tuple of small steps over one ``Turn``.

    check_input, screen_question, identify, within_limits           (every question)
    [answer_from_verified_example]                                   (ask: a reviewed example)
    understand, check_scope, [choose_dimension]                      (the dictionary path)
    prepare_llm, rewrite_followup, retrieve, plan_with_llm,
    repair_loop                                                      (the LLM path, when needed)
    compile_query, gate_query                                        (EXPLAIN_STEPS ends here)
    execute, compare_paths, build_answer                             (ASK_STEPS)

A step returns the turn with its part filled in, or with ``answer`` set when the turn ends early
(a clarifying question or a refusal). Steps never build SQL text: the compiler builds an AST and
the gate checks and regenerates it. The steps live in ``turn`` (the turn and the services),
``steps`` (dictionary path and SQL statements), ``llm_steps`` and ``llm_repair`` (the LLM path)
and ``operations``; this module orders them and runs them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from asker import answer
from asker.errors import AskerError, InternalError, QueryLimit
from asker.pipeline.attribution_steps import choose_dimension, plan_note
from asker.pipeline.llm_repair import compare_paths, repair_loop
from asker.pipeline.llm_steps import (
    llm_audit_fields,
    llm_generated_sql,
    llm_sql_plan,
    plan_with_llm,
    prepare_llm,
    retrieve,
    rewrite_followup,
    screen_question,
)
from asker.pipeline.operations import (
    answer_from_verified_example,
    check_export,
    execute_export,
)
from asker.pipeline.steps import (
    answer_parts,
    build_answer,
    build_sql_answer,
    check_input,
    check_scope,
    check_statement,
    compile_query,
    execute,
    gate_query,
    gate_statement,
    given_query,
    identify,
    understand,
    within_limits,
)
from asker.pipeline.turn import Services, Step, Turn
from asker.types import Answer

__all__ = [
    "ASK_STEPS",
    "EXPLAIN_STEPS",
    "EXPORT_QUERY_STEPS",
    "EXPORT_QUESTION_STEPS",
    "EXPORT_SQL_STEPS",
    "QUERY_STEPS",
    "SQL_STEPS",
    "Services",
    "Step",
    "Turn",
    "ended",
    "explained",
    "llm_audit_fields",
    "llm_generated_sql",
    "refusal",
    "run",
]

log = logging.getLogger(__name__)

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
_AFTER_SCOPE = EXPLAIN_STEPS.index(check_scope) + 1
ASK_STEPS: tuple[Step, ...] = (
    *EXPLAIN_STEPS[:_AFTER_LIMITS],  # check_input, screen_question, identify, within_limits
    answer_from_verified_example,  # a reviewer-verified question answers with its SQL, gated
    *EXPLAIN_STEPS[_AFTER_LIMITS:_AFTER_SCOPE],  # understand, check_scope
    choose_dimension,  # a "why did it change" with no dimension named: the one explaining most
    *EXPLAIN_STEPS[_AFTER_SCOPE:],
    execute,
    compare_paths,
    build_answer,
)
QUERY_STEPS: tuple[Step, ...] = (
    identify,
    within_limits,
    given_query,
    check_scope,
    choose_dimension,
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
    the SQL) so the audit record of a refusal is as complete as that of an answer. A user with
    ``max_concurrent_queries_per_user`` turns already running is refused before any step."""
    if services.slots is None:
        return _run_steps(steps, turn, services)
    try:
        with services.slots.held(turn.user_id):
            return _run_steps(steps, turn, services)
    except QueryLimit as exc:
        if exc.code != "TOO_MANY_CONCURRENT":
            raise
        return ended(turn, exc)


def _run_steps(steps: tuple[Step, ...], turn: Turn, services: Services) -> Turn:
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
    columns = turn.compiled.columns if turn.compiled else ()
    zh = turn.language == "zh"
    return Answer(
        status="ok",
        question=turn.question,
        language=turn.language,
        message=("仅生成查询计划，未执行" if zh else "Plan only: not executed") + plan_note(turn),
        sql=turn.sql,
        columns=columns,
        as_of=services.data_date,
        metrics=answer.metric_refs(parts),
        filters=parts.filters,
        result_columns=answer.metric_columns(parts, columns),
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
    choose_dimension,
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
