"""What a "why did it change" query computes: the metric's parts per member of one dimension at
each of the two periods, and the same parts for the whole (so members the k-cell rule withheld
can be merged), each an ordinary MetricQuery compiled and gated like any other.

A ratio metric is read through its numerator and denominator (the rate/mix split needs both);
any other metric through its own value. The comparison is the query's ``compare`` shift of its
period (``mom``, the previous comparable period, by default) or the attribution's explicit
comparison period.
"""

from __future__ import annotations

import re
from dataclasses import replace

from asker.errors import NotAnswerable
from asker.semantic.compiler import Compiler
from asker.semantic.model import Dictionary, Metric
from asker.semantic.query_checks import is_balance
from asker.types import MetricQuery, Period

# The order dimensions are tried in when the question names none (what a bank's meeting asks
# first); the client manager and city dimensions are only split when named.
CANDIDATES = (
    "branch",
    "subbranch",
    "product_type",
    "segment",
    "cust_type",
    "industry",
    "five_class",
    "guarantee_type",
    "risk_level",
    "channel",
    "txn_type",
    "direction",
    "lead_source",
)
_DISTINCT_CUSTOMERS = re.compile(r"COUNT\s*\(\s*DISTINCT\s+cust_id", re.I)


def is_ratio(metric: Metric) -> bool:
    return metric.type == "ratio" and bool(metric.numerator and metric.denominator)


def parts(metric: Metric) -> tuple[str, ...]:
    """The metrics a split reads: numerator and denominator of a ratio, else the metric."""
    if is_ratio(metric):
        assert metric.numerator and metric.denominator
        return (metric.numerator, metric.denominator)
    return (metric.code,)


def periods_of(query: MetricQuery, compiler: Compiler) -> tuple[Period, Period]:
    """(comparison period, period): the period resolved against the data date, compared with
    the attribution's explicit period or the query's shift of it (``mom`` by default)."""
    period = compiler.resolve_period(replace(query, compare=None, attribution=None))
    given = query.attribution.compare_period if query.attribution else None
    compare = query.compare or "mom"
    metric = compiler.dictionary.metric(query.metrics[0])
    if compare == "ytd" and not is_balance(metric, compiler.dictionary):
        raise NotAnswerable("COMPARE_NOT_ALLOWED", metric=metric.name)
    base = given or compiler.shift(compare, period, query)
    return compiler.resolve_period(replace(query, period=base, attribution=None)), period


def grouped_query(query: MetricQuery, dictionary: Dictionary, period: Period) -> MetricQuery:
    """Per member: each part over one period (one query per period keeps each statement as
    small as any ordinary question's)."""
    metric = dictionary.metric(query.metrics[0])
    return MetricQuery(
        metrics=parts(metric),
        dimensions=query.dimensions[:1],
        filters=query.filters,
        period=period,
    )


def total_query(query: MetricQuery, dictionary: Dictionary, period: Period) -> MetricQuery:
    """The same parts for the whole scope (no dimension)."""
    return replace(grouped_query(query, dictionary, period), dimensions=())


def check_attributable(metric: Metric, dimension: str, dictionary: Dictionary) -> None:
    """Refuse a split whose members would not add up to the whole: a migration rate, or
    distinct customers over a dimension a customer can sit in several members of."""
    if metric.type == "migration":
        raise NotAnswerable(
            "ATTRIBUTION_NOT_SUPPORTED",
            metric=metric.name,
            dimension=dictionary.dimension(dimension).name,
            reason="迁徙率的分母随维度成员变化",
        )
    for code in parts(metric):
        measure = dictionary.metric(code).measure
        path = dictionary.dimension(dimension).path
        org_or_customer = bool(path) and path[0] in ("org", "customer")
        if measure and _DISTINCT_CUSTOMERS.search(measure.expr) and not org_or_customer:
            raise NotAnswerable(
                "ATTRIBUTION_NOT_SUPPORTED",
                metric=metric.name,
                dimension=dictionary.dimension(dimension).name,
                reason="同一客户可属于多个成员，按成员相加不等于总数",
            )


def candidate_dimensions(metric: Metric, dictionary: Dictionary) -> tuple[str, ...]:
    """The dimensions a split with none named is tried over, in order: those the metric (and
    each of its parts) allows and that add up exactly."""
    allowed = set(metric.dimensions)
    for code in parts(metric):
        allowed &= set(dictionary.metric(code).dimensions)
    out = []
    for dimension in CANDIDATES:
        if dimension not in allowed:
            continue
        try:
            check_attributable(metric, dimension, dictionary)
        except NotAnswerable:
            continue
        out.append(dimension)
    return tuple(out)
