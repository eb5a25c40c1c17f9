"""Gate step (roles with ``detail: false``): only shapes whose every cell can be k-checked.

The cell-size rewrite (``small_cells``) counts the distinct entities behind each result cell;
these rules refuse (``AGGREGATE_NOT_ALLOWED``, saying what is allowed instead) what would pick
one entity's value out of a group of any size, or reach a small population another way:

- an id (``cust_id``, ``account_id``, ...) anywhere but an equi-join or correlation between two
  ids, ``id IN (SELECT id ...)``, ``COUNT([DISTINCT] id)``, a subquery's GROUP BY or its output
  (kills ``cust_id = expr(cust_id, literal)``, BETWEEN, GREATEST/LEAST, IN lists, ordinals);
- order statistics and row-picking over measures (MIN/MAX/MEDIAN/quantiles of amounts) and any
  window function (a window reads other rows' cells, suppressed ones included);
- grouping keys and filters outside the role's dimensions (quasi-identifiers such as birth date
  or transaction time; a measure compared with anything but a governed threshold);
- inside an aggregate: anything but sums and products of columns, COALESCE/CAST and one level of
  CASE on dimensions (``GREATEST(balance - x, 0)`` picks out the largest values as MAX would);
- EXCEPT/INTERSECT (a population reached as the difference of two).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, walk_in_scope

from asker.gate.cell_lineage import CellLineage
from asker.gate.entity_lineage import group_keys
from asker.gate.issues import Issue, issue, raise_if_any
from asker.gate.sources import function_name, own_nodes, source_of
from asker.gate.state import GateState

COUNTING = (exp.Sum, exp.Avg, exp.Count)
ORDER_STATISTICS = (exp.Min, exp.Max)  # allowed over dimensions only (MAX(biz_date))
LINEAR = (
    exp.Column, exp.Literal, exp.Null, exp.Boolean, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Neg,
    exp.Paren, exp.Cast, exp.TryCast, exp.Coalesce, exp.Case, exp.If, exp.Distinct, exp.Star,
    exp.DataType, exp.Identifier,
)  # fmt: skip
COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)

ALLOWED_ID = (
    "按 ID 相等关联表（JOIN ... ON a.cust_id = b.cust_id）或 COUNT(DISTINCT cust_id) "
    "(join on ids, count them)"
)
ALLOWED_STAT = "SUM、AVG、COUNT 汇总 (totals, averages and counts)"
ALLOWED_DIMS = "按允许的维度分组或筛选：{dims} (group or filter by these dimensions)"
ALLOWED_AGG = (
    "对金额直接求和或平均，条件用 CASE WHEN <维度> (sum or average amounts, CASE on dimensions)"
)
ALLOWED_SETS = "UNION ALL 或分别查询 (UNION ALL, or separate queries)"


def cell_rules(state: GateState) -> GateState:
    if state.role.detail:
        return state
    lineage = CellLineage(state.checked, state)
    raise_if_any(cell_issues(lineage, state))
    return state


def cell_issues(lineage: CellLineage, state: GateState) -> Iterator[Issue]:
    role = state.role.role
    for scope in lineage.scopes.all:
        for problem, allowed, node in _scope_problems(lineage, scope, state):
            yield issue(
                "AGGREGATE_NOT_ALLOWED", node, role=role, construct=problem, allowed=allowed
            )


Problem = tuple[str, str, exp.Expr]


def _scope_problems(lineage: CellLineage, scope: Scope, state: GateState) -> Iterator[Problem]:
    query = scope.expression
    if isinstance(query, exp.Except | exp.Intersect):
        yield "EXCEPT / INTERSECT", ALLOWED_SETS, query
    for node in own_nodes(scope):
        if isinstance(node, exp.Column) and lineage.kind(node, scope) == "id":
            problem = _id_problem(lineage, scope, node)
            if problem is not None:
                yield problem, ALLOWED_ID, node
        elif isinstance(node, exp.Window):
            yield "窗口函数 window function (OVER ...)", ALLOWED_STAT, node
        elif isinstance(node, exp.AggFunc):
            yield from _aggregate_problems(lineage, scope, node)
    if isinstance(query, exp.Select):
        yield from _grouping_problems(lineage, scope, query, state)
        yield from _filter_problems(lineage, scope, query, state)


# --- ids ----------------------------------------------------------------------------------------


def _id_problem(  # noqa: PLR0911 - one return per allowed use
    lineage: CellLineage, scope: Scope, column: exp.Column
) -> str | None:
    parent = column.parent
    if isinstance(parent, exp.EQ):
        other = parent.expression if column.arg_key == "this" else parent.this
        if isinstance(other, exp.Column) and lineage.kind(other, scope) == "id":
            return None
        return f"{column.name} = <值 value>"
    if isinstance(parent, exp.In) and column.arg_key == "this":
        if parent.args.get("query") is not None and not parent.expressions:
            return None
        return f"{column.name} IN (<值 values>)"
    if isinstance(parent, exp.Count) or (
        isinstance(parent, exp.Distinct) and isinstance(parent.parent, exp.Count)
    ):
        return None
    if isinstance(parent, exp.Group) or _is_projection(column):
        return None  # a subquery's key or output; the outermost is the detail rule's
    if isinstance(parent, exp.Ordered) and isinstance(parent.parent, exp.Order):
        return f"ORDER BY {column.name}"
    name = function_name(parent) if isinstance(parent, exp.Func) else type(parent).__name__
    return f"{name}({column.name} ...)"


def _is_projection(column: exp.Column) -> bool:
    parent = column.parent
    node: exp.Expr = column
    if isinstance(parent, exp.Alias):
        node, parent = parent, parent.parent
    return isinstance(parent, exp.Select) and node.arg_key == "expressions"


# --- aggregates ---------------------------------------------------------------------------------


def _aggregate_problems(lineage: CellLineage, scope: Scope, node: exp.AggFunc) -> Iterator[Problem]:
    name = function_name(node)
    if isinstance(node, ORDER_STATISTICS):
        if not lineage.dimension_value(node.this, scope):
            yield f"{name}(<金额 measure>)", ALLOWED_STAT, node
        return
    if not isinstance(node, COUNTING):
        yield f"{name}()", ALLOWED_STAT, node
        return
    for inner in walk_in_scope(node):
        if inner is node:
            continue
        if isinstance(inner, exp.Query):
            yield f"{name}(<子查询 subquery>)", ALLOWED_AGG, inner
        elif _is_case(inner) and _nested_condition(inner, node):
            yield f"{name}(CASE ... CASE ...)", ALLOWED_AGG, inner
        elif not isinstance(inner, LINEAR) and not _in_condition(inner, node):
            label = function_name(inner) if isinstance(inner, exp.Func) else type(inner).__name__
            yield f"{name}({label}(...))", ALLOWED_AGG, inner


def _is_case(node: exp.Expr) -> bool:
    """A CASE or an IF(...) of its own (not one WHEN branch of a CASE)."""
    return isinstance(node, exp.Case) or (
        isinstance(node, exp.If) and not isinstance(node.parent, exp.Case)
    )


def _nested_condition(node: exp.Expr, aggregate: exp.Expr) -> bool:
    current = node.parent
    while current is not None and current is not aggregate:
        if _is_case(current):
            return True
        current = current.parent
    return False


def _in_condition(node: exp.Expr, aggregate: exp.Expr) -> bool:
    """``node`` sits in a CASE/IF condition (checked as a filter), not in a value."""
    current = node
    while current.parent is not None and current is not aggregate:
        parent = current.parent
        if isinstance(parent, exp.If) and current.arg_key == "this":
            return True
        if isinstance(parent, exp.Case) and current.arg_key == "this":
            return True
        current = parent
    return False


# --- grouping -----------------------------------------------------------------------------------


def _dimensions_text(state: GateState) -> str:
    return "、".join(sorted({c.split(".", 1)[1] for c in state.role.dimensions})[:12]) + " …"


def _grouping_problems(
    lineage: CellLineage, scope: Scope, query: exp.Select, state: GateState
) -> Iterator[Problem]:
    allowed = ALLOWED_DIMS.format(dims=_dimensions_text(state))
    keys = list(group_keys(query))
    distinct = query.args.get("distinct")
    if distinct is not None and lineage.entity_rows(scope) is False:
        keys += [p.this if isinstance(p, exp.Alias) else p for p in query.expressions]
    for key in keys:
        if isinstance(key, exp.Literal):
            continue  # a position (GROUP BY 1): qualify resolves it to the projection
        for column in walk_in_scope(key):
            if not isinstance(column, exp.Column):
                continue
            kind = lineage.kind(column, scope)
            if kind == "measure":
                yield f"GROUP BY / DISTINCT {column.name}", allowed, column
            elif kind == "id" and scope is lineage.scopes.root:
                yield f"GROUP BY {column.name}", allowed, column


# --- filters ------------------------------------------------------------------------------------


def _conditions(query: exp.Select) -> Iterator[tuple[exp.Expr, bool]]:
    """Every condition of the select (itself, not its subqueries), with whether it filters rows
    of an aggregated scope's groups (HAVING: aggregates in it are cells, not row values)."""
    where = query.args.get("where")
    if where is not None:
        yield where.this, False
    for join in query.args.get("joins") or []:
        on = join.args.get("on")
        if on is not None:
            yield on, False
    having = query.args.get("having")
    if having is not None:
        yield having.this, True
    for node in walk_in_scope(query):
        if isinstance(node, exp.Filter):
            yield node.expression.this, False
        elif isinstance(node, exp.If | exp.Case):
            for condition in _case_conditions(node):
                yield condition, False


def _case_conditions(node: exp.If | exp.Case) -> list[exp.Expr]:
    if isinstance(node, exp.If):
        return [node.this]
    found = [c.this for c in node.args.get("ifs") or []]
    if node.this is not None:  # CASE x WHEN v: the comparison is on x
        found.append(node.this)
    return found


def _filter_problems(
    lineage: CellLineage, scope: Scope, query: exp.Select, state: GateState
) -> Iterator[Problem]:
    allowed = ALLOWED_DIMS.format(dims=_dimensions_text(state))
    for condition, grouped in _conditions(query):
        for column in walk_in_scope(condition):
            if not isinstance(column, exp.Column):
                continue
            if grouped and isinstance(column.find_ancestor(exp.AggFunc, exp.Having), exp.AggFunc):
                continue  # HAVING SUM(x) > ...: the cell is k-checked (small_cells)
            if lineage.kind(column, scope) != "measure":
                continue  # dimensions; ids are the id rule's
            if _governed_threshold(column, scope, state):
                continue
            if _aggregated_output(lineage, column, scope) and not _in_join(column):
                continue  # a cell of an aggregated subquery: small_cells guards the filter
            yield f"筛选条件 filter on {column.name}", allowed, column


def _in_join(column: exp.Column) -> bool:
    return isinstance(column.find_ancestor(exp.Join, exp.Select), exp.Join)


def _aggregated_output(lineage: CellLineage, column: exp.Column, scope: Scope) -> bool:
    """A column of a subquery whose rows are groups (not entity rows): its values are cells."""
    source = source_of(column, scope) if column.table else None
    return isinstance(source, Scope) and not lineage.entity_rows(source)


def _governed_threshold(column: exp.Column, scope: Scope, state: GateState) -> bool:
    source = source_of(column, scope) if column.table else None
    if not isinstance(source, exp.Table):
        return False
    values = state.role.threshold_values(source.name, column.name)
    comparison = column.parent
    if not values or not isinstance(comparison, COMPARISONS):
        return False
    other = comparison.expression if column.arg_key == "this" else comparison.this
    return isinstance(other, exp.Literal) and not other.is_string and float(other.this) in values
