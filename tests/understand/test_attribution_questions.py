"""Attribution questions on the deterministic parser, by class: why-words (为什么, 为何, 原因,
why, what drove) and driver words (主要是哪个, 贡献, 拉动, 带来, 拖累, drove, contributed), with a
metric and a period, a dimension named or not. The MetricQuery each asks for is written by hand
from the question's meaning; the comparison defaults to the previous comparable period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from asker.semantic.validate import load_seed_dictionary
from asker.types import Attribution, Period
from asker.understand.lexicon import build_lexicon
from asker.understand.parser import Context, parse

DICTIONARY = load_seed_dictionary()
CTX = Context(DICTIONARY, build_lexicon(DICTIONARY), dt.date(2026, 9, 30))
SEP = Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
Q2 = Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
Q3 = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
AUG_END = Period(dt.date(2026, 8, 31), dt.date(2026, 8, 31))

CASES: list[tuple[str, dict[str, Any]]] = [
    # why-words, no dimension named: the pipeline chooses it
    ("本月存款为什么下降了", {"metrics": ("deposit_balance",), "period": SEP, "dimensions": ()}),
    ("本月贷款为何增加", {"metrics": ("loan_balance",), "period": SEP, "dimensions": ()}),
    ("上季度不良率上升的原因", {"metrics": ("npl_ratio",), "period": Q2, "dimensions": ()}),
    ("本月AUM下降是什么原因", {"metrics": ("aum_balance",), "period": SEP, "dimensions": ()}),
    ("why did deposits fall this month", {"metrics": ("deposit_balance",), "period": SEP}),
    ("what drove the change in AUM this quarter", {"metrics": ("aum_balance",), "period": Q3}),
    # driver words with a dimension named
    (
        "上季度不良率上升主要是哪个分行",
        {"metrics": ("npl_ratio",), "dimensions": ("branch",), "period": Q2},
    ),
    (
        "存款变化是哪些产品带来的",
        {"metrics": ("deposit_balance",), "dimensions": ("product_type",), "period": None},
    ),
    ("本月存款增长主要是哪些客群贡献的", {"dimensions": ("segment",), "period": SEP}),
    (
        "本季度贷款增长主要由哪些支行拉动",
        {"metrics": ("loan_balance",), "dimensions": ("subbranch",), "period": Q3},
    ),
    ("本月存款下降是哪些支行拖累的", {"dimensions": ("subbranch",), "period": SEP}),
    (
        "which branches drove the increase in loans",
        {"metrics": ("loan_balance",), "dimensions": ("branch",)},
    ),
    (
        "which channels contributed to the change in transaction amount this month",
        {"metrics": ("txn_amount",), "dimensions": ("channel",), "period": SEP},
    ),
    ("上月贷款增长主要靠哪些分行", {"metrics": ("loan_balance",), "dimensions": ("branch",)}),
    (
        "本月不良率是哪个分行拉高的",
        {"metrics": ("npl_ratio",), "dimensions": ("branch",), "period": SEP},
    ),
    ("存款增长主要来自哪些客群", {"dimensions": ("segment",)}),
    (
        "what is behind the fall in deposits this quarter",
        {"metrics": ("deposit_balance",), "period": Q3, "dimensions": ()},
    ),
    ("why did the NPL ratio rise last quarter", {"metrics": ("npl_ratio",), "period": Q2}),
    ("存款为啥少了", {"metrics": ("deposit_balance",), "dimensions": ()}),
    # comparisons: named (同比) or the default; a month end alone against the month end before
    ("存款同比增长主要是哪些分行贡献的", {"compare": "yoy", "dimensions": ("branch",)}),
    ("本月存款较上月减少主要是哪个分行", {"compare": "mom", "dimensions": ("branch",)}),
    ("9月末存款为什么减少", {"compare": "mom", "attribution": Attribution(AUG_END)}),
    ("今年新发放贷款增加的原因", {"metrics": ("new_loan_amount",), "compare": "yoy"}),
    # a top N keeps N members, the rest summed into one 其他 row
    (
        "贷款余额增长前3个分行贡献",
        {"dimensions": ("branch",), "attribution": Attribution(top=3), "limit": None},
    ),
]


@pytest.mark.parametrize(("question", "want"), CASES, ids=[q for q, _ in CASES])
def test_an_attribution_question_parses_to_its_query(question: str, want: dict[str, Any]) -> None:
    found = parse(question, CTX)
    assert found.status == "ok", (found.code, found.unexplained)
    query = found.query
    assert query is not None and query.attribution is not None
    assert query.compare is not None and not query.thresholds and query.order is None
    want = {"compare": "mom", **want} if "compare" not in want and "period" in want else want
    for field, value in want.items():
        assert getattr(query, field) == value, (field, getattr(query, field), value)


@pytest.mark.parametrize(
    "question", ["各分行存款余额", "存款较上月变化", "本月存款增长了多少", "上季度各分行不良率"]
)
def test_a_question_without_why_or_driver_words_is_no_attribution(question: str) -> None:
    found = parse(question, CTX)
    assert found.query is None or found.query.attribution is None
