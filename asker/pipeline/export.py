"""Exports (ARCHITECTURE §6, 查导分离): querying and exporting are separate rights. An export
re-runs the answer's query through the gate (same scope and masks), is capped in rows, carries a
watermark (who exported it, when) and is audited by the caller.

>>> mark = Watermark("li.na", "李娜", dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC))
>>> mark.text.split(" · ")[:2]
['导出人 Exported by: 李娜 (li.na)', '2026-12-05 10:00 UTC+8']
>>> found = Answer("ok", "各分行名称", "zh", columns=("org_name",), rows=(("成都分行",),))
>>> csv_bytes(found, mark).decode("utf-8-sig").splitlines()[-3:]
['', 'org_name', '成都分行']
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, get_args

from asker.access.policy import Policy
from asker.answer import period_label
from asker.clock import BANK_TIME
from asker.errors import AccessDenied, UserFacingError
from asker.types import Answer, Principal

ExportFormat = Literal["csv", "xlsx"]
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Watermark:
    user_id: str
    display_name: str
    at: dt.datetime

    @property
    def text(self) -> str:
        when = self.at.astimezone(BANK_TIME).strftime("%Y-%m-%d %H:%M")
        who = f"{self.display_name} ({self.user_id})" if self.display_name else self.user_id
        return (
            f"导出人 Exported by: {who} · {when} UTC+8 · 内部资料 注意保密 Internal, confidential"
        )


def check_export_right(principal: Principal, policy: Policy) -> None:
    """EXPORT_NOT_ALLOWED unless the role has the export right (and may read data at all)."""
    role = policy.role(principal.role)
    if not (role.export and role.data_access):
        raise AccessDenied("EXPORT_NOT_ALLOWED", role=principal.role)


def check_format(fmt: str) -> ExportFormat:
    if fmt not in get_args(ExportFormat):
        raise UserFacingError("EXPORT_FORMAT_UNKNOWN", format=fmt[:20])
    return fmt  # type: ignore[return-value]


def export_row_cap(principal: Principal, policy: Policy, setting: int) -> int:
    """The smaller of the export setting and the role's row cap."""
    return min(setting, policy.role(principal.role).row_cap)


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _safe_text(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def headers(answer: Answer) -> list[str]:
    """The columns under the names people read (支行, 存款余额 增长率); a column the answer does
    not describe keeps its own name."""
    labels = {c.name: c.label for c in answer.result_columns}
    return [labels.get(name, name) for name in answer.columns]


_ABOUT = {
    "question": ("问题", "Question"),
    "definition": ("口径", "Definition"),
    "version": ("版本", "version"),
    "period": ("期间", "Period"),
    "comparison": ("比较基准", "Compared with"),
    "as_of": ("数据日期", "Data date"),
    "scope": ("范围与筛选", "Scope and filters"),
    "masks": ("脱敏", "Masked"),
    "withheld": ("已隐藏", "Withheld"),
    "rows": ("行数", "Rows"),
    "none": ("无", "none"),
    "truncated": ("（已达导出行数上限）", " (export row cap reached)"),
}


def about(answer: Answer) -> list[tuple[str, str]]:
    """What the file holds, in the answer's language: the question, each 口径 and its version,
    the period and comparison base, the data date, the scope and filters, the masks and the
    cells withheld for too few customers."""
    pick = 0 if answer.language == "zh" else 1

    def word(key: str) -> str:
        return _ABOUT[key][pick]

    none = word("none")
    lines = [(word("question"), answer.question)]
    for metric in answer.metrics:
        version = f"{word('version')} v{metric.version}" if metric.version else ""
        lines.append((word("definition"), f"{metric.name}（{version}）：{metric.definition}"))
    if not answer.metrics:
        lines.append((word("definition"), none))
    period = answer.plan.period if answer.plan is not None else None
    lines.append((word("period"), period_label(period, answer.language) if period else none))
    if answer.comparison is not None:
        lines.append((word("comparison"), answer.comparison.label))
    lines.append((word("as_of"), answer.as_of.isoformat() if answer.as_of else none))
    scope = (
        "；".join(f.label for f in answer.filters)
        if pick == 0
        else "; ".join(f.label for f in answer.filters)
    )
    lines.append((word("scope"), scope or none))
    masks = ("、" if pick == 0 else ", ").join(m.label for m in answer.masked_columns)
    lines.append((word("masks"), masks or none))
    if answer.suppressed:  # k-cell suppression: the cells are empty in the file, and said so here
        n, label = len(answer.suppressed), answer.suppressed[0].label
        lines.append(
            (
                word("withheld"),
                f"{n} 个单元格涉及的客户数过少（{label}），留空"
                if pick == 0
                else f"{n} cell(s) left empty: too few customers behind them ({label})",
            )
        )
    lines.append(
        (word("rows"), f"{answer.row_count}{word('truncated') if answer.truncated else ''}")
    )
    return [(f"# {key}", _safe_text(value)) for key, value in lines]


def csv_bytes(answer: Answer, mark: Watermark) -> bytes:
    """UTF-8 with a BOM (Excel opens it in Chinese): the watermark, a header block of ``# key,
    value`` lines (``about``), an empty line, then the people-facing header and the rows with
    numbers as plain numbers (no 万/亿, no thousands separators)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"# {mark.text}"])
    writer.writerows(about(answer))
    writer.writerow([])
    writer.writerow(headers(answer))
    for row in answer.rows:
        writer.writerow([_safe_text(_cell(v)) for v in row])
    return out.getvalue().encode("utf-8-sig")


NUMBER_FORMATS = {"amount": "#,##0.00", "count": "#,##0", "percent": "0.00%", "number": "#,##0.00"}


def xlsx_bytes(answer: Answer, mark: Watermark) -> bytes:
    """Two sheets: the data (the watermark in the first row, the people-facing header, numbers
    as numbers with Excel number formats: amounts #,##0.00, counts #,##0, ratios 0.00%) and
    "说明" / "About" (``about``); the watermark also in the page header and file properties."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # ~0.2 s: only when exporting

    zh = answer.language == "zh"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "数据" if zh else "Data"
    sheet.append([mark.text])
    sheet.append(headers(answer))
    formats = {c.name: NUMBER_FORMATS.get(c.format) for c in answer.result_columns}
    column_formats = [formats.get(name) for name in answer.columns]
    for row in answer.rows:
        sheet.append([_safe_text(_cell(v)) for v in row])
        for cell, number_format in zip(sheet[sheet.max_row], column_formats, strict=False):
            if number_format and isinstance(cell.value, int | float):
                cell.number_format = number_format
    sheet.freeze_panes = "A3"
    sheet.oddHeader.center.text = mark.text
    notes = book.create_sheet("说明" if zh else "About")
    notes.append([mark.text])
    for key, value in about(answer):
        notes.append([key.removeprefix("# "), value])
    book.properties.creator = mark.user_id
    book.properties.description = mark.text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
