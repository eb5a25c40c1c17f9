"""How answers look: numbers in 万/亿, the chart, cards and table the answer's presentation names,
and the one place that turns an error into what a person sees (``render_error``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import pandas as pd
import sqlglot
import streamlit as st

from asker.errors import AskerError
from asker.types import Answer, ResultColumn
from ui.numbers import SCALED, scale_for
from ui.text import lang


def render_error(error: AskerError | Answer) -> None:
    """Every refusal and error, in the user's language, with its code."""
    if isinstance(error, AskerError):
        code, message, status = error.code, error.message(lang()), error.status  # type: ignore[arg-type]
    else:
        code, message, status = error.code, error.message, error.status
    box = st.warning if status == "refused" else st.error
    box(f"{message}  \n`{code}`")


def pretty_sql(sql: str) -> str:
    """The statement laid out one clause a line (sqlglot's pretty printer); shown only when it
    parses back to the same statement, else the statement as it ran.

    >>> print(pretty_sql("SELECT a, SUM(b) AS s FROM t WHERE c = 1 GROUP BY a"))
    SELECT
      a,
      SUM(b) AS s
    FROM t
    WHERE
      c = 1
    GROUP BY
      a
    """
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
        pretty = tree.sql(dialect="duckdb", pretty=True)
        same = sqlglot.parse_one(pretty, read="duckdb") == tree
    except sqlglot.errors.SqlglotError:
        return sql
    return pretty if same else sql


def fmt_number(value: Any, unit_hint: str = "") -> str:
    """12345678.9 → '1,234.57万' (zh) or '12.35M' (en); ``percent`` fractions as percentages."""
    if value is None:
        return "—"
    number = float(value) if isinstance(value, Decimal | int | float) else None
    if number is None:
        return str(value)
    if unit_hint == "percent":
        return f"{number * 100:.2f}%"
    zh = lang() == "zh"
    for size, zh_unit in ((1e8, "亿"), (1e4, "万")):
        if abs(number) >= size and zh:
            return f"{number / size:,.2f}{zh_unit}"
    if not zh and abs(number) >= 1e6:
        return f"{number / 1e6:,.2f}M"
    return f"{number:,.2f}" if number != int(number) else f"{int(number):,}"


def frame(answer: Answer) -> pd.DataFrame:
    data = pd.DataFrame(
        [[float(v) if isinstance(v, Decimal) else v for v in row] for row in answer.rows],
        columns=list(answer.columns),
    )
    return data


def table_view(answer: Answer) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The rows under their labels and each metric column's display: the data stay numbers (so
    they sort as numbers), scaled to the column's 万/亿 or %, the unit in the display format."""
    data = frame(answer)
    config: dict[str, Any] = {}
    zh = answer.language == "zh"
    for column in answer.result_columns:
        if column.metric is None or column.name not in data.columns:
            continue
        if column.format not in SCALED:
            continue
        scale = scale_for(data[column.name], column.format, zh)
        data[column.name] = pd.to_numeric(data[column.name], errors="coerce") / scale.divisor
        config[column.label] = st.column_config.NumberColumn(column.label, format=scale.printf())
    return data.rename(columns={c.name: c.label for c in answer.result_columns}), config


def card_delta(answer: Answer, row: dict[str, Any], measure: ResultColumn) -> str | None:
    """A card's delta: an amount's difference with its growth rate; a ratio's difference in
    percentage points (个百分点), never as a growth percentage."""
    diff = answer.metric_column(measure.metric or "", "difference")
    if diff is None or row.get(diff.name) is None:
        return None
    zh = answer.language == "zh"
    if diff.format == "percent":
        points = float(row[diff.name]) * 100
        return f"{points:+.2f} 个百分点" if zh else f"{points:+.2f} pp"
    delta = fmt_number(row[diff.name], diff.format)
    delta = delta if delta.startswith("-") else f"+{delta}"
    growth = answer.metric_column(measure.metric or "", "growth")
    if growth is not None and row.get(growth.name) is not None:
        delta += f"（{float(row[growth.name]) * 100:+.2f}%）"
    return delta


def with_base(answer: Answer, delta: str | None) -> str | None:
    """A delta with what it is compared with, as the answer itself says it (its comparison)."""
    if delta is None or answer.comparison is None:
        return delta
    return f"{delta} {answer.comparison.label}"


def delta_color(answer: Answer, measure: ResultColumn) -> Literal["normal", "inverse", "off"]:
    """Green for the good direction of the metric: a rising NPL ratio is red; no direction, grey."""
    good = next((m.higher_is_better for m in answer.metrics if m.code == measure.metric), None)
    return "off" if good is None else "normal" if good else "inverse"


def headline(answer: Answer) -> None:
    """A single row as a card per metric, with the comparison as its delta."""
    if answer.presentation is None or answer.presentation.kind != "headline":
        return
    row = dict(zip(answer.columns, answer.rows[0], strict=False))
    for column in answer.result_columns:
        if column.role == "measure" and column.name in row:
            value = fmt_number(row[column.name], column.format)
            delta = with_base(answer, card_delta(answer, row, column))
            st.metric(column.label, value, delta=delta, delta_color=delta_color(answer, column))
