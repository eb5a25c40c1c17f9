"""Gate step: every table and column is known to the catalog and resolves unambiguously.

Qualifies a COPY of the query against the catalog (sqlglot's ``qualify`` raises nothing for
unknown tables, so tables are checked explicitly first). Unknown names get "did you mean"
suggestions drawn only from what the role may see; a table that exists but the role may not
read is ``ACCESS_DENIED``, not unknown. Every unknown column is reported at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import Scope
from sqlglot.schema import MappingSchema

from asker.gate.allowed_nodes import node_issues
from asker.gate.issues import Issue, issue, raise_if_any
from asker.gate.sources import Scopes, projection_names, referenced_query, source_of
from asker.gate.state import GateState

WAREHOUSE_DBS = {"main"}
UNRESOLVED = re.compile(r"Column '([^']+)' could not be resolved|Unknown column: (\S+)")


def known_names(state: GateState) -> GateState:
    copy = state.query.copy()
    raise_if_any(table_issues(copy, state))
    qualified = qualified_copy(copy, state)
    raise_if_any(
        node_issues(qualified, parsed=False)
    )  # qualify turns some tricks into Dot/TableColumn
    raise_if_any(column_issues(qualified, state))
    return replace(state, qualified=qualified)


def physical_tables(scopes: Scopes) -> Iterator[exp.Table]:
    """Every table reference that names a stored table (not a CTE), as sqlglot scopes see it."""
    for scope in scopes.all:
        for _, source in scope.selected_sources.values():
            if isinstance(source, exp.Table):
                yield source


def cte_references(scopes: Scopes) -> set[int]:
    """Ids of the Table nodes that refer to a CTE."""
    return {
        id(node)
        for scope in scopes.all
        for node, source in scope.selected_sources.values()
        if isinstance(source, Scope) and isinstance(node, exp.Table)
    }


def table_issues(tree: exp.Expr, state: GateState) -> Iterator[Issue]:
    scopes = Scopes(tree)
    physical = list(physical_tables(scopes))
    for table in physical:
        yield from _table_issue(table, state)
    seen = {id(t) for t in physical} | cte_references(scopes)
    for table in tree.find_all(exp.Table):
        if id(table) not in seen:
            yield issue("UNSUPPORTED_SQL", table, construct=f"table reference {table.sql()}")


def _table_issue(table: exp.Table, state: GateState) -> Iterator[Issue]:
    name = table.name
    qualified_elsewhere = table.catalog or (table.db and table.db not in WAREHOUSE_DBS)
    if qualified_elsewhere or name not in state.catalog.table_names:
        readable = [t for t in state.catalog.table_names if state.role.can_read_table(t)]
        shown = ".".join(p for p in (table.catalog, table.db, name) if p)
        yield issue("UNKNOWN_TABLE", table, name=shown, suggestions=suggest(name, readable))
    elif not state.role.can_read_table(name):
        yield issue("ACCESS_DENIED", table, role=state.role.role, target=name)


def catalog_schema(state: GateState) -> MappingSchema:
    mapping: dict[str, object] = {
        t.name: {c.name: c.type for c in t.columns} for t in state.catalog.tables
    }
    return MappingSchema(mapping, dialect=state.dialect)


def qualified_copy(tree: exp.Expr, state: GateState) -> exp.Expr:
    """``tree`` qualified in place: every column names its source, every ``*`` expanded."""
    try:
        result: exp.Expr = qualify(
            tree,
            schema=catalog_schema(state),
            dialect=state.dialect,
            validate_qualify_columns=False,
        )
        return result
    except OptimizeError as exc:
        match = UNRESOLVED.search(str(exc))
        if match is None:
            raise_if_any([issue("UNSUPPORTED_SQL", construct=_first_line(str(exc)))])
        name = next(g for g in match.groups() if g) if match else "?"
        raise_if_any([issue("UNKNOWN_COLUMN", name=name, suggestions="—")])
    except Exception as exc:  # anything qualify cannot handle is refused, never run
        construct = f"name resolution failed ({type(exc).__name__})"
        raise_if_any([issue("UNSUPPORTED_SQL", construct=construct)])
    raise AssertionError("unreachable")


def column_issues(tree: exp.Expr, state: GateState) -> Iterator[Issue]:
    scopes = Scopes(tree)
    for scope in scopes.all:
        for column in scopes.owned_columns(scope):
            if isinstance(column.this, exp.Star):
                yield issue("UNSUPPORTED_SQL", column, construct=f"{column.sql()} here")
            elif not _resolves(column, scope, state):
                names = visible_columns(scope, state)
                yield issue(
                    "UNKNOWN_COLUMN",
                    column,
                    name=".".join(p for p in (column.table, column.name) if p),
                    suggestions=suggest(column.name, names),
                )


def _resolves(column: exp.Column, scope: Scope, state: GateState) -> bool:
    if not column.table:
        return referenced_query(column) is not None
    source = source_of(column, scope)
    if isinstance(source, exp.Table):
        return column.name in state.catalog.table(source.name).column_names
    return source is not None and column.name in projection_names(source)


def visible_columns(scope: Scope, state: GateState) -> list[str]:
    """Column names the role may see in ``scope``'s sources (for suggestions)."""
    names: list[str] = []
    for _, source in scope.selected_sources.values():
        if isinstance(source, exp.Table) and source.name in state.catalog.table_names:
            table = state.catalog.table(source.name)
            names += [
                c.name
                for c in table.columns
                if state.role.column_access(table.name, c.name) != "denied"
            ]
        elif isinstance(source, Scope):
            names += projection_names(source)
    return names


def suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name.lower(), sorted(set(candidates)), n=3, cutoff=0.5)
    return ", ".join(close) if close else "—"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:160] if text.strip() else "name resolution failed"
