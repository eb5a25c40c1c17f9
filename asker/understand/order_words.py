"""What closed-class words say about order: sort-direction phrases (从高到低, ascending), "the
last N" (最后三名, 排在最后两位, the last 3) and a question word of identity over a set (哪些分行…
比较高, which branches …): a ranked list by that dimension. Everything else is ``ranking``'s.

>>> r = find_order("各分行存款余额从高到低排一下"); r.order, r.limit
('desc', None)
>>> r = find_order("存款余额最后三名的支行"); r.order, r.limit
('asc', 3)
>>> r = find_order("哪些分行的不良率比较高"); r.order, r.limit
('desc', None)
>>> r = find_order("which branches have the lowest deposit balance"); r.order, r.limit
('asc', None)
>>> find_order("最后3个月的存款余额").order is None  # a time window, not a ranking
True
"""

from __future__ import annotations

import re

from asker.types import Order
from asker.understand.ranking import NUMBER, Ranking, find_ranking
from asker.understand.time_lexicon import cn_int

_SORT = r"(?:\s*(?:排列|排序|排一下|排个序|排名|排|order|sorted|sort))?"
DESCENDING = re.compile(
    r"(?:从|由)(?:高到低|大到小|多到少)" + _SORT + r"|降序|倒序|逆序"
    r"|(?:in\s+)?descending(?:\s+order)?|(?:from\s+)?(?:highest|largest|biggest)\s+to\s+"
    r"(?:lowest|smallest)|high\s+to\s+low",
    re.I,
)
ASCENDING = re.compile(
    r"(?:从|由)(?:低到高|小到大|少到多)" + _SORT + r"|升序|正序"
    r"|(?:in\s+)?ascending(?:\s+order)?|(?:from\s+)?(?:lowest|smallest)\s+to\s+"
    r"(?:highest|largest|biggest)|low\s+to\s+high",
    re.I,
)
LAST_N = re.compile(
    rf"(?:排在|排名)?最后(?:的)?{NUMBER}\s*(?:名|位|个|家)?|末{NUMBER}\s*(?:名|位)"
    rf"|\bthe\s+last\s+{NUMBER}\b|\blast\s+{NUMBER}\b",
    re.I,
)
# A question word of identity over a set, and over one.
IDENTITY_SET = re.compile(r"哪些|哪几个|哪几家|哪几|\bwhich\s+\w+(?:es|s)\b", re.I)
IDENTITY_ONE = re.compile(r"哪个|哪家|哪一个|哪一家|\bwhich\b", re.I)
# A comparative at the end of a clause ("比较高", "偏低的"), never inside a name (高新支行) or a
# quantity question (多少, 多高).
_END = r"(?=$|[，。？?！!、,;；\s]|的|吗|呢|啊|呀|吧|些|一些|一点)"
HIGH = re.compile(r"(?:比较|较|偏|更|很|非常|特别|挺)?(?<![多至])(?:高|多|大)" + _END)
LOW = re.compile(r"(?:比较|较|偏|更|很|非常|特别|挺)?(?<![多至])(?:低|少|小)" + _END)
HIGH_EN = re.compile(r"\b(?:higher|high|more|larger|bigger|most)\b", re.I)
LOW_EN = re.compile(r"\b(?:lower|low|less|fewer|smaller|least)\b", re.I)
TIME_AFTER = re.compile(r"\s*(?:天|日|个?月|年|周|季|days?|months?|years?|weeks?|quarters?)", re.I)


def find_order(text: str) -> Ranking:
    """The order and limit a question asks for, with the character spans it used."""
    for pattern, order in ((DESCENDING, "desc"), (ASCENDING, "asc")):
        if found := pattern.search(text):
            base = find_ranking(_blank(text, found.span()))
            return Ranking(order, base.limit, (found.span(), *base.spans))  # type: ignore[arg-type]
    if (found := LAST_N.search(text)) and not TIME_AFTER.match(text[found.end() :]):
        number = next(g for g in found.groups() if g)
        return Ranking("asc", cn_int(number) or None, (found.span(),))
    return _over_a_set(text, find_ranking(text))


def _over_a_set(text: str, ranking: Ranking) -> Ranking:
    """哪些/which + plural: a list ranked by the dimension, not the single top one."""
    plural = IDENTITY_SET.search(text)
    if ranking.order is not None:
        if plural and ranking.limit == 1:  # "哪些分行最高": the list, highest first
            return Ranking(ranking.order, None, ranking.spans)
        return ranking
    single = None if plural else IDENTITY_ONE.search(text)
    if not plural and not single:
        return ranking
    direction = _comparative(text)
    if direction is None:
        return ranking
    order, span = direction
    return Ranking(order, None if plural else 1, (span,))


def _comparative(text: str) -> tuple[Order, tuple[int, int]] | None:
    found: list[tuple[int, Order, tuple[int, int]]] = []
    for pattern, order in ((HIGH, "desc"), (LOW, "asc"), (HIGH_EN, "desc"), (LOW_EN, "asc")):
        for match in pattern.finditer(text):
            found.append((match.start(), order, match.span()))  # type: ignore[arg-type]
    if not found:
        return None
    _, order, span = max(found)  # the last comparative of the question is its predicate
    return order, span


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]
