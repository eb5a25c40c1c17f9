"""Entity questions: "我名下存款最多的10个客户及其手机号", "top 20 customers by AUM",
"哪些客户存款超过100万", "存款比上月下降的客户". Finds the entity word (customer, account,
loan), the attributes asked for beside it (name, mobile, ID number), the words that only frame
a list ("名下", "及其", "列出", "with their"), "十大客户" as a top-N, and a change direction
("下降"/"fell") that turns into a threshold on the difference of a comparison.

>>> from asker.semantic.entities import load_entities
>>> found = find_entity_words("我名下存款最多的10个客户及其手机号", load_entities(), set())
>>> found.entity, found.attributes
('customer', ('mobile',))
>>> find_entity_words("各客户经理的存款余额", load_entities(), set()).entity is not None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from asker.semantic.entities import Entities
from asker.types import Order
from asker.understand.time_lexicon import cn_int

FRAME_WORDS = re.compile(
    r"名下|旗下|及其|以及|及|和他们的|和她们的|他们的|她们的|它们的|对应的|分别|各自|列出来|列出|列一下|"
    r"列个|名单|清单|明细|有哪些|有谁|哪些|哪几个|哪几位|哪几户|哪个|哪位|谁|每个|每位|每户|逐个|"
    r"\bwith their\b|\band their\b|\btheir\b|\bwhich\b|\bwho\b|\blist\b|\beach\b|\bper\b|\bwhose\b"
    r"|\bshow me\b|\bwith\b|\bby\b|\bof\b|\bmy\b|\bthe\b|\band\b|\bhave\b|\bhas\b",
    re.I,
)
BIG_N = re.compile(r"(\d{1,3}|[一二两三四五六七八九十]{1,3})大(?=客户|储户|存款客户|贷款客户)")
FELL = re.compile(
    r"下降|减少|下滑|降低|流失|缩水|变少|\bfell\b|\bdropped\b|\bdecreased\b|\bdeclined\b|\bshrank\b"
    r"|\bwent down\b",
    re.I,
)
ROSE = re.compile(r"上升|增加|增长|上涨|变多|\brose\b|\bgrew\b|\bincreased\b|\bwent up\b", re.I)


@dataclass(frozen=True)
class EntityWords:
    """What the entity words of a question say, with the character spans they used."""

    entity: str | None = None
    attributes: tuple[str, ...] = ()
    entity_spans: tuple[tuple[int, int], ...] = ()
    attribute_spans: tuple[tuple[int, int], ...] = ()
    order: Order | None = None
    limit: int | None = None
    extra_spans: tuple[tuple[int, int], ...] = field(default=())
    attribute_at: tuple[str, ...] = ()  # the attribute of each span in ``attribute_spans``


def _occurrences(text: str, words: list[str], blocked: set[int]) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of ``words``, longest first; English words on boundaries."""
    lowered, taken, out = text.lower(), set(blocked), []
    for word in sorted(words, key=len, reverse=True):
        pattern = re.escape(word.lower())
        if word.isascii():
            pattern = rf"\b{pattern}\b"
        for m in re.finditer(pattern, lowered):
            span = set(range(*m.span()))
            if not span & taken:
                out.append((m.start(), m.end(), word))
                taken |= span
    return sorted(out)


def find_entity_words(text: str, entities: Entities, blocked: set[int]) -> EntityWords:
    """The first entity word of the question and the attribute words of that entity."""
    for start, end, word in _occurrences(
        text, [w for e in entities.items for w in (*e.words, *e.words_en)], blocked
    ):
        entity = next(e for e in entities.items if word in (*e.words, *e.words_en))
        words = [w for w, _ in entity.attribute_words("zh")]
        used = blocked | set(range(start, end))
        found = _occurrences(text, words, used)
        codes = dict(entity.attribute_words("zh"))
        attributes = tuple(dict.fromkeys(codes[w] for _, _, w in found))
        big = BIG_N.search(text)
        return EntityWords(
            entity=entity.code,
            attributes=attributes,
            entity_spans=((start, end),),
            attribute_spans=tuple((s, e) for s, e, _ in found),
            order="desc" if big else None,
            limit=(cn_int(big.group(1)) or None) if big else None,
            extra_spans=(big.span(),) if big else (),
            attribute_at=tuple(codes[w] for _, _, w in found),
        )
    return EntityWords()


def frame_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Words that only frame an entity list ('名下', '及其', 'with their')."""
    return tuple(m.span() for m in FRAME_WORDS.finditer(text))


def change_direction(text: str, blocked: set[int]) -> tuple[str, tuple[int, int]] | None:
    """'下降' / 'fell' → ('<', span); '增加' / 'rose' → ('>', span): a change per entity."""
    for pattern, op in ((FELL, "<"), (ROSE, ">")):
        for m in pattern.finditer(text):
            if not set(range(*m.span())) & blocked:
                return op, m.span()
    return None
