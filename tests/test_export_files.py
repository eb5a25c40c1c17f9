"""Exported files as a banker opens them (read back with csv and openpyxl): people-facing
headers, numbers as numbers (Excel number formats; CSV plain numbers), and a header block (CSV)
or sheet (Excel) with the question, 口径 and version, period, comparison base, data date, scope
and masks, all in the answer's language."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from asker import api
from asker.config import Settings
from asker.pipeline.export import about
from asker.types import Answer, SuppressedCell
from tests import callers
from tests.helpers import copy_data_dir

COMPARED = "各支行存款余额较上月"
# the dictionary's names (metrics.yaml, dimensions), written here by hand
ZH_HEADER = ["支行", "存款余额", "存款余额 比较值", "存款余额 变动", "存款余额 增长率"]


@pytest.fixture(scope="module")
def settings(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=copy_data_dir(tiny_dir, tmp_path_factory.mktemp("x") / "data"))


def export(settings: Settings, user: str, question: str, fmt: str) -> api.ExportFile:
    shown = callers.ask(settings, user, question)
    assert shown.status == "ok", shown.message
    done = api.export(
        callers.runtime(settings),
        callers.who(settings, user),
        fmt=fmt,
        query=shown.plan,
        question=shown.question,
        language=shown.language,
    )
    assert done.data is not None, done.answer.message
    return done


def read_csv(data: bytes) -> tuple[dict[str, list[str]], list[str], list[list[str]]]:
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    blank = lines.index([])
    block: dict[str, list[str]] = {}
    for key, value in lines[1:blank]:
        block.setdefault(key.removeprefix("# "), []).append(value)
    return block, lines[blank + 1], lines[blank + 2 :]


def test_a_csv_carries_its_header_block_and_people_facing_headers(settings: Settings) -> None:
    block, header, rows = read_csv(export(settings, "li.na", COMPARED, "csv").data or b"")
    assert block["问题"] == [COMPARED]
    assert len(block["口径"]) == 1 and block["口径"][0].startswith("存款余额（版本 v")
    assert block["期间"] == ["2026年9月"] and block["比较基准"] == ["较 2026年8月"]
    assert block["数据日期"] == ["2026-09-30"]
    assert any("成都分行" in s for s in block["范围与筛选"]) and block["脱敏"] == ["无"]
    assert header == ZH_HEADER
    assert rows and all("万" not in cell and "," not in cell for r in rows for cell in r[1:])
    for _, value, compared, difference, growth in rows:  # plain numbers, consistent by hand
        assert float(difference) == pytest.approx(float(value) - float(compared))
        assert float(growth) == pytest.approx((float(value) - float(compared)) / float(compared))


def test_an_excel_file_has_typed_numbers_with_formats_and_an_about_sheet(
    settings: Settings,
) -> None:
    book = load_workbook(io.BytesIO(export(settings, "li.na", COMPARED, "xlsx").data or b""))
    assert book.sheetnames == ["数据", "说明"]
    data = book["数据"]
    assert "li.na" in str(data["A1"].value)
    assert [c.value for c in data[2]] == ZH_HEADER
    first = data[3]
    assert isinstance(first[0].value, str)
    assert all(isinstance(c.value, int | float) for c in first[1:])
    assert [c.number_format for c in first[1:]] == ["#,##0.00"] * 3 + ["0.00%"]
    about = {row[0]: row[1] for row in book["说明"].iter_rows(min_row=2, values_only=True)}
    assert about["比较基准"] == "较 2026年8月" and str(about["口径"]).startswith("存款余额")


def test_an_english_answer_exports_in_english(settings: Settings) -> None:
    block, header, _ = read_csv(
        export(settings, "li.na", "deposit balance by sub-branch last month", "csv").data or b""
    )
    assert header == ["sub-branch", "deposit balance"]
    assert {"Question", "Definition", "Period", "Data date", "Masked"} <= block.keys()
    assert block["Period"] == ["Aug 2026"] and block["Masked"] == ["none"]


def test_a_detail_export_names_its_masks(settings: Settings) -> None:
    done = api.export(
        callers.runtime(settings),
        callers.who(settings, "li.na"),
        statement="SELECT cust_id, cust_name, mobile FROM dim_customer ORDER BY cust_id",
    )
    block, _, rows = read_csv(done.data or b"")
    assert block["脱敏"] != ["无"] and rows and all(r[1].endswith("**") for r in rows)


def test_a_file_with_withheld_cells_says_so_in_its_header_block() -> None:
    """k-cell suppression leaves a cell empty (None); the header block says how many and why."""
    answer = Answer(
        status="ok",
        question="各支行不良贷款率",
        language="zh",
        columns=("subbranch", "npl_ratio"),
        rows=(("成都高新支行", None), ("成都锦江支行", 0.012)),
        suppressed=(SuppressedCell(0, "npl_ratio", "<5"),),
    )
    block = dict(about(answer))
    assert block["# 已隐藏"] == "1 个单元格涉及的客户数过少（<5），留空"
    assert "# Withheld" not in block
    english = dict(about(replace(answer, language="en")))
    assert english["# Withheld"] == "1 cell(s) left empty: too few customers behind them (<5)"
    assert "# 已隐藏" not in dict(about(replace(answer, suppressed=())))
