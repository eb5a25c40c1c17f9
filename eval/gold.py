"""Run a gold SQL statement ungated and describe its result for the comparator.

The gold runs on the warehouse as written (no gate: it is the truth the gated answer is held
to). When its outermost query has ORDER BY and LIMIT, it runs a second time without the LIMIT and
with the ORDER BY keys as extra columns, so rows tied at the cut are known.
"""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot import exp

from asker.warehouse.engine import Executor
from eval.compare import Gold

GOLD_ROW_CAP = 1_000_000
KEY_PREFIX = "__order_key_"


def outermost(tree: exp.Expr) -> exp.Expr:
    return tree


def run_gold(sql: str, executor: Executor, *, timeout_s: float, dialect: str = "duckdb") -> Gold:
    tree = sqlglot.parse_one(sql, dialect=dialect)
    result = executor.execute(tree, row_cap=GOLD_ROW_CAP, timeout_s=timeout_s)
    order = tree.args.get("order")
    ties: tuple[tuple[Any, ...], ...] = ()
    if order is not None and tree.args.get("limit") is not None and result.rows:
        ties = _tied_rows(tree, executor, len(result.rows), timeout_s)
    return Gold(columns=result.columns, rows=result.rows, ordered=order is not None, ties=ties)


def _dealiased(key: exp.Expr, aliased: dict[str, exp.Expr]) -> exp.Expr:
    if isinstance(key, exp.Column) and not key.table and key.name in aliased:
        return aliased[key.name]
    return key


def _tied_rows(
    tree: exp.Expr, executor: Executor, kept: int, timeout_s: float
) -> tuple[tuple[Any, ...], ...]:
    """Rows of the un-limited gold whose ORDER BY keys equal those of the last kept row."""
    if not isinstance(tree, exp.Select):
        return ()
    keyed = tree.copy()
    keyed.set("limit", None)
    aliased = {e.alias: e.this for e in keyed.expressions if isinstance(e, exp.Alias)}
    # An ORDER BY key naming an output column is that column's expression: not every engine
    # lets a select item refer to another one's alias (PostgreSQL does not).
    keys = [_dealiased(o.this, aliased).copy() for o in keyed.args["order"].expressions]
    width = len(keyed.expressions)
    for i, key in enumerate(keys):
        keyed.select(exp.alias_(key, f"{KEY_PREFIX}{i}"), copy=False)
    rows = executor.execute(keyed, row_cap=GOLD_ROW_CAP, timeout_s=timeout_s).rows
    if len(rows) <= kept:
        return ()
    cut = rows[kept - 1][width:]
    tied = [r[:width] for r in rows if r[width:] == cut]
    return tuple(tied) if len(tied) > 1 else ()
