"""Every comparison form of ARCHITECTURE §5 (Thresholds) with every unit, in Chinese and English:
the expected (op, value, high) are written from the contract's table, not read off the parser."""

from __future__ import annotations

import pytest

from asker.understand.thresholds import cn_number, find_thresholds

FORMS = [
    # strict greater
    ("存款超过100万的客户", ">", 1e6, None),
    ("余额高于5000万", ">", 5e7, None),
    ("贷款大于1.5亿的支行", ">", 1.5e8, None),
    ("AUM多于100w", ">", 1e6, None),
    ("deposits more than 1e8", ">", 1e8, None),
    ("deposits over 2 million", ">", 2e6, None),
    ("branches above 10 billion", ">", 1e10, None),
    ("loans greater than 500k", ">", 5e5, None),
    # inclusive greater
    ("存款100万以上的客户", ">=", 1e6, None),
    ("存款不少于一百万", ">=", 1e6, None),
    ("存款至少50万", ">=", 5e5, None),
    ("不低于3千万的支行", ">=", 3e7, None),
    ("at least 1.5 million", ">=", 1.5e6, None),
    ("no less than 200k", ">=", 2e5, None),
    ("5000万及以上", ">=", 5e7, None),
    # strict less
    ("存款不到1万的客户", "<", 1e4, None),
    ("不良率低于2%的支行", "<", 0.02, None),
    ("少于10笔", "<", 10, None),
    ("below 1m", "<", 1e6, None),
    ("under 100k", "<", 1e5, None),
    ("less than 3%", "<", 0.03, None),
    # inclusive less
    ("贷款余额不超过1千万", "<=", 1e7, None),
    ("存款10万以下", "<=", 1e5, None),
    ("5万以内", "<=", 5e4, None),
    ("at most 2 million", "<=", 2e6, None),
    # between, inclusive
    ("余额介于50万到1.5亿之间", "between", 5e5, 1.5e8),
    ("在1000万至5000万之间", "between", 1e7, 5e7),
    ("存款介于100到500万的客户", "between", 1e6, 5e6),
    ("AUM between 1m and 5m", "between", 1e6, 5e6),
    ("between 2 million and 3 million", "between", 2e6, 3e6),
    # more units and numerals
    ("超过一点五亿", ">", 1.5e8, None),
    ("超过两千五百万元", ">", 2.5e7, None),
    ("超过100万元", ">", 1e6, None),
    ("超过1,000,000元", ">", 1e6, None),
    ("above CNY 2 million", ">", 2e6, None),
]


@pytest.mark.parametrize(("text", "op", "value", "high"), FORMS, ids=[f[0] for f in FORMS])
def test_each_comparison_form_and_unit(
    text: str, op: str, value: float, high: float | None
) -> None:
    found = find_thresholds(text)
    assert len(found) == 1, found
    assert found[0].op == op
    assert found[0].value == pytest.approx(value)
    assert (found[0].high is None) == (high is None)
    if high is not None:
        assert found[0].high == pytest.approx(high)


@pytest.mark.parametrize(
    "text",
    [
        "存款最多的10个客户",
        "前十大客户",
        "近3个月的存款",
        "2026年1月到9月的存款",
        "top 20 customers",
    ],
)
def test_rankings_periods_and_counts_are_not_thresholds(text: str) -> None:
    assert find_thresholds(text) == []


def test_chinese_numerals() -> None:
    assert cn_number("一百万") == 1e6
    assert cn_number("三千") == 3000
    assert cn_number("十") == 10
    assert cn_number("两亿五千万") == 2.5e8
    assert cn_number("存款") is None
