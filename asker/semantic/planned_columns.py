"""The columns a compiled metric query returns, in order, each with what it holds: the bucket
(named by the grain), each dimension's display value (named by its code), then each metric (named
by its code; with a comparison also ``<code>_compare``, ``<code>_diff`` and ``<code>_growth``)."""

from __future__ import annotations

from dataclasses import dataclass

from asker.semantic.entities import load_entities
from asker.types import ColumnRole, MetricQuery

COMPARISON_COLUMNS: tuple[tuple[str, ColumnRole], ...] = (
    ("compare", "comparison"),
    ("diff", "difference"),
    ("growth", "growth"),
)


@dataclass(frozen=True)
class PlannedColumn:
    """A result column the compiled query returns: its name, its role and its metric, if any."""

    name: str
    role: ColumnRole
    metric: str | None = None


def planned_columns(query: MetricQuery) -> tuple[PlannedColumn, ...]:
    """The columns ``compile(query)`` returns, in order.

    >>> [c.name for c in planned_columns(MetricQuery(("npl_ratio",), ("branch",), compare="yoy"))]
    ['branch', 'npl_ratio', 'npl_ratio_compare', 'npl_ratio_diff', 'npl_ratio_growth']
    """
    columns = [PlannedColumn(query.grain, "time")] if query.grain else []
    columns += [PlannedColumn(d, "dimension") for d in query.dimensions]
    if query.entity:
        entity = load_entities().get(query.entity)
        columns += [PlannedColumn(c, "dimension") for c in entity.columns(query.attributes)]
    for code in query.metrics:
        columns.append(PlannedColumn(code, "measure", code))
        if query.compare:
            columns += [PlannedColumn(f"{code}_{s}", role, code) for s, role in COMPARISON_COLUMNS]
    return tuple(columns)
