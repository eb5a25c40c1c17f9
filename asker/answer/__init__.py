"""Turn a query result, or an error, into the Answer people see (and the §7 JSON): its rows, the
definitions it cites, what each column is and how the rows are shown."""

from __future__ import annotations

import datetime as dt

from asker.answer.columns import metric_columns, statement_columns
from asker.answer.parts import MetricAnswerParts, metric_refs
from asker.answer.presentation import metric_presentation, statement_presentation
from asker.errors import AskerError, kind_of
from asker.semantic.entities import load_entities
from asker.types import Answer, Language, Period, QueryResult

__all__ = [
    "MetricAnswerParts",
    "from_error",
    "from_metric_result",
    "from_result",
    "metric_columns",
    "metric_refs",
    "period_label",
    "summary",
]


def from_error(
    question: str, language: Language, error: AskerError, sql: str | None = None
) -> Answer:
    """A refused, clarify or error Answer carrying the error's code and its message."""
    return Answer(
        status=error.status,
        question=question,
        language=language,
        code=error.code,
        message=error.message(language),
        sql=sql,
        error_kind=kind_of(error),
        retry_after_s=_retry_after(error),
    )


def _retry_after(error: AskerError) -> int | None:
    seconds = error.params.get("retry_after")
    return seconds if isinstance(seconds, int) else None


def from_result(
    question: str, language: Language, result: QueryResult, *, sql: str, as_of: dt.date | None
) -> Answer:
    """An ok Answer with an SQL statement's rows, shown as a table; says so when the row cap
    cut the result."""
    message = _row_message(result, language) + suppressed_note(result, language)
    return Answer(
        status="ok",
        question=question,
        language=language,
        message=message,
        sql=sql,
        columns=result.columns,
        rows=result.rows,
        truncated=result.truncated,
        suppressed=result.suppressed,
        as_of=as_of,
        elapsed_ms=result.elapsed_ms,
        result_columns=statement_columns(result),
        presentation=statement_presentation(result.row_count),
    )


def _row_message(result: QueryResult, language: Language) -> str:
    n = result.row_count
    if language == "zh":
        cut = f"（已达行数上限，仅显示前 {n} 行）" if result.truncated else ""
        return f"共 {n} 行{cut}"
    cut = f" (row cap reached: showing the first {n})" if result.truncated else ""
    return f"{n} row{'s' if n != 1 else ''}{cut}"


def suppressed_note(result: QueryResult, language: Language) -> str:
    """Says how many cells were withheld because too few customers stand behind them."""
    if not result.suppressed:
        return ""
    n, label = len(result.suppressed), result.suppressed[0].label
    if language == "zh":
        return f"；{n} 个单元格涉及的客户数过少（{label}），已隐藏"
    return f"; {n} cell(s) withheld: too few customers behind them ({label})"


# --- metric answers -------------------------------------------------------------------------


def period_label(period: Period, language: Language) -> str:
    """'2026年9月' / 'Sep 2026', '2026年第3季度' / 'Q3 2026', or the dates."""
    start, end = period.start, period.end
    if start == end:
        return start.isoformat()
    whole_months = start.day == 1 and (end + dt.timedelta(days=1)).day == 1
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if whole_months and months == 1:
        return f"{start.year}年{start.month}月" if language == "zh" else start.strftime("%b %Y")
    if whole_months and months == 3 and start.month % 3 == 1:
        q = (start.month - 1) // 3 + 1
        return f"{start.year}年第{q}季度" if language == "zh" else f"Q{q} {start.year}"
    if whole_months and months == 12 and start.month == 1:
        return f"{start.year}年" if language == "zh" else str(start.year)
    sep = " 至 " if language == "zh" else " to "
    return f"{start.isoformat()}{sep}{end.isoformat()}"


def summary(parts: MetricAnswerParts, result: QueryResult) -> str:
    """One line saying what the numbers are: the metric, the period and the row count."""
    zh = parts.language == "zh"
    names = ("、" if zh else ", ").join(m.name if zh else m.name_en for m in parts.metrics)
    names += list_words(parts)
    label = period_label(parts.period, parts.language)
    if result.row_count == 0:
        return f"{label} {names}：无数据" if zh else f"{names}, {label}: no data"
    if result.row_count == 1 and len(result.columns) == len(parts.metrics):
        return f"{label} {names}" if zh else f"{names}, {label}"
    return (
        f"{label} {names}，共 {result.row_count} 行"
        if zh
        else f"{names}, {label}: {result.row_count} rows"
    )


def list_words(parts: MetricAnswerParts) -> str:
    """What rows a list holds, in words: '（按客户列出；存款余额 超过 100万）'."""
    zh = parts.language == "zh"
    said = [f.label for f in parts.filters if isinstance(f.value, dict) and "threshold" in f.value]
    if parts.query.entity:
        entity = load_entities().get(parts.query.entity)
        said.insert(0, f"按{entity.name}列出" if zh else f"per {entity.name_en}")
    if not said:
        return ""
    return f"（{'；'.join(said)}）" if zh else f" ({'; '.join(said)})"


def from_metric_result(parts: MetricAnswerParts, result: QueryResult) -> Answer:
    """An ok metric Answer: its rows, the definitions it cites, its columns and presentation."""
    return Answer(
        status="ok",
        question=parts.question,
        language=parts.language,
        message=summary(parts, result) + suppressed_note(result, parts.language),
        sql=parts.sql,
        columns=result.columns,
        rows=result.rows,
        truncated=result.truncated,
        suppressed=result.suppressed,
        as_of=parts.as_of,
        metrics=metric_refs(parts),
        filters=parts.filters,
        masked_columns=parts.masked,
        assumptions=parts.assumptions,
        choices=parts.choices,
        elapsed_ms=result.elapsed_ms,
        result_columns=metric_columns(parts, result.columns),
        presentation=metric_presentation(parts.query, len(result.columns), result.row_count),
    )
