"""Words that change what a question means and that the plan must honour or ask about: never a
different question answered in silence.

A word of change (增长, 增幅, 下降, growth, increase) asks for a difference against a base. When
the plan compares nothing (no 同比/环比/较年初) and no metric is itself a change (存款较年初增量,
新增客户数, 新发放贷款), answering the level would answer another question: the parser asks which
base is meant, each choice a runnable query.

>>> change_words("各分行存款增幅排名", [(3, 5)])
('增幅',)
>>> change_words("存款较年初增长", [(0, 7)])
()
"""

from __future__ import annotations

import re
from dataclasses import replace

from asker.semantic.model import Dictionary
from asker.types import Compare, Labelled, MetricQuery, Understanding

CHANGE = re.compile(
    r"增长率|增长|增幅|增速|增量|增加|增额|涨幅|涨了|上涨|上升|下降|下滑|降幅|减少|跌了|变化|变动"
    r"|\bgrowth\b|\bgrew\b|\bgrow(?:ing|n)?\b|\bincreased?\b|\bdecreased?\b|\bdeclined?\b"
    r"|\brise\b|\brose\b|\bfell\b|\bdropped\b|\bchange[ds]?\b",
    re.I,
)
# A metric that is itself a change or a flow over the period honours a word of change.
CHANGE_METRIC = re.compile(r"增量|新增|新发放|累计|growth|new\b", re.I)
BASES: tuple[tuple[Compare, str, str], ...] = (
    ("ytd", "较年初", "vs the start of the year"),
    ("yoy", "同比（较去年同期）", "year on year"),
    ("mom", "环比（较上期）", "vs the previous period"),
)


def change_words(text: str, used: list[tuple[int, int]]) -> tuple[str, ...]:
    """Words of change outside the spans already used (metric names, comparisons)."""
    taken = {i for start, end in used for i in range(start, end)}
    found = [
        m.group(0) for m in CHANGE.finditer(text) if not any(i in taken for i in range(*m.span()))
    ]
    return tuple(dict.fromkeys(found))


def honours_change(query: MetricQuery, dictionary: Dictionary) -> bool:
    """Whether the plan already answers a change: a comparison, or a metric that is one."""
    if query.compare is not None:
        return True
    return any(
        CHANGE_METRIC.search(f"{m.name} {m.name_en}")
        for m in (dictionary.metric(code) for code in query.metrics)
    )


def base_choices(query: MetricQuery, zh: bool) -> tuple[Labelled, ...]:
    """The same query compared with each base: what a word of change can mean."""
    return tuple(
        Labelled(f"按{label}比较" if zh else f"Compare {label_en}", replace(query, compare=base))
        for base, label, label_en in BASES
    )


def ask_base(
    base: Understanding, query: MetricQuery, assumptions: tuple[str, ...], changes: tuple[str, ...]
) -> Understanding:
    """'存款增幅排名' with no base: a ranking of balances would answer another question."""
    return replace(
        base,
        status="clarify",
        code="CLARIFY_COMPARE",
        query=query,
        confidence=0.5,
        unexplained=changes,
        assumptions=assumptions,
        choices=base_choices(query, base.language == "zh"),
    )
