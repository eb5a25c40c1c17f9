"""Where columns come from: sqlglot scopes of a (qualified) query, shared by the gate's checks.

A column resolves to a physical table of the catalog or to a derived source (CTE, subquery,
set operation, LATERAL): ``Scope``. Outer scopes are searched for correlated references.

>>> import sqlglot
>>> tree = sqlglot.parse_one("SELECT o.org_id FROM dim_org AS o", dialect="duckdb")
>>> scopes = Scopes(tree)
>>> column = tree.find(exp.Column)
>>> source_of(column, scopes.owner(column)).name
'dim_org'
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope, walk_in_scope

Source = exp.Table | Scope


class Scopes:
    """Every scope of a query, inner first, with lookups by expression and by column."""

    def __init__(self, tree: exp.Expr) -> None:
        self.all: list[Scope] = list(traverse_scope(tree))
        self._by_expression = {id(s.expression): s for s in self.all}
        self._owner: dict[int, Scope] = {}
        for scope in self.all:
            for node in own_nodes(scope):
                self._owner[id(node)] = scope

    @property
    def root(self) -> Scope:
        return self.all[-1]

    def of(self, expression: exp.Expr) -> Scope | None:
        """The scope whose query is ``expression`` (a Select or a set operation)."""
        return self._by_expression.get(id(expression))

    def owner(self, node: exp.Expr) -> Scope:
        """The innermost scope ``node`` belongs to."""
        return self._owner[id(node)]

    def owned_columns(self, scope: Scope) -> Iterator[exp.Column]:
        """Columns written in ``scope`` itself (not in its subqueries)."""
        for node in own_nodes(scope):
            if isinstance(node, exp.Column):
                yield node


def own_nodes(scope: Scope) -> Iterator[exp.Expr]:
    """Nodes of the scope's own query, not descending into child scopes."""
    yield from walk_in_scope(scope.expression)


def source_of(column: exp.Column, scope: Scope) -> Source | None:
    """The source ``column`` names, searching outward for correlated references."""
    name = column.table
    current: Scope | None = scope
    while current is not None:
        selected = current.selected_sources.get(name)
        if selected is not None:
            return selected[1]
        current = current.parent
    return None


def output_query(scope: Scope) -> exp.Expr:
    """The query whose projections name the scope's output columns."""
    query = scope.expression
    while isinstance(query, exp.SetOperation):
        query = query.this
    while isinstance(query, exp.Subquery | exp.Lateral):
        query = query.this
    return query


def projection_names(scope: Scope) -> list[str]:
    """The scope's output column names, in order."""
    query = output_query(scope)
    return list(query.named_selects) if isinstance(query, exp.Query) else []


def referenced_query(column: exp.Column) -> exp.Query | None:
    """For an unqualified name in ORDER BY or DISTINCT ON that names one of its query's output
    columns (as sqlglot leaves them after qualifying): that query."""
    clause = column.find_ancestor(exp.Order, exp.Distinct, exp.Window, exp.Query)
    if not isinstance(clause, exp.Order | exp.Distinct):
        return None
    query = clause.parent
    if isinstance(query, exp.Query) and column.name in query.named_selects:
        return query
    return None


def is_direct_projection(node: exp.Expr, select: exp.Expr) -> bool:
    """``node`` is a projection of ``select`` itself, optionally aliased."""
    parent = node.parent
    if isinstance(parent, exp.Alias):
        node, parent = parent, parent.parent
    return parent is select and node.arg_key == "expressions"


def projection_value(projection: exp.Expr) -> exp.Expr:
    """The expression a projection computes (without its alias)."""
    return projection.this if isinstance(projection, exp.Alias) else projection


CLAUSES: tuple[tuple[type[exp.Expr], str], ...] = (
    (exp.Window, "OVER ()"),
    (exp.Where, "WHERE"),
    (exp.Join, "JOIN"),
    (exp.Group, "GROUP BY"),
    (exp.Having, "HAVING"),
    (exp.Qualify, "QUALIFY"),
    (exp.Order, "ORDER BY"),
    (exp.Distinct, "DISTINCT"),
    (exp.Limit, "LIMIT"),
)


def clause_of(node: exp.Expr) -> str:
    """The function or clause ``node`` is used in, for messages ('LENGTH()', 'WHERE')."""
    parent = node.parent
    if isinstance(parent, exp.Func) and not isinstance(parent, exp.Connector):
        return f"{function_name(parent)}()"
    current = parent
    while current is not None and not isinstance(current, exp.Query):
        for kind, name in CLAUSES:
            if isinstance(current, kind):
                return name
        current = current.parent
    return "SELECT expression"


def function_name(node: exp.Func) -> str:
    """The SQL name of a function node (Anonymous functions by their written name)."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).upper()
    return node.sql_name()


def select_scopes(scopes: Scopes) -> Iterator[Scope]:
    for scope in scopes.all:
        if isinstance(scope.expression, exp.Select):
            yield scope
