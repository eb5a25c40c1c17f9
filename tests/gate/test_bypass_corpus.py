"""The standing corpus of bypass attempts (every role) and of legitimate queries that must work.

Refusals must carry the expected code. ``ok_scoped`` attempts run, and an independent check
(tests/gate/scope_check.py) finds every returned org, customer, account, loan,
transaction, application and lead id in the principal's scope and no raw value of a column the
role sees masked.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from asker.errors import QueryLimit, UserFacingError
from asker.gate import gate
from asker.types import GatedQuery, QueryResult
from tests.gate.bank import Bank, bank_for
from tests.gate.scope_check import out_of_scope, raw_pii
from tests.helpers import suppressed_diff

CORPUS = yaml.safe_load((Path(__file__).parent / "bypass_corpus.yaml").read_text("utf-8"))
ATTEMPTS: list[dict[str, Any]] = CORPUS["attempts"]
LEGITIMATE: list[dict[str, Any]] = CORPUS["legitimate"]
RUNS = {"ok_scoped", "ok_capped", "ok_suppressed", "QUERY_TIMEOUT"}
BOMB_TIMEOUT_S = 0.5


@pytest.fixture(scope="module")
def bank(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return bank_for(request, tmp_path_factory)


def gated(bank: Bank, role: str, sql: str) -> GatedQuery:
    principal = bank.principals[role]
    return gate(sql, principal, policy=bank.policy, catalog=bank.catalog, orgs=bank.orgs)


def run(bank: Bank, query: GatedQuery, timeout_s: float = 60) -> QueryResult:
    return bank.executor.execute(query.tree, row_cap=query.row_cap, timeout_s=timeout_s)


def assert_in_scope(bank: Bank, role: str, result: QueryResult) -> None:
    principal = bank.principals[role]
    assert not out_of_scope(bank, principal, result.rows), "rows outside the principal's scope"
    assert not raw_pii(bank, principal, result.rows), "raw PII in the result"


def test_the_corpus_covers_every_role_and_category() -> None:
    assert len(ATTEMPTS) >= 150 and len(LEGITIMATE) >= 40
    roles = {a["role"] for a in ATTEMPTS}
    assert roles >= {"hq_analyst", "branch_manager", "subbranch_manager", "client_manager"}
    assert roles >= {"hq_executive", "metric_admin", "metric_approver", "auditor"}
    categories = Counter(a["category"] for a in ATTEMPTS)
    assert set(categories) >= {"statements", "duckdb", "catalogs", "scope", "pii", "detail"}
    assert set(categories) >= {"postgresql", "spark"}  # each engine's own dangerous functions


@pytest.mark.parametrize(
    "attempt", ATTEMPTS, ids=[f"{a['category']}-{i:03d}" for i, a in enumerate(ATTEMPTS)]
)
def test_bypass_attempt(attempt: dict[str, Any], bank: Bank) -> None:
    role, sql, expect = attempt["role"], attempt["sql"], attempt["expect"]
    if expect not in RUNS:
        with pytest.raises(UserFacingError) as caught:
            gated(bank, role, sql)
        assert caught.value.code == expect, caught.value.message("en")
        return
    query = gated(bank, role, sql)
    if expect == "QUERY_TIMEOUT":
        with pytest.raises(QueryLimit) as stopped:
            run(bank, query, timeout_s=BOMB_TIMEOUT_S)
        assert stopped.value.code == "QUERY_TIMEOUT"
        return
    result = run(bank, query)
    assert result.row_count <= query.row_cap
    assert_in_scope(bank, role, result)
    if expect == "ok_suppressed":
        shown = {(c.row, c.column) for c in result.suppressed}
        for number, row in enumerate(result.rows):
            for name in attempt["hidden"]:
                assert row[result.columns.index(name)] is None, f"row {number}: {name} shown"
                assert (number, name) in shown, f"row {number}: {name} not marked suppressed"


@pytest.mark.parametrize(
    "query", LEGITIMATE, ids=[f"{q['role']}-{i:02d}" for i, q in enumerate(LEGITIMATE)]
)
def test_legitimate_query(query: dict[str, Any], bank: Bank) -> None:
    result = run(bank, gated(bank, query["role"], query["sql"]))
    assert_in_scope(bank, query["role"], result)
    if query.get("same_as_raw"):
        raw = bank.rows(query["sql"])
        diff = suppressed_diff(result, raw)
        assert diff is None, f"the rewrite changed: {diff}"
