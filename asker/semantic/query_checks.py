"""What a MetricQuery must satisfy before it compiles: known metrics and dimensions (an unknown
name gets the closest valid names as suggestions), dimensions the metric allows, a comparison
with the start of the year only for balances, and a positive limit."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from asker.errors import NotAnswerable
from asker.semantic.model import Dictionary, Dimension, Metric
from asker.types import MetricQuery


def is_balance(metric: Metric, dictionary: Dictionary) -> bool:
    """A point-in-time metric (read on the period end) rather than a flow over the period."""
    if metric.measure is not None:
        return metric.measure.snapshot
    if metric.type == "migration":
        return False
    parts = [
        c for c in (metric.numerator, metric.denominator, *(i.code for i in metric.inputs)) if c
    ]
    return all(is_balance(dictionary.metric(c), dictionary) for c in parts)


def check_query(query: MetricQuery, dictionary: Dictionary, dims: Mapping[str, Dimension]) -> None:
    """Raise NotAnswerable naming the first problem of ``query`` and how to fix it."""
    if not query.metrics:
        raise NotAnswerable("UNKNOWN_METRIC", name="", suggestions="—")
    for code in query.metrics:
        if code not in dictionary.metric_codes:
            raise NotAnswerable(
                "UNKNOWN_METRIC",
                name=code,
                suggestions=_suggest(code, dictionary.metric_codes),
            )
    for code in (*query.dimensions, *(f.dimension for f in query.filters)):
        if code not in dims:
            raise NotAnswerable(
                "UNKNOWN_DIMENSION",
                name=code,
                suggestions=_suggest(code, tuple(dims)),
            )
        for metric_code in query.metrics:
            metric = dictionary.metric(metric_code)
            if code not in metric.dimensions:
                raise NotAnswerable(
                    "DIMENSION_NOT_ALLOWED",
                    dimension=dims[code].name,
                    metric=metric.name,
                    allowed="、".join(dims[d].name for d in metric.dimensions),
                )
    if query.compare == "ytd":
        for code in query.metrics:
            metric = dictionary.metric(code)
            if not is_balance(metric, dictionary):
                raise NotAnswerable("COMPARE_NOT_ALLOWED", metric=metric.name)
    if query.limit is not None and query.limit <= 0:
        raise NotAnswerable("INVALID_LIMIT", limit=query.limit)


def _suggest(name: str, options: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, options, n=3, cutoff=0.5)
    return ", ".join(close) if close else ", ".join(options[:5]) + ", ..."
