"""Gate step: a statement the warehouse can plan and run within its limits.

A long chain of joins or a deep nest of subqueries can keep a planner busy past any deadline,
and the gate's own analysis grows with the statement too; so before anything else reads the
tree, its size is bounded: characters, AST nodes, joins and nesting depth of subqueries and
functions (``STATEMENT_TOO_COMPLEX``, naming the bound).

>>> import sqlglot
>>> measure(sqlglot.parse_one("SELECT a FROM t JOIN u ON t.id = u.id WHERE b IN (SELECT 1)"))
Size(nodes=..., joins=1, depth=2)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from asker.gate.issues import issue, raise_if_any
from asker.gate.state import GateState

NESTING = (exp.Select, exp.Func, exp.Subquery)
WHAT = {  # one parameter serves both languages
    "chars": "字符数 characters",
    "nodes": "语法节点数 syntax nodes",
    "joins": "连接数 joins",
    "depth": "子查询与函数嵌套层数 nesting depth",
}


@dataclass(frozen=True)
class Size:
    nodes: int
    joins: int
    depth: int


def measure(tree: exp.Expr) -> Size:
    """Nodes, joins and the deepest nesting, walked without recursion (a deep tree is the case
    this step exists for)."""
    nodes = joins = deepest = 0
    stack: list[tuple[exp.Expr, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        joins += isinstance(node, exp.Join)
        depth += isinstance(node, NESTING) and not isinstance(node, exp.Subquery)
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in node.iter_expressions())
    return Size(nodes, joins, deepest)


def statement_bounds(state: GateState) -> GateState:
    bounds = state.bounds
    size = measure(state.query)
    found = {"chars": len(state.text), **vars(size)}
    problems = [
        issue("STATEMENT_TOO_COMPLEX", what=WHAT[k], count=str(v), limit=str(getattr(bounds, k)))
        for k, v in found.items()
        if v > getattr(bounds, k)
    ]  # fmt: skip
    raise_if_any(problems)
    return state
