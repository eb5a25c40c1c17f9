"""Typos a person makes in a known word: one character of a metric or dimension name typed as
another (most often a character of the same sound picked by the input method: 客护数 for 客户数,
不凉率 for 不良率, 代款余额 for 贷款余额). A window of the question that differs from exactly one
term of three characters or more in exactly one position, where the odd character is part of
nothing understood and forms no word of the bank's domain with its neighbours, is read as that
term; the answer says so (``assumptions``). Two terms equally close are not guessed between.

>>> from asker.understand.lexicon import Lexicon, Term
>>> lex = Lexicon()
>>> for text, code in (("客户数", "customer_count"), ("贷款余额", "loan_balance"),
...                    ("存款余额", "deposit_balance"), ("不良贷款率", "npl_ratio")):
...     lex.add(Term(text, "metric", code))
>>> [(c.typed, c.term) for c in corrections("上月客护数多少", lex, set())]
[('客护数', '客户数')]
>>> [(c.typed, c.term) for c in corrections("各分行不凉贷款率", lex, set())]
[('不凉贷款率', '不良贷款率')]
>>> corrections("代款余额", lex, set())  # 存款余额 or 贷款余额: not guessed
()
>>> corrections("账户数", lex, set(), domain=frozenset({"账户"}))  # a real word, not a typo
()
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from asker.understand.lexicon import Lexicon

_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{3,}$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
SHORTEST = 3  # one character in two is too loose a match


@dataclass(frozen=True)
class Correction:
    start: int
    end: int
    typed: str
    term: str


def _index(lexicon: Lexicon) -> dict[tuple[int, str], set[str]]:
    """(position, the term with that position blanked) → the terms: one lookup per window."""
    index: dict[tuple[int, str], set[str]] = defaultdict(set)
    for text, bucket in lexicon.terms.items():
        if not _CJK_WORD.match(text) or not any(t.kind in ("metric", "dimension") for t in bucket):
            continue
        for i in range(len(text)):
            index[(i, text[:i] + "\0" + text[i + 1 :])].add(text)
    return index


def _real_word(text: str, at: int, lexicon: Lexicon, domain: frozenset[str]) -> bool:
    """Whether the odd character makes a word with a neighbour (账户 in 账户数): then it is a
    word the dictionary lacks, not a typo of one it has."""
    for start in (at - 1, at):
        pair = text[start : start + 2]
        if start >= 0 and len(pair) == 2 and (pair in domain or pair in lexicon.terms):
            return True
    return False


def _inserted(window: str, lexicon: Lexicon, at: int) -> str | None:
    """The term ``window`` is with its character ``at`` (never the first or last) left out."""
    if at in (0, len(window) - 1):
        return None
    shorter = window[:at] + window[at + 1 :]
    bucket = lexicon.terms.get(shorter, [])
    if len(shorter) >= SHORTEST and any(t.kind in ("metric", "dimension") for t in bucket):
        return shorter
    return None


def corrections(
    text: str,
    lexicon: Lexicon,
    used: set[int],
    domain: frozenset[str] = frozenset(),
    blocked: set[int] | None = None,
) -> tuple[Correction, ...]:
    """Non-overlapping windows of ``text`` read as the one term they are a typo of, longest
    first: one character typed for another, or one character too many inside the term
    (交易总金额, 交易的笔数). ``used`` are the positions already understood (never the odd
    character); ``blocked`` (time words) no window touches.

    >>> from asker.understand.lexicon import Lexicon, Term
    >>> lex = Lexicon()
    >>> lex.add(Term("交易金额", "metric", "txn_amount"))
    >>> [(c.typed, c.term) for c in corrections("上月交易总金额", lex, set())]
    [('交易总金额', '交易金额')]
    """
    index = _index(lexicon)
    blocked = blocked or set()
    lengths = sorted({len(key) for _, key in index} | {n + 1 for n in _lengths(lexicon)})
    found: list[Correction] = []
    taken: set[int] = set(blocked)
    for length in reversed(lengths):
        for start in range(len(text) - length + 1):
            window = text[start : start + length]
            if window in lexicon.terms or not _CJK_WORD.match(window):
                continue
            if set(range(start, start + length)) & taken:
                continue
            for i in range(length):
                at = start + i
                if at in used or at in taken or not _CJK.match(window[i]):
                    continue
                terms = index.get((i, window[:i] + "\0" + window[i + 1 :]), set())
                term = next(iter(terms)) if len(terms) == 1 else _inserted(window, lexicon, i)
                if term is None or _real_word(text, at, lexicon, domain):
                    continue
                found.append(Correction(start, start + length, window, term))
                taken |= set(range(start, start + length))
                break
    return tuple(sorted(found, key=lambda c: c.start))


def _lengths(lexicon: Lexicon) -> set[int]:
    return {
        len(text)
        for text, bucket in lexicon.terms.items()
        if _CJK_WORD.match(text) and any(t.kind in ("metric", "dimension") for t in bucket)
    }


def close_terms(
    text: str, lexicon: Lexicon, used: set[int], blocked: set[int]
) -> tuple[Correction, ...]:
    """Windows one character away from two or more terms (代款余额: 贷款余额, 存款余额): one
    Correction per term, to be offered as choices rather than guessed.

    >>> from asker.understand.lexicon import Lexicon, Term
    >>> lex = Lexicon()
    >>> lex.add(Term("贷款余额", "metric", "loan_balance"))
    >>> lex.add(Term("存款余额", "metric", "deposit_balance"))
    >>> sorted(c.term for c in close_terms("代款余额多少", lex, set(), set()))
    ['存款余额', '贷款余额']
    """
    index = _index(lexicon)
    out: list[Correction] = []
    for length in sorted({len(key) for _, key in index}, reverse=True):
        for start in range(len(text) - length + 1):
            window = text[start : start + length]
            span = set(range(start, start + length))
            if window in lexicon.terms or not _CJK_WORD.match(window) or span & blocked:
                continue
            for i in range(length):
                if start + i in used:
                    continue
                terms = index.get((i, window[:i] + "\0" + window[i + 1 :]), set())
                if len(terms) >= 2:
                    out.extend(Correction(start, start + length, window, t) for t in sorted(terms))
        if out:
            return tuple(out)
    return ()


def apply(text: str, found: tuple[Correction, ...]) -> str:
    """``text`` with each typo replaced by its term; a term one character shorter is padded
    with a space at its end, so every other span of the question stays where it was."""
    out = text
    for c in found:
        out = out[: c.start] + c.term.ljust(c.end - c.start) + out[c.end :]
    return out
