"""Chinese word segmentation (jieba) with no process-wide vocabulary: each ``Segmenter`` holds its
own words (the parser's fillers, the published metric terms of one retrieval index), so a term
added for one dictionary never leaks into another.

jieba's base dictionary is a read-only resource shipped with jieba: it is loaded once per process
(through jieba's cache file in the temporary directory, as jieba itself does) and each segmenter
layers its own words over it (a ``ChainMap``: lookups fall through to the base, additions stay in
the segmenter).

>>> Segmenter(["不良贷款率"]).cut("各分行不良贷款率")
['各', '分行', '不良贷款率']
>>> "不良贷款率" in Segmenter().cut("各分行不良贷款率")  # another segmenter: not its word
False
"""

from __future__ import annotations

import logging
import tempfile
from collections import ChainMap
from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType

import jieba
import jieba.posseg

CACHE_FILE = "asker-jieba.cache"


@cache
def _base_dictionary() -> tuple[Mapping[str, int], int]:
    """jieba's own dictionary (word frequencies and their total), read-only."""
    jieba.setLogLevel(logging.WARNING)
    loader = jieba.Tokenizer()
    loader.tmp_dir = tempfile.gettempdir()
    loader.cache_file = CACHE_FILE
    loader.initialize()
    return MappingProxyType(loader.FREQ), loader.total


class Segmenter:
    """A jieba tokenizer with its own added ``words`` (at ``frequency``, or jieba's suggestion)."""

    def __init__(self, words: Iterable[str] = (), *, frequency: int | None = None) -> None:
        base, total = _base_dictionary()
        self._jieba = jieba.Tokenizer()
        self._jieba.FREQ, self._jieba.total = ChainMap({}, base), total  # type: ignore[arg-type]
        self._jieba.initialized = True
        for word in words:
            self._jieba.add_word(word, freq=frequency)

    def cut(self, text: str) -> list[str]:
        """Words of ``text`` (jieba's precise mode, unknown words found by its HMM)."""
        return list(self._jieba.lcut(text, HMM=True))

    def cut_for_search(self, text: str) -> list[str]:
        """Words and their shorter parts, as a search index wants them."""
        return list(self._jieba.lcut_for_search(text))

    def tag(self, text: str) -> list[tuple[str, str]]:
        """(word, part-of-speech tag) pairs, jieba's ``posseg`` over this segmenter's words."""
        if not hasattr(self, "_tagger"):
            self._tagger = jieba.posseg.POSTokenizer(self._jieba)
        return [(pair.word, pair.flag) for pair in self._tagger.lcut(text)]
