"""The words asker understands, built from the published dictionary and the warehouse's values.

Metric terms (names, synonyms, abbreviations, colloquial aliases), dimension terms ("各分行",
"by branch"), dimension values ("成都" → 成都分行, "手机银行", "对公", "代发客群") and the
ambiguous words whose documented default is used and the alternative offered (存款, 不良, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from asker.semantic.model import Dictionary
from asker.understand.vocabulary import (
    CITY_SHORT_NAMES,
    CITY_SHORT_NAMES_WITH_SUFFIX,
    ORG_SUFFIXES,
    VALUE_ALIASES,
)


@dataclass(frozen=True)
class Term:
    """One word that means something: a metric, a dimension, or a value of a dimension."""

    text: str
    kind: str  # "metric" | "dimension" | "value"
    code: str  # metric code, dimension code, or the dimension of a value
    key: str = ""  # the value's key (org_id, ...) for kind "value"
    label: str = ""  # the value's display name


@dataclass(frozen=True)
class Ambiguity:
    """A word with several governed meanings: the default is used, the others offered."""

    term: str
    default: str
    alternatives: tuple[str, ...]


# The documented defaults of ARCHITECTURE §5 ("Defaults") and their alternatives.
AMBIGUOUS: tuple[Ambiguity, ...] = (
    Ambiguity("存款", "deposit_balance", ("deposit_avg_daily",)),
    Ambiguity("deposits", "deposit_balance", ("deposit_avg_daily",)),
    Ambiguity("不良", "npl_ratio", ("npl_balance",)),
    Ambiguity("npl", "npl_ratio", ("npl_balance",)),  # the abbreviation alone, as 不良
    Ambiguity("贷款", "loan_balance", ("new_loan_amount",)),
    Ambiguity("loans", "loan_balance", ("new_loan_amount",)),
    Ambiguity("客户数", "customer_count", ("effective_customer_count", "new_customer_count")),
    Ambiguity("customers", "customer_count", ("effective_customer_count", "new_customer_count")),
    Ambiguity("日均", "deposit_avg_daily", ()),
)

VALUE_SUFFIXES = ("分行", "支行", "客群", "客户")
ORG_DIMENSIONS = ("branch", "subbranch")  # dimensions whose values are org units (keys: org ids)


def normalise(text: str) -> str:
    """Lower-case, full-width to half-width, no spaces: how terms and questions are compared."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(" " if code == 0x3000 else ch)
    return re.sub(r"\s+", " ", "".join(out)).strip().lower()


def value_aliases(label: str, dimension: str) -> tuple[str, ...]:
    """Short forms people type: 成都分行 → 成都, 成都行; 代发工资客群 → 代发客群, 代发."""
    aliases = {label}
    for suffix in VALUE_SUFFIXES:
        if label.endswith(suffix) and len(label) > len(suffix) + 1:
            stem = label[: -len(suffix)]
            aliases.add(stem)
            if suffix == "分行":
                aliases.add(stem + "行")
    if dimension == "segment" and label.endswith("客群"):
        stem = label[:-2].replace("工资", "")
        aliases |= {stem, stem + "客群", stem + "客户"}
    if dimension in ORG_DIMENSIONS:
        aliases |= set(org_short_names(label, dimension))
    if dimension == "subbranch" and label.endswith("支行"):
        # 成都高新支行 → 高新支行, 高新 (the district without the city)
        for city_len in (2, 3):
            rest = label[city_len:-2]
            if len(rest) >= 2:
                aliases |= {rest, rest + "支行"}
    return tuple(sorted(aliases))


def org_short_names(label: str, dimension: str) -> tuple[str, ...]:
    """A branch's city short name (重庆分行 → 渝, 渝行, 渝分行; 深圳分行 → 深行, 深分行)."""
    if dimension != "branch" or not label.endswith("分行"):
        return ()
    city = label[:-2]
    bare = CITY_SHORT_NAMES.get(city, ())
    suffixed = bare + CITY_SHORT_NAMES_WITH_SUFFIX.get(city, ())
    return (*bare, *(short + suffix for short in suffixed for suffix in ORG_SUFFIXES))


@dataclass
class Lexicon:
    terms: dict[str, list[Term]] = field(default_factory=dict)
    ambiguous: dict[str, Ambiguity] = field(default_factory=dict)

    def add(self, term: Term) -> None:
        key = normalise(term.text)
        if not key:
            return
        bucket = self.terms.setdefault(key, [])
        if term not in bucket:
            bucket.append(term)

    def without(self, hidden: frozenset[tuple[str, str]]) -> Lexicon:
        """The same words less the values in ``hidden`` ((dimension, key)): what a principal who
        may not see those values understands (a name outside scope reads as an unknown word)."""
        if not hidden:
            return self
        terms: dict[str, list[Term]] = {}
        for text, bucket in self.terms.items():
            kept = [t for t in bucket if t.kind != "value" or (t.code, t.key) not in hidden]
            if kept:
                terms[text] = kept
        return Lexicon(terms, dict(self.ambiguous))

    def preferring(self, orgs: frozenset[str]) -> Lexicon:
        """Where one word reads as several org units (高新支行) and some lie in ``orgs``, only
        those: the asker means the one they can see. A word read only outside stays as it is,
        so its scope is checked and refused."""
        terms: dict[str, list[Term]] = {}
        for text, bucket in self.terms.items():
            units = [t for t in bucket if t.kind == "value" and t.code in ORG_DIMENSIONS]
            inside = [t for t in units if t.key in orgs]
            outside = [t for t in units if t not in inside] if inside else []
            terms[text] = [t for t in bucket if t not in outside]
        return Lexicon(terms, dict(self.ambiguous))

    @property
    def longest(self) -> int:
        return max((len(k) for k in self.terms), default=0)


def build_lexicon(dictionary: Dictionary, values: Iterable[tuple[str, str, str]] = ()) -> Lexicon:
    """``values`` are (dimension, key, label) rows read from the warehouse."""
    lexicon = Lexicon()
    for metric in dictionary.metrics:
        for text in metric.terms:
            lexicon.add(Term(text, "metric", metric.code))
        lexicon.add(Term(metric.code, "metric", metric.code))
    for dim in dictionary.dimensions:
        for text in (dim.name, dim.name_en, *dim.synonyms, *dim.synonyms_en):
            lexicon.add(Term(text, "dimension", dim.code))
    claimed = set(lexicon.terms)
    for dimension, key, label in values:
        extra = VALUE_ALIASES.get(label, ()) + VALUE_ALIASES.get(label.lower(), ())
        codes = (key,) if dimension in ORG_DIMENSIONS else ()  # B05, B05S01: org ids are typed
        for alias in (*value_aliases(label, dimension), *extra, *codes):
            if normalise(alias) not in claimed:  # a metric or dimension word wins over a value
                lexicon.add(Term(alias, "value", dimension, key=key, label=label))
    for amb in AMBIGUOUS:
        if amb.default in dictionary.metric_codes:
            lexicon.ambiguous[normalise(amb.term)] = amb
            lexicon.add(Term(amb.term, "metric", amb.default))
    return lexicon
