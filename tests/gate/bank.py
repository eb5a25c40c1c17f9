"""The warehouse the gate's tests run on, and the demo principals bound to its rows.

The session's tiny demo bank (tests/conftest.py) when it is there; else our own tiny demo bank;
else (generator not working yet, or ``ASKER_GATE_HANDMADE=1``) the hand-made bank.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlglot

from asker.access.policy import Policy, load_policy
from asker.access.scope import OrgDirectory, load_org_directory
from asker.types import Principal
from asker.warehouse.catalog import Catalog, load_catalog
from asker.warehouse.engine import DuckDBExecutor, Limits, open_warehouse
from tests.gate.handmade import ORGS, build_handmade


@dataclass
class Bank:
    """The warehouse, its executor and what the gate needs to run on it."""

    executor: DuckDBExecutor
    catalog: Catalog
    policy: Policy
    orgs: OrgDirectory
    principals: dict[str, Principal]
    handmade: bool

    def rows(self, sql: str, cap: int = 10_000_000) -> list[tuple[Any, ...]]:
        tree = sqlglot.parse_one(sql, dialect="duckdb")
        return list(self.executor.execute(tree, row_cap=cap, timeout_s=60).rows)


def _demo_bank(path: Path) -> bool:
    """Build the tiny demo bank when its generator works; False when it does not (yet)."""
    if os.environ.get("ASKER_GATE_HANDMADE") == "1":
        return False
    try:
        from asker.warehouse.demo_bank import SCALES, build_demo_bank

        build_demo_bank(path, scale=SCALES["tiny"], seed=42, data_date=dt.date(2026, 9, 30))
    except Exception:
        path.unlink(missing_ok=True)
        return False
    return True


def demo_principals(bank_rows: Any) -> dict[str, Principal]:
    """The §6 demo users, bound to rows: 成都分行, its first 支行, a client manager there."""
    branch = bank_rows("SELECT org_id FROM dim_org WHERE org_name = '成都分行'")[0][0]
    sub = bank_rows(
        f"SELECT min(org_id) FROM dim_org WHERE parent_org_id = '{branch}' AND org_level = '支行'"
    )[0][0]
    manager = bank_rows(
        "SELECT c.manager_emp_id FROM dim_customer c JOIN dim_employee e "
        "ON e.emp_id = c.manager_emp_id "
        f"WHERE e.org_id = '{sub}' AND e.position = '客户经理' "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    )[0][0]
    hq = bank_rows("SELECT org_id FROM dim_org WHERE parent_org_id IS NULL")[0][0]
    users = [
        ("zhang.wei", "hq_analyst", hq, "E0001"),
        ("li.na", "branch_manager", branch, "E0500"),
        ("wang.fang", "subbranch_manager", sub, "E0502"),
        ("liu.yang", "client_manager", sub, manager),
        ("chen.jie", "hq_executive", hq, None),
        ("zhao.min", "metric_admin", hq, None),
        ("qian.hao", "metric_approver", hq, None),
        ("sun.li", "auditor", hq, None),
    ]
    return {role: Principal(user, role, org, emp, user) for user, role, org, emp in users}


def _rows_of(executor: DuckDBExecutor) -> Callable[[str], list[tuple[Any, ...]]]:
    def rows(sql: str) -> list[tuple[Any, ...]]:
        tree = sqlglot.parse_one(sql, dialect="duckdb")
        return list(executor.execute(tree, row_cap=1_000_000, timeout_s=60).rows)

    return rows


def make_bank(executor: DuckDBExecutor, handmade: bool) -> Bank:
    catalog = load_catalog()
    principals = demo_principals(_rows_of(executor))
    orgs = load_org_directory(executor)
    return Bank(executor, catalog, load_policy(catalog), orgs, principals, handmade)


def open_bank(directory: Path) -> Bank:
    """A bank of our own in ``directory``: the tiny demo bank, else the hand-made one."""
    path = directory / "warehouse.duckdb"
    handmade = not _demo_bank(path)
    if handmade:
        build_handmade(path, load_catalog())
    executor = open_warehouse(path, Limits(memory_limit="1GB", threads=2, temp_limit="1GB"))
    return make_bank(executor, handmade)


def bank_for(request: pytest.FixtureRequest, tmp: pytest.TempPathFactory) -> Bank:
    """The session's tiny demo bank (tests/conftest.py) when it is there, else our own."""
    try:
        executor = request.getfixturevalue("tiny_executor")
    except pytest.FixtureLookupError:  # run with --noconftest
        return open_bank(tmp.mktemp("bank"))
    return make_bank(executor, handmade=False)


def fixed_orgs() -> OrgDirectory:
    """The hand-made org tree: golden rewrites do not depend on generated data."""
    return OrgDirectory.from_rows((o[0], o[3], o[2], o[4], o[1]) for o in ORGS)


FIXED_PRINCIPALS = {
    "hq_analyst": Principal("zhang.wei", "hq_analyst", "HQ", "E0001", "张伟"),
    "branch_manager": Principal("li.na", "branch_manager", "B05", "E0500", "李娜"),
    "subbranch_manager": Principal("wang.fang", "subbranch_manager", "B05S01", "E0502", "王芳"),
    "client_manager": Principal("liu.yang", "client_manager", "B05S01", "E0501", "刘洋"),
    "hq_executive": Principal("chen.jie", "hq_executive", "HQ", None, "陈杰"),
    "metric_admin": Principal("zhao.min", "metric_admin", "HQ", None, "赵敏"),
    "metric_approver": Principal("qian.hao", "metric_approver", "HQ", None, "钱浩"),
    "auditor": Principal("sun.li", "auditor", "HQ", None, "孙丽"),
}
