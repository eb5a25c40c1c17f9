"""How the command line prints an answer: text with the 口径, filters, masks and SQL, or the
§7 JSON object; the exit code follows the answer's status."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from asker.cli.app import Format, err, out, print_json
from asker.types import Answer, json_value


def emit(answer: Answer, fmt: Format) -> None:
    """Print the answer and exit with its status's code."""
    if fmt is Format.json:
        print_json(answer.to_json())
    else:
        _print_answer(answer)
    raise typer.Exit(_EXIT[answer.status])


_EXIT = {"ok": 0, "clarify": 0, "error": 1, "refused": 3}


def _print_answer(answer: Answer) -> None:
    zh = answer.language == "zh"
    if answer.status in ("refused", "error"):
        tag = {"refused": "拒绝 refused", "error": "错误 error"}[answer.status]
        err.print(f"[bold red]{tag}[/bold red] [{answer.code}] {answer.message}")
        return
    out.print(f"[bold]{answer.message}[/bold]")
    if answer.rows or answer.columns:
        table = Table(*answer.columns, show_lines=False)
        for row in answer.rows:
            table.add_row(*(_cell(v) for v in row))
        out.print(table)
    for metric in answer.metrics:
        head = "口径" if zh else "Definition"
        out.print(f"[dim]{head} · {metric.name} v{metric.version}：{metric.definition}[/dim]")
    for item in (*answer.filters, *answer.masked_columns):
        out.print(f"[dim]· {item.label}[/dim]")
    for note in answer.assumptions:
        out.print(f"[yellow]· {note}[/yellow]")
    for number, choice in enumerate(answer.choices, start=1):
        out.print(f"  [cyan]{number}. {choice.label}[/cyan]")
    if answer.sql and answer.status == "ok":
        out.print(f"[dim]SQL: {answer.sql}[/dim]")
    as_of = (
        (f" · 数据日期 {answer.as_of}" if zh else f" · data date {answer.as_of}")
        if answer.as_of
        else ""
    )
    out.print(f"[dim]{answer.elapsed_ms:.0f} ms{as_of}[/dim]")


def _cell(value: Any) -> str:
    value = json_value(value)
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
