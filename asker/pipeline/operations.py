"""Operations steps: answers from reviewer-verified examples, and exports re-run
through the gate."""

from __future__ import annotations

from dataclasses import replace

from asker import answer
from asker.appstate.verified_examples import find_example
from asker.pipeline.export import check_export_right, export_row_cap
from asker.pipeline.query_limits import run_query
from asker.pipeline.steps import execute, gate_statement
from asker.pipeline.turn import Services, Turn


def answer_from_verified_example(turn: Turn, services: Services) -> Turn:
    """A question a reviewer verified (same normalised text) is answered with the example's SQL,
    gated for this asker (their scope and masks), saying where the answer came from."""
    example = find_example(services.app_db, turn.question)
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
    return replace(
        turn,
        answer=replace(
            found,
            filters=turn.gated.filters,
            masked_columns=turn.gated.masked_columns,
            assumptions=(note,),
            verified_example=example.id,
            statement=example.sql,
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
    cap = min(cap, turn.gated.row_cap or cap)  # an OFFSET lowers what may be returned
    return replace(turn, result=run_query(turn, services, turn.gated.tree, cap))
