"""Shadow warehouses: for each role, a copy of tiny with out-of-scope rows physically deleted and
PII columns pre-masked by the contract's masks written as plain SQL (eval/shadow.py, the oracle
the evaluation harness uses too), independently of the gate. Generated queries gated
on the real warehouse must return what the same query returns ungated on the role's shadow, or be
refused; no result cell may hold a raw PII value of the warehouse."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
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
from asker.types import Principal
from asker.warehouse.catalog import load_catalog
from asker.warehouse.engine import DuckDBExecutor
from eval.shadow import build_shadow, hidden_values, raw_pii_values
from tests.helpers import capped_diff, result_diff, suppressed_diff

CATALOG = load_catalog()
POLICY = load_policy(CATALOG)
ROLES_WITH_DATA = ("zhang.wei", "li.na", "wang.fang", "liu.yang", "chen.jie")


@pytest.fixture(scope="module")
def shadows(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    engine = engine_for(f"sqlite:///{tiny_dir / 'app.db'}")
    folder = tmp_path_factory.mktemp("shadows")
    built = {
        user: build_shadow(
            tiny_dir / "warehouse.duckdb", folder / f"{user}.duckdb", principal(engine, user)
        )
        for user in ROLES_WITH_DATA
    }
    engine.dispose()
    yield built


@pytest.fixture(scope="module")
def principals(tiny_dir: Path) -> dict[str, Principal]:
    engine = engine_for(f"sqlite:///{tiny_dir / 'app.db'}")
    found = {user: principal(engine, user) for user in ROLES_WITH_DATA}
    engine.dispose()
    return found


@pytest.fixture(scope="module")
def raw_pii(
    tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[str, str], set[str]]:
    """Every raw PII value of the warehouse long enough to be recognisable, by column (read from
    a copy: this process already holds the warehouse open with the executor's configuration)."""
    copy = tmp_path_factory.mktemp("raw") / "warehouse.duckdb"
    shutil.copy(tiny_dir / "warehouse.duckdb", copy)
    con = duckdb.connect(str(copy), read_only=True)
    try:
        return raw_pii_values(con, CATALOG)
    finally:
        con.close()


# --- the query generator ------------------------------------------------------------------------

SCOPED = [t for t in CATALOG.tables if t.org_column]
NUMERIC = ("DECIMAL", "INTEGER", "BIGINT", "DOUBLE")


def _plain_columns(table_name: str) -> list[str]:
    return [c.name for c in CATALOG.table(table_name).columns if not c.pii]


def _numeric_columns(table_name: str) -> list[str]:
    return [
        c.name
        for c in CATALOG.table(table_name).columns
        if c.type.startswith(NUMERIC) and not c.pii
    ]


@st.composite
def queries(draw: st.DrawFn) -> str:  # noqa: PLR0911 - one return per query shape
    table = draw(st.sampled_from(SCOPED)).name
    shape = draw(st.sampled_from(["count", "group", "detail", "cte", "join_org", "pii", "union"]))
    plain = _plain_columns(table)
    if shape == "count":
        return f'SELECT COUNT(*) AS n FROM "{table}"'
    if shape == "group":
        key = draw(st.sampled_from(plain))
        nums = _numeric_columns(table)
        agg = f', SUM("{draw(st.sampled_from(nums))}") AS s' if nums else ""
        return f'SELECT "{key}", COUNT(*) AS n{agg} FROM "{table}" GROUP BY "{key}"'
    if shape == "detail":
        cols = draw(st.lists(st.sampled_from(plain), min_size=1, max_size=3, unique=True))
        col_list = ", ".join(f'"{c}"' for c in cols)
        return f'SELECT {col_list} FROM "{table}" ORDER BY {col_list} LIMIT 40'
    if shape == "cte":
        key = draw(st.sampled_from(plain))
        return (
            f'WITH x AS (SELECT "{key}" AS k FROM "{table}") '
            f"SELECT COUNT(*) AS n, COUNT(DISTINCT k) AS d FROM x"
        )
    if shape == "join_org":
        org = CATALOG.table(table).org_column
        return (
            f'SELECT o.org_name, COUNT(*) AS n FROM "{table}" t '
            f'JOIN dim_org o ON o.org_id = t."{org}" GROUP BY o.org_name'
        )
    if shape == "union":
        return (
            f'SELECT COUNT(*) AS n FROM "{table}" UNION ALL '
            f"SELECT COUNT(*) FROM (SELECT * FROM dim_customer WHERE cust_type = '个人') c"
        )
    pii_table, pii_column = draw(st.sampled_from(list(CATALOG.pii_columns())))
    key = CATALOG.table(pii_table).primary_key[0]
    return f'SELECT "{key}", "{pii_column.name}" FROM "{pii_table}" ORDER BY "{key}" LIMIT 30'


def _normal(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(float(v) if isinstance(v, Decimal) else v for v in row) for row in rows]


ANSWERED: dict[str, int] = {}


@pytest.mark.parametrize("user", ROLES_WITH_DATA)
def test_gated_results_equal_the_roles_shadow(
    user: str,
    shadows: dict[str, Path],
    principals: dict[str, Principal],
    tiny_executor: DuckDBExecutor,
    raw_pii: dict[tuple[str, str], set[str]],
) -> None:
    orgs = load_org_directory(tiny_executor)
    hidden = hidden_values(principals[user], raw_pii, POLICY)
    shadow = duckdb.connect(str(shadows[user]), read_only=True)
    answered = refused = 0

    @settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(queries())
    def check(sql: str) -> None:
        nonlocal answered, refused
        try:
            gated = gate(sql, principals[user], policy=POLICY, catalog=CATALOG, orgs=orgs)
        except (AccessDenied, InvalidSql):
            refused += 1
            return
        result = tiny_executor.execute(gated.tree, row_cap=10_000, timeout_s=30)
        got = list(result.rows)
        want = shadow.execute(sql).fetchall()
        # an aggregates-only role's small cells are null (test_small_cells.py checks them)
        # a result longer than the role's row cap is cut by the gate's LIMIT (cap + 1)
        cap = POLICY.role(principals[user].role).row_cap
        if result.suppressed:
            diff = suppressed_diff(result, want)
        elif len(want) > cap:
            diff = capped_diff(_normal(got), _normal(want), cap)
        else:
            diff = result_diff(_normal(got), _normal(want))
        assert diff is None, f"{user}: {sql}\n{diff}\ngated: {gated.sql}"
        leaked = {str(v) for row in got for v in row} & hidden
        assert not leaked, f"{user}: raw PII {sorted(leaked)[:3]} in the result of {sql}"
        answered += 1

    try:
        check()
    finally:
        shadow.close()
    print(f"{user}: {answered} answered, {refused} refused")
    assert answered >= 10, f"{user}: only {answered} generated queries were answered"
