"""The metric governance console driven by AppTest on a copy of tiny (it publishes versions):
zhao.min drafts a change to 存款日均's synonyms and 口径 → cannot approve it herself → qian.hao
approves → the chat cites the new version → rollback → the chat cites the old definition again;
a locked regulatory metric cannot be drafted until unlocked; every step is in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from asker import api
from asker.config import Settings
from asker.errors import AccessDenied
from asker.semantic.definitions import seed_texts
from tests import callers
from tests.helpers import copy_data_dir
from tests.ui.conftest import APP, TIMEOUT, started_app
from tests.ui.test_app import ask, login
from tests.ui.test_app import text_of as _text_of

NEW_SYNONYM = "存款平均余额"
NEW_TEXT = "统计期内每日存款余额（含周末和节假日）之和除以统计期截至数据日期的日历天数。"


def seed_definition(code: str) -> str:
    for text in seed_texts().values():
        for metric in yaml.safe_load(text).get("metrics") or []:
            if metric["code"] == code:
                return str(metric["definition"])
    raise KeyError(code)


@pytest.fixture
def data_dir(tiny_dir: Path, tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "data"
    copy_data_dir(tiny_dir, copy)
    yield copy


@pytest.fixture
def app(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """On a copy of tiny: governance writes to the app database."""
    return started_app(data_dir, monkeypatch)


def text_of(at: AppTest) -> str:
    return "\n".join([_text_of(at), *(str(s.value) for s in at.success)])


def logout(at: AppTest) -> None:
    next(b for b in at.button if b.key == "logout").click().run()


def keyed(at: AppTest, kind: str, prefix: str):  # type: ignore[no-untyped-def]
    return next(w for w in at.get(kind) if w.key and w.key.startswith(prefix))


def open_metric(at: AppTest, code: str, search: str) -> None:
    at.text_input(key="metric_search").set_value(search).run()
    at.selectbox(key="metric_pick").set_value(code).run()


def click(at: AppTest, key: str) -> None:
    next(b for b in at.button if b.key == key).click().run()


def cited(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption if "口径" in c.value)


def workflow_steps(data_dir: Path) -> list[tuple[str, str, str]]:
    log = callers.runtime(Settings(data_dir=data_dir)).audit
    entries = log.search(action="metric_workflow", limit=100)
    return [
        (e.record["user_id"], e.record["question"], e.record["decision"]) for e in reversed(entries)
    ]


def test_draft_review_publish_chat_rollback_and_audit(app: AppTest, data_dir: Path) -> None:
    login(app, "zhao.min")
    open_metric(app, "deposit_avg_daily", "存款日均")
    assert "存款日均" in text_of(app) and "fact_deposit_balance_daily" in text_of(app)
    click(app, "draft_start")
    synonyms = keyed(app, "text_input", "draft_synonyms-")
    synonyms.set_value(f"{synonyms.value}, {NEW_SYNONYM}")
    keyed(app, "text_area", "draft_definition-").set_value(NEW_TEXT)
    next(b for b in app.button if b.label == "保存草稿").click().run()
    assert "草稿已保存" in text_of(app) and "校验通过" in text_of(app), text_of(app)
    click(app, "draft_submit")
    assert "已提交审批" in text_of(app)
    assert not [b for b in app.button if b.key == "review_approve"]  # no review page for her
    settings = Settings(data_dir=data_dir)
    (draft,) = api.metric_drafts(callers.runtime(settings))
    with pytest.raises(AccessDenied):  # nor may she approve through the api
        api.metric_draft_approve(
            callers.runtime(settings),
            callers.who(settings, "zhao.min"),
            draft.id,
            draft.row_version,
            "自己批",
        )
    logout(app)

    login(app, "qian.hao")
    assert "deposit_avg_daily" in text_of(app) or app.selectbox(key="review_pick")
    assert any(NEW_SYNONYM in c.value for c in app.code)  # the diff shows the change
    assert app.dataframe  # the impact on gold cases, run on tiny
    app.text_area(key=f"review_comment-{draft.id}").set_value("同意，口径表述更清楚")
    click(app, "review_approve")
    assert "已发布为第 2 版" in text_of(app), text_of(app)
    logout(app)

    login(app, "zhang.wei")
    ask(app, f"本月{NEW_SYNONYM}")  # the new synonym is understood at once
    assert "v2" in cited(app) and NEW_TEXT in cited(app), cited(app)
    logout(app)

    login(app, "qian.hao")
    app.switch_page("metrics.py").run()
    open_metric(app, "deposit_avg_daily", "存款日均")
    app.selectbox(key="rollback_to").set_value(1).run()
    app.text_input(key="metric_comment").set_value("回退到原口径")
    click(app, "metric_rollback")
    assert "已发布为第 3 版" in text_of(app), text_of(app)
    logout(app)

    login(app, "zhang.wei")
    ask(app, "本月存款日均")
    assert "v3" in cited(app) and seed_definition("deposit_avg_daily") in cited(app), cited(app)
    assert NEW_TEXT not in cited(app)

    assert workflow_steps(data_dir) == [
        ("zhao.min", "create deposit_avg_daily", "ok"),
        ("zhao.min", "edit deposit_avg_daily", "ok"),
        ("zhao.min", "submit deposit_avg_daily", "ok"),
        ("zhao.min", "approve deposit_avg_daily", "refused"),
        ("qian.hao", "approve deposit_avg_daily", "ok"),
        ("qian.hao", "rollback deposit_avg_daily", "ok"),
    ]
    assert api.verify_audit(callers.runtime(settings)).ok


def test_a_locked_regulatory_metric_cannot_be_drafted_until_unlocked(
    app: AppTest, data_dir: Path
) -> None:
    login(app, "zhao.min")
    open_metric(app, "npl_ratio", "不良贷款率")
    assert "已锁定" in text_of(app)
    click(app, "draft_start")
    assert "METRIC_LOCKED" in text_of(app) and not app.get("text_area")
    logout(app)

    login(app, "qian.hao")
    app.switch_page("metrics.py").run()
    open_metric(app, "npl_ratio", "不良贷款率")
    app.text_input(key="unlock_reason").set_value("监管口径调整")
    click(app, "metric_unlock")
    assert "已解锁" in text_of(app), text_of(app)
    logout(app)

    login(app, "zhao.min")
    open_metric(app, "npl_ratio", "不良贷款率")
    click(app, "draft_start")
    assert keyed(app, "text_area", "draft_definition-").value == seed_definition("npl_ratio")
    assert workflow_steps(data_dir) == [
        ("zhao.min", "create npl_ratio", "refused"),
        ("qian.hao", "unlock npl_ratio", "ok"),
        ("zhao.min", "create npl_ratio", "ok"),
    ]
    (entry,) = [
        e
        for e in callers.runtime(Settings(data_dir=data_dir)).audit.search(action="metric_workflow")
        if e.record["decision"] == "refused"
    ]
    assert entry.record["codes"] == ["METRIC_LOCKED"]


def save_form(at: AppTest) -> None:
    next(b for b in at.button if b.label == "保存草稿").click().run()


def test_the_form_lists_every_problem_and_conflict_and_blocks_submission(app: AppTest) -> None:
    login(app, "zhao.min")
    open_metric(app, "deposit_avg_daily", "存款日均")
    click(app, "draft_start")
    synonyms = keyed(app, "text_input", "draft_synonyms-")
    synonyms.set_value(f"{synonyms.value}, 存款余额")  # deposit_balance's name
    rest = keyed(app, "text_area", "draft_rest-")
    rest.set_value(rest.value.replace("fact_deposit_balance_daily", "fact_deposits_typo"))
    save_form(app)
    errors = [e.value for e in app.error]
    assert any("fact_deposits_typo" in e for e in errors), errors
    assert any("存款余额" in e and "deposit_balance" in e for e in errors), errors
    click(app, "draft_submit")
    assert "METRIC_DRAFT_INVALID" in text_of(app)


def test_a_stale_save_from_a_second_window_is_refused(app: AppTest, data_dir: Path) -> None:
    other = AppTest.from_file(APP, default_timeout=TIMEOUT)
    other.run()
    for window in (app, other):
        login(window, "zhao.min")
        open_metric(window, "wealth_balance", "理财余额")
    click(app, "draft_start")
    other.run()  # the second window opens the same draft
    keyed(app, "text_input", "draft_name_en-").set_value("wealth management balance")
    save_form(app)
    keyed(other, "text_input", "draft_aliases-").set_value("理财规模")
    save_form(other)
    assert "METRIC_DRAFT_STALE" in text_of(other) and "zhao.min" in text_of(other)
    (draft,) = api.metric_drafts(callers.runtime(Settings(data_dir=data_dir)))
    assert draft.definition["name_en"] == "wealth management balance"
    assert "理财规模" not in draft.definition.get("aliases", [])
    click(other, "draft_reload")
    keyed(other, "text_input", "draft_aliases-").set_value("理财规模")
    save_form(other)
    (draft,) = api.metric_drafts(callers.runtime(Settings(data_dir=data_dir)))
    assert draft.definition["name_en"] == "wealth management balance"
    assert draft.definition["aliases"] == ["理财规模"]


def test_a_rejection_needs_a_comment_and_returns_the_draft_to_its_author(
    app: AppTest, data_dir: Path
) -> None:
    settings = Settings(data_dir=data_dir)
    draft = api.metric_draft_start(
        callers.runtime(settings), callers.who(settings, "zhao.min"), "txn_count"
    )
    body = {**draft.definition, "steward": "新负责人"}
    saved = api.metric_draft_save(
        callers.runtime(settings),
        callers.who(settings, "zhao.min"),
        draft.id,
        body,
        draft.row_version,
    )
    api.metric_draft_submit(
        callers.runtime(settings),
        callers.who(settings, "zhao.min"),
        draft.id,
        saved.draft.row_version,
    )
    login(app, "qian.hao")
    click(app, "review_reject")
    assert "METRIC_COMMENT_REQUIRED" in text_of(app)
    app.text_area(key=f"review_comment-{draft.id}").set_value("负责人需与部门确认")
    click(app, "review_reject")
    assert "已退回给作者" in text_of(app) and "没有待审批的草稿" in text_of(app)
    logout(app)
    login(app, "zhao.min")
    open_metric(app, "txn_count", "交易笔数")
    assert "审批退回：负责人需与部门确认" in text_of(app)
    assert keyed(app, "text_area", "draft_rest-").value.count("新负责人") == 1


def test_a_new_metric_from_a_template_is_flagged_until_it_differs(app: AppTest) -> None:
    login(app, "zhao.min")
    open_metric(app, "deposit_balance", "存款余额")
    app.text_input(key="new_code").set_value("Bad Code")
    click(app, "new_metric_start")
    assert "METRIC_DRAFT_INVALID" in text_of(app)
    app.text_input(key="new_code").set_value("deposit_balance_copy")
    click(app, "new_metric_start")
    assert app.radio(key="admin_view").value == "new"
    errors = "\n".join(e.value for e in app.error)
    assert "compiles to the same SQL as deposit_balance" in errors, errors
    assert "'存款余额' is already used by deposit_balance" in errors, errors
    for key, value in (("name", "存款余额副本测试"), ("name_en", "deposit copy test")):
        keyed(app, "text_input", f"draft_{key}-").set_value(value)
    for key in ("synonyms", "synonyms_en", "abbreviations", "aliases"):
        keyed(app, "text_input", f"draft_{key}-").set_value("")
    rest = keyed(app, "text_area", "draft_rest-")
    rest.set_value(rest.value.replace("snapshot: true", "snapshot: true\n  where: balance > 0"))
    save_form(app)
    assert "校验通过" in text_of(app), "\n".join(e.value for e in app.error)


def test_withdrawing_a_draft_and_the_comment_in_the_version_history(
    app: AppTest, data_dir: Path
) -> None:
    login(app, "zhao.min")
    open_metric(app, "txn_amount", "交易金额")
    click(app, "draft_start")
    click(app, "draft_withdraw")
    assert "草稿已撤回" in text_of(app) and any(b.key == "draft_start" for b in app.button)
    api.metric_rollback(
        callers.runtime(Settings(data_dir=data_dir)),
        callers.who(Settings(data_dir=data_dir), "qian.hao"),
        "txn_amount",
        1,
        "演示回滚",
    )
    app.run()
    history = app.dataframe[0].value
    assert list(history["v"]) == [1, 2]
    assert history.iloc[1, -1] == "rollback to v1: 演示回滚"
