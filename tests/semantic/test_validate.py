"""The dictionary loader reports every problem at once, with file, metric and field."""

from __future__ import annotations

import pytest

from asker.errors import ConfigError
from asker.semantic.definitions import seed_texts
from asker.semantic.validate import load_dictionary, load_seed_dictionary

ARCHITECTURE_CODES = {
    "deposit_balance",
    "retail_deposit_balance",
    "corporate_deposit_balance",
    "time_deposit_balance",
    "deposit_avg_daily",
    "deposit_growth_ytd",
    "time_deposit_ratio",
    "loan_balance",
    "npl_balance",
    "npl_ratio",
    "special_mention_ratio",
    "overdue_loan_balance",
    "normal_migration_rate",
    "loan_to_deposit_ratio",
    "new_loan_amount",
    "customer_count",
    "new_customer_count",
    "effective_customer_count",
    "aum_balance",
    "wealth_balance",
    "txn_count",
    "txn_amount",
    "mobile_txn_share",
    "large_outflow_count",
    "dormant_account_count",
    "credit_application_count",
    "credit_approval_rate",
    "credit_utilization_rate",
    "lead_conversion_rate",
    "deposit_budget_attainment",
}


def test_the_seed_dictionary_is_valid_and_covers_the_contract() -> None:
    dictionary = load_seed_dictionary()
    assert set(dictionary.metric_codes) >= ARCHITECTURE_CODES
    types = {m.type for m in dictionary.metrics}
    assert types == {"simple", "ratio", "derived", "cumulative", "migration"}
    assert any(m.measure and m.measure.snapshot for m in dictionary.metrics)  # semi-additive
    for metric in dictionary.metrics:
        assert metric.synonyms and metric.synonyms_en, metric.code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in metric.definition), metric.code
    assert (
        dictionary.metric("npl_ratio").locked and dictionary.metric("npl_ratio").category == "监管"
    )
    assert "坏账" in dictionary.metric("npl_balance").aliases


BROKEN = {
    "a.yaml": """
metrics:
  - code: bad_table
    name: 坏表
    name_en: bad table
    type: simple
    measure: {table: no_such_table, expr: SUM(x), time: biz_date}
    definition: 一个引用了不存在的表的指标。
    definition_en: A metric on a missing table.
    synonyms: [存款]
    dimensions: [branch]
    unit: 元
    format: amount
    higher_is_better: true
    category: 业务
    owner_department: 测试部
    steward: 测试
  - code: bad_column
    name: 坏列
    name_en: bad column
    type: simple
    measure:
      table: fact_deposit_balance_daily
      expr: SUM(no_such_col)
      time: biz_date
      where: "balance >"
    definition: 引用了不存在的列。
    definition_en: A metric on a missing column.
    dimensions: [branch, planet, channel]
    unit: 元
    format: amount
    higher_is_better: true
    category: 业务
    owner_department: 测试部
    steward: 测试
  - code: loop_a
    name: 循环甲
    name_en: loop a
    type: ratio
    numerator: loop_b
    denominator: ghost_metric
    definition: 循环引用的比率。
    definition_en: A ratio in a cycle.
    unit: 比例
    format: percent
    higher_is_better: true
    category: 风险
    owner_department: 测试部
    steward: 测试
""",
    "b.yaml": """
metrics:
  - code: loop_b
    name: 循环乙
    name_en: loop b
    type: ratio
    numerator: loop_a
    denominator: deposit_balance
    definition: 循环引用的比率。
    definition_en: A ratio in a cycle.
    unit: 比例
    format: percent
    higher_is_better: true
    category: 风险
    owner_department: 测试部
    steward: 测试
  - code: no_aggregate
    name: 没有聚合
    name_en: no aggregate
    type: simple
    measure: {table: fact_transaction, expr: amount, time: biz_date}
    definition: 度量不是聚合表达式。
    definition_en: The measure does not aggregate.
    unit: 元
    format: amount
    higher_is_better: true
    category: 宇宙
    owner_department: 测试部
    steward: 测试
""",
    "c.yaml": "metrics: [\n  - code: broken",
}


def test_every_problem_in_every_file_is_reported_at_once() -> None:
    texts = {**seed_texts(), **BROKEN}
    with pytest.raises(ConfigError) as caught:
        load_dictionary(texts)
    problems = "\n".join(caught.value.params["problems"])
    expected = [
        "a.yaml · bad_table · measure.table: 未知表 unknown table 'no_such_table'",
        "bad_table · synonyms: 词语 '存款' 同时属于 also claimed by deposit_balance",
        "bad_column · measure.expr",  # unknown column
        "no_such_col",
        "bad_column · measure.where",  # does not parse
        "unknown dimension 'planet'",
        "bad_column · dimensions: 维度 channel 的列 fact_deposit_balance_daily.channel 不存在",
        "a.yaml · loop_a: 引用了未知指标 refers to unknown metric 'ghost_metric'",
        "循环引用 cycle: loop_a -> loop_b -> loop_a",
        "b.yaml · no_aggregate · category",  # 宇宙 is not a category
        "c.yaml",  # YAML syntax
    ]
    for fragment in expected:
        assert fragment in problems, f"{fragment!r} not reported in:\n{problems}"


def test_a_measure_must_aggregate() -> None:
    texts = {
        **seed_texts(),
        "b.yaml": BROKEN["b.yaml"]
        .replace("category: 宇宙", "category: 业务")
        .replace("numerator: loop_a", "numerator: deposit_balance"),
    }
    with pytest.raises(ConfigError) as caught:
        load_dictionary(texts)
    problems = caught.value.params["problems"]
    assert any("no_aggregate" in p and "must aggregate" in p for p in problems), problems
    assert caught.value.message("en").startswith("The metric dictionary")


def test_duplicate_codes_are_reported_with_both_files() -> None:
    deposits = seed_texts()["deposits.yaml"]
    with pytest.raises(ConfigError) as caught:
        load_dictionary({**seed_texts(), "copy.yaml": deposits})
    problems = "\n".join(caught.value.params["problems"])
    assert "copy.yaml · deposit_balance · code: 指标编码重复" in problems
