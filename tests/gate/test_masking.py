"""Masks: golden values per PII type run on DuckDB, a property test against a reference, and no
raw PII value of the warehouse in what a masked role gets back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from sqlglot import exp

from asker.gate import gate
from asker.gate.masking import MASKS, mask_for
from tests.gate.bank import Bank, bank_for

GOLDEN = yaml.safe_load((Path(__file__).parent / "golden" / "masks.yaml").read_text("utf-8"))
CASES = [(pii, value, masked) for pii, pairs in GOLDEN.items() for value, masked in pairs]
KEEP = {"name": (1, "**", 0), "id_number": (6, "********", 4), "mobile": (3, "****", 4),
        "bank_card": (6, "******", 4), "address": (6, "****", 0)}  # fmt: skip
MEMORY = duckdb.connect()  # masks are plain SQL: an in-memory database runs them


def masked_by_duckdb(pii: str, value: str | None) -> Any:
    literal = exp.Null() if value is None else exp.Literal.string(value)
    sql = exp.select(mask_for(pii)(literal)).sql(dialect="duckdb")
    row = MEMORY.execute(sql).fetchone()
    assert row is not None
    return row[0]


def reference(pii: str, value: str) -> str:
    head, filler, tail = KEEP[pii]
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + filler + (value[-tail:] if tail else "")


def test_every_pii_type_has_a_mask_and_golden_values() -> None:
    assert set(MASKS) == set(GOLDEN) == set(KEEP)
    assert all(any(v is None for v, _ in pairs) for pairs in GOLDEN.values())


@pytest.mark.parametrize(("pii", "value", "masked"), CASES)
def test_mask_golden(pii: str, value: str | None, masked: str | None) -> None:
    assert masked_by_duckdb(pii, value) == masked


@given(
    pii=st.sampled_from(sorted(KEEP)),
    value=st.text(alphabet="0123456789ABX张王欧阳成都市区路号 ", max_size=24),
)
def test_masks_match_the_reference(pii: str, value: str) -> None:
    assert masked_by_duckdb(pii, value) == reference(pii, value)


def test_masks_are_asts_not_strings() -> None:
    mask = mask_for("mobile")(exp.column("mobile"))
    assert isinstance(mask, exp.Case)
    assert mask.sql("duckdb").startswith("CASE WHEN mobile IS NULL THEN NULL")


@pytest.fixture(scope="module")
def bank(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return bank_for(request, tmp_path_factory)


def raw_pii(bank: Bank) -> set[str]:
    """Every PII value in the warehouse longer than one character."""
    values: set[str] = set()
    for table, column in bank.catalog.pii_columns():
        rows = bank.rows(f'SELECT DISTINCT "{column.name}" FROM "{table}"')
        values |= {r[0] for r in rows if isinstance(r[0], str) and len(r[0]) > 1}
    return values


QUERIES = [
    "SELECT * FROM dim_customer LIMIT 50",
    "SELECT * FROM dim_customer",
    "SELECT * FROM dim_account",
    "SELECT txn_id, counterparty_name FROM fact_transaction LIMIT 2000",
    "WITH c AS (SELECT * FROM dim_customer) SELECT c.* FROM c JOIN dim_account a USING (cust_id)",
]


@pytest.mark.parametrize("sql", QUERIES)
def test_no_raw_pii_leaves_the_gate_for_an_analyst(bank: Bank, sql: str) -> None:
    analyst = bank.principals["hq_analyst"]
    gated = gate(sql, analyst, policy=bank.policy, catalog=bank.catalog, orgs=bank.orgs)
    result = bank.executor.execute(gated.tree, row_cap=gated.row_cap, timeout_s=30)
    assert result.rows, "the query should return rows"
    leaked = raw_pii(bank) & {v for row in result.rows for v in row if isinstance(v, str)}
    assert not leaked, f"raw PII in the result: {sorted(leaked)[:5]}"
    assert gated.masked_columns, "the answer must say what was masked"


def test_masked_labels_name_the_columns(bank: Bank) -> None:
    analyst = bank.principals["hq_analyst"]
    sql = "SELECT cust_name AS 姓名, mobile FROM dim_customer LIMIT 50"
    gated = gate(sql, analyst, policy=bank.policy, catalog=bank.catalog, orgs=bank.orgs)
    labels = {m.label: m.value for m in gated.masked_columns}
    assert labels == {
        "客户名称已脱敏": {"column": "姓名", "source": "dim_customer.cust_name", "pii": "name"},
        "手机号码已脱敏": {"column": "mobile", "source": "dim_customer.mobile", "pii": "mobile"},
    }


def test_a_client_manager_sees_his_customers_names_but_not_their_mobiles(bank: Bank) -> None:
    manager = bank.principals["client_manager"]
    sql = "SELECT cust_id, cust_name, mobile FROM dim_customer"
    gated = gate(sql, manager, policy=bank.policy, catalog=bank.catalog, orgs=bank.orgs)
    rows = bank.executor.execute(gated.tree, row_cap=gated.row_cap, timeout_s=30).rows
    names = dict(bank.rows(f"SELECT cust_id, cust_name FROM dim_customer WHERE manager_emp_id = "
                           f"'{manager.emp_id}'"))  # fmt: skip
    assert rows and all(name == names[cust] for cust, name, _ in rows)
    assert all(m is None or "****" in m or set(m) == {"*"} for _, _, m in rows)
    assert [m.label for m in gated.masked_columns] == ["手机号码已脱敏"]
