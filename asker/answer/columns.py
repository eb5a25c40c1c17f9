"""What each result column is: its label for people, its role and its format.

Metric answers know their columns from the query that made them; the columns of an SQL statement
(``asker sql``, a verified example, the model's SQL) have no governed meaning and read by value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from asker.answer.parts import MetricAnswerParts
from asker.semantic.model import Metric
from asker.semantic.planned_columns import PlannedColumn, planned_columns
from asker.types import ColumnFormat, ColumnRole, QueryResult, ResultColumn

SUFFIXES: dict[ColumnRole, tuple[str, str]] = {
    "comparison": ("比较值", "comparison"),
    "difference": ("变动", "change"),
    "growth": ("增长率", "growth"),
}
TIME_LABELS = {
    "day": ("日期", "day"),
    "month": ("月份", "month"),
    "quarter": ("季度", "quarter"),
    "year": ("年度", "year"),
}


def metric_columns(parts: MetricAnswerParts, columns: tuple[str, ...]) -> tuple[ResultColumn, ...]:
    """People-facing names, roles and formats of a metric answer's columns: 支行 (dimension),
    存款余额 (measure, amount), 存款余额 增长率 (growth, percent), ..."""
    planned = {c.name: c for c in planned_columns(parts.query)}
    metrics = {m.code: m for m in parts.metrics}
    return tuple(
        _metric_column(parts, planned.get(name) or PlannedColumn(name, "other"), metrics)
        for name in columns
    )


def _metric_column(
    parts: MetricAnswerParts, column: PlannedColumn, metrics: dict[str, Metric]
) -> ResultColumn:
    pick = 0 if parts.language == "zh" else 1
    metric = metrics.get(column.metric or "")
    if metric is not None:
        name = metric.name if pick == 0 else metric.name_en
        label = f"{name} {SUFFIXES[column.role][pick]}" if column.role in SUFFIXES else name
        fmt: ColumnFormat = "percent" if column.role == "growth" else metric.format
        return ResultColumn(column.name, label, column.role, fmt, metric.code)
    if column.role == "time":
        label = TIME_LABELS.get(column.name, (column.name, column.name))[pick]
        return ResultColumn(column.name, label, "time", "date")
    names = parts.dimension_names or {}
    if column.role == "dimension" and column.name in names:
        return ResultColumn(column.name, names[column.name][pick], "dimension", "text")
    return ResultColumn(column.name, column.name, column.role, "text")


def statement_columns(result: QueryResult) -> tuple[ResultColumn, ...]:
    """An SQL result's columns under their own names, formatted by the values they hold."""
    return tuple(
        ResultColumn(name, name, "other", _value_format(result.rows, i))
        for i, name in enumerate(result.columns)
    )


def _value_format(rows: tuple[tuple[Any, ...], ...], index: int) -> ColumnFormat:
    first = next((row[index] for row in rows if row[index] is not None), None)
    if isinstance(first, bool) or first is None:
        return "text"
    if isinstance(first, int | float | Decimal):
        return "number"
    return "date" if isinstance(first, dt.date | dt.datetime | dt.time) else "text"
