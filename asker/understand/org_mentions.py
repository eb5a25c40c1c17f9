"""Every org unit a question mentions, however it is written: full names, short names (成都行),
org codes (B05, B05S01) and city short names (渝, 蓉行). Scope is checked on all of them — also on
those the plan does not filter by (an exclusion, a word the parser set aside) — so no mention of a
unit outside the asker's scope is answered with the asker's own figure.

A mention may have several readings (高新支行: 成都 and 西安 each have one); each mention is kept
as the tuple of its readings.

>>> from asker.understand.lexicon import Lexicon, Term
>>> lex = Lexicon()
>>> lex.add(Term("b06", "value", "branch", key="B06", label="重庆分行"))
>>> lex.add(Term("高新", "value", "subbranch", key="B05S01", label="成都高新支行"))
>>> lex.add(Term("高新", "value", "subbranch", key="B10S01", label="西安高新支行"))
>>> org_mentions("B06和高新的存款", lex)
(('B06',), ('B05S01', 'B10S01'))
"""

from __future__ import annotations

from asker.understand.lexicon import ORG_DIMENSIONS, Lexicon
from asker.understand.matcher import find_terms


def org_mentions(question: str, lexicon: Lexicon) -> tuple[tuple[str, ...], ...]:
    """The readings (org ids) of each org unit the question mentions, in order."""
    out = []
    for match in find_terms(question, lexicon):
        keys = tuple(
            sorted({t.key for t in match.terms if t.kind == "value" and t.code in ORG_DIMENSIONS})
        )
        if keys:
            out.append(keys)
    return tuple(out)
