"""Words of a question that nothing explained: neither a term, a time expression, a ranking nor
a filler. They lower the parser's confidence; jieba segments the Chinese rest into words.

>>> words = segmenter()
>>> unexplained("上个月各分行的利润是多少", [(0, 3), (3, 6)], words)
('利润',)
>>> unexplained("deposits by branch please", [(0, 8), (12, 18)], words)
()
"""

from __future__ import annotations

import re

from asker.understand.fillers import FILLERS_EN, FILLERS_ZH
from asker.understand.function_words import is_function_word
from asker.words import Segmenter

_PUNCT = re.compile(r"[\s\d.,，。？?！!、:：;；()（）\[\]【】\"'“”‘’%％+\-*/=<>《》~～·…]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FILLERS = frozenset(FILLERS_ZH) | frozenset(FILLERS_EN)


def segmenter() -> Segmenter:
    """The parser's segmenter: jieba with the fillers as whole words."""
    return Segmenter(FILLERS_ZH)


def _rest(text: str, used: list[tuple[int, int]]) -> list[str]:
    taken = {i for start, end in used for i in range(start, end)}
    pieces: list[str] = []
    current: list[str] = []
    for i, ch in enumerate(text):
        if i in taken:
            if current:
                pieces.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        pieces.append("".join(current))
    return [p for piece in pieces for p in _PUNCT.split(piece) if p]


def _words(piece: str, words: Segmenter) -> list[str]:
    if _CJK.search(piece):
        return [w for w in words.cut(piece) if w.strip()]
    return re.findall(r"[A-Za-z][A-Za-z'\-]*", piece)


def unexplained(
    text: str,
    used: list[tuple[int, int]],
    words: Segmenter,
    ignore: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    """Content words outside ``used`` spans that are neither fillers nor function words
    (``function_words``; single characters ignored);
    ``ignore`` adds words that are harmless in context (measure words once a metric is known)."""
    out: list[str] = []
    for piece in _rest(text, used):
        for word in _words(piece, words):
            lowered = word.lower()
            if (
                lowered in _FILLERS
                or lowered in ignore
                or len(word) < 2
                or _all_fillers(lowered, ignore)
                or is_function_word(word)
            ):
                continue
            if word not in out:
                out.append(word)
    return tuple(out)


def _all_fillers(word: str, ignore: frozenset[str] = frozenset()) -> bool:
    """'是多少呢' is fillers glued together: strip them longest first and see what is left.
    Only Chinese glues words: an English word is one word ('weather' is not 'the' + 'wea')."""
    if not _CJK.search(word):
        return False
    rest = word
    for filler in sorted(_FILLERS | ignore, key=len, reverse=True):
        rest = rest.replace(filler, "")
    return len(rest) < 2 and not (rest and _CJK.search(rest) and rest not in "的了吗呢啊吧呀是")


def set_aside(
    text: str,
    used: list[tuple[int, int]],
    words: Segmenter,
    ignore: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    """Words outside ``used`` that ``unexplained`` let pass as fillers or measure words (not
    function words): what a plan must not silently drop is checked against these.

    >>> set_aside("各分行存款增长排名", [(0, 3), (3, 5), (7, 9)], segmenter())
    ('增长',)
    """
    out: list[str] = []
    for piece in _rest(text, used):
        for word in _words(piece, words):
            lowered = word.lower()
            skipped = lowered in _FILLERS or lowered in ignore
            if skipped and len(word) >= 2 and not is_function_word(word) and word not in out:
                out.append(word)
    return tuple(out)
