"""asker's own accounts: who may ask, with which role and org unit. Passwords are stored as
argon2 hashes; repeated failed logins lock an account for a while (``verify_password``). The
demo bank's accounts are seeded by ``asker.access.demo_users``."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
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

from asker.appstate.database import metadata
from asker.clock import bank_time_text
from asker.errors import AccessDenied
from asker.types import Principal

_HASHER = PasswordHasher()
# The password hash of an account whose password the bank's directory checks (LDAP/AD, OIDC, the
# trusted header): no password typed here can ever match it.
DIRECTORY_HASH = "!directory"

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


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def add_account(engine: Engine, who: Principal, password: str) -> None:
    """Create (or replace) an account of asker's own: the principal and its password's hash."""
    with engine.begin() as con:
        replace_account(con, who, hash_password(password), dt.datetime.now(dt.UTC))


def replace_account(con: Connection, who: Principal, password_hash: str, now: dt.datetime) -> None:
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
    if row is None or row.password_hash == DIRECTORY_HASH:
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


def has_own_password(engine: Engine, user_id: str) -> bool:
    """Whether the user is one of asker's own accounts with a password of its own (demo and
    break-glass accounts), rather than a directory user or nobody."""
    with engine.connect() as con:
        stored = con.execute(select(users.c.password_hash).where(users.c.user_id == user_id))
        password_hash = stored.scalar()
    return password_hash is not None and password_hash != DIRECTORY_HASH


def refuse_if_locked(engine: Engine, user_id: str, now: dt.datetime) -> None:
    """ACCOUNT_LOCKED while the user's account is locked (directory users too)."""
    with engine.connect() as con:
        until = con.execute(select(users.c.locked_until).where(users.c.user_id == user_id)).scalar()
    _refuse_if_locked(user_id, until, now.astimezone(dt.UTC))


def count_directory_failure(
    engine: Engine, user_id: str, *, max_failures: int, lockout_minutes: int, now: dt.datetime
) -> None:
    """A failed directory sign-in counts toward the same lockout as a wrong password here: the
    user's row is kept (created without a role if the directory never signed them in)."""
    moment = now.astimezone(dt.UTC)
    with engine.begin() as con:
        known = con.execute(select(users.c.user_id).where(users.c.user_id == user_id)).first()
        if known is None:
            con.execute(
                users.insert().values(
                    user_id=user_id,
                    display_name=user_id,
                    role="",
                    org_id="",
                    password_hash=DIRECTORY_HASH,
                    failed_logins=0,
                    created_at=moment,
                )
            )
    lock_until = moment + dt.timedelta(minutes=lockout_minutes)
    _count_failure(engine, user_id, moment, max_failures, lock_until)


def keep_directory_account(engine: Engine, who: Principal, now: dt.datetime) -> None:
    """Record a directory user's principal as of this sign-in (so ``asker ask --user`` and API
    tokens can act as them) and clear their failure count; asker's own accounts are left alone."""
    moment = now.astimezone(dt.UTC)
    with engine.begin() as con:
        row = con.execute(select(users).where(users.c.user_id == who.user_id)).first()
        if row is not None and row.password_hash != DIRECTORY_HASH:
            return
        if row is None:
            replace_account(con, who, DIRECTORY_HASH, moment)
            return
        con.execute(
            users.update()
            .where(users.c.user_id == who.user_id)
            .values(
                display_name=who.display_name,
                role=who.role,
                org_id=who.org_id,
                emp_id=who.emp_id,
            )
        )
    _reset_failures(engine, who.user_id, moment)


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
