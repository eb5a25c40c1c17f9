"""Gate step: the outermost query returns at most ``row_cap + 1`` rows, and no row past the cap
is reachable by paging.

A missing LIMIT is added and a larger one lowered; the executor fetches ``row_cap + 1`` rows and
reports ``truncated`` when the extra row exists. LIMIT and OFFSET must be whole numbers. The cap
counts rows from the start of the result, so OFFSET counts against it: with OFFSET o the query
returns at most ``cap - o`` rows (the answer's cap is lowered to match), and an OFFSET at or past
the cap, in the query or in any subquery, is refused (``OFFSET_PAST_CAP``).
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from asker.gate.issues import issue, raise_if_any
from asker.gate.state import GateState


def effective_cap(state: GateState) -> int:
    """The role's row cap, or the configured one when that is lower."""
    configured = state.bounds.row_cap
    cap = state.role.row_cap
    return min(cap, configured) if configured else cap


def row_cap(state: GateState) -> GateState:
    tree = state.query
    cap = effective_cap(state)
    _require_whole_numbers(tree)
    _require_offsets_within(tree, cap)
    offset = _number(tree.args.get("offset"))
    reachable = cap - (offset or 0)
    current = _number(tree.args.get("limit"))
    if current is None or current > reachable:
        tree.set("limit", exp.Limit(expression=exp.Literal.number(reachable + 1)))
    return replace(state, row_cap=reachable)


def _number(clause: exp.Expr | None) -> int | None:
    if not isinstance(clause, (exp.Limit, exp.Offset)):
        return None
    value = clause.args.get("expression")
    return int(value.this) if isinstance(value, exp.Literal) else None


def _require_whole_numbers(tree: exp.Expr) -> None:
    problems = []
    for clause in (*tree.find_all(exp.Limit), *tree.find_all(exp.Offset)):
        value = clause.args.get("expression")
        if not (isinstance(value, exp.Literal) and value.is_int and int(value.this) >= 0):
            construct = f"{clause.key.upper()} that is not a whole number"
            problems.append(issue("UNSUPPORTED_SQL", clause, construct=construct))
    raise_if_any(problems)


def _require_offsets_within(tree: exp.Expr, cap: int) -> None:
    problems = []
    for clause in tree.find_all(exp.Offset):
        offset = _number(clause)
        if offset is not None and offset >= cap:
            problems.append(issue("OFFSET_PAST_CAP", clause, offset=str(offset), cap=str(cap)))
    raise_if_any(problems)
