"""The app database's behaviours on SQLite and on PostgreSQL: every test runs on both (``engine``
is parametrized in conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, select

from asker.access import accounts as users
from asker.access import demo_users
from asker.appstate.conversations import (
    KEEP,
    Conversations,
    answer_feedback,
    record_feedback,
)
from asker.appstate.database import create_schema, engine_for
from asker.audit.log import AuditLog, AuditRecord
from asker.errors import AccessDenied, QueryLimit
from asker.pipeline.rate_limits import QuestionLimits, check_and_count
from asker.semantic.definitions import seed_texts
from asker.semantic.store import MetricStore
from asker.types import Filter, MetricQuery, Period
from asker.warehouse.catalog import load_catalog
from asker.warehouse.engine import Executor

NOW = dt.datetime(2026, 10, 8, 2, 30, 15, tzinfo=dt.UTC)


def seeded_store(engine: Engine) -> MetricStore:
    store = MetricStore(engine, load_catalog())
    store.import_texts(seed_texts(), author="system")
    return store


def edited(store: MetricStore, code: str, **changes: object) -> dict[str, str]:
    for name, text in store.export_texts().items():
        doc = yaml.safe_load(text)
        for metric in doc.get("metrics", []):
            if metric["code"] == code:
                metric.update(changes)
                return {name: yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)}
    raise KeyError(code)


# --- the metric store --------------------------------------------------------------------------


def test_seeding_publishes_version_one_of_the_shipped_dictionary(engine: Engine) -> None:
    store = seeded_store(engine)
    current = store.current()
    assert len(current) >= 30 and {v.version for v in current.values()} == {1}
    assert {v.status for v in current.values()} == {"published"}
    assert store.published().metric("npl_ratio").locked


def test_export_then_import_changes_nothing(engine: Engine) -> None:
    store = seeded_store(engine)
    exported = store.export_texts()
    report = store.import_texts(exported, author="roundtrip")
    assert report.created == () and len(report.unchanged) == len(store.current())
    assert store.export_texts() == exported


def test_a_changed_definition_is_version_two_and_version_one_stays(engine: Engine) -> None:
    store = seeded_store(engine)
    report = store.import_texts(
        edited(store, "deposit_avg_daily", synonyms=["日均存款", "存款均值"]), author="zhao.min"
    )
    assert report.created == (("deposit_avg_daily", 2),)
    first, second = store.versions("deposit_avg_daily")
    assert (first.version, second.version) == (1, 2) and second.author == "zhao.min"
    assert "存款均值" in second.definition["synonyms"]
    assert "存款均值" not in first.definition["synonyms"]
    assert store.published_versions()["deposit_avg_daily"] == 2
    assert store.get("deposit_avg_daily", 1).definition == first.definition


def test_the_export_is_the_same_text_on_both_backends(tmp_path: Path, pg_database_url: str) -> None:
    exports = []
    for url in (f"sqlite:///{tmp_path / 'app.db'}", pg_database_url):
        engine = engine_for(url)
        try:
            create_schema(engine)
            exports.append(seeded_store(engine).export_texts())
        finally:
            engine.dispose()
    assert exports[0] == exports[1]


# --- conversations and feedback ----------------------------------------------------------------


def test_a_follow_up_finds_the_last_answered_query_of_the_users_conversation(
    engine: Engine,
) -> None:
    turns = Conversations(engine)
    asked = MetricQuery(
        metrics=("deposit_balance",),
        dimensions=("branch",),
        filters=(Filter("customer_type", ("对公",), exclude=True),),
        period=Period(date(2026, 9, 1), date(2026, 9, 30)),
        grain="month",
        order="desc",
        limit=10,
    )
    assert turns.last_query("c1", "li.na") is None
    turns.record("c1", "li.na", "九月各分行存款余额", asked)
    turns.record("c1", "li.na", "你好", None)
    assert turns.last_query("c1", "li.na") == asked
    assert turns.last_query("c1", "wang.fang") is None  # another user's turns are not shared
    assert turns.last_query("c2", "li.na") is None
    for _ in range(KEEP):
        turns.record("c1", "li.na", "今天天气怎么样", None)
    assert turns.last_query("c1", "li.na") is None  # older than the last KEEP turns


def test_feedback_is_kept_for_review(engine: Engine) -> None:
    record_feedback(engine, "li.na", "对公存款是多少", sql="SELECT 1", rating=5, reason="准确")
    record_feedback(engine, "li.na", "不良率", sql=None, rating=-3, reason="口径不对" * 1000)
    with engine.connect() as con:
        rows = con.execute(select(answer_feedback).order_by(answer_feedback.c.id)).all()
    assert [(r.question, r.sql, r.rating, r.status) for r in rows] == [
        ("对公存款是多少", "SELECT 1", 1, "pending"),
        ("不良率", None, -1, "pending"),
    ]
    assert len(rows[1].reason) == 2000


# --- users -------------------------------------------------------------------------------------


@pytest.fixture
def seeded_users(engine: Engine, tiny_executor: Executor) -> Iterator[Engine]:
    demo_users.seed_demo_users(engine, tiny_executor)
    yield engine


def test_demo_users_are_seeded_bound_and_can_log_in(
    seeded_users: Engine, tiny_executor: Executor
) -> None:
    engine = seeded_users
    manager = users.principal(engine, "li.na")
    assert (manager.role, manager.emp_id) == ("branch_manager", None) and manager.org_id != "HQ"
    assert users.principal(engine, "zhang.wei").org_id == "HQ"
    assert users.principal(engine, "liu.yang").emp_id is not None
    assert users.verify_password(engine, "li.na", demo_users.DEMO_PASSWORD) == manager
    with pytest.raises(AccessDenied) as wrong:
        users.verify_password(engine, "li.na", "not-the-password")
    assert wrong.value.code == "LOGIN_FAILED"
    with pytest.raises(AccessDenied) as unknown:
        users.principal(engine, "nobody")
    assert unknown.value.code == "UNKNOWN_USER"
    again = demo_users.seed_demo_users(engine, tiny_executor)  # replaces the earlier seed
    assert len(again) == len(demo_users.DEMO_USERS) and users.principal(engine, "li.na") == manager


def test_repeated_failures_lock_the_account_for_a_while(seeded_users: Engine) -> None:
    engine = seeded_users
    for _ in range(3):
        with pytest.raises(AccessDenied):
            users.verify_password(engine, "wang.fang", "wrong", max_failures=3, now=NOW)
    with pytest.raises(AccessDenied) as locked:
        users.verify_password(
            engine, "wang.fang", demo_users.DEMO_PASSWORD, max_failures=3, now=NOW
        )
    assert locked.value.code == "ACCOUNT_LOCKED"
    later = NOW + dt.timedelta(minutes=16)
    principal = users.verify_password(engine, "wang.fang", demo_users.DEMO_PASSWORD, now=later)
    assert principal.user_id == "wang.fang"


# --- question limits ---------------------------------------------------------------------------


def test_the_per_minute_limit_counts_in_the_database(engine: Engine) -> None:
    limits = QuestionLimits(per_minute=2, daily_quota=3)
    for _ in range(2):
        check_and_count(engine, "li.na", "branch_manager", NOW, limits=limits)
    with pytest.raises(QueryLimit) as minute:
        check_and_count(engine, "li.na", "branch_manager", NOW, limits=limits)
    assert minute.value.code == "RATE_LIMITED"
    check_and_count(engine, "wang.fang", "subbranch_manager", NOW, limits=limits)  # own count
    next_minute = NOW + dt.timedelta(minutes=1)
    check_and_count(engine, "li.na", "branch_manager", next_minute, limits=limits)
    with pytest.raises(QueryLimit) as day:
        check_and_count(engine, "li.na", "branch_manager", next_minute, limits=limits)
    assert day.value.code == "DAILY_QUOTA_EXCEEDED"


# --- the audit log -----------------------------------------------------------------------------


def test_the_audit_log_chains_and_searches(engine: Engine, tmp_path: Path) -> None:
    log = AuditLog(engine, b"k" * 32, tmp_path / "audit.anchor")
    before = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5)
    seqs = [
        log.append(AuditRecord("li.na", "branch_manager", "B05", "ask", question="存款余额")),
        log.append(AuditRecord("zhang.wei", "hq_analyst", "HQ", "ask", question="不良率")),
        log.append(AuditRecord("li.na", "branch_manager", "B05", "login")),
    ]
    assert seqs == [1, 2, 3]
    report = log.verify()
    assert report.ok and report.count == 3, report.problems
    found = log.search(user_id="li.na", since=before)
    assert [e.seq for e in found] == [3, 1]
