"""Users: who may ask, with which role and org unit. Seeded by ``asker init`` with the demo users
of ARCHITECTURE §6, each bound to real rows of the demo bank; passwords are stored as argon2
hashes (the demo password is ``asker-demo``). Repeated failed logins lock an account for a
while (``verify_password``)."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    case,
    literal,
    or_,
    select,
)
from sqlglot import exp, parse_one

from asker.appstate.database import metadata
from asker.clock import bank_time_text
from asker.errors import AccessDenied
from asker.types import Principal
from asker.warehouse.engine import Executor

DEMO_PASSWORD = "asker-demo"
_HASHER = PasswordHasher()

users = Table(
    "users",
    metadata,
    Column("user_id", String(64), primary_key=True),
    Column("display_name", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("org_id", String(32), nullable=False),
    Column("emp_id", String(32)),
    Column("password_hash", String(256), nullable=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


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
    password_hash = _HASHER.hash(DEMO_PASSWORD)
    seeded = []
    with engine.begin() as con:
        for user in DEMO_USERS:
            org_id, emp_id = _bind(user.binding, executor)
            who = Principal(user.user_id, user.role, org_id, emp_id, user.display_name)
            _replace_account(con, who, password_hash, now)
            seeded.append(who)
    return tuple(seeded)


def add_account(engine: Engine, who: Principal, password: str) -> None:
    """Create (or replace) an account of asker's own: the principal and its password's hash."""
    with engine.begin() as con:
        _replace_account(con, who, _HASHER.hash(password), dt.datetime.now(dt.UTC))


def _replace_account(con: Connection, who: Principal, password_hash: str, now: dt.datetime) -> None:
    con.execute(users.delete().where(users.c.user_id == who.user_id))
    con.execute(
        users.insert().values(
            user_id=who.user_id,
            display_name=who.display_name,
            role=who.role,
            org_id=who.org_id,
            emp_id=who.emp_id,
            password_hash=password_hash,
            failed_logins=0,
            created_at=now,
        )
    )


def principal(engine: Engine, user_id: str) -> Principal:
    """The user's principal; an unknown user is refused."""
    with engine.connect() as con:
        row = con.execute(select(users).where(users.c.user_id == user_id)).first()
    if row is None:
        raise AccessDenied("UNKNOWN_USER", user=user_id)
    return Principal(row.user_id, row.role, row.org_id, row.emp_id, row.display_name)


def verify_password(
    engine: Engine,
    user_id: str,
    password: str,
    *,
    max_failures: int = 5,
    lockout_minutes: int = 15,
    now: dt.datetime | None = None,
) -> Principal:
    """The principal when the password matches and the account is not locked.

    An unknown user and a wrong password both raise LOGIN_FAILED; ``max_failures`` wrong
    passwords in a row lock the account for ``lockout_minutes`` (ACCOUNT_LOCKED, even with the
    right password); a successful login resets the count. ``now`` must be timezone-aware.
    """
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    with engine.connect() as con:
        row = con.execute(select(users).where(users.c.user_id == user_id)).first()
    if row is None:
        _check_against_nobody(password)
        raise AccessDenied("LOGIN_FAILED")
    _refuse_if_locked(user_id, row.locked_until, moment)
    try:
        _HASHER.verify(row.password_hash, password)
    except VerificationError as exc:
        lock_until = moment + dt.timedelta(minutes=lockout_minutes)
        _count_failure(engine, user_id, moment, max_failures, lock_until)
        raise AccessDenied("LOGIN_FAILED") from exc
    _reset_failures(engine, user_id, moment)
    return Principal(row.user_id, row.role, row.org_id, row.emp_id, row.display_name)


@cache
def _nobodys_hash() -> str:
    return _HASHER.hash("not a password anyone has")


def _check_against_nobody(password: str) -> None:
    """Spend the time of a real check, so timing does not tell unknown users from known ones."""
    with suppress(VerificationError):
        _HASHER.verify(_nobodys_hash(), password)


def _as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back the stored UTC wall-clock time without its zone.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


def _refuse_if_locked(user_id: str, locked_until: dt.datetime | None, now: dt.datetime) -> None:
    until = _as_utc(locked_until)
    if until is not None and until > now:
        raise AccessDenied("ACCOUNT_LOCKED", user=user_id, until=bank_time_text(until))


def _not_locked(now: dt.datetime) -> ColumnElement[bool]:
    return or_(users.c.locked_until.is_(None), users.c.locked_until <= now)


def _count_failure(
    engine: Engine, user_id: str, now: dt.datetime, max_failures: int, lock_until: dt.datetime
) -> None:
    """One more failure in one UPDATE (no lost counts under concurrent logins); the one that
    reaches ``max_failures`` locks the account and starts the count again for after the lock."""
    failures = users.c.failed_logins + 1
    locks = failures >= max_failures
    until = literal(lock_until, users.c.locked_until.type)
    with engine.begin() as con:
        con.execute(
            users.update()
            .where(users.c.user_id == user_id, _not_locked(now))
            .values(
                failed_logins=case((locks, 0), else_=failures),
                locked_until=case((locks, until), else_=users.c.locked_until),
            )
        )


def _reset_failures(engine: Engine, user_id: str, now: dt.datetime) -> None:
    """Clear the count, unless other attempts locked the account since it was read."""
    with engine.begin() as con:
        reset = con.execute(
            users.update()
            .where(users.c.user_id == user_id, _not_locked(now))
            .values(failed_logins=0, locked_until=None)
        )
        if reset.rowcount == 0:
            locked_until = con.execute(
                select(users.c.locked_until).where(users.c.user_id == user_id)
            ).scalar()
            _refuse_if_locked(user_id, locked_until, now)
            raise AccessDenied("LOGIN_FAILED")  # the user was deleted meanwhile


def unlock_account(engine: Engine, user_id: str) -> None:
    """Lift a lockout and clear the failure count (for the administrator); unknown users are
    refused with UNKNOWN_USER."""
    with engine.begin() as con:
        unlocked = con.execute(
            users.update()
            .where(users.c.user_id == user_id)
            .values(failed_logins=0, locked_until=None)
        )
    if unlocked.rowcount == 0:
        raise AccessDenied("UNKNOWN_USER", user=user_id)
