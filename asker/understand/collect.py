"""From term matches to the parts of a query: metrics, dimensions and filters, with the
assumptions made for ambiguous words and the alternatives to offer."""

from __future__ import annotations

from dataclasses import dataclass, field

from asker.semantic.model import Dictionary
from asker.types import Labelled, Language
from asker.understand.lexicon import Lexicon, Term
from asker.understand.matcher import Match
from asker.understand.vocabulary import PRODUCT_CATEGORY_METRIC

VALUE_PRIORITY = ("branch", "subbranch", "city", "cust_type", "product_type", "channel", "segment")
ADJACENT = 2  # characters between two words that still read as one phrase ("商机的转化率")


@dataclass
class Parts:
    metrics: list[str] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    choices: list[Labelled] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    metric_spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    text: str = ""
    from_ambiguous: set[str] = field(default_factory=set)


def value_term(match: Match) -> Term | None:
    values = [t for t in match.terms if t.kind == "value"]
    if not values:
        return None
    return min(
        values, key=lambda t: VALUE_PRIORITY.index(t.code) if t.code in VALUE_PRIORITY else 99
    )


def collect(
    text: str, matches: list[Match], dictionary: Dictionary, lexicon: Lexicon, language: Language
) -> Parts:
    parts = Parts(text=text)
    last_value: tuple[str, int] | None = None  # (dimension, end) of the last value matched
    for match in matches:
        parts.spans.append((match.start, match.end))
        kinds = {t.kind for t in match.terms}
        if "metric" in kinds:
            _add_metric(match, parts, dictionary, lexicon, language)
        elif "dimension" in kinds:
            code = next(t.code for t in match.terms if t.kind == "dimension")
            names_the_value = (
                last_value and last_value[0] == code and match.start - last_value[1] <= ADJACENT
            )
            if not names_the_value and code not in parts.dimensions:  # "手机银行渠道" is a filter
                parts.dimensions.append(code)
        elif (term := value_term(match)) is not None:
            keys = parts.filters.setdefault(term.code, [])
            if term.key not in keys:
                keys.append(term.key)
            parts.labels[(term.code, term.key)] = term.label
            last_value = (term.code, match.end)
    _drop_overridden_defaults(parts, lexicon)
    _drop_ratio_parts(parts, dictionary)
    return parts


def _add_metric(
    match: Match, parts: Parts, dictionary: Dictionary, lexicon: Lexicon, language: Language
) -> None:
    code = next(t.code for t in match.terms if t.kind == "metric")
    if code not in parts.metrics:
        parts.metrics.append(code)
        parts.metric_spans[code] = (match.start, match.end)
    amb = lexicon.ambiguous.get(match.text)
    if amb is None or not amb.alternatives:
        return
    parts.from_ambiguous.add(code)
    metric = dictionary.metric(code)
    name = metric.name if language == "zh" else metric.name_en
    parts.assumptions.append(
        f"「{amb.term}」按默认口径理解为{name}"
        if language == "zh"
        else f"'{amb.term}' is read as {name}, the documented default"
    )
    for alt in amb.alternatives:
        other = dictionary.metric(alt)
        label = f"改为{other.name}" if language == "zh" else f"Use {other.name_en} instead"
        parts.choices.append(Labelled(label, {"replace_metric": [code, alt]}))


def _drop_overridden_defaults(parts: Parts, lexicon: Lexicon) -> None:
    """'存款的日均' names the default (存款 → 余额) and its alternative: keep the explicit one.
    Only a default that came from the ambiguous word, in one phrase with the alternative, is
    dropped: '存款余额和存款日均' and '客户数和新增客户数' keep both."""
    for amb in lexicon.ambiguous.values():
        default = amb.default
        named = [a for a in amb.alternatives if a in parts.metrics]
        if default in parts.from_ambiguous and any(_same_phrase(parts, default, a) for a in named):
            parts.metrics.remove(default)
            parts.from_ambiguous.discard(default)
            parts.choices = [
                c for c in parts.choices if c.value.get("replace_metric", [None])[0] != default
            ]
            parts.assumptions = [a for a in parts.assumptions if amb.term not in a]


def _drop_ratio_parts(parts: Parts, dictionary: Dictionary) -> None:
    """'商机的转化率': 商机 is the ratio's own denominator written before it, not a metric."""
    for code in list(parts.metrics):
        metric = dictionary.metric(code)
        if metric.type != "ratio" or code not in parts.metric_spans:
            continue
        start = parts.metric_spans[code][0]
        for part in (metric.numerator, metric.denominator):
            span = parts.metric_spans.get(part or "")
            if part not in parts.metrics or span is None or span[1] > start:
                continue  # written after the ratio: '存贷比、贷款余额和存款余额' names three
            if _one_phrase(parts.text[span[1] : start]):
                parts.metrics.remove(part)


def _same_phrase(parts: Parts, one: str, other: str) -> bool:
    """Two metric words with nothing or only '的' between them, in either order."""
    a, b = parts.metric_spans.get(one), parts.metric_spans.get(other)
    if a is None or b is None:
        return True  # no span to tell by: keep the explicit one, as before
    first, second = sorted((a, b))
    return first[1] <= second[0] and _one_phrase(parts.text[first[1] : second[0]])


def _one_phrase(gap: str) -> bool:
    """Nothing or only '的' between two words: '商机的转化率' but not '贷款和存贷比'."""
    return gap.strip() in ("", "的", "之")


def metric_from_products(parts: Parts) -> str | None:
    """'大额存单余额', '普惠小微贷款余额': a product type named without a metric stands for the
    balance of its category, when every product named is of one category."""
    labels = [
        parts.labels.get(("product_type", k), k) for k in parts.filters.get("product_type", [])
    ]
    found = {
        code for label in labels for word, code in PRODUCT_CATEGORY_METRIC if label.endswith(word)
    }
    return found.pop() if len(found) == 1 else None
