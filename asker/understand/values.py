"""Dimension values read from the warehouse, so the parser knows "成都" is 成都分行 (B05).

Read once per process with a system query per dimension (low-cardinality columns only; at most
``LIMIT`` values each). These are reference values (org names, product types, channels), never
customer data: dimensions over PII columns do not exist.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from asker.semantic.joins import end_table, join_path
from asker.semantic.model import Dictionary, Dimension
from asker.semantic.validate import base_tables
from asker.warehouse.catalog import Catalog
from asker.warehouse.engine import Executor

LIMIT = 2000


def _tables_for(dimension: Dimension, dictionary: Dictionary, catalog: Catalog) -> list[str]:
    """Every table holding the dimension's column, reached from the metrics that allow it."""
    tables = {
        end_table(catalog, table, join_path(catalog, table, dimension.path)).name
        for metric in dictionary.metrics
        if dimension.code in metric.dimensions
        for table in base_tables(metric, dictionary)
    }
    return sorted(tables)


def values_query(dimension: Dimension, table: str) -> exp.Select:
    key, label = exp.column(dimension.key_column), exp.column(dimension.column)
    select = (
        exp.select(key.as_("key"), label.as_("label"))
        .distinct()
        .from_(table)
        .where(exp.Not(this=exp.Is(this=label.copy(), expression=exp.Null())))
        .order_by(exp.column("key"))
        .limit(LIMIT)
    )
    if dimension.values_where:
        select = select.where(sqlglot.parse_one(dimension.values_where, dialect="duckdb"))
    return select


def load_values(
    dictionary: Dictionary, catalog: Catalog, executor: Executor
) -> tuple[tuple[str, str, str], ...]:
    """(dimension, key, label) for every dimension value in the warehouse."""
    rows: dict[tuple[str, str, str], None] = {}
    for dimension in dictionary.dimensions:
        for table in _tables_for(dimension, dictionary, catalog):
            result = executor.execute(values_query(dimension, table), row_cap=LIMIT, timeout_s=30)
            rows.update(
                {(dimension.code, str(key), str(label)): None for key, label in result.rows}
            )
    return tuple(rows)


def load_value_orgs(
    dictionary: Dictionary, catalog: Catalog, executor: Executor
) -> dict[tuple[str, str], frozenset[str]]:
    """(dimension, key) → the org units the value belongs to, for dimensions over a table with an
    org scope column (a client manager's unit, a city's units): a value outside every unit of
    the asker's scope is a name they may not learn (issue #17: staff names are not confirmed
    bank-wide)."""
    out: dict[tuple[str, str], set[str]] = {}
    for dimension in dictionary.dimensions:
        for name in _tables_for(dimension, dictionary, catalog):
            org = catalog.table(name).org_column
            if org is None or dimension.key_column == org:
                continue
            query = (
                exp.select(exp.column(dimension.key_column).as_("key"), exp.column(org).as_("org"))
                .distinct()
                .from_(name)
                .limit(LIMIT * 10)
            )
            if dimension.values_where:
                query = query.where(sqlglot.parse_one(dimension.values_where, dialect="duckdb"))
            result = executor.execute(query, row_cap=LIMIT * 10, timeout_s=30)
            for key, unit in result.rows:
                out.setdefault((dimension.code, str(key)), set()).add(str(unit))
    return {k: frozenset(v) for k, v in out.items()}
