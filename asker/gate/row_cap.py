"""Gate step: the outermost query returns at most ``row_cap + 1`` rows.

A missing LIMIT is added and a larger one lowered; the executor fetches ``row_cap + 1`` rows and
reports ``truncated`` when the extra row exists. LIMIT and OFFSET must be whole numbers.
"""

from __future__ import annotations

from sqlglot import exp

from asker.gate.issues import issue, raise_if_any
from asker.gate.state import GateState


def row_cap(state: GateState) -> GateState:
    tree = state.query
    cap = state.role.row_cap + 1
    _require_whole_numbers(tree)
    limit = tree.args.get("limit")
    current = int(limit.expression.this) if isinstance(limit, exp.Limit) else None
    if current is None or current > cap:
        tree.set("limit", exp.Limit(expression=exp.Literal.number(cap)))
    return state


def _require_whole_numbers(tree: exp.Expr) -> None:
    problems = []
    for key in ("limit", "offset"):
        clause = tree.args.get(key)
        if clause is None:
            continue
        value = clause.args.get("expression")
        if not (isinstance(value, exp.Literal) and value.is_int and int(value.this) >= 0):
            construct = f"{key.upper()} that is not a whole number"
            problems.append(issue("UNSUPPORTED_SQL", clause, construct=construct))
    raise_if_any(problems)
