"""Gate step: exactly one statement and it is a query (``single_query``), ready to check.

Comments are dropped (the SQL that runs is regenerated from the tree) and table and CTE names
are lower-cased, as DuckDB compares them case-insensitively, so that sqlglot's scopes resolve a
name to a CTE or a physical table the way the engine will.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from asker.errors import InvalidSql
from asker.gate.state import GateState
from asker.gate.statement import single_query


def parsed_query(state: GateState) -> GateState:
    try:
        tree = single_query(state.text, state.dialect)
    except InvalidSql as exc:
        if exc.code == "MULTIPLE_STATEMENTS" and exc.params.get("count") == 0:
            raise InvalidSql("EMPTY_INPUT") from exc  # only comments
        raise
    for node in tree.walk():
        if isinstance(node, exp.Expression):
            node.comments = None
    normalize_table_names(tree)
    return replace(state, tree=tree)


def normalize_table_names(tree: exp.Expr) -> None:
    """Lower-case the identifiers that name tables: table references and CTE names."""
    for node in tree.walk():
        if isinstance(node, exp.Table):
            parts = [node.args.get(k) for k in ("this", "db", "catalog")]
        elif isinstance(node, exp.CTE):
            parts = [node.args["alias"].args.get("this")] if node.args.get("alias") else []
        else:
            continue
        for part in parts:
            if isinstance(part, exp.Identifier):
                part.set("this", part.name.lower())
