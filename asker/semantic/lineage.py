"""Lineage: the warehouse tables and columns a metric reads, parsed from its compiled SQL.

>>> from datetime import date
>>> from asker.semantic.validate import load_seed_dictionary
>>> from asker.warehouse.catalog import load_catalog
>>> from asker.semantic.compiler import Compiler
>>> c = Compiler(load_seed_dictionary(), load_catalog(), date(2026, 9, 30))
>>> metric_lineage(c, "npl_ratio")
{'fact_loan_balance_monthly': ('balance', 'five_class', 'month_end')}
"""

from __future__ import annotations

from collections import defaultdict

from sqlglot import exp
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope

from asker.semantic.compiler import Compiler
from asker.semantic.validate import catalog_schema
from asker.types import MetricQuery
from asker.warehouse.catalog import Catalog


def tables_and_columns(tree: exp.Expr, catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Physical table -> sorted columns read anywhere in ``tree`` (CTEs and subqueries too)."""
    qualified = qualify(
        tree.copy(),
        schema=catalog_schema(catalog),
        dialect="duckdb",
        validate_qualify_columns=False,
        quote_identifiers=False,
    )
    found: dict[str, set[str]] = defaultdict(set)
    for scope in traverse_scope(qualified):
        for column in scope.columns:
            source = scope.sources.get(column.table)
            if isinstance(source, exp.Table):
                found[source.name].add(column.name)
        for source in scope.sources.values():
            if isinstance(source, exp.Table):
                found.setdefault(source.name, set())
    return {table: tuple(sorted(cols)) for table, cols in sorted(found.items())}


def metric_lineage(compiler: Compiler, code: str) -> dict[str, tuple[str, ...]]:
    """What ``code`` reads in its plain form (default period, no dimensions)."""
    compiled = compiler.compile(MetricQuery(metrics=(code,)))
    return tables_and_columns(compiled.tree, compiler.catalog)
