"""Aggregates only, by meaning: no cell an aggregates-only role gets back stands for fewer than
k distinct customers, whatever the SQL looks like.

The oracle is independent of the gate: for each generated query it runs, on the executive's
shadow copy of the warehouse (eval/shadow.py) and without the gate, a hand-written counting
query of the same shape (``COUNT(DISTINCT cust_id)`` per group, with the same filter and the
same CASE condition) and checks, per returned row, that every non-null cell stands for at least
k customers, that every cell under k is null and listed as suppressed, that the cells shown
equal the raw aggregate, and that no row stands for one entity.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asker.access.accounts import principal
from asker.access.policy import load_policy
from asker.access.scope import load_org_directory
from asker.appstate.database import engine_for
from asker.errors import AccessDenied, InvalidSql
from asker.gate import gate
from asker.types import Principal, QueryResult
from asker.warehouse.catalog import load_catalog
from asker.warehouse.engine import DuckDBExecutor
from eval.shadow import build_shadow
from tests.helpers import same_value

CATALOG = load_catalog()
POLICY = load_policy(CATALOG)
K = 5
EXECUTIVE = "chen.jie"

# entity tables with their customer column, and columns by kind (written from the catalog's
# comments, not read from the policy: the oracle does not trust the gate's lists)
TABLES: dict[str, dict[str, list[str]]] = {
    "fact_deposit_balance_daily": {
        "dims": ["org_id", "product_id", "biz_date"],
        "others": ["account_id", "balance"],
        "measures": ["balance"],
    },
    "fact_loan_balance_monthly": {
        "dims": ["org_id", "product_id", "five_class", "month_end", "manager_emp_id"],
        "others": ["loan_id", "overdue_days", "balance"],
        "measures": ["balance", "overdue_days"],
    },
    "fact_transaction": {
        "dims": ["org_id", "channel", "direction", "txn_type", "biz_date"],
        "others": ["txn_time", "account_id", "amount"],
        "measures": ["amount"],
    },
    "dim_customer": {
        "dims": ["cust_type", "gender", "segment", "industry", "risk_level", "open_org_id"],
        "others": ["birth_date", "open_date"],
        "measures": [],
    },
    "dim_loan": {
        "dims": ["org_id", "product_id", "guarantee_type"],
        "others": ["loan_id", "interest_rate", "contract_amt"],
        "measures": ["contract_amt", "interest_rate"],
    },
    "fact_credit_application": {
        "dims": ["org_id", "product_id", "channel", "status"],
        "others": ["app_id", "apply_amt"],
        "measures": ["apply_amt", "approved_amt"],
    },
}


@dataclass(frozen=True)
class Generated:
    sql: str  # what the executive sends
    oracle: str  # per group: keys..., COUNT(DISTINCT cust_id) AS pop, the raw value
    keys: int  # how many leading columns are group keys


@st.composite
def generated(draw: st.DrawFn, values: dict[tuple[str, str], list[Any]]) -> Generated:
    table = draw(st.sampled_from(sorted(TABLES)))
    kinds = TABLES[table]
    group = draw(
        st.lists(
            st.sampled_from(kinds["dims"] + kinds["others"]), min_size=0, max_size=2, unique=True
        )
    )
    measure = draw(st.sampled_from(kinds["measures"] or ["*"]))
    agg = draw(st.sampled_from(["SUM", "AVG", "COUNT", "MAX", "MEDIAN"]))
    value = "COUNT(*)" if measure == "*" else f"{agg}({measure})"
    where = ""
    candidates = [c for c in kinds["dims"] + kinds["others"] if values.get((table, c))]
    condition = None
    if candidates and draw(st.booleans()):
        column = draw(st.sampled_from(candidates))
        literal = draw(st.sampled_from(values[(table, column)]))
        condition = f"{column} = {_literal(literal)}"
    shape = draw(st.sampled_from(["where", "case", "plain"])) if condition else "plain"
    if shape == "where":
        where = f" WHERE {condition}"
    counted = "cust_id"
    if shape == "case" and measure != "*":
        value = f"SUM(CASE WHEN {condition} THEN {measure} ELSE 0 END)"
        counted = f"CASE WHEN {condition} THEN cust_id END"
    elif shape == "case":
        value = f"COUNT(*) FILTER (WHERE {condition})"
        counted = f"CASE WHEN {condition} THEN cust_id END"
    keys = ", ".join(group)
    by = f" GROUP BY {keys}" if group else ""
    head = f"{keys}, " if group else ""
    sql = f"SELECT {head}{value} AS v FROM {table}{where}{by}"
    if draw(st.booleans()) and group:
        sql = f"WITH x AS ({sql}) SELECT * FROM x WHERE v IS NOT NULL"
    oracle = f"SELECT {head}COUNT(DISTINCT {counted}) AS pop, {value} AS v FROM {table}{where}{by}"
    return Generated(sql, oracle, len(group))


def _literal(value: Any) -> str:
    if isinstance(value, int | float | Decimal):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


@pytest.fixture(scope="module")
def executive(tiny_dir: Path) -> Principal:
    engine = engine_for(f"sqlite:///{tiny_dir / 'app.db'}")
    found = principal(engine, EXECUTIVE)
    engine.dispose()
    assert POLICY.role(found.role).detail is False
    return found


@pytest.fixture(scope="module")
def shadow(
    tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory, executive: Principal
) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("cells") / "executive.duckdb"
    build_shadow(tiny_dir / "warehouse.duckdb", path, executive)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def values(shadow: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[Any]]:
    """A few real values per column (rare ones first: they make the small cells)."""
    found: dict[tuple[str, str], list[Any]] = {}
    for table, kinds in TABLES.items():
        for column in kinds["dims"] + kinds["others"]:
            rows = shadow.execute(
                f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL "
                f"GROUP BY 1 ORDER BY count(*), 1 LIMIT 3"
            ).fetchall()
            found[(table, column)] = [r[0] for r in rows if not hasattr(r[0], "hour")]
    return found


def _check(result: QueryResult, want: list[tuple[Any, ...]], case: Generated) -> None:
    by_key = {tuple(r[: case.keys]): r for r in want}
    suppressed = {(c.row, c.column) for c in result.suppressed}
    value_column = result.columns[-1]
    for number, row in enumerate(result.rows):
        key = tuple(row[: case.keys])
        assert key in by_key, f"{case.sql}: a group the oracle does not have: {key}"
        pop, raw = by_key[key][-2], by_key[key][-1]
        got = row[-1]
        if got is not None:
            assert pop >= K, f"{case.sql}: a cell of {pop} customers shown: {row}"
            assert same_value(_plain(got), _plain(raw)), f"{case.sql}: {got} != {raw}"
        elif pop < K:
            assert (number, value_column) in suppressed, f"{case.sql}: null, not marked"


def _plain(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def test_no_cell_an_aggregates_only_role_sees_stands_for_fewer_than_k(
    executive: Principal,
    shadow: duckdb.DuckDBPyConnection,
    values: dict[tuple[str, str], list[Any]],
    tiny_executor: DuckDBExecutor,
) -> None:
    orgs = load_org_directory(tiny_executor)
    counts = {"answered": 0, "refused": 0, "suppressed": 0}

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(generated(values))
    def check(case: Generated) -> None:
        try:
            gated = gate(case.sql, executive, policy=POLICY, catalog=CATALOG, orgs=orgs)
        except (AccessDenied, InvalidSql):
            counts["refused"] += 1
            return
        result = tiny_executor.execute(gated.tree, row_cap=10_000, timeout_s=60)
        want = shadow.execute(case.oracle).fetchall()
        _check(result, want, case)
        counts["answered"] += 1
        counts["suppressed"] += bool(result.suppressed)

    check()
    print(counts)
    assert counts["answered"] >= 20 and counts["suppressed"] >= 3, counts


NPL = "five_class IN ('次级', '可疑', '损失')"
LEFT_JOINED_RATIO = (
    "SELECT t.org_id, COALESCE(n.npl, 0) / t.total AS npl_ratio "
    "FROM (SELECT org_id, SUM(balance) AS total FROM fact_loan_balance_monthly GROUP BY org_id) "
    "AS t LEFT JOIN (SELECT org_id, SUM(balance) AS npl FROM fact_loan_balance_monthly "
    f"WHERE {NPL} GROUP BY org_id) AS n ON n.org_id = t.org_id"
)


def test_a_ratio_over_a_left_join_side_without_rows_is_suppressed(
    executive: Principal, shadow: duckdb.DuckDBPyConnection, tiny_executor: DuckDBExecutor
) -> None:
    """A branch without 不良 loans has no row on the NPL side: its population is missing, not
    large. It counts as 0 customers, so the ratio 0 is suppressed, never shown."""
    orgs = load_org_directory(tiny_executor)
    gated = gate(LEFT_JOINED_RATIO, executive, policy=POLICY, catalog=CATALOG, orgs=orgs)
    result = tiny_executor.execute(gated.tree, row_cap=10_000, timeout_s=60)
    # the oracle, by hand on the shadow: per branch, the customers behind each side
    want = {
        org: (total, npl)
        for org, total, npl in shadow.execute(
            "SELECT org_id, COUNT(DISTINCT cust_id), "
            f"COUNT(DISTINCT cust_id) FILTER (WHERE {NPL}) "
            "FROM fact_loan_balance_monthly GROUP BY org_id"
        ).fetchall()
    }
    without_npl = {org for org, (_, npl) in want.items() if npl == 0}
    assert without_npl, "the tiny bank needs a branch with loans and no 不良 loan"
    suppressed = {c.row for c in result.suppressed if c.column == "npl_ratio"}
    assert {row[0] for row in result.rows} == set(want)
    for number, (org, ratio) in enumerate(result.rows):
        if org in without_npl:
            assert ratio is None and number in suppressed, f"{org}: no 不良 loan shown as {ratio}"
        elif ratio is not None:
            assert min(want[org]) >= K, f"{org}: a ratio of {want[org]} customers shown"
