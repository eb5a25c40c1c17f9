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


def for_engine(
    tree: exp.Expr, dialect: str | type[Dialect], schema: str, *, fold_case: bool = False
) -> str:
    """``tree`` (not modified) as ``dialect`` SQL, ``main.t`` becoming ``schema.t``.

    ``fold_case``: every identifier lower-cased, for an engine whose quoted identifiers are
    case-sensitive (PostgreSQL): the gate resolved names as DuckDB does, case-insensitively,
    and folding keeps that meaning. (Warehouses whose real names are not lower case need the
    catalog's real case instead: not yet.) The caller restores the output names
    (``output_names``)."""
    copy = tree.copy()
    if fold_case:
        for identifier in copy.find_all(exp.Identifier):
            identifier.set("this", identifier.name.lower())
    for table in copy.find_all(exp.Table):
        if table.db == GATE_SCHEMA and not table.catalog:
            table.set("db", exp.to_identifier(schema, quoted=True))
    try:
        return copy.sql(dialect=dialect, identify=True, unsupported_level=ErrorLevel.RAISE)
    except SqlglotError as exc:
        name = dialect if isinstance(dialect, str) else dialect.__name__.removeprefix("Asker")
        # sqlglot's message names the construct (from asker's own text, never the engine's)
        what = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        construct = f"{what}, which {name} cannot run"
        raise InvalidSql("UNSUPPORTED_SQL", construct=construct) from exc


def output_names(tree: exp.Expr, found: tuple[str, ...]) -> tuple[str, ...]:
    """The result's column names as the query named them (before any case folding), when the
    tree names each output column; else what the engine reported."""
    names = tuple(tree.named_selects) if isinstance(tree, exp.Query) else ()
    same = len(names) == len(found) and all(
        n.lower() == f.lower() for n, f in zip(names, found, strict=True)
    )
    return names if same else found
