"""The LLM path after the model has answered: every candidate meets the compiler and the gate,
with a bounded repair loop; and, as an evaluation setting, the model's free SQL run through the
same gate to compare its numbers with the dictionary answer's."""

from __future__ import annotations

from dataclasses import replace

from asker.access.question_scope import check_named_orgs
from asker.errors import AccessDenied, AskerError, InvalidSql, NotAnswerable
from asker.pipeline.llm_steps import llm_chain, with_calls
from asker.pipeline.query_limits import gate_for, run_query
from asker.pipeline.turn import Services, Turn
from asker.sql import answers
from asker.sql.chain import Candidate, issue_lines
from asker.sql.evaluation import PATHS_DISAGREE, same_numbers
from asker.sql.plan import named_orgs
from asker.types import Understanding


def repair_loop(turn: Turn, services: Services) -> Turn:
    """Every candidate meets the compiler and the gate; their issues go back to the model for
    at most ``llm_repair_rounds`` rounds. An access refusal is final: it is never repaired."""
    if turn.route != "llm":
        return turn
    assert turn.llm is not None
    llm, chain = turn.llm, llm_chain(turn, services)
    candidate, rounds = llm.candidate, services.settings.llm_repair_rounds
    assert candidate is not None
    last: AskerError | None = None
    for used in range(rounds + 1):
        current = replace(turn, llm=with_calls(llm, chain, candidate=candidate, rounds=used))
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
        gated = gate_for(candidate.sql, who, services)
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
    gated = gate_for(compiled.tree, who, services)
    return replace(
        turn, query=query, understanding=found, compiled=compiled, gated=gated, sql=gated.sql
    )


def compare_paths(turn: Turn, services: Services) -> Turn:
    """Evaluation setting: run the model's free SQL for the same question through the same gate
    and executor, and flag when its numbers differ from the dictionary answer's."""
    llm = turn.llm
    if llm is None or llm.shadow is None or llm.shadow.sql is None or turn.result is None:
        return turn
    assert turn.principal is not None
    try:
        gated = gate_for(llm.shadow.sql, turn.principal, services, turn.deadline)
        other = run_query(turn, services, gated.tree, services.settings.row_cap)
        agree = same_numbers(turn.result.rows, other.rows)
    except AskerError:
        agree = False  # the other path could not even run: that is a disagreement too
    flags = turn.flags if agree else (*turn.flags, PATHS_DISAGREE)
    return replace(turn, llm=replace(llm, agree=agree), flags=flags)
