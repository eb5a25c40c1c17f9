"""Login lockout on a real app database (a SQLite file and PostgreSQL): N failures lock, the lock
outlasts the right password until it expires, a success resets the count, and nothing tells
unknown users apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select

from asker.access import accounts as users
from asker.appstate.database import create_schema, engine_for
from asker.config import Settings
from asker.errors import AccessDenied
from asker.pipeline import rate_limits  # noqa: F401  (declares their tables)

RIGHT = "correct horse"
WRONG = "wrong horse"
T0 = dt.datetime(2026, 10, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 UTC+8


@pytest.fixture(params=("sqlite", "postgresql"))
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
    else:
        url = request.getfixturevalue("pg_database_url")
    engine = engine_for(url)
    create_schema(engine)
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # fast tests
    with engine.begin() as con:
        con.execute(
            users.users.insert().values(
                user_id="li.na",
                display_name="李娜",
                role="branch_manager",
                org_id="B05",
                password_hash=cheap.hash(RIGHT),
                failed_logins=0,
                created_at=T0,
            )
        )
    yield engine
    engine.dispose()


def login(engine: Engine, password: str, now: dt.datetime, user: str = "li.na") -> str:
    """The error code of a login, or 'ok'."""
    try:
        users.verify_password(engine, user, password, max_failures=5, lockout_minutes=15, now=now)
    except AccessDenied as error:
        return error.code
    return "ok"


def state(engine: Engine) -> tuple[int, dt.datetime | None]:
    with engine.connect() as con:
        row = con.execute(
            select(users.users.c.failed_logins, users.users.c.locked_until).where(
                users.users.c.user_id == "li.na"
            )
        ).one()
    return row.failed_logins, row.locked_until


def test_the_right_password_logs_in_with_the_old_signature(engine: Engine) -> None:
    assert users.verify_password(engine, "li.na", RIGHT).role == "branch_manager"


def test_n_failures_lock_the_account_even_against_the_right_password(engine: Engine) -> None:
    assert [login(engine, WRONG, T0) for _ in range(5)] == ["LOGIN_FAILED"] * 5
    with pytest.raises(AccessDenied) as locked:
        users.verify_password(engine, "li.na", RIGHT, now=T0 + dt.timedelta(minutes=1))
    assert locked.value.code == "ACCOUNT_LOCKED"
    assert "2026-10-01 10:15:00 UTC+8" in locked.value.message("zh")
    assert "管理员" in locked.value.message("zh")
    assert "until 2026-10-01 10:15:00 UTC+8" in locked.value.message("en")
    assert "administrator" in locked.value.message("en")


def test_four_failures_do_not_lock(engine: Engine) -> None:
    assert [login(engine, WRONG, T0) for _ in range(4)] == ["LOGIN_FAILED"] * 4
    assert state(engine) == (4, None)
    assert login(engine, RIGHT, T0) == "ok"


def test_the_lock_ends_after_the_lockout_time(engine: Engine) -> None:
    for _ in range(5):
        login(engine, WRONG, T0)
    assert login(engine, RIGHT, T0 + dt.timedelta(minutes=14, seconds=59)) == "ACCOUNT_LOCKED"
    assert login(engine, RIGHT, T0 + dt.timedelta(minutes=15)) == "ok"
    assert state(engine) == (0, None)


def test_attempts_while_locked_neither_count_nor_extend_the_lock(engine: Engine) -> None:
    for _ in range(5):
        login(engine, WRONG, T0)
    for minute in range(1, 15):
        assert login(engine, WRONG, T0 + dt.timedelta(minutes=minute)) == "ACCOUNT_LOCKED"
    assert login(engine, RIGHT, T0 + dt.timedelta(minutes=15)) == "ok"


def test_after_a_lock_the_count_starts_again(engine: Engine) -> None:
    for _ in range(5):
        login(engine, WRONG, T0)
    later = T0 + dt.timedelta(minutes=20)
    assert [login(engine, WRONG, later) for _ in range(4)] == ["LOGIN_FAILED"] * 4
    assert login(engine, RIGHT, later) == "ok"


def test_a_success_resets_the_count(engine: Engine) -> None:
    for _ in range(4):
        login(engine, WRONG, T0)
    assert login(engine, RIGHT, T0) == "ok"
    assert state(engine) == (0, None)
    assert [login(engine, WRONG, T0) for _ in range(4)] == ["LOGIN_FAILED"] * 4
    assert login(engine, RIGHT, T0) == "ok"


def test_unknown_user_and_wrong_password_look_the_same(engine: Engine) -> None:
    errors = []
    for user in ("nobody", "li.na"):
        with pytest.raises(AccessDenied) as caught:
            users.verify_password(engine, user, WRONG, now=T0)
        errors.append(caught.value)
    unknown, wrong = errors
    assert unknown.code == wrong.code == "LOGIN_FAILED"
    assert unknown.params == wrong.params == {}
    for language in ("zh", "en"):
        assert unknown.message(language) == wrong.message(language)


def test_unknown_users_are_never_locked_or_stored(engine: Engine) -> None:
    assert {login(engine, WRONG, T0, user="nobody") for _ in range(7)} == {"LOGIN_FAILED"}
    with engine.connect() as con:
        assert con.execute(select(users.users.c.user_id)).scalars().all() == ["li.na"]


def test_concurrent_failures_are_all_counted(engine: Engine) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(lambda _: login(engine, WRONG, T0), range(4)))
    assert codes == ["LOGIN_FAILED"] * 4
    assert state(engine) == (4, None)  # no lost update


def test_a_burst_of_failures_locks_once(engine: Engine) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: login(engine, WRONG, T0), range(8)))
    failures, locked_until = state(engine)
    assert failures == 0 and locked_until is not None
    assert login(engine, RIGHT, T0 + dt.timedelta(minutes=1)) == "ACCOUNT_LOCKED"
    assert login(engine, RIGHT, T0 + dt.timedelta(minutes=15)) == "ok"


def test_lockout_settings_default_to_five_failures_and_fifteen_minutes() -> None:
    defaults = {name: field.default for name, field in Settings.model_fields.items()}
    assert (defaults["login_max_failures"], defaults["login_lockout_minutes"]) == (5, 15)
    assert defaults["session_hours"] == 8


def test_the_administrator_can_unlock_an_account(engine: Engine) -> None:
    for _ in range(5):
        login(engine, WRONG, T0)
    users.unlock_account(engine, "li.na")
    assert state(engine) == (0, None)
    assert login(engine, RIGHT, T0) == "ok"
    with pytest.raises(AccessDenied, match="UNKNOWN_USER"):
        users.unlock_account(engine, "nobody")
