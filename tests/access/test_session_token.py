"""The browser's session token (asker/access/session_token.py through the facade): a sign-in
resumes from it until the session's end, as the account is now; anything else resumes nothing.
And past conversations: listed per user, reopened by re-running their queries as the user."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import update

from asker import api
from asker.access.accounts import users
from asker.config import Settings
from tests.helpers import copy_data_dir


class Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        return self.at


START = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def data_dir(tiny_dir: Path, tmp_path: Path) -> Path:
    return copy_data_dir(tiny_dir, tmp_path / "data")


def runtime(data_dir: Path, clock: Clock) -> api.Runtime:
    return api.open_runtime(Settings(data_dir=data_dir), clock=clock)


def signed_in(rt: api.Runtime) -> str:
    who = api.login(rt, "li.na", "asker-demo")
    return api.session_token(rt, api.start_session(rt, who))


def test_a_token_resumes_the_sign_in_until_the_session_ends(data_dir: Path) -> None:
    clock = Clock(START)
    rt = runtime(data_dir, clock)
    token = signed_in(rt)
    assert "li.na" not in token.split(".")[-1]  # the signature, not the name, ends it
    clock.at = START + dt.timedelta(hours=7, minutes=59)
    session = api.resume_session(rt, token)
    assert session is not None
    assert (session.principal.user_id, session.principal.role) == ("li.na", "branch_manager")
    assert session.started == START  # resuming never extends the session
    clock.at = START + dt.timedelta(hours=8, minutes=1)  # ASKER_SESSION_HOURS defaults to 8
    assert api.resume_session(rt, token) is None


def test_signing_out_ends_the_session_for_every_copy_of_its_token(data_dir: Path) -> None:
    clock = Clock(START)
    rt = runtime(data_dir, clock)
    first, second = signed_in(rt), None
    clock.at = START + dt.timedelta(minutes=5)
    second = signed_in(rt)  # the same user in another browser: a session of its own
    clock.at = START + dt.timedelta(minutes=10)
    session = api.resume_session(rt, first)
    assert session is not None
    api.end_session(rt, session)
    assert api.resume_session(rt, first) is None
    assert api.resume_session(runtime(data_dir, clock), first) is None  # after a restart too
    other = api.resume_session(rt, second)
    assert other is not None and other.started == START + dt.timedelta(minutes=5)


def test_an_altered_or_foreign_token_resumes_nothing(data_dir: Path, tmp_path: Path) -> None:
    rt = runtime(data_dir, Clock(START))
    token = signed_in(rt)
    payload, signature = token.rsplit(".", 1)
    assert api.resume_session(rt, f"{payload}.{signature[::-1]}") is None
    assert api.resume_session(rt, "") is None and api.resume_session(rt, "not-a-token") is None
    other_dir = copy_data_dir(data_dir, tmp_path / "other", "audit.key")  # a key of its own
    other = runtime(other_dir, Clock(START))
    assert other.session_key != rt.session_key
    assert api.resume_session(other, token) is None


def test_resuming_reads_the_account_as_it_is_now(data_dir: Path) -> None:
    rt = runtime(data_dir, Clock(START))
    token = signed_in(rt)
    with rt.app_db.begin() as con:
        con.execute(update(users).where(users.c.user_id == "li.na").values(role="teller"))
    session = api.resume_session(rt, token)
    assert session is not None and session.principal.role == "teller"
    with rt.app_db.begin() as con:
        con.execute(users.delete().where(users.c.user_id == "li.na"))
    assert api.resume_session(rt, token) is None


def test_past_conversations_are_the_users_own_and_reopen_as_the_user(data_dir: Path) -> None:
    rt = runtime(data_dir, Clock(START))
    li_na = api.login(rt, "li.na", "asker-demo")
    zhang_wei = api.login(rt, "zhang.wei", "asker-demo")
    first = api.ask(rt, li_na, "各支行上个月末存款余额", conversation="li.na-1")
    api.ask(rt, li_na, "那贷款呢", conversation="li.na-1")
    api.ask(rt, zhang_wei, "上个月末存款余额", conversation="zhang.wei-1")
    listed = api.conversations(rt, li_na)  # the latest first
    assert (listed[0].conversation_id, listed[0].first_question, listed[0].turns) == (
        "li.na-1",
        "各支行上个月末存款余额",
        2,
    )
    assert "zhang.wei-1" not in {c.conversation_id for c in listed}
    assert api.reopen_conversation(rt, li_na, "zhang.wei-1") == ()  # not hers
    reopened = api.reopen_conversation(rt, li_na, "li.na-1")
    assert [question for question, _ in reopened] == ["各支行上个月末存款余额", "那贷款呢"]
    again = reopened[0][1]
    assert first.status == "ok" and again is not None and again.status == "ok"
    assert sorted(again.rows) == sorted(first.rows)  # the same query, her scope, re-run
    assert api.conversations(rt, li_na)[0].turns == 2  # reopening records nothing again
