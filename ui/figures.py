"""The answer's chart in the answer's language and the bank's conventions: amounts in 万/亿 on the
axis and in the tooltip, ratios as %, Chinese month names for a Chinese answer, people-facing
titles and legends, the table's order, readable ticks.

Vega-Lite's number and time locale is embedded in the chart's own config (nothing downloads); the
time labels are written as expressions so they read the same whatever the browser's locale.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd

from asker.types import Answer, ResultColumn
from ui.numbers import Scale, scale_for

ZH_LOCALE: dict[str, Any] = {
    "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["¥", ""]},
    "time": {
        "dateTime": "%Y年%-m月%-d日 %A %X",
        "date": "%Y/%-m/%-d",
        "time": "%H:%M:%S",
        "periods": ["上午", "下午"],
        "days": ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
        "shortDays": ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
        "months": [f"{m}月" for m in range(1, 13)],
        "shortMonths": [f"{m}月" for m in range(1, 13)],
    },
}
# Vega expressions (month() counts from 0) and the same text in Python for the tooltip.
TIME_EXPR = {
    ("month", True): "year(datum.value) + '年' + (month(datum.value) + 1) + '月'",
    ("quarter", True): "year(datum.value) + '年Q' + quarter(datum.value)",
    ("year", True): "year(datum.value) + '年'",
    ("day", True): "(month(datum.value) + 1) + '月' + date(datum.value) + '日'",
    ("month", False): "timeFormat(datum.value, '%b %Y')",
    ("quarter", False): "'Q' + quarter(datum.value) + ' ' + year(datum.value)",
    ("year", False): "'' + year(datum.value)",
    ("day", False): "timeFormat(datum.value, '%b %-d')",
}
MAX_TICKS = 8


def time_text(value: Any, grain: str, zh: bool) -> str:
    """'2026年9月' / 'Sep 2026' for a month bucket; the tooltip's text of a time value."""
    day = pd.Timestamp(value)
    quarter = (day.month - 1) // 3 + 1
    if zh:
        return {
            "quarter": f"{day.year}年Q{quarter}",
            "year": f"{day.year}年",
            "day": f"{day.year}年{day.month}月{day.day}日",
        }.get(grain, f"{day.year}年{day.month}月")
    return {
        "quarter": f"Q{quarter} {day.year}",
        "year": str(day.year),
        "day": day.strftime("%b %-d, %Y"),
    }.get(grain, day.strftime("%b %Y"))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return pd.Timestamp(value) if isinstance(value, dt.date) else value


class ChartData:
    """The rows under safe field names (c0, c1, ...) with a text twin (t0, ...) for tooltips."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.zh = answer.language == "zh"
        self.index = {name: i for i, name in enumerate(answer.columns)}
        self.frame = pd.DataFrame(
            [[_plain(v) for v in row] for row in answer.rows],
            columns=[f"c{i}" for i in range(len(answer.columns))],
        )

    def column(self, name: str) -> ResultColumn:
        found = next((c for c in self.answer.result_columns if c.name == name), None)
        return found or ResultColumn(name, name, "other", "text")

    def field(self, name: str) -> str:
        return f"c{self.index[name]}"

    def scale(self, name: str) -> Scale:
        values = [row[self.index[name]] for row in self.answer.rows]
        return scale_for(values, self.column(name).format, self.zh)

    def tooltip(self, names: list[str], grain: str | None) -> list[alt.Tooltip]:
        tips = []
        for name in names:
            i, column = self.index[name], self.column(name)
            values = self.frame[f"c{i}"]
            if name == grain:
                texts = [time_text(v, grain, self.zh) for v in values]
            elif column.format in ("amount", "count", "number", "percent"):
                scale = self.scale(name)
                texts = [scale.text(v) if pd.notna(v) else "—" for v in values]
            else:
                texts = ["—" if v is None else str(v) for v in values]
            self.frame[f"t{i}"] = texts
            tips.append(alt.Tooltip(f"t{i}:N", title=column.label))
        return tips


def chart(answer: Answer) -> alt.Chart | alt.LayerChart | None:
    """The chart the answer's presentation names: a line over time or bars across categories."""
    shape = answer.presentation
    if shape is None or shape.kind not in ("line", "bar") or not (shape.x and shape.value):
        return None
    if shape.x not in answer.columns or shape.value not in answer.columns:
        return None
    data = ChartData(answer)
    if shape.kind == "line":
        figure = _line(data, shape.x, shape.value, shape.series)
    elif answer.attribution is not None:
        figure = _diverging(data, shape.x, shape.value)
    else:
        figure = _bar(data, shape.x, shape.value)
    return figure.configure(locale=ZH_LOCALE) if data.zh else figure


def _value_axis(data: ChartData, value: str) -> alt.Axis:
    return alt.Axis(labelExpr=data.scale(value).label_expr(), tickCount=6, labelOverlap=True)


def _line(data: ChartData, x: str, value: str, series: str | None) -> alt.Chart:
    names = [x, *([series] if series else []), value]
    tips = data.tooltip(names, grain=x)
    points = data.frame[data.field(x)].nunique()
    step = max(1, math.ceil(points / MAX_TICKS))
    grain = x if x in ("day", "month", "quarter", "year") else "month"
    interval = {"quarter": "month", "day": "day"}.get(grain, grain)
    axis = alt.Axis(
        labelExpr=TIME_EXPR[(grain, data.zh)],
        tickCount={"interval": interval, "step": step * (3 if grain == "quarter" else 1)},
        labelOverlap=True,
        labelAngle=0,
    )
    encoding: dict[str, Any] = {
        "x": alt.X(f"{data.field(x)}:T", title=None, axis=axis),
        "y": alt.Y(
            f"{data.field(value)}:Q", title=data.column(value).label, axis=_value_axis(data, value)
        ),
        "tooltip": tips,
    }
    if series:
        encoding["color"] = alt.Color(
            f"{data.field(series)}:N", title=data.column(series).label, sort=None
        )
    return alt.Chart(data.frame).mark_line(point=True).encode(**encoding)


def _bar(data: ChartData, x: str, value: str) -> alt.Chart:
    tips = data.tooltip([x, value], grain=None)
    rows = len(data.frame)
    return (
        alt.Chart(data.frame)
        .mark_bar()
        .encode(
            x=alt.X(
                f"{data.field(value)}:Q",
                title=data.column(value).label,
                axis=_value_axis(data, value),
            ),
            y=alt.Y(f"{data.field(x)}:N", sort=None, title=None, axis=alt.Axis(labelLimit=160)),
            tooltip=tips,
        )
        .properties(height=max(120, 26 * rows))
    )


def _diverging(data: ChartData, x: str, value: str) -> alt.Chart:
    """A change split over members: bars left of zero fell, right of zero rose."""
    field = data.field(value)
    return _bar(data, x, value).encode(
        color=alt.condition(f"datum['{field}'] >= 0", alt.value("#2e7d32"), alt.value("#c62828"))
    )
