"""Thresholds in a question: a comparison word with an amount, in Chinese or English.

Strict (>): 超过/高于/大于/多于/more than/over/above; inclusive (>=): 以上/不低于/不少于/
至少/at least; strict (<): 低于/少于/不到/below/under/less than; inclusive (<=): 以下/不超过/
以内/at most;
介于…之间/在…到…之间/between … and … is inclusive at both ends (ARCHITECTURE §5 Thresholds).
Amounts take 元/千/万/百万/千万/亿/k/m/million/billion/w, scientific notation and Chinese
numerals; % makes a fraction.

>>> [(t.op, t.value) for t in find_thresholds("哪些客户存款超过100万")]
[('>', 1000000.0)]
>>> [(t.op, t.value, t.high) for t in find_thresholds("余额在50万到1.5亿之间的客户")]
[('between', 500000.0, 150000000.0)]
>>> [(t.op, t.value) for t in find_thresholds("customers with deposits of at least 1.5 million")]
[('>=', 1500000.0)]
>>> [(t.op, t.value, t.unit) for t in find_thresholds("不良率低于2%的支行")]
[('<', 0.02, 'percent')]
>>> [(t.op, t.value) for t in find_thresholds("存款一百万以上的客户")]
[('>=', 1000000.0)]
>>> [(t.op, t.value) for t in find_thresholds("贷款规模以上3000万的分行")]
[('>=', 30000000.0)]
>>> [(t.op, t.value) for t in find_thresholds("存款100万以上200万以下")]
[('>=', 1000000.0), ('<=', 2000000.0)]
>>> cn_number("两千五百万"), cn_number("五十"), cn_number("一点五亿")
(25000000.0, 50.0, 150000000.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from asker.types import ThresholdOp

Unit = Literal["amount", "percent", "count", "plain"]

CN_DIGITS = "零〇一二两三四五六七八九"
NUM = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?(?:[eE]\d+)?|[{CN_DIGITS}十百千万亿点]+)"
UNIT = (
    r"(?:亿元|亿|千万元|千万|百万元|百万|万元|万|千元|千|元|块钱|块|个百分点|%|％|笔|户|个|人|家|"
    r"\s?(?:million|mn|billion|bn|thousand)\b|[wWkK](?![a-zA-Z])|[mM](?![a-zA-Z]))?"
)
AMOUNT = rf"(?:(?:CNY|RMB|¥|￥)\s?)?({NUM})\s*({UNIT})(?:\s?(?:yuan|CNY|RMB)\b)?"
SCALE = {
    "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3, "w": 1e4, "k": 1e3, "m": 1e6,
    "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "thousand": 1e3,
}  # fmt: skip

PREFIX_OPS: tuple[tuple[str, ThresholdOp], ...] = (
    (r"不超过|不高于|不大于|不多于|\bat most\b|\bno more than\b|\bnot more than\b|\bup to\b", "<="),
    (r"不少于|不低于|不小于|至少|起码|达到|\bat least\b|\bno less than\b|\bnot less than\b", ">="),
    (r"超过|超出|高于|大于|多于|\bmore than\b|\bgreater than\b|\bhigher than\b|\blarger than\b"
     r"|\bover\b|\babove\b|\bexceed(?:ing|s)?\b|\bin excess of\b", ">"),
    (r"不到|不足|低于|少于|小于|未达到|未满|\bless than\b|\blower than\b|\bsmaller than\b"
     r"|\bfewer than\b|\bbelow\b|\bunder\b", "<"),
    (r"≥|>=", ">="), (r"≤|<=", "<="), (r">", ">"), (r"<", "<"),
    # spoken order, the suffix word before the amount ("贷款规模以上3000万"): never right after
    # an amount, where it closes that amount ("100万以上200万以下")
    (r"(?<![\d万亿元千百%％])(?:及以上|以上)", ">="),
    (r"(?<![\d万亿元千百%％])(?:及以下|以下)", "<="),
)  # fmt: skip
SUFFIX_OPS: tuple[tuple[str, ThresholdOp], ...] = (
    (r"及以上|或以上|以上|起|\s?or more\b|\s?and above\b|\s?plus\b", ">="),
    (r"及以下|或以下|以下|以内|\s?or less\b|\s?and below\b", "<="),
)
BETWEEN = re.compile(
    rf"(?:(?P<lead>介于|在|\bbetween\b|\bfrom\b)\s*)?{AMOUNT}\s*(?:到|至|-|~|～|和|与|\band\b|\bto\b)"
    rf"\s*{AMOUNT}\s*(?P<tail>之间|中间|范围内)?",
    re.I,
)


@dataclass(frozen=True)
class FoundThreshold:
    op: ThresholdOp
    value: float
    high: float | None
    unit: Unit
    start: int
    end: int
    text: str


def cn_number(text: str) -> float | None:
    """一百万 → 1000000, 一点五亿 → 150000000, 五千 → 5000; None when it is not a number."""
    if not text or any(ch not in CN_DIGITS + "十百千万亿点" for ch in text):
        return None
    for mark, scale in (("亿", 1e8), ("万", 1e4)):
        if mark in text:
            head, tail = text.split(mark, 1)
            high = cn_number(head) if head else 1.0
            low = cn_number(tail) if tail else 0.0
            return None if high is None or low is None else high * scale + low
    if "点" in text:
        whole, frac = text.split("点", 1)
        whole_value = cn_number(whole) if whole else 0.0
        digits = "".join(str(_digit(ch)) for ch in frac)
        if whole_value is None or not digits.isdigit():
            return None
        return whole_value + float("0." + digits)
    total, current = 0.0, 0
    for ch in text:
        if ch in "十百千":
            total += (current or 1) * {"十": 10, "百": 100, "千": 1000}[ch]
            current = 0
        else:
            current = _digit(ch)
    return total + current


DIGIT_VALUES = dict(zip(CN_DIGITS, (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))


def _digit(ch: str) -> int:
    return DIGIT_VALUES[ch]


def amount(number: str, unit: str) -> tuple[float, Unit] | None:
    """The value of an amount and what kind of value it is."""
    raw = number.replace(",", "")
    value = float(raw) if re.fullmatch(r"[\d.]+(?:[eE]\d+)?", raw) else cn_number(raw)
    if value is None:
        return None
    unit = unit.strip()
    if unit in ("%", "％", "个百分点"):
        return value / 100, "percent"
    if unit in ("笔", "户", "个", "人", "家"):
        return value, "count"
    scale = next((s for name, s in SCALE.items() if unit.lower().startswith(name)), None)
    if scale is not None:
        return value * scale, "amount"
    return value, "amount" if unit or re.search("[万亿]", raw) else "plain"


def find_thresholds(text: str) -> list[FoundThreshold]:
    """Every threshold the question states, left to right."""
    found = _betweens(text)
    taken = {i for t in found for i in range(t.start, t.end)}
    for pattern, op in PREFIX_OPS:
        for m in re.finditer(rf"(?:{pattern})\s*{AMOUNT}", text, re.I):
            if not taken & set(range(*m.span())) and (t := _single(text, m, op)) is not None:
                found.append(t)
                taken |= set(range(t.start, t.end))
    for m in re.finditer(rf"{AMOUNT}\s*(?:{'|'.join(p for p, _ in SUFFIX_OPS)})", text, re.I):
        if taken & set(range(*m.span())):
            continue
        op = next(o for p, o in SUFFIX_OPS if re.search(rf"(?:{p})$", m.group(0), re.I))
        if (t := _single(text, m, op)) is not None and t.unit != "plain":
            found.append(t)
            taken |= set(range(t.start, t.end))
    return sorted(found, key=lambda t: t.start)


def _single(text: str, m: re.Match[str], op: ThresholdOp) -> FoundThreshold | None:
    value = amount(m.group(1), m.group(2) or "")
    if value is None:
        return None
    end = m.end()
    suffix = re.match(r"\s*(?:及以上|以上|及以下|以下|以内)", text[end:])
    if suffix:
        end += suffix.end()  # '超过100万以上' says it twice
    return FoundThreshold(op, value[0], None, value[1], m.start(), end, text[m.start() : end])


def _betweens(text: str) -> list[FoundThreshold]:
    out = []
    for m in BETWEEN.finditer(text):
        if not (m.group("lead") or m.group("tail")):
            continue
        high = amount(m.group(4), m.group(5) or "")
        low_unit = m.group(3) or (m.group(5) or "")  # '100到500万' shares the unit
        low = amount(m.group(2), low_unit)
        if low is None or high is None:
            continue
        values = sorted((low[0], high[0]))
        out.append(
            FoundThreshold("between", values[0], values[1], high[1], m.start(), m.end(), m.group(0))
        )
    return out
