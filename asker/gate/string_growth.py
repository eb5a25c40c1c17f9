"""Gate step: no string function may build a value longer than the bound.

Concatenation and REPLACE grow values; through derived tables (a CTE doubling a column, the next
CTE doubling it again) the growth is exponential in the statement's length and takes the
process's memory. The step estimates the longest string every expression can build, carrying
the estimate of each derived column into the queries that read it, and refuses
(``STRING_GROWTH``) an expression whose estimate passes ``bounds.string_chars``.

>>> import sqlglot
>>> from sqlglot.optimizer.qualify import qualify
>>> tree = sqlglot.parse_one("WITH a AS (SELECT 'xx' || 'xx' AS v) SELECT v || v AS w FROM a")
>>> longest_strings(qualify(tree))
{'v': 4, 'w': 8}
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope

from asker.gate.issues import Issue, issue, raise_if_any
from asker.gate.state import GateState

COLUMN_CHARS = 256  # a warehouse column's value, when nothing tells more
SCALAR_CHARS = 32  # a number, a date, a boolean rendered as text
SHRINKING = (exp.Left, exp.Right, exp.Substring)


def string_growth(state: GateState) -> GateState:
    problems: list[Issue] = []
    longest_strings(state.checked, state.bounds.string_chars, problems)
    raise_if_any(problems[:1])
    return state


def longest_strings(
    tree: exp.Expr, limit: int | None = None, problems: list[Issue] | None = None
) -> dict[str, int]:
    """The estimated longest value of every output column, by name (inner queries first)."""
    outputs: dict[int, dict[str, int]] = {}
    found: dict[str, int] = {}
    for scope in traverse_scope(tree):
        estimate = _Estimate(scope, outputs, limit, problems)
        sizes = {sel.alias_or_name: estimate.size(sel) for sel in _selects(scope.expression)}
        outputs[id(scope.expression)] = sizes
        found.update(sizes)
    return found


def _selects(node: exp.Expr) -> list[exp.Expr]:
    if isinstance(node, exp.Select):
        return list(node.selects)
    if isinstance(node, exp.SetOperation):
        return _selects(node.left) + _selects(node.right)
    return []


class _Estimate:
    def __init__(
        self,
        scope: Scope,
        outputs: dict[int, dict[str, int]],
        limit: int | None,
        problems: list[Issue] | None,
    ) -> None:
        self.scope, self.outputs, self.limit, self.problems = scope, outputs, limit, problems

    def size(self, node: exp.Expr) -> int:
        found = self._size(node)
        growing = isinstance(node, (exp.Concat, exp.DPipe, exp.Replace))
        if growing and self.limit is not None and found > self.limit and self.problems is not None:
            name = "||" if isinstance(node, exp.DPipe) else node.key.upper()
            self.problems.append(
                issue("STRING_GROWTH", node, name=name, size=str(found), limit=str(self.limit))
            )
            return 0  # counted once, at the innermost expression past the bound
        return found

    def _size(self, node: exp.Expr) -> int:
        if isinstance(node, (exp.Identifier, exp.Literal, exp.Column)):
            return self._leaf(node)
        if isinstance(node, (exp.Concat, exp.DPipe)):
            return sum(self.size(arg) for arg in node.iter_expressions())
        if isinstance(node, exp.Replace):
            return self._replace(node)
        if isinstance(node, SHRINKING):
            return self.size(node.this)
        if isinstance(node, (exp.Subquery, exp.Select)):
            return max(self.outputs.get(id(node.unnest()), {}).values(), default=SCALAR_CHARS)
        parts = [self.size(arg) for arg in node.iter_expressions()]
        return max(parts, default=SCALAR_CHARS)

    def _leaf(self, node: exp.Expr) -> int:
        if isinstance(node, exp.Column):
            return self._column(node)
        if isinstance(node, exp.Literal):
            return len(node.this) if node.is_string else SCALAR_CHARS
        return 0  # an identifier is a name (an alias, a type), not a value

    def _column(self, column: exp.Column) -> int:
        source = self.scope.sources.get(column.table)
        if isinstance(source, Scope):
            sizes = self.outputs.get(id(source.expression), {})
            return sizes.get(column.name, max(sizes.values(), default=COLUMN_CHARS))
        return COLUMN_CHARS

    def _replace(self, node: exp.Replace) -> int:
        text = self.size(node.this)
        pattern = node.expression
        pattern_chars = len(pattern.this) if isinstance(pattern, exp.Literal) else 1
        replacement = node.args.get("replacement")
        new_chars = self.size(replacement) if replacement is not None else 0
        return text * max(1, -(-new_chars // max(1, pattern_chars)))
