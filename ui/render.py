"""How answers look: numbers in 万/亿, one chart chosen by result shape, and the one place that
turns an error into what a person sees (``render_error``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from asker.errors import AskerError
from asker.types import Answer
from ui.text import lang

TIME_COLUMNS = ("day", "month", "quarter", "year")


def render_error(error: AskerError | Answer) -> None:
    """Every refusal and error, in the user's language, with its code."""
    if isinstance(error, AskerError):
        code, message, status = error.code, error.message(lang()), error.status  # type: ignore[arg-type]
    else:
        code, message, status = error.code, error.message, error.status
    box = st.warning if status == "refused" else st.error
    box(f"{message}  \n`{code}`")


def fmt_number(value: Any, unit_hint: str = "") -> str:
    """12345678.9 → '1,234.57万' (zh) or '12.35M' (en); ratios as percentages."""
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


def metric_format(answer: Answer, code: str) -> str:
    """'percent' for ratio metrics (fractions in the data, percentages on screen)."""
    return next((m.format for m in answer.metrics if m.code == code), "")


def frame(answer: Answer) -> pd.DataFrame:
    data = pd.DataFrame(
        [[float(v) if isinstance(v, Decimal) else v for v in row] for row in answer.rows],
        columns=list(answer.columns),
    )
    return data


def chart(answer: Answer) -> alt.Chart | None:
    """Trend → line, by org or category → bar; single values get no chart (a metric card)."""
    if answer.row_count < 2 or not answer.metrics:
        return None
    data = frame(answer)
    value = answer.metrics[0].code
    if value not in data.columns:
        return None
    time_column = next((c for c in TIME_COLUMNS if c in data.columns), None)
    dims = [
        c
        for c in data.columns
        if c not in TIME_COLUMNS and not c.startswith(tuple(m.code for m in answer.metrics))
    ]
    if time_column:
        color = {"color": alt.Color(f"{dims[0]}:N")} if dims else {}
        return (
            alt.Chart(data)
            .mark_line(point=True)
            .encode(
                x=alt.X(f"{time_column}:T", title=None),
                y=alt.Y(f"{value}:Q", title=answer.metrics[0].name),
                tooltip=list(data.columns),
                **color,
            )
        )
    if dims:
        return (
            alt.Chart(data)
            .mark_bar()
            .encode(
                x=alt.X(f"{value}:Q", title=answer.metrics[0].name),
                y=alt.Y(f"{dims[0]}:N", sort="-x", title=None),
                tooltip=list(data.columns),
            )
        )
    return None


def headline(answer: Answer) -> None:
    """A single value as a metric card, with the comparison as its delta."""
    if answer.row_count != 1 or not answer.metrics:
        return
    row = dict(zip(answer.columns, answer.rows[0], strict=False))
    for metric in answer.metrics:
        code = metric.code
        if code not in row:
            continue
        unit = "percent" if metric_format(answer, code) == "percent" else ""
        delta = None
        if f"{code}_diff" in row and row[f"{code}_diff"] is not None:
            growth = row.get(f"{code}_growth")
            delta = fmt_number(row[f"{code}_diff"], unit)
            if growth is not None and not unit:
                delta += f"（{float(growth) * 100:+.2f}%）"
        st.metric(metric.name, fmt_number(row[code], unit), delta=delta)
