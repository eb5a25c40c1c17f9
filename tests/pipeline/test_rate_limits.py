"""Per-user question limits on a real app database (a SQLite file and PostgreSQL): the
per-minute limit (fixed clock minute, with role overrides), the daily quota (bank day, UTC+8) and
concurrent callers."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine

from asker.appstate.database import create_schema, engine_for
from asker.config import Settings
from asker.errors import QueryLimit
from asker.pipeline import rate_limits  # noqa: F401  (declares their tables)
from asker.pipeline.rate_limits import QuestionLimits, check_and_count

T0 = dt.datetime(2026, 10, 1, 2, 30, 15, tzinfo=dt.UTC)  # 10:30:15 UTC+8
LIMITS = QuestionLimits(per_minute=3, daily_quota=100)


@pytest.fixture(params=("sqlite", "postgresql"))
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
    else:
        url = request.getfixturevalue("pg_database_url")
    engine = engine_for(url)
    create_schema(engine)
    yield engine
    engine.dispose()


def ask(
    engine: Engine,
    now: dt.datetime,
    user: str = "li.na",
    role: str = "branch_manager",
    limits: QuestionLimits = LIMITS,
) -> str:
    """The error code of one question, or 'ok'."""
    try:
        check_and_count(engine, user, role, now, limits=limits)
    except QueryLimit as error:
        return error.code
    return "ok"


def test_the_question_after_the_limit_is_refused_and_says_when_to_retry(engine: Engine) -> None:
    assert [ask(engine, T0) for _ in range(3)] == ["ok"] * 3
    with pytest.raises(QueryLimit) as limited:
        check_and_count(engine, "li.na", "branch_manager", T0, limits=LIMITS)
    error = limited.value
    assert (error.code, error.status, error.exit_code) == ("RATE_LIMITED", "refused", 3)
    zh, en = error.message("zh"), error.message("en")
    assert "每分钟最多 3 次" in zh and "45 秒后" in zh and "2026-10-01 10:31:00 UTC+8" in zh
    assert "at most 3 per minute" in en and "in 45 s" in en and "10:31:00 UTC+8" in en


def test_the_next_minute_is_allowed_again(engine: Engine) -> None:
    for _ in range(3):
        ask(engine, T0)
    assert ask(engine, T0.replace(second=59)) == "RATE_LIMITED"
    next_minute = T0.replace(second=0) + dt.timedelta(minutes=1)
    assert [ask(engine, next_minute) for _ in range(4)] == ["ok"] * 3 + ["RATE_LIMITED"]


def test_users_are_counted_separately(engine: Engine) -> None:
    for _ in range(3):
        ask(engine, T0)
    assert ask(engine, T0) == "RATE_LIMITED"
    assert [ask(engine, T0, user="wang.fang") for _ in range(3)] == ["ok"] * 3


def test_a_role_override_changes_the_per_minute_limit(engine: Engine) -> None:
    limits = QuestionLimits(per_minute=3, per_minute_by_role=(("hq_executive", 5),))
    codes = [ask(engine, T0, "chen.jie", "hq_executive", limits) for _ in range(6)]
    assert codes == ["ok"] * 5 + ["RATE_LIMITED"]
    assert [ask(engine, T0, limits=limits) for _ in range(4)] == ["ok"] * 3 + ["RATE_LIMITED"]


def test_the_daily_quota_holds_across_minutes_and_resets_at_bank_midnight(engine: Engine) -> None:
    limits = QuestionLimits(per_minute=10, daily_quota=3)
    minutes = [T0 + dt.timedelta(minutes=m) for m in range(3)]
    assert [ask(engine, t, limits=limits) for t in minutes] == ["ok"] * 3
    with pytest.raises(QueryLimit) as used_up:
        check_and_count(
            engine, "li.na", "branch_manager", T0 + dt.timedelta(hours=5), limits=limits
        )
    assert used_up.value.code == "DAILY_QUOTA_EXCEEDED"
    assert "2026-10-02 00:00:00 UTC+8" in used_up.value.message("zh")
    assert "quota of 3 questions" in used_up.value.message("en")
    bank_midnight = dt.datetime(2026, 10, 1, 16, 0, tzinfo=dt.UTC)
    assert ask(engine, bank_midnight - dt.timedelta(seconds=1), limits=limits) != "ok"
    assert ask(engine, bank_midnight, limits=limits) == "ok"


def test_a_refused_question_counts_against_neither_limit(engine: Engine) -> None:
    limits = QuestionLimits(per_minute=2, daily_quota=3)
    assert [ask(engine, T0, limits=limits) for _ in range(5)] == ["ok"] * 2 + ["RATE_LIMITED"] * 3
    later = T0 + dt.timedelta(minutes=1)
    assert [ask(engine, later, limits=limits) for _ in range(2)] == ["ok", "DAILY_QUOTA_EXCEEDED"]


def test_a_clock_behind_counts_into_the_current_window(engine: Engine) -> None:
    for _ in range(3):
        ask(engine, T0)
    assert ask(engine, T0 - dt.timedelta(minutes=1)) == "RATE_LIMITED"


def test_eight_concurrent_threads_never_exceed_the_limit(engine: Engine) -> None:
    limits = QuestionLimits(per_minute=30, daily_quota=1000)
    start = threading.Barrier(8)

    def burst(user: int) -> list[str]:
        start.wait()
        return [ask(engine, T0, limits=limits) for _ in range(10)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = [code for codes in pool.map(burst, range(8)) for code in codes]
    assert codes.count("ok") == 30
    assert codes.count("RATE_LIMITED") == 50


def test_limits_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASKER_RATE_LIMIT_PER_MINUTE", "12")
    monkeypatch.setenv("ASKER_RATE_LIMIT_PER_MINUTE_BY_ROLE", '{"hq_executive": 60}')
    monkeypatch.setenv("ASKER_DAILY_QUESTION_QUOTA", "500")
    limits = QuestionLimits.from_settings(Settings())
    assert limits == QuestionLimits(12, 500, (("hq_executive", 60),))
    assert limits.per_minute_for("hq_executive") == 60
    assert limits.per_minute_for("branch_manager") == 12
    defaults = QuestionLimits.from_settings(Settings.model_construct())
    assert defaults == QuestionLimits(per_minute=30, daily_quota=2000, per_minute_by_role=())
