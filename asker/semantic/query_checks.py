"""What a MetricQuery must satisfy before it compiles: known metrics and dimensions (an unknown
name gets the closest valid names as suggestions), dimensions the metric allows, a comparison
with the start of the year only for balances, and a positive limit."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from asker.errors import NotAnswerable
from asker.semantic.entities import load_entities
from asker.semantic.model import Dictionary, Dimension, Metric
from asker.types import MetricQuery, Threshold


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
    _check_entity(query, dictionary)
    if query.limit is not None and query.limit <= 0:
        raise NotAnswerable("INVALID_LIMIT", limit=query.limit)


def _suggest(name: str, options: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, options, n=3, cutoff=0.5)
    return ", ".join(close) if close else ", ".join(options[:5]) + ", ..."


def _check_entity(query: MetricQuery, dictionary: Dictionary) -> None:
    """The entity grain is one every metric supports; thresholds name what the query computes."""
    known = load_entities()
    entity = known.get(query.entity) if query.entity in known.codes else None
    if query.entity is not None:
        for code in query.metrics:
            metric = dictionary.metric(code)
            if entity is None or query.entity not in metric.entities:
                names = [known.get(e).name for e in metric.entities]
                raise NotAnswerable(
                    "ENTITY_NOT_ALLOWED",
                    metric=metric.name,
                    entity=entity.name if entity else query.entity,
                    allowed="、".join(names) or "—",
                )
    attributes = {a.code for a in entity.attributes} | set(entity.shown) if entity else set()
    for attribute in query.attributes:
        if attribute not in attributes:
            raise NotAnswerable(
                "THRESHOLD_INVALID", threshold=attribute, reason="unknown attribute"
            )
    for t in query.thresholds:
        _check_threshold(t, query, attributes)


def _check_threshold(t: Threshold, query: MetricQuery, attributes: set[str]) -> None:
    label = f"{t.target} {t.op} {t.value}"
    if t.on_attribute and t.target not in attributes:
        raise NotAnswerable("THRESHOLD_INVALID", threshold=label, reason="unknown attribute")
    if not t.on_attribute and t.target not in query.metrics:
        raise NotAnswerable("THRESHOLD_INVALID", threshold=label, reason="metric not in the query")
    if t.part != "value" and query.compare is None:
        raise NotAnswerable("THRESHOLD_INVALID", threshold=label, reason="needs a comparison")
    if t.op == "between" and (t.high is None or t.high < t.value):
        raise NotAnswerable("THRESHOLD_INVALID", threshold=label, reason="empty range")
