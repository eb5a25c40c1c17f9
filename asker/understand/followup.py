"""Follow-ups: "按支行拆开", "换成上个月", "那对公的呢", "只看成都", "和去年比呢", "换成日均".

A follow-up keeps everything the previous question asked and changes what it names: metrics,
dimensions, the period, a comparison, or filters (per dimension).
"""

from __future__ import annotations

from dataclasses import replace

from asker.types import MetricQuery
from asker.understand.vocabulary import FOLLOWUP


def is_followup(question: str, draft: MetricQuery) -> bool:
    """Names something (a metric, dimension, filter, period or comparison) and either no metric
    or words of a follow-up ("那…呢", "换成…", "只看…"). "明天会下雨吗" names nothing: not one."""
    names_something = bool(
        draft.metrics
        or draft.dimensions
        or draft.filters
        or draft.period
        or draft.grain
        or draft.compare
        or draft.order
    )
    return names_something and (not draft.metrics or bool(FOLLOWUP.search(question.strip())))


def merge(previous: MetricQuery, draft: MetricQuery) -> MetricQuery:
    """The previous query with what the follow-up names put in its place."""
    filters = {f.dimension: f for f in previous.filters}
    filters.update({f.dimension: f for f in draft.filters})
    new_period = draft.period is not None
    return replace(
        previous,
        metrics=draft.metrics or previous.metrics,
        dimensions=draft.dimensions or previous.dimensions,
        filters=tuple(filters.values()),
        period=draft.period if new_period else previous.period,
        grain=draft.grain or previous.grain,
        compare=draft.compare or previous.compare,
        order=draft.order or previous.order,
        limit=draft.limit or previous.limit,
    )
