"""How an answer's rows are shown, decided from what made them (the query's grain, dimensions and
comparison), not guessed from column names: a trend is a line, a breakdown a bar, one row a card
per metric, SQL rows a table."""

from __future__ import annotations

from asker.types import MetricQuery, Presentation

# A card stands for up to four columns of a metric (value, comparison, difference, growth); a row
# with more columns than its cards stand for is shown as a table as well.
CARD_COLUMNS = 4


def metric_presentation(query: MetricQuery, column_count: int, row_count: int) -> Presentation:
    """The presentation of a metric answer with ``row_count`` rows of ``column_count`` columns.

    >>> metric_presentation(MetricQuery(("deposit_balance",), ("branch",)), 2, 10)
    Presentation(kind='bar', x='branch', value='deposit_balance', series=None, rows_table=True)
    """
    value = query.metrics[0]
    if row_count == 0:
        return Presentation("none")
    if row_count == 1:
        extra = column_count > CARD_COLUMNS * len(query.metrics)
        return Presentation("headline", value=value, rows_table=extra)
    if query.grain:
        series = query.dimensions[0] if query.dimensions else None
        return Presentation("line", x=query.grain, value=value, series=series, rows_table=True)
    if query.dimensions:
        return Presentation("bar", x=query.dimensions[0], value=value, rows_table=True)
    return Presentation("table", rows_table=True)


def statement_presentation(row_count: int) -> Presentation:
    """SQL rows carry no governed meaning to chart: a table, or nothing when there are none."""
    return Presentation("table", rows_table=True) if row_count else Presentation("none")
