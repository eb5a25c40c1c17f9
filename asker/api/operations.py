"""Exports: the one route of an answer out of asker. An export re-runs the answer's source
through the gate for ``who`` (never rows held by the caller), capped, watermarked and audited."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from asker import pipeline
from asker.api.audit import audited
from asker.api.runtime import Runtime
from asker.clock import BANK_TIME
from asker.pipeline import export as export_rules
from asker.types import Answer, Language, MetricQuery, Principal


@dataclass(frozen=True)
class ExportFile:
    """An export: the answer it re-ran (refusals too) and, when allowed, the file's bytes."""

    answer: Answer
    data: bytes | None
    filename: str
    mime: str


def can_export(rt: Runtime, who: Principal) -> bool:
    """Whether the role has the export right (the UI shows export buttons only then)."""
    return "export" in rt.policy.rights_of(who.role)


def export(
    rt: Runtime,
    who: Principal,
    *,
    fmt: str = "csv",
    question: str = "",
    query: MetricQuery | None = None,
    statement: str | None = None,
    language: Language = "zh",
) -> ExportFile:
    """Re-run an answer's source (its MetricQuery, its SQL statement, or else its question),
    capped at the export row cap, watermarked and audited (action ``export``).
    EXPORT_NOT_ALLOWED for roles without the right."""
    started = time.perf_counter()
    if query is not None:
        steps, text = pipeline.EXPORT_QUERY_STEPS, question or "（导出）"
    elif statement is not None:
        steps, text = pipeline.EXPORT_SQL_STEPS, statement
    else:
        steps, text = pipeline.EXPORT_QUESTION_STEPS, question
    turn = pipeline.Turn(
        question=text, user_id=who.user_id, principal=who, language=language, query=query
    )
    try:
        kind = export_rules.check_format(fmt)
        turn = pipeline.run(steps, turn, rt.services())
    except Exception as exc:
        turn, kind = pipeline.ended(turn, exc), "csv"
    assert turn.answer is not None
    resolved = turn.compiled.query if turn.compiled is not None else turn.query  # its period
    elapsed = replace(turn.answer, elapsed_ms=(time.perf_counter() - started) * 1000, plan=resolved)
    result = audited(rt, "export", turn, elapsed)
    if result.status != "ok" or turn.principal is None:
        return ExportFile(result, None, "", "")
    mark = export_rules.Watermark(
        turn.principal.user_id, turn.principal.display_name, rt.clock.now()
    )
    write = export_rules.csv_bytes if kind == "csv" else export_rules.xlsx_bytes
    stamp = mark.at.astimezone(BANK_TIME).strftime("%Y%m%d-%H%M%S")
    return ExportFile(
        result,
        write(result, mark),
        f"asker-{who.user_id}-{stamp}.{kind}",
        export_rules.MIME[kind],
    )
