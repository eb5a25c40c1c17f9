"""Execution accuracy: is a predicted result the gold result? Options, presets, one function.

Options (``CompareOptions``):

- ``row_order``: ``never`` (rows compared in any order), ``gold_orders`` (in order only when the
  gold's outermost query has ORDER BY — Spider's rule) or ``always``.
- ``bag``: True compares multisets (duplicate rows count); False compares sets (BIRD's
  ``set(pred) == set(gold)``).
- ``column_permutation``: True accepts the gold's columns in another order (Spider test-suite);
  matching is by values, never by column names (a model may name columns anything).
- ``rel_tol`` / ``abs_tol``: numbers are equal within this tolerance (0 = exact). Ints, floats
  and decimals compare as numbers when ``numbers_by_value`` (1 == 1.0 == Decimal('1.00')).
- ``null_rows``: ``keep`` or ``drop`` rows whose numbers are all NULL (a group the metric has no
  value for; tests/semantic/gold/README.md: a comparator should drop them). NULL equals NULL.
- ``limit_ties``: when the gold's outermost query has ORDER BY and LIMIT and rows tie at the
  cut, any choice among the tied rows is right (needs ``Gold.ties``).

Presets: ``bird_ex`` (set, any order, exact, no permutation), ``spider_testsuite`` (bag, order
when the gold orders, column permutation, exact) and ``asker`` (bag, order when the gold orders,
column permutation, relative tolerance 1e-6, NULL-only rows dropped, ties at LIMIT accepted).

>>> gold = Gold(columns=("n",), rows=((1,), (2,)))
>>> compare(("n",), ((2.0,), (1,)), gold, PRESETS["asker"]).equal
True
>>> compare(("n",), ((2,), (1,)), Gold(("n",), ((1,), (2,)), ordered=True), PRESETS["asker"]).reason
'row 1 differs'
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import permutations
from typing import Any, Literal

Row = tuple[Any, ...]
RowOrder = Literal["never", "gold_orders", "always"]


@dataclass(frozen=True)
class CompareOptions:
    row_order: RowOrder = "gold_orders"
    bag: bool = True
    column_permutation: bool = False
    rel_tol: float = 0.0
    abs_tol: float = 0.0
    numbers_by_value: bool = True
    null_rows: Literal["keep", "drop"] = "keep"
    limit_ties: bool = False


PRESETS: dict[str, CompareOptions] = {
    "bird_ex": CompareOptions(row_order="never", bag=False),
    "spider_testsuite": CompareOptions(row_order="gold_orders", column_permutation=True),
    "asker": CompareOptions(
        row_order="gold_orders",
        column_permutation=True,
        rel_tol=1e-6,
        abs_tol=1e-9,
        null_rows="drop",
        limit_ties=True,
    ),
}


@dataclass(frozen=True)
class Gold:
    """The gold result. ``ordered``: its outermost query has ORDER BY. ``ties``: when it also has
    LIMIT, every row of the un-limited gold that ties with the last kept row on the ORDER BY keys
    (those kept included), else empty."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    ordered: bool = False
    ties: tuple[Row, ...] = ()


@dataclass(frozen=True)
class Verdict:
    equal: bool
    reason: str = ""


def normal(value: Any, options: CompareOptions) -> Any:
    """A comparable value: numbers as floats (when by value), dates as ISO text."""
    if isinstance(value, bool):
        return value
    if options.numbers_by_value and isinstance(value, Decimal | int | float):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10] if type(value) is dt.date else value.isoformat()
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, Decimal | int | float) and not isinstance(value, bool)


def _same(a: Any, b: Any, options: CompareOptions) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=options.rel_tol, abs_tol=options.abs_tol)
    return bool(a == b) and type(a) is type(b) if not options.numbers_by_value else bool(a == b)


def _same_row(a: Row, b: Row, options: CompareOptions) -> bool:
    return len(a) == len(b) and all(_same(x, y, options) for x, y in zip(a, b, strict=True))


def _sort_key(row: Row) -> tuple[tuple[int, str], ...]:
    """Rows sort the same on both sides: None first, floats at 6 significant digits."""
    return tuple(
        (0, "") if v is None else (1, f"{v:.6g}") if isinstance(v, float) else (2, repr(v))
        for v in row
    )


def _prepared(rows: Sequence[Sequence[Any]], options: CompareOptions) -> list[Row]:
    out = [tuple(normal(v, options) for v in r) for r in rows]
    if options.null_rows == "drop":
        out = [r for r in out if not _only_null_numbers(r)]
    return out


def _only_null_numbers(row: Row) -> bool:
    """True when the row has a NULL and no number: a group the metric has no value for."""
    return any(v is None for v in row) and not any(_is_number(v) for v in row)


def _dedupe(rows: list[Row], options: CompareOptions) -> list[Row]:
    out: list[Row] = []
    for row in sorted(rows, key=_sort_key):
        if not out or not _same_row(out[-1], row, options):
            out.append(row)
    return out


def _rows_equal(got: list[Row], want: list[Row], ordered: bool, options: CompareOptions) -> str:
    """'' when equal, else why not."""
    if not options.bag:
        got, want = _dedupe(got, options), _dedupe(want, options)
    if len(got) != len(want):
        return f"{len(got)} rows, expected {len(want)}"
    if not ordered:
        got, want = sorted(got, key=_sort_key), sorted(want, key=_sort_key)
    for i, (a, b) in enumerate(zip(got, want, strict=True), 1):
        if not _same_row(a, b, options):
            return f"row {i} differs"
    return ""


def _column_orders(n: int, options: CompareOptions) -> Iterator[tuple[int, ...]]:
    if not options.column_permutation or n > 7:
        yield tuple(range(n))
        return
    yield from permutations(range(n))


def _with_ties(got: list[Row], gold: Gold, ordered: bool, options: CompareOptions) -> str:
    """Rows tied at the LIMIT cut are interchangeable: those before the tie must all be there;
    the others must come from the tied group."""
    ties = _prepared(gold.ties, options)
    want = _prepared(gold.rows, options)
    fixed = [r for r in want if not any(_same_row(r, t, options) for t in ties)]
    if len(got) != len(want):
        return f"{len(got)} rows, expected {len(want)}"
    head = got[: len(fixed)] if ordered else [r for r in got if _in(r, fixed, options)]
    if _rows_equal(head, fixed, ordered, options):
        return "rows before the tie at LIMIT differ"
    rest = got[len(fixed) :] if ordered else [r for r in got if not _in(r, fixed, options)]
    if not all(_in(r, ties, options) for r in rest):
        return "a row is neither in the gold nor tied at its LIMIT"
    return ""


def _in(row: Row, rows: list[Row], options: CompareOptions) -> bool:
    return any(_same_row(row, r, options) for r in rows)


def compare(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], gold: Gold, options: CompareOptions
) -> Verdict:
    """Whether the predicted result equals the gold under ``options``."""
    if len(columns) != len(gold.columns):
        return Verdict(False, f"{len(columns)} columns, expected {len(gold.columns)}")
    ordered = options.row_order == "always" or (options.row_order == "gold_orders" and gold.ordered)
    want = _prepared(gold.rows, options)
    reason = ""
    for order in _column_orders(len(columns), options):
        got = _prepared([tuple(r[i] for i in order) for r in rows], options)
        reason = _rows_equal(got, want, ordered, options)
        if reason and options.limit_ties and gold.ties:
            reason = _with_ties(got, gold, ordered, options)
        if not reason:
            return Verdict(True)
    return Verdict(False, reason)
