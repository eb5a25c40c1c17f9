"""Top/bottom N: "前5", "最高的3个", "排名后三", "top 5", "bottom 3", "哪个分行最高".

>>> find_ranking("存款余额前5的支行").order, find_ranking("存款余额前5的支行").limit
('desc', 5)
>>> find_ranking("loans bottom 3 branches").limit
3
>>> find_ranking("哪个分行不良率最高").limit
1
>>> find_ranking("存款垫底的3个分行").order, find_ranking("存款垫底的3个分行").limit
('asc', 3)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from asker.types import Order
from asker.understand.time_lexicon import cn_int

NUMBER = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"

TOP_N = re.compile(
    rf"(?:排名前|排行前|前|top\s*|highest\s*|largest\s*|biggest\s*|best\s*){NUMBER}", re.I
)
BOTTOM_N = re.compile(rf"(?:倒数|排名后|后|bottom\s*|lowest\s*|smallest\s*|worst\s*){NUMBER}", re.I)
HIGHEST_N = re.compile(rf"(?:最高|最多|最大|最好|排名最高)的?{NUMBER}[个家名位]?")
LOWEST_N = re.compile(
    rf"(?:最低|最少|最小|最差|排名最低|垫底|末位|排名靠后|靠后)的?{NUMBER}[个家名位]?"
)
TOP_ONE = re.compile(r"最高|最多|最大|最好|最强|\b(?:highest|largest|biggest|most|best)\b", re.I)
BOTTOM_ONE = re.compile(
    r"最低|最少|最小|最差|最弱|垫底|末位|\b(?:lowest|smallest|least|worst)\b", re.I
)
RANK_ONLY = re.compile(r"排名|排行|排序|ranking|rank(?:ed)?\b", re.I)


@dataclass(frozen=True)
class Ranking:
    order: Order | None
    limit: int | None
    spans: tuple[tuple[int, int], ...]


def find_ranking(text: str) -> Ranking:
    """The ranking a question asks for, with the character spans it used."""
    for pattern, order in (
        (TOP_N, "desc"),
        (HIGHEST_N, "desc"),
        (BOTTOM_N, "asc"),
        (LOWEST_N, "asc"),
    ):
        found = pattern.search(text)
        if found and not _is_time(text, found):
            return Ranking(order, cn_int(found.group(1)) or None, (found.span(),))  # type: ignore[arg-type]
    for pattern, order in ((TOP_ONE, "desc"), (BOTTOM_ONE, "asc")):
        found = pattern.search(text)
        if found:
            return Ranking(order, 1, (found.span(),))  # type: ignore[arg-type]
    found = RANK_ONLY.search(text)
    if found:
        return Ranking("desc", None, (found.span(),))
    return Ranking(None, None, ())


def _is_time(text: str, found: re.Match[str]) -> bool:
    """'前5' in '前5天' or '近前3个月' is a time window, not a ranking."""
    after = text[found.end() : found.end() + 3]
    return bool(re.match(r"\s*(?:天|日|个?月|年|周|季|days?|months?|years?|weeks?)", after, re.I))
