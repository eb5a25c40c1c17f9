"""What a time rule is: a named regex, its kind, and what it resolves to."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from asker.understand.time_lexicon import Named

Resolver = Callable[[re.Match[str], date], Named | None]


@dataclass(frozen=True)
class Rule:
    kind: str  # "period" | "grain" | "compare" | "sply"
    pattern: re.Pattern[str]
    value: str | None = None  # the grain or compare a grain/compare rule stands for
    resolve: Resolver | None = None  # how a period rule turns its match into a period
    weak: bool = False  # weak grains (趋势) only count when no explicit grain is named
    # An exact date claims its text even when impossible (2025年2月29日), so that no weaker rule
    # reads a piece of it as February or as the year 2025; the caller then sees no period.
    claim: bool = False
