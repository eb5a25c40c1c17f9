"""Words that ask why a metric changed, and which members drove it: "本月存款为什么下降了",
"上季度不良率上升主要是哪个分行", "存款变化是哪些产品带来的", "what drove the change in AUM".

A why-word (为什么, 为何, 原因, why, what drove) or a driver word (主要是哪个, 贡献, 拉动, 带来,
drove, contributed) turns the question into an attribution: the change of its metric between
its period and the previous comparable one, split over the dimension it names (or the one that
explains most). The words of change around them (下降, 上升, 变化, fell) are part of the ask.

>>> find_attribution("本月存款为什么下降了").words
('为什么', '下降')
>>> find_attribution("各分行存款余额") is None
True
>>> find_attribution("which branches drove the increase in loans").words
('drove', 'increase')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from asker.semantic.periods import is_month_end
from asker.types import Attribution, MetricQuery, Period
from asker.understand.meaning_words import CHANGE

WHY = re.compile(
    r"为什么|为何|为啥|什么原因|啥原因|原因是什么|原因|怎么回事|归因|"
    r"\bwhy\b|\bwhat\s+(?:drove|drives|caused|is\s+behind|was\s+behind)\b|\bexplain\b|"
    r"\breasons?\s+for\b",
    re.I,
)
DRIVER = re.compile(
    r"主要是|主要来自|主要由|主要靠|主要在|贡献度|贡献|拉动|拉低|拉高|拉升|带来|导致|造成|驱动|拖累|"
    r"影响最大|归因于|源于|"
    r"\bdr(?:ove|iven|ivers?|ives)\b|\bcontribut(?:ed|es|ion|ions|ors?)\b|"
    r"\baccount(?:s|ed)?\s+for\b|\bbehind\b",
    re.I,
)

# Words of a move that only an attribution reads as a change ("explain the drop in AUM").
MOVES = re.compile(
    r"\b(?:drops?|dropped|rise|rises|fall|falls|declines?|jump(?:ed|s)?|surge[ds]?)\b|少了|多了",
    re.I,
)


@dataclass(frozen=True)
class AttributionAsk:
    words: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


def find_attribution(question: str) -> AttributionAsk | None:
    """The why/driver words of a question and its words of change, or None when it asks no
    why (a word of change alone is a comparison, not an attribution)."""
    asks = [m for pattern in (WHY, DRIVER) for m in pattern.finditer(question)]
    if not asks:
        return None
    changes = [*CHANGE.finditer(question), *MOVES.finditer(question)]
    found = sorted([*asks, *changes], key=lambda m: m.start())
    return AttributionAsk(tuple(m.group(0) for m in found), tuple(m.span() for m in found))


def attribution_query(query: MetricQuery) -> MetricQuery:
    """The question's query as an attribution: its first metric and dimension, its filters and
    period, compared with the previous comparable period unless it names a comparison (a month
    end read alone compares with the month end before); a top N keeps N members and sums the
    rest. Thresholds and ordering that words of change produced ('哪个分行上升') are dropped."""
    compare_period = None
    period, compare = query.period, query.compare
    one_month_end = period is not None and period.start == period.end and is_month_end(period.end)
    if period is not None and one_month_end and compare in (None, "mom"):
        day = _previous_month_end(period.end)
        compare_period = Period(day, day)
    if compare is None and period is not None and _year_to_date(period):
        compare = "yoy"  # 今年 so far: the same months of last year
    return replace(
        query,
        metrics=query.metrics[:1],
        dimensions=query.dimensions[:1],
        compare=compare or "mom",
        order=None,
        limit=None,
        thresholds=(),
        grain=None,
        entity=None,
        attributes=(),
        attribution=Attribution(compare_period=compare_period, top=query.limit),
    )


def _year_to_date(period: Period) -> bool:
    """A year cut short by the data date (今年 in September), not a whole year or quarter."""
    starts_year = (period.start.month, period.start.day) == (1, 1)
    return starts_year and period.end.year == period.start.year and period.end.month > 3


def _previous_month_end(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)
