"""The one PII redactor: personal data in free text becomes placeholders, in prompts, conversation
storage, the audit log and logs alike.

Patterns: mainland ID numbers (18 digits with X, and the old 15-digit form), 统一社会信用代码
(18 characters), bank cards (16-19 digits) and mobiles (also with +86). People type them with
separators inside digit groups (spaces, dots, dashes, brackets, slashes), full-width digits,
zero-width characters and Chinese numerals (一二三…, 〇/零, 幺), so matching runs on a probe of
the text with those folded away, and each match maps back to its span in the original. Values the
warehouse holds (customer and counterparty names, addresses) are matched literally: the Runtime
registers them once with ``register_known_values``.

>>> redact_pii("客户 13812345678 的卡 6222 0212 3456 7890 123，证件 11010119900307123X")
'客户 [手机号] 的卡 [卡号]，证件 [证件号]'
>>> redact_pii("手机 一三八.一二三四.五六七八 和 138-1234-5678")
'手机 [手机号] 和 [手机号]'
>>> redact_pii("卡号 6222\\u200b0212.3456(7890)123")
'卡号 [卡号]'
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

ID_NUMBER = "[证件号]"
CREDIT_CODE = "[信用代码]"
BANK_CARD = "[卡号]"
MOBILE = "[手机号]"
NAME = "[姓名]"
ADDRESS = "[地址]"

ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e")
# Folded to ASCII: full-width digits and letters, Chinese numerals as digits.
_FOLD = {chr(0xFF10 + i): str(i) for i in range(10)}
_FOLD |= {chr(0xFF21 + i): chr(0x41 + i) for i in range(26)}
_FOLD |= {chr(0xFF41 + i): chr(0x61 + i) for i in range(26)}
_FOLD |= dict(
    zip("〇零一二三四五六七八九幺壹贰叁肆伍陆柒捌玖", "001234567891123456789", strict=True)
)
_FOLD |= {"\u3000": " "}
# Dropped between two digits: what people put inside digit groups.
SEPARATORS = frozenset(" \t.-_/\\()[]{}（）【】·－—–，,、:：")
MAX_SEPARATORS = 3  # a longer run between digits separates two numbers
MAX_GROUP = 8  # the longest group a number is typed in: the birth date inside an ID number

_DATE8 = r"(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_DATE6 = r"[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_ID = re.compile(
    rf"(?<![0-9A-Za-z])(?:[1-9][0-9]{{5}}{_DATE8}[0-9]{{3}}[0-9Xx]|[0-9]{{17}}[Xx]"
    rf"|[1-9][0-9]{{5}}{_DATE6}[0-9]{{3}})(?![0-9A-Za-z])"
)
_USCC_CHAR = "[0-9A-HJ-NPQRTUWXY]"
# 18 characters: registration authority, type, 6-digit region, 9-character organisation code,
# check character; one letter at least (an all-digit run is matched as a card). Separators between
# a letter and a digit stay in the probe, so the pattern allows them between any two characters.
_SEP = r"[ .\-_/·()（）\u3000]{0,3}"
_CREDIT = re.compile(
    rf"(?<![0-9A-Za-z])(?=(?:{_SEP}[0-9A-Z]){{0,17}}?{_SEP}[A-Z])"
    rf"{_USCC_CHAR}{_SEP}{_USCC_CHAR}" + rf"(?:{_SEP}[0-9]){{6}}" + rf"(?:{_SEP}{_USCC_CHAR}){{10}}"
    r"(?![0-9A-Za-z])"
)
_CARD = re.compile(r"(?<![0-9])[0-9]{16,19}(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9+])(?:\+?86)?1[3-9][0-9]{9}(?![0-9])")

# Most specific first: an 18-digit ID number is also a 16-19 digit run.
_PATTERNS = ((_ID, ID_NUMBER), (_CREDIT, CREDIT_CODE), (_CARD, BANK_CARD), (_MOBILE, MOBILE))


def probe(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` with zero-width characters dropped, digits folded and separators inside a grouped
    number removed, and for each probe character its index in ``text``.

    A run of at most ``MAX_SEPARATORS`` separators between two digit groups is dropped only when
    both groups are at most ``MAX_GROUP`` digits: a number is typed in short groups (4-4-4-4,
    3-4-4, 6-8-4), while a longer group is a whole number of its own and the one next to it is
    another number (``17 62220212345678901`` is a count and a card, not one 19-digit card)."""
    visible = [(i, _FOLD.get(raw, raw)) for i, raw in enumerate(text) if raw not in ZERO_WIDTH]
    chars: list[str] = []
    where: list[int] = []
    group = 0  # digits of the group the probe is in
    k = 0
    while k < len(visible):
        i, char = visible[k]
        if char in SEPARATORS and 0 < group <= MAX_GROUP:
            end = k
            while end < len(visible) and visible[end][1] in SEPARATORS:
                end += 1
            following = _group_length(visible, end)
            if end - k <= MAX_SEPARATORS and 0 < following <= MAX_GROUP:
                k, group = end, 0
                continue
        group = group + 1 if char.isdigit() else 0
        chars.append(char)
        where.append(i)
        k += 1
    return "".join(chars), tuple(where)


def _group_length(visible: list[tuple[int, str]], start: int) -> int:
    end = start
    while end < len(visible) and visible[end][1].isdigit():
        end += 1
    return end - start


class KnownValues:
    """Literal values from the warehouse (names, addresses), matched by first character."""

    def __init__(self) -> None:
        self._by_first: dict[str, dict[str, str]] = {}
        self._lengths: dict[str, list[int]] = {}
        self._lock = threading.Lock()

    def add(self, values: Iterable[str], placeholder: str, min_length: int) -> None:
        with self._lock:
            for raw in values:
                value = raw.strip()
                if len(value) < min_length:
                    continue
                self._by_first.setdefault(value[0], {})[value] = placeholder
            self._lengths = {
                first: sorted({len(v) for v in found}, reverse=True)
                for first, found in self._by_first.items()
            }

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(text):
            hit = self._longest_at(text, i)
            if hit is None:
                i += 1
                continue
            found.append((i, i + hit[0], hit[1]))
            i += hit[0]
        return found

    def _longest_at(self, text: str, i: int) -> tuple[int, str] | None:
        values = self._by_first.get(text[i])
        if not values:
            return None
        for length in self._lengths[text[i]]:
            placeholder = values.get(text[i : i + length])
            if placeholder is not None:
                return length, placeholder
        return None


_KNOWN = KnownValues()
MIN_NAME = 2  # a one-character "name" is a common character, not an identifier
MIN_ADDRESS = 6  # the head the address mask keeps: shorter fragments are places, not addresses


def register_known_values(names: Iterable[str], addresses: Iterable[str]) -> None:
    """Names and addresses held in the warehouse, redacted wherever they are typed. An address
    is registered whole and as its hidden part (what follows the six characters its mask keeps)."""
    _KNOWN.add(names, NAME, MIN_NAME)
    kept = list(addresses)
    _KNOWN.add(kept, ADDRESS, MIN_ADDRESS)
    _KNOWN.add((a[MIN_ADDRESS:] for a in kept), ADDRESS, MIN_ADDRESS)


def pii_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, placeholder) of every PII match in ``text``, in order, never overlapping."""
    folded, where = probe(text)
    spans: list[tuple[int, int, str]] = []
    for pattern, placeholder in _PATTERNS:
        for match in pattern.finditer(folded):
            start, end = where[match.start()], where[match.end() - 1] + 1
            _add(spans, start, end, placeholder)
    for start, end, placeholder in _KNOWN.spans(text):
        _add(spans, start, end, placeholder)
    return tuple(sorted(spans))


def _add(spans: list[tuple[int, int, str]], start: int, end: int, placeholder: str) -> None:
    if all(end <= s or start >= e for s, e, _ in spans):
        spans.append((start, end, placeholder))


def redact_pii(text: str) -> str:
    """``text`` with every ID, credit code, card, mobile and known name or address replaced by
    its placeholder; zero-width characters inside a match go with it."""
    parts: list[str] = []
    cursor = 0
    for start, end, placeholder in pii_spans(text):
        parts += [text[cursor:start], placeholder]
        cursor = end
    return "".join([*parts, text[cursor:]])


# A run of literals glued by || or CONCAT(...): a value split to slip past the patterns.
_LITERAL = r"(?:'(?:[^']|'')*'|[0-9]+)"
_GLUED = re.compile(
    rf"{_LITERAL}(?:\s*\|\|\s*{_LITERAL})+"
    rf"|CONCAT\s*\(\s*{_LITERAL}(?:\s*,\s*{_LITERAL})+\s*\)",
    re.IGNORECASE,
)
_PARTS = re.compile(r"'((?:[^']|'')*)'|([0-9]+)")


def redact_sql(text: str) -> str:
    """SQL text with PII redacted, also where a value is split into literals glued together
    (``'110101' || '19900307' || '123X'``): the glued run becomes one redacted literal.

    >>> redact_sql("SELECT 1 WHERE m = '138' || '1234' || '5678' AND x = '****'")
    "SELECT 1 WHERE m = '[手机号]' AND x = '****'"
    """

    def joined(match: re.Match[str]) -> str:
        value = "".join(a.replace("''", "'") if b == "" else b for a, b in _PARTS.findall(match[0]))
        if not has_pii(value):
            return match[0]
        return "'" + redact_pii(value).replace("'", "''") + "'"

    return redact_pii(_GLUED.sub(joined, text))


def has_pii(text: str) -> bool:
    return bool(pii_spans(text))
