"""Gate step (roles with ``detail: false``): the result is aggregates only.

No result row may stand for one customer, account, loan, transaction, application or lead,
and no query may single one out: refused (``DETAIL_NOT_ALLOWED``) are an outermost query with
entity grain (not aggregated over such rows, or grouped by an id), an id in the outermost
output, an id compared with a value (``cust_id = 'C0000001'``, ``IN (...)``, ``LIKE``,
``BETWEEN``, ``CASE cust_id WHEN``), windows partitioned or ordered by an id, top-N (LIMIT,
QUALIFY) over entity rows, and any PII column. Joins on ids and ``COUNT(DISTINCT cust_id)``
are fine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from asker.gate.entity_lineage import EntityLineage, is_aggregated
from asker.gate.issues import Issue, issue, raise_if_any
from asker.gate.sources import function_name, own_nodes, projection_names, source_of
from asker.gate.state import GateState

COMPARISONS = (
    exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ,
    exp.Like, exp.ILike, exp.Nullif,
)  # fmt: skip


def aggregates_only(state: GateState) -> GateState:
    if state.role.detail:
        return state
    lineage = EntityLineage(state.checked, state)
    raise_if_any(detail_issues(lineage, state))
    return state


def detail_issues(lineage: EntityLineage, state: GateState) -> Iterator[Issue]:
    root = lineage.scopes.root
    role = state.role.role
    if lineage.entity_grain(root):
        query = root.expression
        grouped = isinstance(query, exp.Select) and is_aggregated(query)
        construct = "GROUP BY <id>" if grouped else "未汇总的明细行 rows not aggregated"
        yield issue("DETAIL_NOT_ALLOWED", role=role, construct=construct)
    for name, carries in zip(projection_names(root), lineage.outputs(root), strict=False):
        if carries:
            yield issue("DETAIL_NOT_ALLOWED", role=role, construct=f"SELECT <id> AS {name}")
    for scope in lineage.scopes.all:
        for problem, node in _scope_problems(lineage, scope, state):
            yield issue("DETAIL_NOT_ALLOWED", node, role=role, construct=problem)


def _scope_problems(
    lineage: EntityLineage, scope: Scope, state: GateState
) -> Iterator[tuple[str, exp.Expr]]:
    query = scope.expression
    if lineage.entity_grain(scope) and any(query.args.get(k) for k in ("limit", "offset")):
        yield "LIMIT/OFFSET over individual rows", query
    if scope.is_subquery and any(lineage.outputs(scope)) and _is_scalar(query):
        yield "scalar subquery returning an <id>", query
    for node in own_nodes(scope):
        problem = _node_problem(lineage, scope, node, state)
        if problem is not None:
            yield problem, node


def _node_problem(
    lineage: EntityLineage, scope: Scope, node: exp.Expr, state: GateState
) -> str | None:
    for check in NODE_CHECKS:
        problem = check(lineage, scope, node, state)
        if problem is not None:
            return problem
    return None


def _compared(lineage: EntityLineage, scope: Scope, node: exp.Expr, _: GateState) -> str | None:
    if isinstance(node, (*COMPARISONS, exp.Between, exp.In)):
        return _comparison_problem(lineage, scope, node)
    if isinstance(node, exp.Case) and node.this is not None and lineage.carries(node.this, scope):
        return "CASE <id> WHEN <value>"
    return None


def _aggregated_id(
    lineage: EntityLineage, scope: Scope, node: exp.Expr, _: GateState
) -> str | None:
    if isinstance(node, exp.AggFunc) and not isinstance(node, exp.Count):
        if any(lineage.carries(arg, scope) for arg in _arguments(node)):
            return f"{function_name(node)}(<id>)"
        return None
    if isinstance(node, exp.Window):
        return _window_problem(lineage, scope, node)
    return None


def _ranked(lineage: EntityLineage, scope: Scope, node: exp.Expr, _: GateState) -> str | None:
    if isinstance(node, exp.Qualify) and lineage.entity_grain(scope):
        return "QUALIFY over individual rows"
    return None


def _pii(_: EntityLineage, scope: Scope, node: exp.Expr, state: GateState) -> str | None:
    if isinstance(node, exp.Column) and _is_pii(node, scope, state):
        return f"PII {node.name}"
    return None


NodeCheck = Callable[[EntityLineage, Scope, exp.Expr, GateState], str | None]
NODE_CHECKS: tuple[NodeCheck, ...] = (_compared, _aggregated_id, _ranked, _pii)


def _window_problem(lineage: EntityLineage, scope: Scope, node: exp.Window) -> str | None:
    keys = [*(node.args.get("partition_by") or []), node.args.get("order")]
    if any(k is not None and lineage.carries(k, scope) for k in keys):
        return "OVER (PARTITION BY / ORDER BY <id>)"
    if any(lineage.carries(arg, scope) for arg in _arguments(node.this)):
        return f"{function_name(node.this)}(<id>) OVER (...)"
    return None


def _comparison_problem(lineage: EntityLineage, scope: Scope, node: exp.Expr) -> str | None:
    operands = [node.this] + [
        v for k, v in node.args.items() if k != "this" and isinstance(v, exp.Expr)
    ]
    operands += list(node.args.get("expressions") or [])
    mentioned = [lineage.carries(o, scope) for o in operands]
    if any(mentioned) and not all(mentioned):
        return "<id> compared with a value 与常量比较"
    if any(mentioned) and any(_single_value(o) for o in operands):
        return "<id> compared with one chosen <id>"
    return None


def _single_value(operand: exp.Expr) -> bool:
    """An operand that is one value for the whole query: a scalar subquery or an aggregate."""
    if isinstance(operand, exp.Subquery) and isinstance(operand.parent, exp.In):
        return False
    return any(isinstance(n, exp.Query | exp.AggFunc) for n in operand.walk())


def _arguments(node: exp.Expr) -> list[exp.Expr]:
    return [v for v in node.iter_expressions() if not isinstance(v, exp.Window)]


def _is_scalar(query: exp.Expr) -> bool:
    """A subquery used as a value (not IN (...), EXISTS (...) or LATERAL)."""
    wrapper = query.parent
    holder = wrapper.parent if wrapper is not None else None
    return not isinstance(holder, exp.In | exp.Exists | exp.Lateral)


def _is_pii(column: exp.Column, scope: Scope, state: GateState) -> bool:
    source = source_of(column, scope) if column.table else None
    if not isinstance(source, exp.Table):
        return False
    table = state.catalog.table(source.name)
    return column.name in table.column_names and table.column(column.name).pii is not None
