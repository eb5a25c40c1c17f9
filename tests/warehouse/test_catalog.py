from __future__ import annotations

import pytest

from asker.errors import ConfigError
from asker.warehouse.catalog import load_catalog, parse_catalog
from asker.warehouse.engine import DuckDBExecutor
from tests.helpers import rows

FIXED_TABLES = {
    "dim_org",
    "dim_employee",
    "dim_customer",
    "dim_product",
    "dim_date",
    "dim_account",
    "dim_loan",
    "fact_deposit_balance_daily",
    "fact_loan_balance_monthly",
    "fact_transaction",
    "fact_customer_aum_monthly",
    "fact_credit_application",
    "fact_marketing_lead",
    "fact_budget_target",
}
# ARCHITECTURE §4: the PII columns and their types.
PII = {
    ("dim_customer", "cust_name"): "name",
    ("dim_customer", "id_no"): "id_number",
    ("dim_customer", "mobile"): "mobile",
    ("dim_customer", "address"): "address",
    ("dim_account", "card_no"): "bank_card",
    ("fact_transaction", "counterparty_name"): "name",
}


def test_the_demo_catalog_has_the_fixed_tables_with_chinese_comments() -> None:
    catalog = load_catalog()
    assert set(catalog.table_names) == FIXED_TABLES
    for table in catalog.tables:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in table.comment), table.name
        for column in table.columns:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in column.comment), column.name


def test_pii_tags_match_the_contract() -> None:
    tagged = {(t, c.name): c.pii for t, c in load_catalog().pii_columns()}
    assert tagged == PII


def test_every_customer_table_names_its_scope_columns() -> None:
    catalog = load_catalog()
    for table in catalog.tables:
        if "cust_id" in table.column_names:
            assert table.customer_column == "cust_id" and table.org_column, table.name
    assert catalog.table("dim_customer").org_column == "open_org_id"
    assert catalog.table("dim_product").org_column is None


def test_the_warehouse_matches_the_catalog(tiny_executor: DuckDBExecutor) -> None:
    for table in load_catalog().tables:
        described = rows(
            tiny_executor,
            "SELECT column_name, data_type FROM information_schema.columns "
            f"WHERE table_name = '{table.name}' ORDER BY ordinal_position",
        )
        assert described == [(c.name, c.type) for c in table.columns], table.name


BROKEN = """
tables:
  - name: t
    comment: 表
    grain: 行
    primary_key: [id, nope]
    scope: {org: missing_org}
    columns:
      - {name: id, type: VARCHAR, comment: 编号}
      - {name: id, type: TEXTY, comment: 重复}
    foreign_keys:
      - {columns: [id], references: ghost, ref_columns: [id]}
  - name: t
    comment: 重复表
    grain: 行
    primary_key: []
    columns:
      - {name: a, type: INTEGER, comment: 甲, pii: passport}
"""


def test_a_broken_catalog_reports_every_problem_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_catalog(BROKEN, source="broken.yaml")
    problems = caught.value.params["problems"]
    assert any("passport" in p or "pii" in p for p in problems), problems


def test_a_structurally_valid_but_wrong_catalog_lists_all_its_problems() -> None:
    text = BROKEN.replace(", pii: passport", "")
    with pytest.raises(ConfigError) as caught:
        parse_catalog(text, source="broken.yaml")
    problems = "\n".join(caught.value.params["problems"])
    for expected in (
        "t: 表名重复",
        "t.id: 列名重复",
        "TEXTY",
        "'nope'",
        "'missing_org'",
        "'ghost'",
    ):
        assert expected in problems, f"{expected!r} missing from:\n{problems}"
    message = caught.value.message("en")
    assert "broken.yaml" in message and "6 problem(s)" in message


def test_yaml_syntax_errors_are_reported_with_the_file() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_catalog("tables: [\n  - oops", source="bad.yaml")
    assert caught.value.code == "CATALOG_INVALID" and "bad.yaml" in caught.value.message("zh")
