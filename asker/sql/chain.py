"""The chain's requests: rewrite a follow-up, ask for a MetricQuery, write free SQL, repair a
candidate the gate refused. Each renders a prompt constant within the token budget, calls the
model once (the structured request may be asked again once when the reply is not the JSON asked
for) and returns plain values; the pipeline compiles and gates whatever comes back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pydantic import ValidationError

from asker.errors import ProviderError
from asker.sql import prompts
from asker.sql.chat import Call, Method, Purpose, call
from asker.sql.context import Context
from asker.sql.extract import NoSqlFound, extract_json, extract_sql
from asker.sql.plan import Plan
from asker.sql.tokens import count_tokens, fit
from asker.types import MetricQuery

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

NONE = "（无 none）"


@dataclass(frozen=True)
class Candidate:
    """What the model proposed: a MetricQuery for the compiler, or SQL for the gate."""

    kind: Literal["metric_query", "sql"]
    text: str  # as shown back to the model in a repair prompt
    query: MetricQuery | None = None
    sql: str | None = None


@dataclass(frozen=True)
class Outcome:
    """The model's answer to the NL2MQL request."""

    action: Literal["metric_query", "needs_sql", "clarify", "not_answerable"]
    candidate: Candidate | None = None
    question: str = ""
    choices: tuple[str, ...] = ()


def _section(lines: Sequence[str], budget: int) -> str:
    return "\n".join(fit(lines, budget)) or NONE


@dataclass
class Chain:
    """One turn's conversation with the model; ``calls`` keeps every request for usage."""

    model: BaseChatModel
    method: Method
    budget: int
    data_date: dt.date
    on_call: Callable[[Call], None] = lambda c: None
    calls: list[Call] = field(default_factory=list)

    @property
    def system(self) -> str:
        return prompts.SYSTEM_PROMPT.format(data_date=self.data_date.isoformat())

    def _room(self, template: str, **fixed: str) -> int:
        """Tokens left for context once the system prompt, template and fixed parts are in."""
        empty = template.format(**{**_blanks(template), **fixed})
        return max(0, self.budget - count_tokens(self.system) - count_tokens(empty) - 16)

    def _call(self, purpose: Purpose, user: str, structured: bool = False) -> str:
        schema = Plan if structured else None
        made = call(self.model, purpose, self.system, user, schema=schema, method=self.method)
        self.calls.append(made)
        self.on_call(made)
        return made.reply

    def rewrite(self, history: Sequence[str], question: str) -> str:
        """A follow-up rewritten as a standalone question (the last turns as context)."""
        room = self._room(prompts.REWRITE_PROMPT, question=question)
        recent = list(reversed(fit(list(reversed(history)), room)))  # newest kept first
        lines = "\n".join(f"{i + 1}. {q}" for i, q in enumerate(recent)) or NONE
        reply = self._call(
            "rewrite", prompts.REWRITE_PROMPT.format(history=lines, question=question)
        )
        text = reply.strip().strip("「」\"'").splitlines()
        return text[0].strip() if text and text[0].strip() else question

    def plan_prompt(self, question: str, context: Context) -> str:
        room = self._room(prompts.METRIC_QUERY_PROMPT, question=question)
        return prompts.METRIC_QUERY_PROMPT.format(
            metrics=_section(context.metrics, room * 6 // 10),
            dimensions=_section(context.dimensions, room // 10),
            values=_section(context.values, room * 3 // 10),
            question=question,
        )

    def plan(self, question: str, context: Context) -> Outcome:
        request = self.plan_prompt(question, context)
        try:
            return plan_outcome(self._call("plan", request, structured=True))
        except (ValueError, ValidationError) as first:
            again = prompts.BAD_JSON_PROMPT.format(error=_short(first), request=request)
            try:
                return plan_outcome(self._call("plan", again, structured=True))
            except (ValueError, ValidationError) as second:
                raise ProviderError("LLM_BAD_OUTPUT", detail=_short(second)) from second

    def sql_prompt(self, question: str, context: Context) -> str:
        room = self._room(prompts.SQL_PROMPT, question=question)
        return prompts.SQL_PROMPT.format(
            schema=_section(context.tables, room * 8 // 10),
            examples=_section(context.examples, room * 2 // 10),
            question=question,
        )

    def write_sql(self, question: str, context: Context) -> Candidate:
        return _sql_candidate(self._call("sql", self.sql_prompt(question, context)))

    def repair(
        self, question: str, candidate: Candidate, issues: Sequence[str], context: Context
    ) -> Candidate:
        """The candidate corrected from the gate's (or compiler's) issues."""
        kind_format = prompts.REPAIR_SQL_FORMAT
        if candidate.kind == "metric_query":
            kind_format = prompts.REPAIR_JSON_FORMAT
        request = prompts.REPAIR_PROMPT.format(
            question=question,
            candidate=candidate.text,
            issues="\n".join(f"- {i}" for i in issues),
            answer_format=kind_format,
        )
        if candidate.kind == "sql":
            room = max(0, self.budget - count_tokens(self.system) - count_tokens(request) - 16)
            schema = _section(context.tables, room)
            request += f"\n\n表结构 Tables:\n{schema}"
            return _sql_candidate(self._call("repair", request))
        try:
            outcome = plan_outcome(self._call("repair", request, structured=True))
        except (ValueError, ValidationError) as exc:
            raise ProviderError("LLM_BAD_OUTPUT", detail=_short(exc)) from exc
        if outcome.candidate is None:
            raise ProviderError("LLM_BAD_OUTPUT", detail=f"action {outcome.action}")
        return outcome.candidate


def _blanks(template: str) -> dict[str, str]:
    import string

    return {name: "" for _, name, _, _ in string.Formatter().parse(template) if name}


def _short(error: Exception) -> str:
    return str(error).splitlines()[0][:200]


def plan_outcome(reply: str) -> Outcome:
    """The model's reply to the NL2MQL prompt, validated (ValueError when it is not the JSON)."""
    plan = Plan.model_validate(extract_json(reply))
    if plan.action == "metric_query":
        query = plan.metric_query()
        text = plan.model_dump_json(exclude_none=True)
        return Outcome("metric_query", Candidate("metric_query", text, query=query))
    if plan.action == "clarify":
        return Outcome("clarify", question=plan.question or "", choices=tuple(plan.choices))
    return Outcome(plan.action)


def _sql_candidate(reply: str) -> Candidate:
    try:
        sql = extract_sql(reply)
    except NoSqlFound as exc:
        raise ProviderError("LLM_BAD_OUTPUT", detail=str(exc)) from exc
    return Candidate("sql", sql, sql=sql)


def issue_lines(error: Exception) -> list[str]:
    """The issues of a refusal as lines for the repair prompt: each issue the gate collected
    (with its position and suggestions), in Chinese then English."""
    issues = getattr(error, "issues", None) or (error,)
    lines = []
    for item in issues:
        message = getattr(item, "message", None)
        if callable(message):
            lines.append(f"{message('zh')} / {message('en')}")
        else:
            lines.append(str(item))
    return lines
