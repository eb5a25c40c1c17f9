"""The gate's suppression marker read off a result: a last column named ``SUPPRESSED_PREFIX`` +
k whose value per row lists the (0-based) columns the gate nulled out because fewer than k
entities stand behind them. The marker column is removed; the cells are listed instead.

>>> cells = split_suppressed(
...     QueryResult(("org", "n", "__asker_suppressed_lt_5"), (("B01", None, "1,"), ("B02", 9, "")))
... )
>>> cells.columns, cells.rows
(('org', 'n'), (('B01', None), ('B02', 9)))
>>> cells.suppressed
(SuppressedCell(row=0, column='n', label='<5'),)
"""

from __future__ import annotations

from dataclasses import replace

from asker.types import SUPPRESSED_PREFIX, QueryResult, SuppressedCell


def split_suppressed(result: QueryResult) -> QueryResult:
    """``result`` without the gate's marker column, its suppressed cells listed."""
    if not result.columns or not result.columns[-1].startswith(SUPPRESSED_PREFIX):
        return result
    label = "<" + result.columns[-1].removeprefix(SUPPRESSED_PREFIX)
    columns = result.columns[:-1]
    cells: list[SuppressedCell] = []
    for number, row in enumerate(result.rows):
        marker = row[-1]
        for index in filter(None, str(marker or "").split(",")):
            cells.append(SuppressedCell(number, columns[int(index)], label))
    return replace(
        result,
        columns=columns,
        rows=tuple(row[:-1] for row in result.rows),
        column_types=result.column_types[:-1],
        suppressed=tuple(cells),
    )
