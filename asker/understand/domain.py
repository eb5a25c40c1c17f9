"""What the bank's data is about, as words: the catalog's table and column names and comments,
the dictionary's metric and dimension names, synonyms and 口径 text. A question none of whose
content words is among them, and that names no metric, is outside the domain (share prices,
weather, news, chit-chat): ``NOT_ANSWERABLE`` whether or not a model is configured, since no
model can answer it from the warehouse either.

>>> from asker.semantic.validate import load_seed_dictionary
>>> from asker.warehouse.catalog import load_catalog
>>> words = domain_vocabulary(load_seed_dictionary(), load_catalog())
>>> in_domain("天气", words), in_domain("股价", words), in_domain("合同金额", words)
(False, False, True)
>>> in_domain("weather", words), in_domain("contract", words)
(False, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from asker.semantic.model import Dictionary
from asker.understand.function_words import is_function_word
from asker.warehouse.catalog import Catalog
from asker.words import Segmenter

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[a-z]{3,}")


def _texts(dictionary: Dictionary, catalog: Catalog) -> Iterable[str]:
    for table in catalog.tables:
        yield table.name.replace("_", " ")
        yield table.comment
        for column in table.columns:
            yield column.name.replace("_", " ")
            yield column.comment
    for metric in dictionary.metrics:
        yield from (metric.definition, metric.definition_en, *metric.terms)
    for dim in dictionary.dimensions:
        yield from (dim.name, dim.name_en, *dim.synonyms, *dim.synonyms_en)


def domain_vocabulary(dictionary: Dictionary, catalog: Catalog) -> frozenset[str]:
    """Every content word (two characters or more, not a function word) of the domain's text."""
    words = Segmenter()
    out: set[str] = set()
    for text in _texts(dictionary, catalog):
        lowered = text.lower()
        out |= {w for w in words.cut_for_search(lowered) if len(w) >= 2 and _CJK.search(w)}
        out |= set(_LATIN.findall(lowered))
    return frozenset(w for w in out if not is_function_word(w))


# Morphemes of money and accounts in Chinese: a word built on one (借款, 账上, 钱, 利息, 储蓄) is
# about what a bank holds even when the catalog never uses that word; a false "in domain" costs
# a model call that says it cannot answer, a false "outside" refuses a banker's question.
MONEY_MORPHEMES = re.compile(r"[款贷存钱账息资储借债额币]")


def in_domain(word: str, vocabulary: frozenset[str], words: Segmenter | None = None) -> bool:
    """Whether ``word`` or one of its parts (jieba's search cut) is a word of the domain."""
    lowered = word.lower()
    if lowered in vocabulary or MONEY_MORPHEMES.search(lowered):
        return True
    if not _CJK.search(lowered):
        return lowered.rstrip("s") in vocabulary
    parts = (words or Segmenter()).cut_for_search(lowered)
    return any(len(p) >= 2 and p in vocabulary for p in parts)
