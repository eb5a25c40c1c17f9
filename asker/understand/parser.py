"""Question → MetricQuery, deterministically (no LLM): the fast path, and the whole product when
no model is configured. It returns a confidence, the assumptions it made and the alternatives;
when it cannot map a question confidently it asks (``clarify``) or refuses (``NOT_ANSWERABLE``),
never presenting a guess as fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from asker.semantic.model import Dictionary
from asker.semantic.periods import month_end
from asker.semantic.query_checks import is_balance
from asker.types import Filter, Labelled, MetricQuery, Order, Period, Understanding
from asker.understand import leftovers
from asker.understand.collect import Parts, collect, metric_from_products
from asker.understand.followup import is_followup, merge
from asker.understand.language import detect_language
from asker.understand.lexicon import Lexicon
from asker.understand.matcher import find_terms
from asker.understand.org_mentions import org_mentions
from asker.understand.overlaps import split_metric_names, yield_time_to_metrics
from asker.understand.ranking import find_ranking
from asker.understand.timeexpr import TimeParse, TimeSpan, parse_time
from asker.understand.vocabulary import BANK_WIDE, DESTRUCTIVE, MEASURE_WORDS, VAGUE_WORDS
from asker.words import Segmenter

ORG_DIMENSIONS = ("branch", "subbranch")
POPULAR = ("deposit_balance", "loan_balance", "npl_ratio", "customer_count", "txn_amount")


@dataclass(frozen=True)
class Context:
    """What the parser reads besides the question."""

    dictionary: Dictionary
    lexicon: Lexicon
    data_date: date
    words: Segmenter = field(default_factory=leftovers.segmenter)


def _blocked(
    time_spans: tuple[TimeSpan, ...], ranking_spans: tuple[tuple[int, int], ...]
) -> set[int]:
    spans = [(s.start, s.end) for s in time_spans] + list(ranking_spans)
    return {i for start, end in spans for i in range(start, end)}


def parse(question: str, ctx: Context, previous: MetricQuery | None = None) -> Understanding:
    """The MetricQuery a question asks for, or a clarifying question, or a refusal.
    With ``previous`` (the conversation's last query) a follow-up is resolved against it."""
    language = detect_language(question)
    ranking = find_ranking(question)
    rank_blocked = _blocked((), ranking.spans)
    time = yield_time_to_metrics(
        question,
        parse_time(question, ctx.data_date),
        ctx.lexicon,
        rank_blocked,
        lambda text: parse_time(text, ctx.data_date),
    )
    blocked = _blocked(time.spans, ranking.spans)
    matches = find_terms(question, ctx.lexicon, blocked)
    matches = sorted(
        matches + split_metric_names(question, matches, ctx.lexicon, blocked), key=lambda m: m.start
    )
    parts = collect(question, matches, ctx.dictionary, ctx.lexicon, language)
    query = _query(parts, time, ranking.order, ranking.limit)
    followup = previous is not None and is_followup(question, query)
    inherited_period = followup and query.period is None
    if previous is not None and followup:
        query = merge(previous, query)
    if not query.metrics and (product_metric := metric_from_products(parts)):
        query = replace(query, metrics=(product_metric,))
    used = parts.spans + [(s.start, s.end) for s in time.spans] + list(ranking.spans)
    used += [m.span() for m in BANK_WIDE.finditer(question)]  # 总部, 本行: a scope, not noise
    ignore = MEASURE_WORDS if query.metrics else frozenset()
    base = Understanding(
        question=question,
        language=language,
        status="ok",
        unexplained=leftovers.unexplained(question, used, ctx.words, ignore),
        named_orgs=tuple(k for d in ORG_DIMENSIONS for k in parts.filters.get(d, [])),
        org_mentions=org_mentions(question, ctx.lexicon),
        bank_wide=bool(BANK_WIDE.search(question)),
        followup=followup,
    )
    if DESTRUCTIVE.search(question):
        return replace(base, status="refused", code="NOT_ANSWERABLE")
    if not query.metrics:
        return _without_metric(base, parts, time, ctx)
    if query.order and not query.dimensions:
        query = replace(query, dimensions=("branch",))
        parts.assumptions.append("按分行排名" if language == "zh" else "ranked by branch")
    if inherited_period:
        query = _whole_month_for_flows(query, parts, ctx, language == "zh")
    return _decide(base, query, parts, ctx)


def _whole_month_for_flows(query: MetricQuery, parts: Parts, ctx: Context, zh: bool) -> MetricQuery:
    """A follow-up that keeps a single day from a balance question ('上个月末' then '换成日均'):
    a flow or a daily average over that one day is not what anyone means, so it is read over
    that day's month, and the answer says so. A day named outright ('今天的交易笔数') stays."""
    period = query.period
    if period is None or period.start != period.end:
        return query
    if all(is_balance(ctx.dictionary.metric(m), ctx.dictionary) for m in query.metrics):
        return query
    month = Period(period.end.replace(day=1), min(month_end(period.end), ctx.data_date))
    parts.assumptions.append(
        f"{period.end.isoformat()} 是时点，期间类指标按该月（{month.start:%Y年%m月}）统计"
        if zh
        else f"{period.end.isoformat()} is a single day: flows are read over its month"
    )
    return replace(query, period=month)


def _decide(base: Understanding, query: MetricQuery, parts: Parts, ctx: Context) -> Understanding:
    if _not_allowed(query, ctx):
        return replace(base, status="refused", code="DIMENSION_NOT_ALLOWED", query=query)
    confidence = max(0.0, 1.0 - 0.25 * len(base.unexplained))
    if base.unexplained:
        return _partly_understood(base, query, parts, confidence)
    return replace(
        base,
        query=query,
        confidence=confidence,
        assumptions=tuple(parts.assumptions),
        choices=tuple(parts.choices),
    )


def _not_allowed(query: MetricQuery, ctx: Context) -> bool:
    wanted = {*query.dimensions, *(f.dimension for f in query.filters)}
    return any(not wanted <= set(ctx.dictionary.metric(m).dimensions) for m in query.metrics)


def _query(parts: Parts, time: TimeParse, order: Order | None, limit: int | None) -> MetricQuery:
    filters = tuple(Filter(dim, tuple(keys)) for dim, keys in parts.filters.items())
    period = time.period
    if period is not None and time.point_in_time:
        period = Period(period.end, period.end)
    return MetricQuery(
        metrics=tuple(parts.metrics),
        dimensions=tuple(parts.dimensions),
        filters=filters,
        period=period,
        grain=time.grain,
        compare=time.compare,
        order=order,
        limit=limit,
    )


def _without_metric(
    base: Understanding, parts: Parts, time: TimeParse, ctx: Context
) -> Understanding:
    """No metric named. Unknown words (利润, 天气) are refused, naming them; a question about the
    bank's data that is only vague (各分行的情况, 业绩, 报表) gets a choice of metrics."""
    vague = [w for w in base.unexplained if w.lower() in VAGUE_WORDS]
    unknown = [w for w in base.unexplained if w.lower() not in VAGUE_WORDS]
    about_data = bool(parts.dimensions or parts.filters or time.spans or vague or _vague_in(base))
    if unknown or not about_data:
        return replace(base, status="refused", code="NOT_ANSWERABLE", unexplained=tuple(unknown))
    choices = []
    for code in POPULAR:
        metric = ctx.dictionary.metric(code)
        if all(d in metric.dimensions for d in (*parts.dimensions, *parts.filters)):
            parts_for = Parts(metrics=[code], dimensions=parts.dimensions, filters=parts.filters)
            label = metric.name if base.language == "zh" else metric.name_en
            choices.append(Labelled(label, _query(parts_for, time, None, None)))
    return replace(
        base,
        status="clarify",
        code="CLARIFY_METRIC",
        choices=tuple(choices),
        confidence=0.3,
        unexplained=(),
    )


def _vague_in(base: Understanding) -> bool:
    """Vague words that are also fillers ('数据', '占比') still show the question is about data."""
    text = base.question.lower()
    return any(word in text for word in VAGUE_WORDS)


def _partly_understood(
    base: Understanding, query: MetricQuery, parts: Parts, confidence: float
) -> Understanding:
    """Some words were not understood: ask before answering only what was understood."""
    zh = base.language == "zh"
    words = ("、" if zh else ", ").join(base.unexplained)
    label = (
        f"忽略「{words}」，按已识别的指标回答"
        if zh
        else f"Ignore '{words}' and answer what was understood"
    )
    return replace(
        base,
        status="clarify",
        code="CLARIFY_TERMS",
        query=query,
        confidence=confidence,
        assumptions=tuple(parts.assumptions),
        choices=(Labelled(label, query), *parts.choices),
    )
