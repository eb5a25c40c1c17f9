"""Personal data in free text: mainland ID numbers, bank card numbers (16-19 digits, also in
groups of four) and mobile numbers (also with +86 or separators) become placeholders; full-width
digits count as digits, since people type both. The audit log, the LLM prompt builder and the
retrieval index all redact with this one module.

>>> redact_pii("客户 13812345678 的卡 6222 0212 3456 7890 123，证件 11010119900307123X")
'客户 [手机号] 的卡 [卡号]，证件 [证件号]'
"""

from __future__ import annotations

import re

ID_NUMBER = "[证件号]"
BANK_CARD = "[卡号]"
MOBILE = "[手机号]"

# Matching runs on a copy with full-width digits, X, space and hyphen made ASCII; the copy has
# the same length, so a match's span is also its span in the original text.
_ASCII = str.maketrans("０１２３４５６７８９Ｘｘ　－", "0123456789Xx -")

_ID = re.compile(
    r"(?<![0-9])(?:"
    r"[1-9][0-9]{5}[ -]?(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
    r"[ -]?[0-9]{3}[0-9Xx]"
    r"|[0-9]{17}[Xx]"
    r")(?![0-9A-Za-z])"
)
_CARD = re.compile(r"(?<![0-9])[0-9]{4}(?:[ -]?[0-9]{4}){3}(?:[ -]?[0-9]{1,3})?(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9+])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")

# Most specific first: an 18-digit ID number is also a 16-19 digit run.
_PATTERNS = ((_ID, ID_NUMBER), (_CARD, BANK_CARD), (_MOBILE, MOBILE))


def pii_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, placeholder) of every PII match in ``text``, in order, never overlapping."""
    probe = text.translate(_ASCII)
    spans: list[tuple[int, int, str]] = []
    for pattern, placeholder in _PATTERNS:
        for match in pattern.finditer(probe):
            start, end = match.span()
            if all(end <= s or start >= e for s, e, _ in spans):
                spans.append((start, end, placeholder))
    return tuple(sorted(spans))


def redact_pii(text: str) -> str:
    """``text`` with every ID, bank card and mobile number replaced by its placeholder."""
    parts: list[str] = []
    cursor = 0
    for start, end, placeholder in pii_spans(text):
        parts += [text[cursor:start], placeholder]
        cursor = end
    return "".join([*parts, text[cursor:]])
