"""What kind of value a column of a qualified query holds, for roles that see aggregates only.

A column is an *id* (it carries an entity: ``cust_id``, ``account_id``, ...), a *dimension* (a
column of a table without entity ids, a column of an entity table the role's policy lists under
``dimensions``, or a subquery output computed from dimensions only, not aggregated), or a
*measure* (everything else: amounts, counts, dates the policy does not list). A scope has
*entity rows* when each of its rows stands for one entity row (a table with ids, or a subquery
that is not aggregated or is grouped by an id); its aggregates count distinct entities.
"""

from __future__ import annotations

from typing import Literal

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, walk_in_scope

from asker.gate.entity_lineage import EntityLineage, group_keys, is_aggregated
from asker.gate.sources import projection_names, projection_value, source_of
from asker.gate.state import GateState

Kind = Literal["id", "dimension", "measure"]


class CellLineage:
    def __init__(self, tree: exp.Expr, state: GateState) -> None:
        self.entities = EntityLineage(tree, state)
        self.scopes = self.entities.scopes
        self.state = state
        self._dimension_outputs: dict[int, list[bool]] = {}

    # --- columns ----------------------------------------------------------------------------

    def kind(self, column: exp.Column, scope: Scope) -> Kind:
        if self.entities.column_entity(column, scope):
            return "id"
        source = source_of(column, scope) if column.table else None
        if isinstance(source, exp.Table):
            return "dimension" if self.table_dimension(source.name, column.name) else "measure"
        if isinstance(source, Scope):
            outputs = dict(
                zip(projection_names(source), self.dimension_outputs(source), strict=False)
            )
            return "dimension" if outputs.get(column.name, False) else "measure"
        return "dimension" if self._output_alias_dimension(column, scope) else "measure"

    def table_dimension(self, table: str, column: str) -> bool:
        if not self.entity_table(table):
            return True
        return self.state.role.is_dimension(table, column)

    def entity_table(self, table: str) -> bool:
        return any(c.entity is not None for c in self.state.catalog.table(table).columns)

    def _output_alias_dimension(self, column: exp.Column, scope: Scope) -> bool:
        """An unqualified name of the scope's own output (ORDER BY / DISTINCT ON)."""
        query = scope.expression
        if not isinstance(query, exp.Select):
            return False
        for projection in query.expressions:
            if projection.alias_or_name == column.name:
                return self.dimension_value(projection_value(projection), scope)
        return False

    # --- expressions ------------------------------------------------------------------------

    def dimension_value(self, expr: exp.Expr, scope: Scope) -> bool:
        """``expr`` is computed from dimensions and literals only, row by row."""
        for node in walk_in_scope(expr):
            if node is not expr and isinstance(node, exp.Query):
                return False
            if isinstance(node, exp.AggFunc | exp.Window):
                return False
            if isinstance(node, exp.Column) and self.kind(node, scope) != "dimension":
                return False
        return True

    def dimension_outputs(self, scope: Scope) -> list[bool]:
        key = id(scope)
        if key not in self._dimension_outputs:
            self._dimension_outputs[key] = []  # a cycle guard
            self._dimension_outputs[key] = self._compute_dimension_outputs(scope)
        return self._dimension_outputs[key]

    def _compute_dimension_outputs(self, scope: Scope) -> list[bool]:
        query = scope.expression
        if isinstance(query, exp.SetOperation):
            left, right = (self.dimension_outputs(s) for s in scope.set_operation_scopes)
            return [a and b for a, b in zip(left, right, strict=False)]
        if isinstance(query, exp.Select):
            return [self.dimension_value(projection_value(p), scope) for p in query.expressions]
        return []

    # --- rows -------------------------------------------------------------------------------

    def entity_rows(self, scope: Scope) -> bool:
        """Each row of ``scope`` stands for one row of a table with entity ids."""
        query = scope.expression
        if isinstance(query, exp.SetOperation):
            return any(self.entity_rows(s) for s in scope.set_operation_scopes)
        if not isinstance(query, exp.Select):
            return False
        if is_aggregated(query):
            return any(self.entities.carries(k, scope) for k in group_keys(query))
        if query.args.get("distinct") is not None:
            return any(self.entities.carries(projection_value(p), scope) for p in query.expressions)
        return any(self.source_entity_rows(s) for _, s in scope.selected_sources.values())

    def source_entity_rows(self, source: exp.Table | Scope) -> bool:
        if isinstance(source, exp.Table):
            return self.entity_table(source.name)
        return self.entity_rows(source)
