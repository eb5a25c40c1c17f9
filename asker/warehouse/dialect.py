"""The last step before an engine other than DuckDB runs a query: the checked tree rendered for
the engine's sqlglot dialect, with the gate's warehouse schema (``main``) replaced by the schema
the engine's tables live in, identifiers quoted in their real case.

A construct sqlglot cannot express in the engine's dialect is refused (``UNSUPPORTED_SQL``),
never sent approximately translated.

>>> import sqlglot
>>> tree = sqlglot.parse_one('SELECT a / b FROM "main"."t"', dialect="duckdb")
>>> for_engine(tree, "postgres", "public")
'SELECT CAST("a" AS DOUBLE PRECISION) / "b" FROM "public"."t"'
>>> for_engine(tree, "spark", "default")
'SELECT `a` / `b` FROM `default`.`t`'
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, SqlglotError

from asker.errors import InvalidSql

GATE_SCHEMA = "main"  # where the gate's subqueries say the catalog's tables live


def for_engine(tree: exp.Expr, dialect: str | type[Dialect], schema: str) -> str:
    """``tree`` (not modified) as ``dialect`` SQL, ``main.t`` becoming ``schema.t``."""
    copy = tree.copy()
    for table in copy.find_all(exp.Table):
        if table.db == GATE_SCHEMA and not table.catalog:
            table.set("db", exp.to_identifier(schema, quoted=True))
    try:
        return copy.sql(dialect=dialect, identify=True, unsupported_level=ErrorLevel.RAISE)
    except SqlglotError as exc:
        name = dialect if isinstance(dialect, str) else dialect.__name__
        construct = f"SQL that {name} cannot run ({type(exc).__name__})"
        raise InvalidSql("UNSUPPORTED_SQL", construct=construct) from exc
