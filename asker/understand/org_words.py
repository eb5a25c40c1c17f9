"""Org words whose meaning depends on who asks: "我们下面", "下辖", "under us" name the level of
org units directly under the asker's own unit (总行 → 分行, 分行 → 支行). The parser cannot know
the asker; ``child_dimension`` turns the asker's level into the breakdown.

>>> names_children("我们下面各家的存款余额"), names_children("存款余额")
(True, False)
>>> child_dimension("分行"), child_dimension("支行")
('subbranch', None)
"""

from __future__ import annotations

import re

UNDER_US = re.compile(
    r"(?:我们|咱们|咱|我行|本行|本分行|本支行|我这边?|我)(?:分行|支行)?的?"
    r"(?:下面|下边|底下|下属|下辖|旗下|辖内|管辖)"
    r"|辖内|下辖机构|下属机构|\bunder\s+(?:us|me)\b|\bbelow\s+us\b|\bour\s+(?:units|offices)\b",
    re.I,
)
# The asker's own unit or book, named with a first-person word: "咱们分行", "本支行", "我名下客户",
# "our branch", "my customers" is the scope the asker already has, never a breakdown by branch
# nor a list of customers.
OWN = re.compile(
    r"(?:我们|咱们|咱|俺们|我|本)的?(?:分行|支行|网点)(?!的?(?:下面|下边|底下|下属|下辖|旗下|辖内|管辖))"
    r"|(?:我名下|我管的|我管户的|我负责的|我的)的?(?:客户|客群)(?!数|总数|量)"
    r"|\b(?:our|my)\s+(?:branch|sub-?branch|office|customers|clients|book)\b",
    re.I,
)
CHILD_LEVEL = {"总行": "branch", "分行": "subbranch"}
ORG_DIMENSIONS = frozenset(("branch", "subbranch"))


def own_spans(question: str) -> tuple[tuple[int, int], ...]:
    """Where the question names the asker's own unit or book.

    >>> own_spans("咱们分行去年年末存款"), own_spans("我名下客户的贷款余额")
    (((0, 4),), ((0, 5),))
    >>> own_spans("咱们分行下面各支行的存款"), own_spans("各分行存款")
    ((), ())
    """
    return tuple(m.span() for m in OWN.finditer(question))


def under_us_spans(question: str) -> tuple[tuple[int, int], ...]:
    """Where the question names the units under the asker's ("咱们分行下面"): read by the
    pipeline, never as a breakdown by the level named in it."""
    return tuple(m.span() for m in UNDER_US.finditer(question))


def names_children(question: str) -> bool:
    """Whether the question names the units under the asker's own."""
    return bool(UNDER_US.search(question))


def child_dimension(level: str) -> str | None:
    """The dimension of the units directly under a unit of ``level`` (none under a 支行)."""
    return CHILD_LEVEL.get(level)
