"""Every question, statement and login is audited; an audit failure withholds the answer;
rate limits and lockout apply through the facade the UI and the CLI call."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from asker import api
from asker.audit.log import AuditLog
from asker.config import Settings
from asker.errors import InternalError
from tests import callers


@pytest.fixture
def own_dir(tmp_path: Path) -> Path:
    """A private tiny demo bank (its own audit chain, counters and lockouts; ~3 s to build)."""
    target = tmp_path / "data"
    api.init(Settings(data_dir=target), scale="tiny", seed=42)
    return target


def test_questions_statements_and_logins_are_audited_and_the_chain_verifies(own_dir: Path) -> None:
    settings = Settings(data_dir=own_dir)
    api.login(callers.runtime(settings), "li.na", "asker-demo")
    callers.ask(settings, "li.na", "上个月各支行存款余额")
    callers.ask(settings, "li.na", "北京分行贷款余额")  # refused: still audited
    callers.run_sql(settings, "li.na", "SELECT COUNT(*) FROM dim_org")
    report = api.verify_audit(callers.runtime(settings))
    assert report.ok and report.count >= 4
    entries = callers.runtime(settings).audit.search(user_id="li.na", limit=10)
    decisions = {(e.record["action"], e.record["decision"]) for e in entries}
    refused = next(e.record for e in entries if e.record["decision"] == "refused")
    # a refusal is audited as fully as an answer: who asked, in which role and org unit, and why
    assert (refused["role"], refused["org_id"]) == ("branch_manager", "B05")
    assert refused["codes"] == ["ACCESS_DENIED"]
    assert {("login", "ok"), ("ask", "ok"), ("ask", "refused"), ("sql", "ok")} <= decisions


def test_an_audit_failure_withholds_the_answer(
    own_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=own_dir)
    callers.ask(settings, None, "存款")  # a first record, written normally

    def broken(self: AuditLog, record: object) -> int:
        raise InternalError("AUDIT_UNAVAILABLE", error_class="OperationalError")

    monkeypatch.setattr(AuditLog, "append", broken)
    answer = callers.ask(settings, None, "上个月各分行的存款余额")
    assert (answer.status, answer.code) == ("error", "AUDIT_UNAVAILABLE") and answer.rows == ()
    monkeypatch.undo()
    assert api.verify_audit(callers.runtime(settings)).ok  # nothing already written was lost


def test_rate_limit_refuses_with_a_retry_hint(own_dir: Path) -> None:
    settings = Settings(data_dir=own_dir, rate_limit_per_minute=2)
    codes = [callers.ask(settings, "wang.fang", "存款").code for _ in range(3)]
    assert codes[:2] == [None, None] and codes[2] == "RATE_LIMITED"


def test_lockout_after_repeated_failures(own_dir: Path) -> None:
    from asker.errors import AccessDenied

    settings = Settings(data_dir=own_dir, login_max_failures=3)
    for _ in range(3):
        with pytest.raises(AccessDenied):
            api.login(callers.runtime(settings), "li.na", "wrong")
    with pytest.raises(AccessDenied) as caught:
        api.login(callers.runtime(settings), "li.na", "asker-demo")
    assert caught.value.code == "ACCOUNT_LOCKED"


def test_cli_audit_verify_detects_tampering(own_dir: Path) -> None:
    settings = Settings(data_dir=own_dir)
    callers.ask(settings, None, "存款")
    callers.ask(settings, None, "贷款")
    cli = [
        sys.executable,
        "-m",
        "asker",
        "audit",
        "verify",
        "--data-dir",
        str(own_dir),
        "--format",
        "json",
    ]
    ok = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and json.loads(ok.stdout)["status"] == "ok"
    import sqlite3

    con = sqlite3.connect(own_dir / "app.db")
    con.execute("UPDATE audit_log SET record = replace(record, '存款', '贷款') WHERE seq = 1")
    assert con.total_changes == 1
    con.commit()
    con.close()
    bad = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and any("1" in p for p in json.loads(bad.stdout)["problems"])
