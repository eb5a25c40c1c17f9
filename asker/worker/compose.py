"""What a delivery says: an answer, a refusal notice, an alert or an anomaly finding, as one
``Message`` with a subject, plain text, HTML (mail) and markdown (group robots).

The table goes only to someone with the export right (``with_table``); anyone else gets the
headline number, what the answer is about and a link. No chart image: rendering one offline needs
vl-convert, which asker does not ship, so the message says to open asker for the chart.

>>> cell(0.0174, "percent"), cell(1234567.5, "amount"), cell(12, "count")
('1.74%', '1,234,567.50', '12')
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asker.types import Answer, json_value

MAX_ROWS = 50  # most rows a message shows; the rest are in asker


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    markdown: str

    def __post_init__(self) -> None:  # a title is typed by people: one line, no header breaks
        object.__setattr__(self, "subject", " ".join(self.subject.split())[:300])


def cell(value: Any, fmt: str = "number") -> str:
    value = json_value(value)
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if fmt == "percent":
        return f"{value * 100:.2f}%"
    if fmt == "amount":
        return f"{value:,.2f}"
    if isinstance(value, int) or fmt == "count":
        return f"{int(value):,}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _formats(answer: Answer) -> tuple[str, ...]:
    by_name = {c.name: c.format for c in answer.result_columns}
    return tuple(by_name.get(name, "number") for name in answer.columns)


def _labels(answer: Answer) -> tuple[str, ...]:
    by_name = {c.name: c.label for c in answer.result_columns}
    return tuple(by_name.get(name, name) for name in answer.columns)


def headline(answer: Answer) -> str | None:
    """The answer's one number, formatted, when it has one (a headline answer)."""
    shown = answer.presentation
    if shown is None or shown.kind != "headline" or not answer.rows:
        return None
    column = shown.value or answer.columns[0]
    index = answer.columns.index(column) if column in answer.columns else 0
    return cell(answer.rows[0][index], _formats(answer)[index])


def _link(public_url: str | None, saved_id: int) -> str:
    if public_url:
        return f"{public_url.rstrip('/')}/?saved={saved_id}"
    return f"在 asker 中打开收藏的问题 #{saved_id} / open saved question #{saved_id} in asker"


def _rows(answer: Answer) -> list[list[str]]:
    formats = _formats(answer)
    return [[cell(v, f) for v, f in zip(row, formats, strict=False)] for row in answer.rows]


def _html_table(labels: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(label)}</th>" for label in labels)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    return f'<table border="1" cellpadding="4"><tr>{head}</tr>{body}</table>'


def _md_table(labels: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(labels) + " |", "|" + "---|" * len(labels)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def answer_message(
    title: str,
    answer: Answer,
    *,
    saved_id: int,
    with_table: bool,
    public_url: str | None,
    data_date: dt.date,
) -> Message:
    """A subscription's answer; a refusal becomes a notice that carries no data."""
    as_of = answer.as_of or data_date
    if answer.status != "ok":
        return refusal_message(title, answer, as_of)
    lines = [answer.message]
    number = headline(answer)
    if number is not None:
        lines.append(f"{_labels(answer)[0]}：{number}")
    rows = _rows(answer)[:MAX_ROWS] if with_table and number is None else []
    if rows and answer.row_count > MAX_ROWS:
        lines.append(
            f"仅列出前 {MAX_ROWS} 行，共 {answer.row_count} 行 first {MAX_ROWS} rows shown"
        )
    for metric in answer.metrics:
        lines.append(f"口径 {metric.name}：{metric.definition}")
    lines += [f"· {item.label}" for item in (*answer.filters, *answer.masked_columns)]
    if not with_table and number is None:
        lines.append(f"明细请在 asker 中查看 details in asker：{_link(public_url, saved_id)}")
    lines.append("图表请在 asker 中查看 (chart: open asker; no chart image is rendered offline)")
    subject = f"[asker] {title} · 数据日期 data date {as_of.isoformat()}"
    text = "\n".join(lines)
    table_html = _html_table(_labels(answer), rows) if rows else ""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines[:1]) + table_html
    body += "".join(f"<p>{html.escape(line)}</p>" for line in lines[1:])
    table_md = [_md_table(_labels(answer), rows)] if rows else []
    markdown = "\n\n".join([f"**{subject}**", lines[0], *table_md, *lines[1:]])
    if rows:
        text += "\n\n" + "\n".join("\t".join(row) for row in [list(_labels(answer)), *rows])
    return Message(subject, text, f"<html><body>{body}</body></html>", markdown)


def notice(subject: str, lines: Sequence[str]) -> Message:
    """A message of plain lines (refusals, notices to owners, alerts, anomalies)."""
    text = "\n".join(lines)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    markdown = "\n\n".join([f"**{subject}**", *lines])
    return Message(subject, text, f"<html><body>{body}</body></html>", markdown)


def refusal_message(title: str, answer: Answer, as_of: dt.date) -> Message:
    return notice(
        f"[asker] 订阅未能发送 not sent：{title} · 数据日期 data date {as_of.isoformat()}",
        [
            "按您现在的权限重新提问后被拒绝，本次不含数据。"
            "Asked again with your rights as they are now, the question was refused; "
            "this message carries no data.",
            f"[{answer.code}] {answer.message}",
        ],
    )
