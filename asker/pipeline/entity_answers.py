"""What entity and threshold questions add to an answer: each threshold stated in ``filters``
(and so in the answer's words), and an aggregates-only role's refusal of a customer list with
the aggregate it may have as a one-click choice. The gate decides the refusal; this only words
it and offers the alternative.

>>> from asker.semantic.validate import load_seed_dictionary
>>> q = MetricQuery(("deposit_balance",), thresholds=(Threshold("deposit_balance", ">", 1e6),))
>>> threshold_filters(q, "zh", load_seed_dictionary())[0].label
'存款余额 超过 100万'
>>> threshold_filters(q, "en", load_seed_dictionary())[0].label
'deposit balance above 1,000,000'
"""

from __future__ import annotations

from dataclasses import replace

from asker import answer
from asker.errors import AccessDenied
from asker.pipeline.turn import Turn
from asker.semantic.entities import load_entities
from asker.semantic.model import Dictionary
from asker.types import Answer, Labelled, Language, MetricQuery, Threshold

OP_WORDS = {
    ">": ("超过", "above"),
    ">=": ("不低于", "at least"),
    "<": ("低于", "below"),
    "<=": ("不超过", "at most"),
}
PART_WORDS = {"diff": ("变动", "change in "), "growth": ("增长率", "growth of ")}


def _amount(value: float, percent: bool, zh: bool) -> str:
    if percent:
        return f"{value * 100:g}%"
    if zh and abs(value) >= 1e8:
        return f"{value / 1e8:g}亿"
    if zh and abs(value) >= 1e4:
        return f"{value / 1e4:g}万"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def threshold_label(
    t: Threshold, query: MetricQuery, language: Language, dictionary: Dictionary
) -> str:
    zh = language == "zh"
    if t.on_attribute:
        name, percent = t.target, t.target == "interest_rate"
    else:
        metric = dictionary.metric(t.target)
        name = metric.name if zh else metric.name_en
        percent = (metric.format == "percent" and t.part != "diff") or t.part == "growth"
        if t.part in PART_WORDS:
            zh_word, en_word = PART_WORDS[t.part]
            name = f"{name}{zh_word}" if zh else f"{en_word}{name}"
    low = _amount(t.value, percent, zh)
    if t.op == "between":
        high = _amount(t.high if t.high is not None else t.value, percent, zh)
        return f"{name} 介于 {low} 与 {high} 之间" if zh else f"{name} between {low} and {high}"
    word = OP_WORDS[t.op][0 if zh else 1]
    return f"{name} {word} {low}"


def threshold_filters(
    query: MetricQuery, language: Language, dictionary: Dictionary
) -> list[Labelled]:
    """One filter per threshold, labelled in the question's language."""
    return [
        Labelled(
            threshold_label(t, query, language, dictionary),
            {"threshold": {"target": t.target, "op": t.op, "value": t.value, "high": t.high,
                           "part": t.part, "on_attribute": t.on_attribute}},
        )
        for t in query.thresholds
    ]  # fmt: skip


def aggregate_alternative(query: MetricQuery) -> MetricQuery:
    """The same metrics without the entity rows: by branch (or by the query's own dimensions)."""
    return replace(
        query,
        entity=None,
        attributes=(),
        thresholds=tuple(t for t in query.thresholds if not t.on_attribute and t.part == "value")
        if query.dimensions
        else (),
        dimensions=query.dimensions or ("branch",),
    )


def detail_refusal(turn: Turn, dictionary: Dictionary) -> Answer:
    """The gate refused an aggregates-only role's entity list (its ids, its PII columns or its
    grain): DETAIL_NOT_ALLOWED, with the aggregate the role may see as a choice."""
    assert turn.query is not None and turn.query.entity is not None
    assert turn.principal is not None
    zh = turn.language == "zh"
    entity = load_entities().get(turn.query.entity)
    names = ("、" if zh else ", ").join(
        dictionary.metric(m).name if zh else dictionary.metric(m).name_en
        for m in turn.query.metrics
    )
    label = (
        f"改为查看各分行的{names}（汇总，不列{entity.name}明细）"
        if zh
        else f"Show {names} by branch instead (aggregated, no {entity.name_en} rows)"
    )
    construct = f"按{entity.name}列出" if zh else f"one row per {entity.name_en}"
    error = AccessDenied("DETAIL_NOT_ALLOWED", role=turn.principal.role, construct=construct)
    refused = answer.from_error(turn.question, turn.language, error)
    return replace(refused, choices=(Labelled(label, aggregate_alternative(turn.query)),))
