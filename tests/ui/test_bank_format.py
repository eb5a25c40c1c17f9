"""Charts and tables in the answer's language and the bank's conventions: 万/亿 and % on axes,
tooltips and table cells, Chinese month names, people-facing titles, the table's order, numbers
that stay numbers (so they sort as numbers)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from asker.types import Answer, Language, Presentation, ResultColumn
from tests.ui.test_app import APP, TIMEOUT, ask, login
from ui import figures
from ui.numbers import Scale, scale_for

AMOUNT = ResultColumn("bal", "存款余额", "measure", "amount", "deposit_balance")
RATE = ResultColumn("npl", "不良贷款率", "measure", "percent", "npl_ratio")
PLACE = ResultColumn("subbranch", "支行", "dimension", "text")
WHEN = ResultColumn("month", "月份", "time", "date")


def answer(
    columns: tuple[ResultColumn, ...],
    rows: tuple[tuple[Any, ...], ...],
    shape: Presentation,
    language: Language = "zh",
) -> Answer:
    return Answer(
        status="ok",
        question="q",
        language=language,
        columns=tuple(c.name for c in columns),
        rows=rows,
        result_columns=columns,
        presentation=shape,
    )


BARS = ((PLACE, AMOUNT), (("B05S02", Decimal("7268000")), ("B05S01", Decimal("12792300"))))


def test_a_column_reads_in_one_unit_chosen_by_its_typical_value() -> None:
    assert scale_for([Decimal("7268000"), Decimal("12792300")], "amount", True).text(
        Decimal("7268000")
    ) == ("726.80万")
    assert scale_for([3e8, 5e8], "amount", True).text(3e8) == "3.00亿"
    assert scale_for([3e8, 5e8], "amount", False).text(3e8) == "300.00M"
    assert scale_for([0.0123], "percent", True).text(0.0123) == "1.23%"
    assert scale_for([12, 40], "count", True).text(12) == "12"
    assert Scale(1e4, "万", 2).printf() == "%,.2f万"


def test_a_bar_chart_reads_wan_on_its_axis_and_tooltip_in_the_tables_order() -> None:
    chart = figures.chart(answer(*BARS, Presentation("bar", x="subbranch", value="bal")))
    assert chart is not None
    spec = chart.to_dict()
    x, y = spec["encoding"]["x"], spec["encoding"]["y"]
    assert "'万'" in x["axis"]["labelExpr"] and "10000.0" in x["axis"]["labelExpr"]
    assert y["sort"] is None and y["title"] is None and x["title"] == "存款余额"
    rows = next(iter(spec["datasets"].values()))
    assert [r["c0"] for r in rows] == ["B05S02", "B05S01"]
    assert [r["t1"] for r in rows] == ["726.80万", "1,279.23万"]
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["支行", "存款余额"]
    assert "subbranch" not in json.dumps(spec, ensure_ascii=False)  # no code names anywhere


def test_a_ratio_trend_reads_percent_and_chinese_months_with_the_chinese_locale() -> None:
    rows = tuple((dt.date(2026, m, 1), Decimal(f"0.01{m:02d}")) for m in range(1, 10))
    chart = figures.chart(answer((WHEN, RATE), rows, Presentation("line", x="month", value="npl")))
    assert chart is not None
    spec = chart.to_dict()
    assert "'%'" in spec["encoding"]["y"]["axis"]["labelExpr"]
    assert "'年'" in spec["encoding"]["x"]["axis"]["labelExpr"]
    assert "'月'" in spec["encoding"]["x"]["axis"]["labelExpr"]
    assert spec["config"]["locale"]["time"]["months"][8] == "9月"
    data = next(iter(spec["datasets"].values()))
    assert data[8]["t0"] == "2026年9月" and data[8]["t1"] == "1.09%"


def test_an_english_answer_reads_english_units_and_months_without_the_chinese_locale() -> None:
    rows = ((dt.date(2026, 9, 1), Decimal("300000000")), (dt.date(2026, 8, 1), Decimal("2e8")))
    chart = figures.chart(
        answer((WHEN, AMOUNT), rows, Presentation("line", x="month", value="bal"), "en")
    )
    assert chart is not None
    spec = chart.to_dict()
    assert "'M'" in spec["encoding"]["y"]["axis"]["labelExpr"]
    assert "%b %Y" in spec["encoding"]["x"]["axis"]["labelExpr"]
    assert "locale" not in spec.get("config", {})
    assert next(iter(spec["datasets"].values()))[0]["t0"] == "Sep 2026"


@pytest.fixture
def app(tiny_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ASKER_DATA_DIR", str(tiny_dir))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


def test_the_chat_table_holds_numbers_shown_in_wan_or_yi(app: AppTest) -> None:
    ask(login(app, "zhang.wei"), "各分行上个月末存款余额")
    assert not app.exception
    grid = app.dataframe[0]
    values = grid.value.iloc[:, 1]
    assert values.dtype.kind == "f"  # numbers, so the grid sorts them as numbers
    config = json.loads(grid.proto.columns)
    fmt = next(iter(config.values()))["type_config"]["format"]
    assert fmt in ("%,.2f万", "%,.2f亿")
    charts = app.get("arrow_vega_lite_chart") + app.get("vega_lite_chart")
    assert len(charts) == 1, [e.type for e in app.main]
    chart = json.loads(charts[0].proto.spec)
    assert fmt[-1] in chart["encoding"]["x"]["axis"]["labelExpr"]
    assert chart["config"]["locale"]["number"]["thousands"] == ","
