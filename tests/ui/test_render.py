"""ui/render draws what the answer says: its presentation and its column roles, whatever the
columns are called (the names below follow no naming rule on purpose)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
import streamlit as st

from asker.types import Answer, MetricRef, Presentation, ResultColumn
from ui import figures, render

AMOUNT = ResultColumn("v", "存款余额", "measure", "amount", "deposit_balance")
PLACE = ResultColumn("where", "分行", "dimension", "text")
WHEN = ResultColumn("when", "月份", "time", "date")


def answer(
    columns: tuple[ResultColumn, ...], rows: tuple[tuple[Any, ...], ...], shape: Presentation
) -> Answer:
    return Answer(
        status="ok",
        question="q",
        language="zh",
        columns=tuple(c.name for c in columns),
        rows=rows,
        result_columns=columns,
        presentation=shape,
    )


def test_a_bar_puts_the_categories_on_the_axis_the_presentation_names() -> None:
    bars = answer(
        (PLACE, AMOUNT),
        (("成都分行", Decimal("123456789.5")), ("北京分行", Decimal("20000"))),
        Presentation("bar", x="where", value="v", rows_table=True),
    )
    chart = figures.chart(bars)
    assert chart is not None
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["field"] == "c0" and spec["encoding"]["x"]["field"] == "c1"
    assert spec["encoding"]["x"]["title"] == "存款余额"
    assert spec["encoding"]["y"]["sort"] is None  # the table's order


def test_a_line_runs_over_the_time_column_with_one_line_per_series() -> None:
    lines = answer(
        (WHEN, PLACE, AMOUNT),
        (("2026-08-01", "成都分行", 1), ("2026-09-01", "成都分行", 2)),
        Presentation("line", x="when", value="v", series="where", rows_table=True),
    )
    chart = figures.chart(lines)
    assert chart is not None
    spec = chart.to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["x"]["field"] == "c0" and spec["encoding"]["x"]["type"] == "temporal"
    assert spec["encoding"]["color"]["field"] == "c1"
    assert spec["encoding"]["color"]["title"] == "分行"  # a people-facing legend


@pytest.mark.parametrize("kind", ["headline", "table", "none"])
def test_only_bars_and_lines_are_charts(kind: str) -> None:
    rows = (("成都分行", 1), ("北京分行", 2))
    shape = Presentation(kind, x="where", value="v")  # type: ignore[arg-type]
    assert figures.chart(answer((PLACE, AMOUNT), rows, shape)) is None


def test_the_table_keeps_numbers_scaled_to_their_unit_under_the_labels() -> None:
    rate = ResultColumn("r", "不良贷款率", "measure", "percent", "npl_ratio")
    growth = ResultColumn("g", "存款余额 增长率", "growth", "percent", "deposit_balance")
    rows = (("成都分行", Decimal("123456789"), Decimal("0.0123"), 0.05),)
    shown, config = render.table_view(
        answer((PLACE, AMOUNT, rate, growth), rows, Presentation("table", rows_table=True))
    )
    assert list(shown.columns) == ["分行", "存款余额", "不良贷款率", "存款余额 增长率"]
    assert shown.iloc[0].tolist() == pytest.approx(["成都分行", 1.23456789, 1.23, 5.0])
    formats = {label: c["type_config"]["format"] for label, c in config.items()}
    assert formats == {"存款余额": "%,.2f亿", "不良贷款率": "%,.2f%%", "存款余额 增长率": "%,.2f%%"}


def test_a_headline_card_per_measure_with_the_difference_and_growth_as_its_delta(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cards: list[tuple[str, str, str | None]] = []
    colors: list[str] = []

    def card(label: str, value: str, delta: str | None = None, delta_color: str = "") -> None:
        cards.append((label, value, delta))
        colors.append(delta_color)

    monkeypatch.setattr(st, "metric", card)
    columns = (
        AMOUNT,
        ResultColumn("c", "存款余额 比较值", "comparison", "amount", "deposit_balance"),
        ResultColumn("d", "存款余额 变动", "difference", "amount", "deposit_balance"),
        ResultColumn("g", "存款余额 增长率", "growth", "percent", "deposit_balance"),
        ResultColumn("r", "不良贷款率", "measure", "percent", "npl_ratio"),
        ResultColumn("rd", "不良贷款率 变动", "difference", "percent", "npl_ratio"),
    )
    row = (Decimal("30000"), Decimal("20000"), Decimal("10000"), 0.5, 0.0123, -0.0013)
    shown = answer(columns, (row,), Presentation("headline", value="v"))
    refs = (
        MetricRef("deposit_balance", "存款余额", "d", 1, "元", "amount", higher_is_better=True),
        MetricRef("npl_ratio", "不良贷款率", "d", 1, "比例", "percent", higher_is_better=False),
    )
    render.headline(dataclasses.replace(shown, metrics=refs))
    assert cards == [
        ("存款余额", "3.00万", "+1.00万（+50.00%）"),
        ("不良贷款率", "1.23%", "-0.13 个百分点"),  # a ratio changes in percentage points
    ]
    assert colors == ["normal", "inverse"]  # a falling NPL ratio is good: green, by direction
