"""Issues the gate collects within a step, and the refusal it raises carrying all of them.

>>> issue = Issue("UNKNOWN_COLUMN", (("name", "foo"), ("suggestions", "org_id")), line=1, col=8)
>>> issue.message("en")
'There is no column foo ... Did you mean: org_id? (line 1, column 8)'
>>> refusal((issue,)).code
'UNKNOWN_COLUMN'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlglot import exp

from asker.errors import AccessDenied, InvalidSql, Language, UserFacingError
from asker.messages import MESSAGES

# Codes that mean "you may not", raised as AccessDenied; every other gate code is InvalidSql.
ACCESS_CODES = (
    "ACCESS_DENIED", "MASKED_COLUMN_MISUSE", "DETAIL_NOT_ALLOWED", "AGGREGATE_NOT_ALLOWED",
)  # fmt: skip


@dataclass(frozen=True)
class Issue:
    """One problem: a registered code, its message parameters and where it is in the SQL."""

    code: str
    params: tuple[tuple[str, str], ...] = ()
    line: int | None = None
    col: int | None = None

    def message(self, language: Language = "zh") -> str:
        zh, en = MESSAGES[self.code]
        text = (zh if language == "zh" else en).format_map(dict(self.params))
        if self.line is None:
            return text
        if language == "zh":
            return f"{text}（第 {self.line} 行第 {self.col} 列）"
        return f"{text} (line {self.line}, column {self.col})"


def issue(code: str, node: exp.Expr | None = None, **params: str) -> Issue:
    """An issue at ``node``'s position (when sqlglot kept one)."""
    line, col = position(node) if node is not None else (None, None)
    return Issue(code, tuple(params.items()), line, col)


def position(node: exp.Expr) -> tuple[int | None, int | None]:
    """The line and column of the first identifier (or token) inside ``node``."""
    for part in node.walk():
        meta = part.meta
        if "line" in meta and "col" in meta:
            return int(meta["line"]), int(meta["col"])
    return None, None


class _Refusal:
    """Renders every issue of the step that refused, first the most serious."""

    issues: tuple[Issue, ...] = ()

    def message(self, language: Language = "zh") -> str:
        lines = [i.message(language) for i in self.issues]
        return lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines)


class GateAccessDenied(_Refusal, AccessDenied):
    """The gate refused because the role may not see something."""

    def __init__(self, issues: tuple[Issue, ...]) -> None:
        self.issues = issues
        super().__init__(issues[0].code, **_params(issues))


class GateInvalidSql(_Refusal, InvalidSql):
    """The gate refused SQL it cannot parse, resolve or prove allowed."""

    def __init__(self, issues: tuple[Issue, ...]) -> None:
        self.issues = issues
        super().__init__(issues[0].code, **_params(issues))


def _params(issues: tuple[Issue, ...]) -> dict[str, Any]:
    return {**dict(issues[0].params), "issues": issues}


def _order(item: Issue) -> tuple[bool, int, int]:
    return (item.code not in ACCESS_CODES, item.line or 0, item.col or 0)


def refusal(issues: Sequence[Issue]) -> UserFacingError:
    """The error for a step's issues: AccessDenied when any is an access problem."""
    ordered = tuple(sorted(dict.fromkeys(issues), key=_order))
    if ordered[0].code in ACCESS_CODES:
        return GateAccessDenied(ordered)
    return GateInvalidSql(ordered)


def raise_if_any(issues: Iterable[Issue]) -> None:
    """Refuse with every issue found in the step, or return when there is none."""
    found = list(issues)
    if found:
        raise refusal(found)
