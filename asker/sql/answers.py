"""What an answer from the LLM path says about itself: that a model planned it (and what the
follow-up was rewritten to), and the clarifying question the model asked."""

from __future__ import annotations

from collections.abc import Callable

from asker.pii import redact_pii
from asker.sql.chain import Outcome
from asker.sql.turn import LlmTurn
from asker.types import Answer, Labelled, Language


def notes(language: Language, llm: LlmTurn | None, free_sql: bool = False) -> tuple[str, ...]:
    """Assumptions shown with an answer the model planned."""
    zh = language == "zh"
    out = []
    if llm is not None and llm.rewritten:
        out.append(f"追问已改写为：{llm.question}" if zh else f"Follow-up read as: {llm.question}")
    if free_sql:
        out.append(
            "指标字典无法直接表达此问题：查询由大模型根据表结构生成，已通过权限与脱敏检查；"
            "结果没有经过审定的口径，请核对 SQL。"
            if zh
            else "The dictionary cannot express this question: the model wrote the SQL from the "
            "schema and it passed the permission and masking checks; no governed definition "
            "stands behind it, so check the SQL."
        )
    else:
        out.append(
            "查询计划由大模型根据指标字典生成，口径以所列指标定义为准。"
            if zh
            else "The model chose the metrics from the dictionary; their definitions apply."
        )
    return tuple(out)


def clarify(
    question: str, language: Language, outcome: Outcome, may_show: Callable[[str], bool]
) -> Answer:
    """The model's clarifying question; each choice carries the question to ask when picked.
    The model's words are screened (``may_show``) like a prompt's: a question or choice naming
    anything the role may not see (a unit or manager outside its scope, a hidden table or
    column) is never shown; a generic request to be more specific stands in for the question."""
    zh = language == "zh"
    generic = "请说得更具体一些。" if zh else "Please be more specific."
    asked = outcome.question.strip()
    message = redact_pii(asked) if asked and may_show(asked) else generic
    shown = [redact_pii(c) for c in outcome.choices if c.strip() and may_show(c)]
    return Answer(
        status="clarify",
        question=question,
        language=language,
        code="CLARIFY_LLM",
        message=message,
        choices=tuple(Labelled(c, c) for c in shown),
    )
