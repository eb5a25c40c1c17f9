"""Longest-match scanning of a question against the lexicon.

Chinese has no spaces, so terms are matched greedily from the left, longest first; an English
term must stand between word boundaries ("loans" in "loans by branch", not in "loansharks").

>>> from asker.understand.lexicon import Lexicon, Term
>>> lex = Lexicon()
>>> lex.add(Term("存款", "metric", "deposit_balance"))
>>> lex.add(Term("存款余额", "metric", "deposit_balance"))
>>> [(m.text, m.start, m.end) for m in find_terms("各分行存款余额", lex)]
[('存款余额', 3, 7)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from asker.understand.lexicon import Lexicon, Term, normalise

WORD_CHAR = re.compile(r"[a-z0-9_]")


@dataclass(frozen=True)
class Match:
    text: str
    start: int
    end: int
    terms: tuple[Term, ...]


def _bounded(text: str, start: int, end: int) -> bool:
    """ASCII terms need word boundaries on both sides; Chinese terms never do."""
    piece = text[start:end]
    if not WORD_CHAR.match(piece[0]) and not WORD_CHAR.match(piece[-1]):
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    left_ok = not WORD_CHAR.match(piece[0]) or not WORD_CHAR.match(before)
    right_ok = not WORD_CHAR.match(piece[-1]) or not WORD_CHAR.match(after)
    return left_ok and right_ok


def find_terms(text: str, lexicon: Lexicon, blocked: set[int] | None = None) -> list[Match]:
    """Every longest match, left to right, skipping positions in ``blocked`` (time words)."""
    norm = normalise(text) if len(normalise(text)) == len(text) else text.lower()
    blocked = blocked or set()
    matches: list[Match] = []
    i, n, longest = 0, len(norm), lexicon.longest
    while i < n:
        found = None
        for length in range(min(longest, n - i), 0, -1):
            if any(p in blocked for p in range(i, i + length)):
                continue
            piece = norm[i : i + length]
            if piece in lexicon.terms and _bounded(norm, i, i + length):
                found = Match(piece, i, i + length, tuple(lexicon.terms[piece]))
                break
        found = found or _inflected(norm, i, lexicon, blocked)
        if found:
            matches.append(found)
            i = found.end
        else:
            i += 1
    return matches


def _inflected(text: str, i: int, lexicon: Lexicon, blocked: set[int]) -> Match | None:
    """An English word known only in its other number ('deposit' for 'deposits', 'branches'
    for 'branch'): the same term.

    >>> from asker.understand.lexicon import Lexicon, Term
    >>> lex = Lexicon()
    >>> lex.add(Term("deposits", "metric", "deposit_balance"))
    >>> [(m.text, m.start) for m in find_terms("deposit growth", lex)]
    [('deposit', 0)]
    """
    if i > 0 and WORD_CHAR.match(text[i - 1]):
        return None
    word = re.match(r"[a-z]{3,}(?![a-z0-9_])", text[i:])
    if word is None or any(p in blocked for p in range(i, word.end() + i)):
        return None
    w = word.group(0)
    for other in (
        w + "s",
        w + "es",
        w[:-1] if w.endswith("s") else "",
        w[:-2] if w.endswith("es") else "",
    ):
        if len(other) >= 3 and other in lexicon.terms:
            return Match(w, i, i + len(w), tuple(lexicon.terms[other]))
    return None
