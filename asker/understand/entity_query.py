"""The parser's hook for entity questions and thresholds, in two calls around term matching:
``scan`` (before: the spans of thresholds and attribute words, so '手机号' is never read as the
channel 手机银行 and '至少' never as a ranking) and ``apply`` (after: the entity grain, the
attributes, and each threshold bound to the metric or attribute it follows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from asker.semantic.entities import Entities, load_entities
from asker.semantic.model import Dictionary, Metric
from asker.types import Language, MetricQuery, Threshold, ThresholdOp
from asker.understand.entities import EntityWords, change_direction, find_entity_words, frame_spans
from asker.understand.matcher import Match
from asker.understand.thresholds import FoundThreshold, find_thresholds

Span = tuple[int, int]
FLIP: dict[ThresholdOp, ThresholdOp] = {
    ">": "<",
    ">=": "<=",
    "<": ">",
    "<=": ">=",
    "between": "between",
}
CHANGE_GAP = re.compile(r"\s*(?:了|得|幅度|金额|by)?\s*", re.I)
ATTRIBUTE_GAP = 3  # characters between an attribute word and its comparison ('合同金额在')


@dataclass(frozen=True)
class Scan:
    text: str
    thresholds: tuple[FoundThreshold, ...]
    words: EntityWords

    def without_entity(self) -> Scan:
        """The same thresholds with no entity (its word turned out to be part of a term)."""
        return Scan(self.text, self.thresholds, EntityWords())

    @property
    def blocked(self) -> set[int]:
        spans = [(t.start, t.end) for t in self.thresholds] + list(self.words.attribute_spans)
        return {i for start, end in spans for i in range(start, end)}


def scan(question: str, blocked: set[int], entities: Entities | None = None) -> Scan:
    thresholds = tuple(
        t for t in find_thresholds(question) if not set(range(t.start, t.end)) & blocked
    )
    taken = blocked | {i for t in thresholds for i in range(t.start, t.end)}
    return Scan(
        question, thresholds, find_entity_words(question, entities or load_entities(), taken)
    )


def ranking_inside(scan_: Scan, spans: tuple[Span, ...]) -> bool:
    """A ranking word inside a threshold ('at least') is not a ranking."""
    inside = {i for t in scan_.thresholds for i in range(t.start, t.end)}
    return any(set(range(*s)) & inside for s in spans)


@dataclass(frozen=True)
class Applied:
    query: MetricQuery
    used: tuple[Span, ...]
    assumptions: tuple[str, ...]
    problem: str | None = None  # a threshold that cannot be honoured (THRESHOLD_INVALID)


def apply(
    question: str,
    query: MetricQuery,
    found: Scan,
    *,
    matches: list[Match],
    metric_spans: dict[str, Span],
    dictionary: Dictionary,
    language: Language,
) -> Applied:
    """The query with its entity grain and thresholds, the spans they explain, notes to show."""
    words, query = _entity_over_terms(found, query, matches, metric_spans)
    used: list[Span] = [(t.start, t.end) for t in found.thresholds]
    notes: list[str] = []
    if words.entity is not None:
        entity = load_entities().get(words.entity)
        used += [*words.entity_spans, *words.attribute_spans, *words.extra_spans]
        used += frame_spans(question)
        query = replace(query, entity=words.entity, attributes=words.attributes)
        if not query.metrics and entity.default_metric:
            query = replace(query, metrics=(entity.default_metric,))
        if words.order and not query.order:
            query = replace(query, order=words.order, limit=words.limit)
    if not query.metrics:
        return Applied(query, tuple(used), ())
    blocked = {i for m in matches for i in range(m.start, m.end)}
    direction = change_direction(question, blocked) if query.entity or query.dimensions else None
    thresholds, problem = _bind(
        found, query, words, metric_spans=metric_spans, dictionary=dictionary, direction=direction
    )
    if direction is not None:
        used.append(direction[1])
        if query.compare is None and not is_change(dictionary.metric(query.metrics[0])):
            query = replace(query, compare="mom")
            notes.append(
                "未指定比较基期，按环比（较上期末）比较"
                if language == "zh"
                else "No comparison base named: compared with the previous period (month on month)"
            )
    return Applied(replace(query, thresholds=thresholds), tuple(used), tuple(notes), problem)


def _entity_over_terms(
    found: Scan, query: MetricQuery, matches: list[Match], metric_spans: dict[str, Span]
) -> tuple[EntityWords, MetricQuery]:
    """'客户数', '客户经理' are terms of their own: an entity word inside a longer term is not
    one. A metric word that is the entity word itself ('customers' in 'top 20 customers by
    AUM', '贷款' in '最大的5笔贷款') is the entity only when the question ranks, thresholds or
    asks for attributes without another grouping, and another metric (or the entity's own
    balance) is what is listed: 'loans and deposits by branch' stays two metrics by branch."""
    words = found.words
    if words.entity is None:
        return words, query
    (start, end), *_ = words.entity_spans
    overlapping = [m for m in matches if m.start < end and start < m.end]
    if not overlapping:
        return words, query
    inside = all(start <= m.start and m.end <= end for m in overlapping)
    spanned = [c for c, s in metric_spans.items() if start <= s[0] and s[1] <= end]
    others = [c for c in query.metrics if c not in spanned]
    default = load_entities().get(words.entity).default_metric
    changes = change_direction(found.text, {i for m in matches for i in range(m.start, m.end)})
    asks_list = bool(
        query.order or found.thresholds or changes
    )  # attributes alone: 'loans by guarantee type'
    own_balance = set(spanned) <= {default}
    if not inside or not asks_list or query.dimensions or not (others or own_balance):
        return EntityWords(), query
    kept = tuple(c for c in query.metrics if c in others or c == default)
    return words, replace(query, metrics=kept or query.metrics)


def _bind(
    found: Scan,
    query: MetricQuery,
    words: EntityWords,
    *,
    metric_spans: dict[str, Span],
    dictionary: Dictionary,
    direction: tuple[str, Span] | None,
) -> tuple[tuple[Threshold, ...], str | None]:
    out: list[Threshold] = []
    change_part = "value" if is_change(dictionary.metric(query.metrics[0])) else "diff"
    from_direction = False
    for t in found.thresholds:
        attribute = _attribute_before(t, words)
        if attribute is not None:
            out.append(Threshold(attribute, t.op, t.value, t.high, on_attribute=True))
            continue
        code = _metric_for(t, query, metric_spans)
        percent_metric = dictionary.metric(code).format == "percent"
        value, high = t.value, t.high
        if percent_metric and t.unit in ("plain", "amount") and value >= 1:
            value, high = value / 100, (high / 100 if high is not None else None)  # 不良率超过2
        if direction is not None and _follows(question_gap(found, direction, t)):
            part = "growth" if t.unit == "percent" and not percent_metric else change_part
            out.append(
                _change_threshold(code, t, value=value, high=high, direction=direction, part=part)
            )
            from_direction = True
            continue
        if t.unit == "percent" and not percent_metric:
            return (), t.text  # '存款超过10%' with nothing to be 10% of
        out.append(Threshold(code, t.op, value, high))
    if direction is not None and not from_direction:
        out.append(Threshold(query.metrics[0], direction[0], 0.0, part=change_part))  # type: ignore[arg-type]
    return tuple(out), None


def question_gap(found: Scan, direction: tuple[str, Span], t: FoundThreshold) -> str | None:
    """The text between a change word and the threshold after it ('下降超过' → '')."""
    start = direction[1][1]
    return found.text[start : t.start] if start <= t.start else None


def _follows(gap: str | None) -> bool:
    """'下降超过10万', '减少了10万以上', 'fell by more than 1m': the amount is the change."""
    return gap is not None and bool(CHANGE_GAP.fullmatch(gap))


def _change_threshold(
    code: str,
    t: FoundThreshold,
    *,
    value: float,
    high: float | None,
    direction: tuple[str, Span] | None,
    part: str,
) -> Threshold:
    """'下降超过10万' → diff < -100000; '增长超过10%' → growth > 0.1."""
    if direction is not None and direction[0] == "<":
        if t.op == "between":
            return Threshold(code, "between", -(high or value), -value, part=part)  # type: ignore[arg-type]
        return Threshold(code, FLIP[t.op], -value, part=part)  # type: ignore[arg-type]
    return Threshold(code, t.op, value, high, part=part)  # type: ignore[arg-type]


def is_change(metric: Metric) -> bool:
    """A metric that is itself a change ('存款较年初增量'): '减少' is its sign, no new base."""
    return metric.type == "derived" and any(i.offset != "none" for i in metric.inputs)


def _attribute_before(t: FoundThreshold, words: EntityWords) -> str | None:
    if words.entity is None:
        return None
    for (start, end), code in zip(words.attribute_spans, words.attribute_at, strict=True):
        if 0 <= t.start - end <= ATTRIBUTE_GAP and start < t.start:
            return code
    return None


def _metric_for(t: FoundThreshold, query: MetricQuery, metric_spans: dict[str, Span]) -> str:
    """The metric written just before the comparison, else just after, else the first."""
    spans = {c: s for c, s in metric_spans.items() if c in query.metrics}
    before = [(s[1], c) for c, s in spans.items() if s[1] <= t.start]
    if before:
        return max(before)[1]
    after = [(s[0], c) for c, s in spans.items() if s[0] >= t.end]
    return min(after)[1] if after else query.metrics[0]
