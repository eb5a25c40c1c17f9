"""Negation and exclusion: "不含成都分行", "除了手机银行之外", "剔除对公客户", "excluding Beijing".
The values named right after the marker are kept out (``Filter(exclude=True)``: NOT IN in the
SQL, named in the answer's filters); the marker itself is a used word.

Values are resolved by ``resolve`` (a match → its (dimension, key)); today that is the
lexicon's value term, as for every other value; an org resolver over the whole tree can be
passed instead without touching this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from asker.types import Filter, MetricQuery
from asker.understand.collect import value_term
from asker.understand.matcher import Match

NEGATION = re.compile(
    r"不包含|不包括|不含|不算|除了|除去|除开|除|剔除|扣除|去掉|去除|排除|刨除|刨去"
    r"|\bexcluding\b|\bexcept(?:\s+for)?\b|\bexclude\b|\bwithout\b|\bother\s+than\b"
    r"|\bnot\s+including\b|\bapart\s+from\b|\bleaving\s+out\b",
    re.I,
)
# What may stand between two excluded values: "成都和重庆", "Beijing and Shanghai".
CONNECTOR = re.compile(r"^(?:\s|[、,，/]|和|与|及|以及|跟|或|或者|and|or)*$", re.I)

Resolver = Callable[[Match], "tuple[str, str] | None"]


def lexicon_value(match: Match) -> tuple[str, str] | None:
    """(dimension, key) of a value match, as the parser reads values today."""
    term = value_term(match)
    return (term.code, term.key) if term is not None else None


@dataclass(frozen=True)
class Exclusions:
    values: tuple[tuple[str, str], ...]  # (dimension, key) to keep out
    spans: tuple[tuple[int, int], ...]  # the negation words


def find_exclusions(
    text: str, matches: list[Match], resolve: Resolver = lexicon_value
) -> Exclusions:
    """The values each negation marker keeps out: the value matches right after it, joined only
    by connectors; the first other word ends the list.

    >>> from asker.understand.lexicon import Term
    >>> m = Match("成都分行", 2, 6, (Term("成都分行", "value", "branch", "B05", "成都分行"),))
    >>> find_exclusions("不含成都分行的存款", [m]).values
    (('branch', 'B05'),)
    """
    values: list[tuple[str, str]] = []
    spans: list[tuple[int, int]] = []
    for marker in NEGATION.finditer(text):
        named = _named_after(text, marker.end(), matches, resolve)
        if named:
            spans.append(marker.span())
            values += [v for v in named if v not in values]
    return Exclusions(tuple(values), tuple(spans))


def _named_after(
    text: str, start: int, matches: list[Match], resolve: Resolver
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    position = start
    for match in sorted(matches, key=lambda m: m.start):
        if match.start < position:
            continue
        if not CONNECTOR.match(text[position : match.start]):
            break
        value = resolve(match)
        if value is None:
            break
        out.append(value)
        position = match.end
    return out


def apply_exclusions(query: MetricQuery, found: Exclusions, matches: list[Match]) -> MetricQuery:
    """Excluded values become NOT IN filters; a dimension word written right after an excluded
    value ('不含成都分行的各分行') is a breakdown again, not the value's own name."""
    if not found.values:
        return query
    out: list[Filter] = []
    for f in query.filters:
        kept = tuple(v for v in f.values if (f.dimension, v) not in found.values)
        dropped = tuple(v for v in f.values if (f.dimension, v) in found.values)
        out += [Filter(f.dimension, kept)] if kept else []
        out += [Filter(f.dimension, dropped, exclude=True)] if dropped else []
    named = {t.code for m in matches for t in m.terms if t.kind == "dimension"}
    extra = tuple(d for d in dict.fromkeys(dim for dim, _ in found.values) if d in named)
    dimensions = query.dimensions + tuple(d for d in extra if d not in query.dimensions)
    return replace(query, filters=tuple(out), dimensions=dimensions)
