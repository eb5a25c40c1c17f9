"""Entity questions and thresholds on the deterministic parser: the MetricQuery each question
asks for, written by hand from the question's meaning (ARCHITECTURE §5 Thresholds, §6 detail)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from asker.semantic.validate import load_seed_dictionary
from asker.types import Threshold
from asker.understand.lexicon import build_lexicon
from asker.understand.parser import Context, parse

DICTIONARY = load_seed_dictionary()
CTX = Context(DICTIONARY, build_lexicon(DICTIONARY), dt.date(2026, 9, 30))

CASES: list[tuple[str, dict[str, Any]]] = [
    (
        "我名下存款最多的10个客户及其手机号",
        {"metrics": ("deposit_balance",), "entity": "customer", "attributes": ("mobile",),
         "order": "desc", "limit": 10},
    ),
    ("top 20 customers by AUM", {"metrics": ("aum_balance",), "entity": "customer", "limit": 20}),
    (
        "哪些客户存款超过100万",
        {"entity": "customer", "thresholds": (Threshold("deposit_balance", ">", 1e6),)},
    ),
    (
        "存款余额超过100亿的分行",
        {"dimensions": ("branch",), "entity": None,
         "thresholds": (Threshold("deposit_balance", ">", 1e10),)},
    ),
    (
        "存款比上月下降的客户",
        {"entity": "customer", "compare": "mom",
         "thresholds": (Threshold("deposit_balance", "<", 0.0, part="diff"),)},
    ),
    (
        "存款环比下降超过10万的客户",
        {"compare": "mom", "thresholds": (Threshold("deposit_balance", "<", -1e5, part="diff"),)},
    ),
    (
        "存款较年初减少的客户",
        {"metrics": ("deposit_growth_ytd",), "compare": None,
         "thresholds": (Threshold("deposit_growth_ytd", "<", 0.0),)},
    ),
    (
        "合同金额超过500万的贷款有哪些",
        {"metrics": ("loan_balance",), "entity": "loan", "attributes": ("contract_amt",),
         "thresholds": (Threshold("contract_amt", ">", 5e6, on_attribute=True),)},
    ),
    ("贷款余额最大的5笔贷款", {"entity": "loan", "order": "desc", "limit": 5, "dimensions": ()}),
    ("存款余额前10的账户", {"entity": "account", "limit": 10}),
    ("十大存款客户", {"entity": "customer", "order": "desc", "limit": 10}),
    (
        "不良率高于2%的支行",
        {"dimensions": ("subbranch",), "thresholds": (Threshold("npl_ratio", ">", 0.02),)},
    ),
    (
        "customers with deposits of at least 1.5 million",
        {"metrics": ("deposit_balance",), "entity": "customer", "order": None,
         "thresholds": (Threshold("deposit_balance", ">=", 1.5e6),)},
    ),
    (
        "AUM在50万到100万之间的客户",
        {"thresholds": (Threshold("aum_balance", "between", 5e5, 1e6),)},
    ),
    # words that contain an entity word but are terms of their own stay what they were
    ("各客户经理的存款余额", {"dimensions": ("manager",), "entity": None}),
    ("客户数", {"metrics": ("customer_count",), "entity": None}),
    ("新增客户数", {"metrics": ("new_customer_count",), "entity": None}),
    ("loans by branch", {"metrics": ("loan_balance",), "entity": None}),
    ("手机银行交易笔数", {"metrics": ("mobile_txn_count",), "entity": None, "attributes": ()}),
]  # fmt: skip


@pytest.mark.parametrize(("question", "expected"), CASES, ids=[c[0] for c in CASES])
def test_entity_and_threshold_questions(question: str, expected: dict[str, Any]) -> None:
    found = parse(question, CTX)
    assert found.status == "ok", (found.code, found.unexplained)
    assert found.query is not None
    for field, value in expected.items():
        assert getattr(found.query, field) == value, field


def test_a_percent_threshold_on_an_amount_without_a_comparison_is_refused() -> None:
    found = parse("存款超过10%的客户", CTX)
    assert found.status == "refused"
    assert found.code == "THRESHOLD_INVALID"
