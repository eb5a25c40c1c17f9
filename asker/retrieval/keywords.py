"""Keyword search: BM25 over jieba words plus character bigrams (and English words).

Bigrams catch colloquial and partial matches jieba splits differently; jieba words (with every
metric term added to its dictionary) reward exact terms.

>>> words = segmenter(["不良贷款率"])
>>> bm25 = BM25([tokens("不良贷款率 不良率", words), tokens("存款余额 存款", words)])
>>> [round(s, 2) > 0 for s in bm25.scores(tokens("本季度不良率", words))]
[True, False]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from asker.words import Segmenter

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WORD = re.compile(r"[a-z][a-z0-9]+|[0-9]+")
_SPLIT = re.compile(r"[^\u4e00-\u9fffa-z0-9]+")
TERM_FREQUENCY = 2000  # metric terms become whole jieba words, preferred over their parts


def segmenter(terms: Iterable[str] = ()) -> Segmenter:
    """A segmenter for one index: the Chinese ``terms`` (metric names, synonyms) as words."""
    return Segmenter((t for t in terms if _CJK_RUN.search(t)), frequency=TERM_FREQUENCY)


def tokens(text: str, words: Segmenter) -> list[str]:
    """jieba words (search mode), character bigrams of every Chinese run, English words."""
    lowered = text.lower()
    out: list[str] = []
    for piece in _SPLIT.split(lowered):
        if not piece:
            continue
        for run in _CJK_RUN.findall(piece):
            out += [w for w in words.cut_for_search(run) if len(w) > 1]
            out += [run[i : i + 2] for i in range(len(run) - 1)] or [run]
        out += [_stem(w) for w in _WORD.findall(piece)]
    return out


def _stem(word: str) -> str:
    """English plurals and -ing/-ed forms to a common stem: loans/loan, approved/approve."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("al", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + keep
    return word


class BM25:
    """Okapi BM25 over pre-tokenised documents (k1=1.5, b=0.75)."""

    def __init__(self, documents: Sequence[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.counts = [Counter(d) for d in documents]
        self.lengths = [len(d) for d in documents]
        self.average = (sum(self.lengths) / len(documents)) if documents else 1.0
        frequency: Counter[str] = Counter(t for c in self.counts for t in c)
        total = len(documents)
        self.idf = {t: math.log(1 + (total - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}

    def scores(self, query: Sequence[str]) -> list[float]:
        terms = [t for t in set(query) if t in self.idf]
        return [self._score(terms, i) for i in range(len(self.counts))]

    def _score(self, terms: list[str], i: int) -> float:
        counts, norm = self.counts[i], 1 - self.b + self.b * self.lengths[i] / self.average
        total = 0.0
        for term in terms:
            tf = counts.get(term, 0)
            if tf:
                total += self.idf[term] * tf * (self.k1 + 1) / (tf + self.k1 * norm)
        return total
