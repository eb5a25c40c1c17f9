"""Which columns of a qualified query carry masked PII, and where they are used.

The allow-list rule (ARCHITECTURE §6): a masked PII column may appear only as a direct
projection of a SELECT (optionally aliased), or pass through unchanged as an output column of a
subquery, CTE or UNION ALL branch that already carried it. Any other use is a misuse.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp
from sqlglot.optimizer.scope import Scope, walk_in_scope

from asker.gate.issues import Issue, issue
from asker.gate.sources import (
    Scopes,
    clause_of,
    is_direct_projection,
    projection_names,
    projection_value,
    referenced_query,
    source_of,
)
from asker.gate.state import GateState


@dataclass(frozen=True)
class Origin:
    """The masked catalog column a value comes from."""

    table: str
    column: str
    pii: str
    comment: str

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"

    @property
    def label(self) -> str:
        """The column's Chinese name without its explanation: '证件号码'."""
        return self.comment.split("（")[0]


class PiiLineage:
    """Masked-PII origins of every output column of every scope of one qualified query."""

    def __init__(self, tree: exp.Expr, state: GateState) -> None:
        self.scopes = Scopes(tree)
        self.state = state
        self._outputs: dict[int, list[Origin | None]] = {}

    def outputs(self, scope: Scope) -> list[Origin | None]:
        """Per output column of ``scope``: the masked column it passes through, if any."""
        key = id(scope)
        if key not in self._outputs:
            self._outputs[key] = self._compute_outputs(scope)
        return self._outputs[key]

    def root_outputs(self) -> list[tuple[str, Origin]]:
        root = self.scopes.root
        pairs = zip(projection_names(root), self.outputs(root), strict=False)
        return [(name, origin) for name, origin in pairs if origin is not None]

    def _compute_outputs(self, scope: Scope) -> list[Origin | None]:
        query = scope.expression
        if isinstance(query, exp.Lateral | exp.Subquery):
            inner = self.scopes.of(
                query.this.this if isinstance(query.this, exp.Subquery) else query.this
            )
            return self.outputs(inner) if inner is not None else []
        if isinstance(query, exp.SetOperation):
            left, right = (self.outputs(s) for s in scope.set_operation_scopes)
            return [a or b for a, b in zip(left, right, strict=False)]
        if isinstance(query, exp.Select):
            return [self._value_origin(projection_value(p), scope) for p in query.expressions]
        return []

    def _value_origin(self, value: exp.Expr, scope: Scope) -> Origin | None:
        if isinstance(value, exp.Column):
            return self.column_origin(value, scope)
        if isinstance(value, exp.Subquery):
            inner = self.scopes.of(value.this)
            found = self.outputs(inner) if inner is not None else []
            return found[0] if found else None
        return None

    def column_origin(self, column: exp.Column, scope: Scope) -> Origin | None:
        if not column.table:  # an ORDER BY reference to an output column
            return self._output_reference(column)
        source = source_of(column, scope)
        if isinstance(source, exp.Table):
            return self._table_origin(source.name, column.name)
        if isinstance(source, Scope):
            names = projection_names(source)
            return dict(zip(names, self.outputs(source), strict=False)).get(column.name)
        return None

    def _output_reference(self, column: exp.Column) -> Origin | None:
        query = referenced_query(column)
        scope = self.scopes.of(query) if query is not None else None
        if scope is None:
            return None
        names = projection_names(scope)
        return dict(zip(names, self.outputs(scope), strict=False)).get(column.name)

    def _table_origin(self, table: str, column: str) -> Origin | None:
        if self.state.role.column_access(table, column) != "masked":
            return None
        col = self.state.catalog.table(table).column(column)
        return Origin(table, column, col.pii, col.comment) if col.pii else None

    # --- misuse -----------------------------------------------------------------------------

    def misuses(self) -> list[Issue]:
        found: list[Issue] = []
        for scope in self.scopes.all:
            found += self._column_misuses(scope)
            found += self._query_misuses(scope)
        return found

    def _column_misuses(self, scope: Scope) -> list[Issue]:
        found = []
        for column in self.scopes.owned_columns(scope):
            origin = self.column_origin(column, scope)
            if origin is not None and not is_direct_projection(column, scope.expression):
                found.append(_misuse(column, origin, clause_of(column)))
        return found

    def _query_misuses(self, scope: Scope) -> list[Issue]:
        carried = [o for o in self.outputs(scope) if o is not None]
        if not carried:
            return []
        query = scope.expression
        usage = _set_usage(query) if isinstance(query, exp.SetOperation) else _select_usage(query)
        if usage is None and scope.is_subquery:
            usage = _subquery_usage(query)
        return [_misuse(query, carried[0], usage)] if usage else []


def _misuse(node: exp.Expr, origin: Origin, usage: str) -> Issue:
    return issue("MASKED_COLUMN_MISUSE", node, column=origin.name, usage=usage)


def _set_usage(query: exp.SetOperation) -> str | None:
    if isinstance(query, exp.Intersect | exp.Except) or query.args.get("distinct"):
        return f"{query.key.upper()} (without ALL)"
    return None


def _select_usage(query: exp.Expr) -> str | None:
    if not isinstance(query, exp.Select):
        return None
    if query.args.get("distinct"):
        return "DISTINCT"
    if query.args.get("group") or query.args.get("having") or _aggregates(query):
        return "GROUP BY / aggregate"
    return None


def _aggregates(query: exp.Select) -> bool:
    for node in walk_in_scope(query):
        if isinstance(node, exp.AggFunc) and node.find_ancestor(exp.Window, exp.Select) is query:
            return True
    return False


def _subquery_usage(query: exp.Expr) -> str | None:
    """A subquery carrying masked values may only be a projection (a scalar subquery)."""
    wrapper = query.parent
    if isinstance(wrapper, exp.Subquery) and isinstance(wrapper.parent, exp.Lateral):
        return None
    select = wrapper.parent if wrapper is not None else None
    if isinstance(select, exp.Alias):
        select = select.parent
    if wrapper is not None and select is not None and is_direct_projection(wrapper, select):
        return None
    return clause_of(wrapper) if wrapper is not None else "subquery"
