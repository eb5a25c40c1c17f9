"""Turn a query result, or an error, into the Answer people see (and the §7 JSON)."""

from __future__ import annotations

import datetime as dt

from asker.errors import AskerError
from asker.types import Answer, Language, QueryResult


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
    )


def from_result(
    question: str, language: Language, result: QueryResult, *, sql: str, as_of: dt.date | None
) -> Answer:
    """An ok Answer with the result's rows; says so when the row cap cut the result."""
    message = _row_message(result, language)
    return Answer(
        status="ok",
        question=question,
        language=language,
        message=message,
        sql=sql,
        columns=result.columns,
        rows=result.rows,
        truncated=result.truncated,
        as_of=as_of,
        elapsed_ms=result.elapsed_ms,
    )


def _row_message(result: QueryResult, language: Language) -> str:
    n = result.row_count
    if language == "zh":
        cut = f"（已达行数上限，仅显示前 {n} 行）" if result.truncated else ""
        return f"共 {n} 行{cut}"
    cut = f" (row cap reached: showing the first {n})" if result.truncated else ""
    return f"{n} row{'s' if n != 1 else ''}{cut}"
