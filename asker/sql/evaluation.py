"""The evaluation setting (``llm_evaluate_both``): a question the model answered through the
dictionary is also answered by the model's free SQL, and the two results are compared by their
numbers (layout and labels may differ). Disagreement is flagged, never hidden.

>>> same_numbers(((1, "a", 2.0),), (("x", 2, 1),))
True
>>> same_numbers(((1,),), ((1.5,),))
False
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

PATHS_DISAGREE = "llm_paths_disagree"  # the audit flag


def _numbers(rows: tuple[tuple[Any, ...], ...]) -> Counter[float]:
    return Counter(
        round(float(v), 2)
        for row in rows
        for v in row
        if isinstance(v, int | float | Decimal) and not isinstance(v, bool)
    )


def same_numbers(first: tuple[tuple[Any, ...], ...], second: tuple[tuple[Any, ...], ...]) -> bool:
    """Both results hold the same numbers (to the cent), whatever their columns."""
    return _numbers(first) == _numbers(second)
