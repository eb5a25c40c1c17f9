"""The operations pages driven by AppTest on a copy of the tiny demo bank: export
buttons only for roles with the export right, a thumbs-down with a correction promoted by a
reviewer and used by the next identical question, the auditor's search, the usage page."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import sqlglot
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from asker.appstate import deliveries
from asker.appstate.database import engine_for
from tests.helpers import copy_data_dir
from tests.ui.conftest import APP, TIMEOUT
from tests.ui.test_app import ask, login, text_of

QUESTION = "成都分行各支行的客户数"
CORRECT_SQL = (
    "SELECT open_org_id, COUNT(*) AS customers FROM dim_customer "
    "GROUP BY open_org_id ORDER BY open_org_id"
)


@pytest.fixture
def data_dir(tiny_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    copy_data_dir(tiny_dir, copy, as_built=True)  # these tests write feedback, examples, audit
    return copy


def app_for(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ASKER_DATA_DIR", str(data_dir))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


def audit_rows(data_dir: Path, where: str) -> list[dict[str, object]]:
    engine = engine_for(f"sqlite:///{data_dir / 'app.db'}")
    with engine.connect() as con:
        rows = [dict(r._mapping) for r in con.execute(text(f"SELECT * FROM audit_log {where}"))]
    engine.dispose()
    return rows


def button(at: AppTest, key: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.key == key)


def test_branch_manager_exports_and_the_export_is_audited(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = login(app_for(data_dir, monkeypatch), "li.na")
    ask(at, "各支行上个月末存款余额")
    button(at, "turn-0-export-csv").click().run()
    assert at.get("download_button"), text_of(at)
    rows = audit_rows(data_dir, "WHERE action = 'export'")
    assert [(r["user_id"], r["decision"]) for r in rows] == [("li.na", "ok")]
    assert '"row_count":2' in str(rows[0]["record"])  # B05S01 and B05S02 on tiny


def test_a_subbranch_manager_gets_no_export_button(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = login(app_for(data_dir, monkeypatch), "wang.fang")
    ask(at, "上个月存款余额")
    assert at.metric, text_of(at)
    keys = {b.key for b in at.button}
    assert "turn-0-save" in keys  # the card rendered its actions ...
    assert not {k for k in keys if k and "export" in k}  # ... but no export for 支行行长


def test_correction_reaches_the_queue_is_promoted_and_answers_the_next_question(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, tiny_executor: object
) -> None:
    at = login(app_for(data_dir, monkeypatch), "li.na")
    ask(at, QUESTION)
    at.text_input(key="turn-0-fixed-question").set_value(QUESTION)
    at.text_area(key="turn-0-fixed-sql").set_value(CORRECT_SQL)
    at.text_input(key="turn-0-reason").set_value("想看各支行客户数明细")
    button(at, "turn-0-down").click().run()
    button(at, "logout").click().run()

    login(at, "qian.hao")
    at.switch_page("feedback_review.py").run()
    assert QUESTION in text_of(at) and "想看各支行客户数明细" in text_of(at)
    item = next(  # the tiny bank may hold other tests' feedback: pick this correction's
        t.key.removesuffix("-question")
        for t in at.text_input
        if t.key and t.key.startswith("review-") and t.value == QUESTION
    )
    button(at, f"{item}-promote").click().run()
    assert any("已采纳为示例" in s.value for s in at.success), text_of(at)
    button(at, "logout").click().run()

    login(at, "li.na")
    ask(at, QUESTION)
    assert "已审核的示例" in text_of(at)
    shown = at.dataframe[-1].value
    expected = tiny_executor.execute(  # type: ignore[attr-defined]
        sqlglot.parse_one(
            "SELECT c.open_org_id, COUNT(*) FROM dim_customer c JOIN dim_org o "
            "ON c.open_org_id = o.org_id WHERE o.branch_id = 'B05' "
            "GROUP BY 1 ORDER BY 1"
        ),
        row_cap=100,
        timeout_s=30,
    ).rows
    assert [tuple(r) for r in shown.itertuples(index=False)] == [tuple(r) for r in expected]


def test_the_auditor_finds_an_export_and_verifies_the_chain(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = login(app_for(data_dir, monkeypatch), "li.na")
    ask(at, "各支行上个月末存款余额")
    button(at, "turn-0-export-csv").click().run()
    button(at, "logout").click().run()

    login(at, "sun.li")
    at.switch_page("audit.py").run()
    at.text_input(key="audit-user").set_value("li.na")
    at.multiselect(key="audit-action").set_value(["export"]).run()
    table = at.dataframe[0].value
    assert list(table["操作"]) == ["export"] and list(table["用户"]) == ["li.na"]
    assert list(table["机构"]) == ["B05"] and list(table["角色"]) == ["分行行长"]
    (when,) = table["时间（北京时间）"]  # the bank's time zone, to the second
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", when)
    button(at, "audit-verify").click().run()
    assert any("审计链完整" in s.value for s in at.success)


def test_usage_counts_equal_the_audit_log(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = login(app_for(data_dir, monkeypatch), "li.na")
    for question in ("上个月各支行的情况", "各支行上个月末存款余额", "北京分行贷款余额"):
        ask(at, question)
    button(at, "logout").click().run()

    login(at, "sun.li")
    at.switch_page("usage.py").run()
    shown = {m.label: m.value for m in at.metric}
    asks = audit_rows(data_dir, "WHERE action = 'ask'")
    assert int(shown["提问数"]) == len(asks)
    for label, decision in (("已回答", "ok"), ("需澄清", "clarify"), ("已拒绝", "refused")):
        assert int(shown[label]) == sum(r["decision"] == decision for r in asks), label
    assert {"已拒绝", "需澄清"} <= {k for k, v in shown.items() if int(v) > 0}, shown


@pytest.mark.parametrize(
    ("user", "page", "heading"),
    [
        ("sun.li", "audit.py", "审计日志"),
        ("qian.hao", "feedback_review.py", "反馈审核"),
        ("zhao.min", "usage.py", "使用统计"),
        ("wang.fang", "saved.py", "关键指标（环比）"),
    ],
)
def test_each_role_reaches_its_pages(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, user: str, page: str, heading: str
) -> None:
    at = login(app_for(data_dir, monkeypatch), user)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert heading in [h.value for h in [*at.title, *at.subheader]]


def test_a_role_without_the_page_does_not_get_it(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = login(app_for(data_dir, monkeypatch), "li.na")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("audit.py")  # not registered for a branch manager: hidden, not disabled


def test_the_audit_page_lists_the_anomaly_alerts(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = engine_for(f"sqlite:///{data_dir / 'app.db'}")
    now = dt.datetime.now(dt.UTC)
    payload = {"rule": "refusal_burst", "user": "liu.yang", "count": 12}
    deliveries.plan(
        engine, "anomaly", "refusal_burst:liu.yang", "w1", "auditors", now=now, payload=payload
    )
    engine.dispose()
    at = login(app_for(data_dir, monkeypatch), "sun.li")
    at.switch_page("audit.py").run()
    shown = at.dataframe[-1].value  # after the log itself
    assert [tuple(r) for r in shown.itertuples(index=False)] == [
        ("refusal_burst", "liu.yang", 12, "pending")
    ]
