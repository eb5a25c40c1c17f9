"""Exports (ARCHITECTURE §6, 查导分离): querying and exporting are separate rights. An export
re-runs the answer's query through the gate (same scope and masks), is capped in rows, carries a
watermark (who exported it, when) and is audited by the caller.

>>> mark = Watermark("li.na", "李娜", dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC))
>>> mark.text.split(" · ")[:2]
['导出人 Exported by: 李娜 (li.na)', '2026-12-05 10:00 UTC+8']
>>> csv_bytes(("org_name",), (("成都分行",),), mark).decode("utf-8-sig").splitlines()[1:]
['org_name', '成都分行']
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, get_args

from asker.access.policy import Policy
from asker.clock import BANK_TIME
from asker.errors import AccessDenied, UserFacingError
from asker.types import Principal

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


def csv_bytes(
    columns: tuple[str, ...], rows: tuple[tuple[Any, ...], ...], mark: Watermark
) -> bytes:
    """UTF-8 with a BOM (Excel opens it in Chinese); the watermark is the first line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"# {mark.text}"])
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe_text(_cell(v)) for v in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(
    columns: tuple[str, ...], rows: tuple[tuple[Any, ...], ...], mark: Watermark
) -> bytes:
    """One sheet: the watermark in the first row and the header (also in the file's properties)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]  # ~0.2 s: only when exporting

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "asker"
    sheet.append([mark.text])
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_safe_text(_cell(v)) for v in row])
    sheet.oddHeader.center.text = mark.text
    book.properties.creator = mark.user_id
    book.properties.description = mark.text
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
