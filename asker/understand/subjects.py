"""A subject area named alone ("客户", "customers") and flow words on it (流失客户, 净增客户, lost
customers): the documented default metric, or a choice of the metrics that answer it.

Subject words are read only when no metric was named: "对公客户的存款" is about deposits, and
its 客户 is a qualifier, not the customer count. The defaults are ARCHITECTURE §5's ("客户数 →
customer_count"); subjects whose metric word is itself a term (存款, 贷款, 不良, NPL) are the
lexicon's ambiguous words.

>>> subject_of(("客户",))
('客户', 'customer_count')
>>> flow_of("流失客户有多少")
'流失'
"""

from __future__ import annotations

import re
from dataclasses import replace

from asker.semantic.model import Dictionary
from asker.types import Compare, Labelled, MetricQuery

SUBJECTS: dict[str, str] = {
    "客户": "customer_count",
    "客户们": "customer_count",
    "客人": "customer_count",
    "customer": "customer_count",
    "customers": "customer_count",
    "clients": "customer_count",
    "client": "customer_count",
}
# Words of a flow over the period whose metric the dictionary may lack: asked about, with the
# closest answerable questions (the count's change against a base, the count of new ones).
FLOWS = re.compile(r"流失|净增|净减|净新增|减少|\blost\b|\bchurn(?:ed)?\b|\bnet\s+new\b", re.I)
BASES: tuple[tuple[Compare, str, str], ...] = (
    ("mom", "较上月的变化", "change vs last month"),
    ("ytd", "较年初的变化", "change since the start of the year"),
)
NEW_METRIC = {"customer_count": "new_customer_count", "loan_balance": "new_loan_amount"}


def subject_of(words: tuple[str, ...]) -> tuple[str, str] | None:
    """(word, default metric) of the first subject word among ``words``."""
    return next(((w, SUBJECTS[w.lower()]) for w in words if w.lower() in SUBJECTS), None)


def flow_of(text: str) -> str | None:
    found = FLOWS.search(text)
    return found.group(0) if found else None


def flow_choices(
    query: MetricQuery, code: str, dictionary: Dictionary, zh: bool
) -> tuple[Labelled, ...]:
    """The stock metric against each base, and the count of new ones when the dictionary has it."""
    metric = dictionary.metric(code)
    name = metric.name if zh else metric.name_en
    stock = replace(query, metrics=(code,))
    out = [
        Labelled(f"{name}{label}" if zh else f"{name}: {label_en}", replace(stock, compare=base))
        for base, label, label_en in BASES
    ]
    new = NEW_METRIC.get(code)
    if new in dictionary.metric_codes:
        other = dictionary.metric(new)
        out.append(Labelled(other.name if zh else other.name_en, replace(stock, metrics=(new,))))
    return tuple(out)
