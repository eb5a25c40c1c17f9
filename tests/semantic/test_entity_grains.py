"""Metrics declare the entity grains they support; the dictionary check rejects unknown grains
and grains whose key the metric's tables lack, and the compiler refuses undeclared grains."""

from __future__ import annotations

import datetime as dt

import pytest

from asker.errors import ConfigError, NotAnswerable
from asker.semantic import definitions
from asker.semantic.compiler import Compiler
from asker.semantic.validate import load_dictionary, load_seed_dictionary
from asker.types import MetricQuery, Threshold
from asker.warehouse.catalog import load_catalog


def _with(old: str, new: str) -> dict[str, str]:
    texts = definitions.seed_texts()
    texts["deposits.yaml"] = texts["deposits.yaml"].replace(old, new, 1)
    return texts


def test_an_unknown_entity_grain_is_reported() -> None:
    texts = _with("entities: [customer, account]", "entities: [customer, household]")
    with pytest.raises(ConfigError, match="household"):
        load_dictionary(texts)


def test_a_grain_the_metrics_table_cannot_carry_is_reported() -> None:
    texts = _with("entities: [customer, account]", "entities: [customer, loan]")
    with pytest.raises(ConfigError, match="loan_id"):
        load_dictionary(texts)


@pytest.mark.parametrize(
    "query",
    [
        MetricQuery(("npl_ratio",), entity="customer"),
        MetricQuery(("deposit_balance",), entity="loan"),
        MetricQuery(("deposit_balance",), entity="customer", attributes=("salary",)),
        MetricQuery(("deposit_balance",), thresholds=(Threshold("loan_balance", ">", 1.0),)),
        MetricQuery(
            ("deposit_balance",), thresholds=(Threshold("deposit_balance", "<", 0, part="diff"),)
        ),
    ],
)
def test_the_compiler_refuses_what_the_dictionary_does_not_declare(query: MetricQuery) -> None:
    compiler = Compiler(load_seed_dictionary(), load_catalog(), dt.date(2026, 9, 30))
    with pytest.raises(NotAnswerable):
        compiler.compile(query)
