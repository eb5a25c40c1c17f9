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
        if found:
            matches.append(found)
            i = found.end
        else:
            i += 1
    return matches
