"""The demo bank's users (ARCHITECTURE §6), seeded by ``asker init``: each bound to real rows of
the demo warehouse (its org unit and, for a client manager, his employee id). The demo password
is ``asker-demo``. The only place besides the policy where the demo's role names are written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlglot import exp, parse_one

from asker.access.accounts import hash_password, replace_account, users
from asker.types import Principal
from asker.warehouse.engine import Executor

DEMO_PASSWORD = "asker-demo"
DEMO_MAIL_DOMAIN = "bank.example"  # reserved for examples (RFC 2606): mail there reaches nobody


@dataclass(frozen=True)
class DemoUser:
    user_id: str
    display_name: str
    role: str
    binding: str  # how the org unit and employee are found in the demo bank


DEMO_USERS = (
    DemoUser("zhang.wei", "张伟", "hq_analyst", "hq"),
    DemoUser("li.na", "李娜", "branch_manager", "chengdu_branch"),
    DemoUser("wang.fang", "王芳", "subbranch_manager", "chengdu_first_subbranch"),
    DemoUser("liu.yang", "刘洋", "client_manager", "chengdu_client_manager"),
    DemoUser("chen.jie", "陈杰", "hq_executive", "hq"),
    DemoUser("zhao.min", "赵敏", "metric_admin", "hq"),
    DemoUser("qian.hao", "钱浩", "metric_approver", "hq"),
    DemoUser("sun.li", "孙丽", "auditor", "hq"),
)

# The first 支行 of 成都分行 (lowest org_id) and its first 客户经理 managing at least 50 customers.
_BINDINGS = {
    "hq": "SELECT 'HQ', NULL",
    "chengdu_branch": "SELECT org_id, NULL FROM dim_org WHERE org_level = '分行' AND city = '成都'",
    "chengdu_first_subbranch": """
        SELECT MIN(org_id), NULL FROM dim_org
        WHERE org_level = '支行' AND branch_id = (SELECT org_id FROM dim_org
                                                  WHERE org_level = '分行' AND city = '成都')""",
    "chengdu_client_manager": """
        SELECT e.org_id, MIN(e.emp_id) FROM dim_employee e
        WHERE e.position = '客户经理' AND e.org_id = (
            SELECT MIN(org_id) FROM dim_org WHERE org_level = '支行' AND branch_id = (
                SELECT org_id FROM dim_org WHERE org_level = '分行' AND city = '成都'))
          AND (SELECT COUNT(*) FROM dim_customer c WHERE c.manager_emp_id = e.emp_id) >= 50
        GROUP BY e.org_id""",
}


def _bind(binding: str, executor: Executor) -> tuple[str, str | None]:
    tree: exp.Expr = parse_one(_BINDINGS[binding], dialect="duckdb")
    rows = executor.execute(tree, row_cap=1, timeout_s=30).rows
    if not rows or rows[0][0] is None:
        raise LookupError(f"demo user binding {binding!r} found no row in the warehouse")
    return str(rows[0][0]), rows[0][1]


def seed_demo_users(engine: Engine, executor: Executor) -> tuple[Principal, ...]:
    """Create the eight demo users bound to real rows (replacing any earlier demo seed)."""
    now = dt.datetime.now(dt.UTC)
    password_hash = hash_password(DEMO_PASSWORD)
    seeded = []
    with engine.begin() as con:
        for user in DEMO_USERS:
            org_id, emp_id = _bind(user.binding, executor)
            who = Principal(user.user_id, user.role, org_id, emp_id, user.display_name)
            replace_account(con, who, password_hash, now)
            email = f"{user.user_id}@{DEMO_MAIL_DOMAIN}"
            con.execute(users.update().where(users.c.user_id == who.user_id).values(email=email))
            seeded.append(who)
    return tuple(seeded)
