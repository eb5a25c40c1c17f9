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
    r"(?:我们|咱们|我行|本行|本分行|本支行|我这边?|我)的?(?:下面|下边|底下|下属|下辖|旗下|辖内|管辖)"
    r"|辖内|下辖机构|下属机构|\bunder\s+(?:us|me)\b|\bbelow\s+us\b|\bour\s+(?:units|offices)\b",
    re.I,
)
CHILD_LEVEL = {"总行": "branch", "分行": "subbranch"}
ORG_DIMENSIONS = frozenset(("branch", "subbranch"))


def names_children(question: str) -> bool:
    """Whether the question names the units under the asker's own."""
    return bool(UNDER_US.search(question))


def child_dimension(level: str) -> str | None:
    """The dimension of the units directly under a unit of ``level`` (none under a 支行)."""
    return CHILD_LEVEL.get(level)
