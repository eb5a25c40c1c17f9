"""Unknown content words go to retrieval before they go to a clarification.

When the parser could not place some words (``CLARIFY_TERMS``, or no metric at all in a question
about the bank's data), the permission-filtered index ranks the dictionary's metrics for the
question. One metric ranked clearly first (its fused score at least ``MARGIN`` times the
second's) is used, and the answer says so in ``assumptions``; otherwise the clarification offers
the top matches as runnable choices.

``MARGIN`` was calibrated on the tuned retrieval set (asker/retrieval/evaluation/tuned.yaml,
metric questions, hq_analyst): every question whose top metric led the second by 1.43× or more
had the right metric first (30 of 30); below it, wrong first hits occur up to 1.426×.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from asker.pipeline.turn import Services, Turn
from asker.types import Hit, Labelled, MetricQuery, Understanding

log = logging.getLogger(__name__)

MARGIN = 1.43
TOP = 3


def _metric_hits(turn: Turn, services: Services) -> list[Hit]:
    assert turn.principal is not None
    if services.retriever is None:
        return []
    try:
        hits = services.retriever.search(turn.question, turn.principal.role, TOP, ("metric",))
    except Exception as error:  # retrieval is a help here, never a must: any failure, ask
        log.warning("retrieval unavailable for unknown words (%s)", error)
        return []
    return [h for h in hits if h.key in services.dictionary.metric_codes]


def clear_first(hits: list[Hit]) -> str | None:
    """The metric ranked clearly first, or None.

    >>> h = lambda key, score: Hit(f"metric:{key}", "metric", key, "", score)
    >>> clear_first([h("a", 0.03), h("b", 0.02)]), clear_first([h("a", 0.03), h("b", 0.025)])
    ('a', None)
    """
    if not hits:
        return None
    if len(hits) == 1 or hits[0].score >= MARGIN * hits[1].score:
        return hits[0].key
    return None


def by_retrieval(found: Understanding, turn: Turn, services: Services) -> Understanding:
    """``found`` with its unknown words resolved by the index, or with its top matches offered."""
    query = found.query
    if query is None or found.out_of_domain:
        return found
    hits = _metric_hits(turn, services)
    best = clear_first(hits)
    if best is not None and (best in query.metrics or not query.metrics):
        return _use(found, query, best, services)
    offered = [h.key for h in hits if h.key not in query.metrics]
    if not offered or found.status != "clarify":
        return found
    return replace(found, choices=(*found.choices, *_choices(found, query, offered, services)))


def _use(found: Understanding, query: MetricQuery, code: str, services: Services) -> Understanding:
    metric = services.dictionary.metric(code)
    zh = found.language == "zh"
    words = ("、" if zh else ", ").join(found.unexplained)
    name = metric.name if zh else metric.name_en
    note = (
        f"「{words}」按检索最相近的指标理解为{name}"
        if zh
        else f"'{words}' read as {name}, the closest metric in the index"
    )
    metrics = query.metrics or (code,)
    return replace(
        found,
        status="ok",
        code=None,
        query=replace(query, metrics=metrics),
        assumptions=(*found.assumptions, note),
        choices=tuple(c for c in found.choices if not isinstance(c.value, MetricQuery)),
        unexplained=(),
        confidence=0.6,
    )


def _choices(
    found: Understanding, query: MetricQuery, codes: list[str], services: Services
) -> list[Labelled]:
    zh = found.language == "zh"
    out = []
    for code in codes:
        metric = services.dictionary.metric(code)
        picked = replace(query, metrics=(code,))
        out.append(Labelled(f"改为{metric.name}" if zh else f"Use {metric.name_en}", picked))
    return out
