"""Which values of a qualified query identify single entities (customer, account, loan,
transaction, application, lead), and which scopes return one row per entity.

An expression *carries* an entity when the value of an entity column (catalog ``entity`` tag,
or a subquery output that carries one) flows into its value: ``cust_id``, ``MAX(cust_id)`` and
``UPPER(cust_id)`` do; ``COUNT(DISTINCT cust_id)`` and ``SUM(CASE WHEN cust_id IS NULL THEN 1
END)`` do not (a count, a condition).
A scope has *entity grain* when its rows stand for single entities: not aggregated over a
source with entity grain, or grouped by a key that carries an entity.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, walk_in_scope

from asker.gate.sources import (
    Scopes,
    projection_names,
    projection_value,
    referenced_query,
    source_of,
)
from asker.gate.state import GateState


class EntityLineage:
    def __init__(self, tree: exp.Expr, state: GateState) -> None:
        self.scopes = Scopes(tree)
        self.state = state
        self._outputs: dict[int, list[bool]] = {}
        self._grain: dict[int, bool] = {}

    # --- values -----------------------------------------------------------------------------

    def carries(self, expr: exp.Expr, scope: Scope) -> bool:
        """The value of ``expr`` identifies an entity (an id flows into it)."""
        return any(_flows(node, expr) for node in self._entity_nodes(expr, scope))

    def _entity_nodes(self, expr: exp.Expr, scope: Scope) -> Iterator[exp.Expr]:
        for node in walk_in_scope(expr):
            if node is not expr and isinstance(node, exp.Query):
                inner = self.scopes.of(node)
                if inner is not None and any(self.outputs(inner)[:1]):
                    yield node
            elif isinstance(node, exp.Column) and self.column_entity(node, scope):
                yield node

    def column_entity(self, column: exp.Column, scope: Scope) -> bool:
        if not column.table:
            return self._output_reference(column)
        source = source_of(column, scope)
        if isinstance(source, exp.Table):
            table = self.state.catalog.table(source.name)
            return (
                column.name in table.column_names and table.column(column.name).entity is not None
            )
        if isinstance(source, Scope):
            names = projection_names(source)
            return dict(zip(names, self.outputs(source), strict=False)).get(column.name, False)
        return False

    def _output_reference(self, column: exp.Column) -> bool:
        query = referenced_query(column)
        scope = self.scopes.of(query) if query is not None else None
        if scope is None:
            return False
        names = projection_names(scope)
        return dict(zip(names, self.outputs(scope), strict=False)).get(column.name, False)

    def outputs(self, scope: Scope) -> list[bool]:
        """Per output column of ``scope``: does it carry an entity id?"""
        key = id(scope)
        if key not in self._outputs:
            self._outputs[key] = []  # a cycle guard; replaced below
            self._outputs[key] = self._compute_outputs(scope)
        return self._outputs[key]

    def _compute_outputs(self, scope: Scope) -> list[bool]:
        query = scope.expression
        inner = self._inner(scope)
        if inner is not None:
            return self.outputs(inner)
        if isinstance(query, exp.SetOperation):
            left, right = (self.outputs(s) for s in scope.set_operation_scopes)
            return [a or b for a, b in zip(left, right, strict=False)]
        if isinstance(query, exp.Select):
            return [self.carries(projection_value(p), scope) for p in query.expressions]
        return []

    def _inner(self, scope: Scope) -> Scope | None:
        query = scope.expression
        while isinstance(query, exp.Lateral | exp.Subquery):
            query = query.this
        return None if query is scope.expression else self.scopes.of(query)

    # --- rows -------------------------------------------------------------------------------

    def entity_grain(self, scope: Scope) -> bool:
        key = id(scope)
        if key not in self._grain:
            self._grain[key] = False
            self._grain[key] = self._compute_grain(scope)
        return self._grain[key]

    def _compute_grain(self, scope: Scope) -> bool:
        query = scope.expression
        inner = self._inner(scope)
        if inner is not None:
            return self.entity_grain(inner)
        if isinstance(query, exp.SetOperation):
            return any(self.entity_grain(s) for s in scope.set_operation_scopes)
        if not isinstance(query, exp.Select):
            return False
        if is_aggregated(query):
            return any(self.carries(key, scope) for key in group_keys(query))
        distinct = query.args.get("distinct")
        if distinct is not None:
            keys = distinct.args.get("on") or query.expressions
            return any(self.carries(projection_value(k), scope) for k in _flatten(keys))
        return any(self._source_grain(source) for _, source in scope.selected_sources.values())

    def _source_grain(self, source: exp.Table | Scope) -> bool:
        if isinstance(source, Scope):
            return self.entity_grain(source)
        table = self.state.catalog.table(source.name)
        return any(c.entity is not None for c in table.columns)


def is_aggregated(query: exp.Select) -> bool:
    if query.args.get("group") or query.args.get("having"):
        return True
    return any(
        isinstance(node, exp.AggFunc) and node.find_ancestor(exp.Window, exp.Select) is query
        for node in walk_in_scope(query)
    )


def group_keys(query: exp.Select) -> list[exp.Expr]:
    group = query.args.get("group")
    if group is None:
        return []
    if group.args.get("all"):
        return [
            projection_value(p)
            for p in query.expressions
            if not any(isinstance(n, exp.AggFunc) for n in p.walk())
        ]
    return list(group.expressions)


def _flatten(keys: exp.Expr | list[exp.Expr]) -> list[exp.Expr]:
    if isinstance(keys, exp.Tuple):
        return list(keys.expressions)
    return keys if isinstance(keys, list) else [keys]


def _flows(node: exp.Expr, expr: exp.Expr) -> bool:
    """``node``'s value reaches ``expr``'s value: not through a count, a predicate or a
    condition (CASE WHEN / IF / FILTER)."""
    current = node
    while current is not expr and current.parent is not None:
        parent = current.parent
        if isinstance(parent, exp.Count | exp.Predicate | exp.Connector | exp.Not | exp.Where):
            return False
        if isinstance(parent, exp.If | exp.Case) and current.arg_key == "this":
            return False
        current = parent
    return True
