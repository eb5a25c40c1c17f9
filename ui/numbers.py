"""A bank's number conventions, one scale per column: amounts in 万/亿 (Chinese) or K/M/B
(English), ratios as %, the same scale on the table, the chart's axis and its tooltip.

The data stay numbers (so a table sorts 726.80万 below 1,279.23万); only the display is scaled.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Any

from asker.types import ColumnFormat

SCALED: frozenset[ColumnFormat] = frozenset({"amount", "count", "number", "percent"})
ZH_UNITS = ((1e8, "亿"), (1e4, "万"))
EN_UNITS = ((1e9, "B"), (1e6, "M"), (1e3, "K"))


@dataclass(frozen=True)
class Scale:
    """Shown value = value / ``divisor`` with ``decimals`` digits and ``suffix`` after it.

    >>> Scale(1e4, "万", 2).text(12_792_300)
    '1,279.23万'
    """

    divisor: float
    suffix: str
    decimals: int

    def text(self, value: Any) -> str:
        if value is None:
            return "—"
        return f"{float(value) / self.divisor:,.{self.decimals}f}{self.suffix}"

    def printf(self) -> str:
        """The table's display format (Streamlit NumberColumn, sprintf-js)."""
        return f"%,.{self.decimals}f{self.suffix.replace('%', '%%')}"

    def label_expr(self) -> str:
        """The chart axis's label expression (Vega), the same text as ``text``."""
        return f"format(datum.value / {self.divisor!r}, ',.{self.decimals}~f') + '{self.suffix}'"


def scale_for(values: Iterable[Any], fmt: ColumnFormat, zh: bool) -> Scale:
    """One scale for a column: the unit its typical (median) value reads best in.

    >>> scale_for([123_456_789, 20_000], "amount", True)
    Scale(divisor=10000.0, suffix='万', decimals=2)
    >>> scale_for([0.0123], "percent", True)
    Scale(divisor=0.01, suffix='%', decimals=2)
    """
    if fmt == "percent":
        return Scale(0.01, "%", 2)
    numbers = [abs(float(v)) for v in values if _is_number(v)]
    typical = median(numbers) if numbers else 0.0
    for size, unit in ZH_UNITS if zh else EN_UNITS:
        if typical >= size:
            return Scale(size, unit, 2)
    whole = all(float(n).is_integer() for n in numbers)
    return Scale(1.0, "", 0 if fmt == "count" or whole else 2)


def _is_number(value: Any) -> bool:
    number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    return number and not math.isnan(value)  # NaN (a suppressed or missing cell) has no size
