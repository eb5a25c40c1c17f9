"""Questions: ask, explain, a picked MetricQuery, a SQL statement; feedback on answers; saved
questions and the home panel. Every call runs the pipeline as ``who`` and is audited.

None of these builds SQL: the pipeline compiles and gates it. asker's errors become refusals
with a code and a message in the question's language; anything else becomes INTERNAL_ERROR.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace

from asker import pipeline
from asker.answer import from_error
from asker.api.audit import audited
from asker.api.runtime import Runtime
from asker.appstate import feedback_queue
from asker.appstate import saved_questions as saved
from asker.appstate.conversations import Conversations, record_feedback
from asker.appstate.saved_questions import SavedQuestion
from asker.errors import AccessDenied, AskerError, InvalidSql, UserFacingError
from asker.types import Answer, Language, MetricQuery, Principal
from asker.understand.language import detect_language


def ask(rt: Runtime, who: Principal, question: str, *, conversation: str | None = None) -> Answer:
    """The full pipeline: understand, compile, gate, execute, answer."""
    return answer(rt, who, pipeline.ASK_STEPS, question, conversation)


def explain(
    rt: Runtime, who: Principal, question: str, *, conversation: str | None = None
) -> Answer:
    """Everything up to and including the gate: the plan and the final SQL, not executed."""
    return answer(rt, who, pipeline.EXPLAIN_STEPS, question, conversation)


def ask_query(
    rt: Runtime,
    who: Principal,
    query: MetricQuery,
    *,
    conversation: str | None = None,
    label: str = "",
    language: Language = "zh",
) -> Answer:
    """Run a MetricQuery the user picked (a clarifying choice or an offered alternative)."""
    return answer(
        rt,
        who,
        pipeline.QUERY_STEPS,
        label or "（选择）",
        conversation,
        query=query,
        language=language,
    )


def run_sql(rt: Runtime, who: Principal, statement: str, *, language: Language = "zh") -> Answer:
    """One SQL statement through the same gate and executor as every answer (``asker sql``)."""
    return answer(rt, who, pipeline.SQL_STEPS, statement, None, language=language)


def answer(
    rt: Runtime,
    who: Principal,
    steps: tuple[pipeline.Step, ...],
    question: str,
    conversation: str | None,
    *,
    query: MetricQuery | None = None,
    language: Language | None = None,
) -> Answer:
    """Run ``steps`` for ``who`` and audit the turn (a record that cannot be written withholds
    the answer)."""
    started = time.perf_counter()
    turn = pipeline.Turn(
        question=question,
        user_id=who.user_id,
        principal=who,
        conversation_id=conversation,
        language=language or detect_language(question),
        query=query,
    )
    try:
        svc = rt.services()
    except Exception as exc:  # set-up errors end the turn through the same one place
        turn = pipeline.ended(turn, exc)
    else:
        turn = pipeline.run(steps, turn, svc)
        if conversation:
            svc.conversations.record(
                conversation,
                turn.user_id,
                turn.question,
                turn.query if turn.answer is None or turn.answer.status == "ok" else None,
            )
        if turn.answer is None:
            turn = replace(turn, answer=pipeline.explained(turn, svc))
    assert turn.answer is not None
    result = turn.answer
    result = replace(result, timings_ms=tuple(turn.timings.items()))
    if turn.query is not None:  # the plan an export re-runs
        result = replace(result, plan=turn.query)
    action = {pipeline.EXPLAIN_STEPS: "explain", pipeline.SQL_STEPS: "sql"}.get(steps, "ask")
    elapsed = replace(result, elapsed_ms=(time.perf_counter() - started) * 1000)
    return audited(rt, action, turn, elapsed)


def refusal(question: str, error: AskerError, language: Language | None = None) -> Answer:
    """An error before any step ran (no data dir, an unknown user) as the question's answer."""
    return from_error(question, language or detect_language(question), error)


def conversation(
    rt: Runtime, who: Principal, conversation_id: str
) -> tuple[tuple[str, dt.datetime], ...]:
    """The questions of ``who``'s conversation, oldest first; NOT_FOUND when it has none (or
    is another user's)."""
    found = Conversations(rt.app_db).turns(conversation_id, who.user_id)
    if not found:
        raise UserFacingError("NOT_FOUND", what=f"conversation {conversation_id}")
    return tuple(found)


def feedback(
    rt: Runtime, who: Principal, *, question: str, sql: str | None, rating: int, reason: str = ""
) -> None:
    """Store a thumbs up or down on an answer for review."""
    record_feedback(rt.app_db, who.user_id, question, sql=sql, rating=rating, reason=reason)


def feedback_with_correction(
    rt: Runtime,
    who: Principal,
    *,
    question: str,
    sql: str | None,
    rating: int,
    reason: str = "",
    corrected_question: str = "",
    corrected_sql: str = "",
) -> int:
    """A rating, optionally with a corrected question → SQL pair; pending review. Its id."""
    return feedback_queue.submit(
        rt.app_db,
        who.user_id,
        question,
        sql=sql,
        rating=rating,
        reason=reason,
        corrected_question=corrected_question,
        corrected_sql=corrected_sql,
    )


# --- saved questions and the home panel -------------------------------------------------------


def save_question(rt: Runtime, who: Principal, question: str, title: str = "") -> SavedQuestion:
    if not question.strip():
        raise InvalidSql("EMPTY_INPUT")
    return saved.save(rt.app_db, who.user_id, question, title)


def saved_questions(rt: Runtime, who: Principal) -> tuple[SavedQuestion, ...]:
    """The user's saved questions and those shared with their role."""
    return saved.visible_to(rt.app_db, who.user_id, who.role)


def share_saved_question(rt: Runtime, who: Principal, item: int, role: str | None) -> None:
    if role is not None and role not in rt.policy.role_names:
        raise AccessDenied("ACCESS_DENIED", role=who.role, target=f"role {role}")
    saved.share(rt.app_db, item, who.user_id, role)


def remove_saved_question(rt: Runtime, who: Principal, item: int) -> None:
    saved.remove(rt.app_db, item, who.user_id)


def rerun_saved_question(rt: Runtime, who: Principal, item: int) -> Answer:
    """Ask a saved question again on today's data, as ``who`` (their scope, their masks)."""
    found = saved.get(rt.app_db, item, who.user_id, who.role)
    return ask(rt, who, found.question)


def home_panel(rt: Runtime, who: Principal) -> tuple[Answer, ...]:
    """The role's home panel (declared in the policy), each question within the user's scope."""
    role = rt.policy.find(who.role)
    return tuple(ask(rt, who, question) for question in (role.home_panel if role else ()))


def starters(rt: Runtime, who: Principal, language: Language) -> tuple[str, ...]:
    """Example questions for an empty chat, in the page's language (declared in the policy)."""
    role = rt.policy.find(who.role)
    return tuple(zh if language == "zh" else en for zh, en in (role.starters if role else ()))


def roles(rt: Runtime) -> tuple[tuple[str, str], ...]:
    """Every role of the policy with its label (what a saved question can be shared with)."""
    return tuple((r.role, r.label) for r in rt.policy.roles)


def rights(rt: Runtime, who: Principal) -> frozenset[str]:
    """What ``who`` may do in the application (the UI's navigation reads this)."""
    return rt.policy.rights_of(who.role)
