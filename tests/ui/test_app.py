"""The Streamlit app driven by streamlit.testing.v1.AppTest on the tiny demo bank: login, ask,
chart marks, clarification and alternative buttons, follow-ups, refusals, logout, every role."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest


def login(at: AppTest, user: str, password: str = "asker-demo") -> AppTest:
    at.text_input(key="login_user").set_value(user)
    at.text_input(key="login_password").set_value(password)
    at.button[0].click().run()
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    return at


def marks(at: AppTest) -> list[str]:
    found = []
    for chart in at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        mark = spec.get("mark")
        found.append(mark["type"] if isinstance(mark, dict) else mark)
    return found


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [w.value for w in at.warning] + [i.value for i in at.info] + [e.value for e in at.error]
    )
    return "\n".join(str(p) for p in parts)


def test_a_wrong_password_is_refused(app: AppTest) -> None:
    login(app, "li.na", "wrong")
    assert "LOGIN_FAILED" in text_of(app) and not app.chat_input


def test_branch_manager_asks_and_sees_a_bar_chart_with_definition_and_scope(app: AppTest) -> None:
    login(app, "li.na")
    ask(app, "各支行上个月末存款余额")
    assert "bar" in marks(app)
    text = text_of(app)
    assert "口径" in text and "存款余额" in text and "成都分行及下辖支行" in text
    assert "2026-09-30" in text


def test_a_trend_gets_a_line_chart(app: AppTest) -> None:
    login(app, "zhang.wei")
    ask(app, "今年以来每月存款余额")
    assert "line" in marks(app)


def test_a_single_value_is_a_metric_card_with_its_comparison(app: AppTest) -> None:
    login(app, "zhang.wei")
    ask(app, "不良率同比")
    assert app.metric and app.metric[0].label == "不良贷款率" and app.metric[0].value.endswith("%")


def test_an_alternative_is_one_click_away(app: AppTest) -> None:
    login(app, "zhang.wei")
    ask(app, "存款")
    button = next(b for b in app.button if b.label == "改为存款日均")
    button.click().run()
    assert "存款日均" in text_of(app)


def test_a_clarifying_question_offers_buttons_that_answer(app: AppTest) -> None:
    login(app, "zhang.wei")
    ask(app, "上个月各分行的情况")
    assert "请问您想看哪个指标" in text_of(app)
    next(b for b in app.button if b.label == "贷款余额").click().run()
    assert "bar" in marks(app)


def test_follow_ups_continue_the_conversation(app: AppTest) -> None:
    login(app, "li.na")
    ask(app, "上个月各支行存款余额")
    ask(app, "换成日均")
    assert "存款日均" in text_of(app)


def test_a_refusal_is_rendered_with_its_code(app: AppTest) -> None:
    login(app, "li.na")
    ask(app, "北京分行贷款余额")
    # the refusal says what she may see, never the unit she asked about (issue #17, item 6)
    assert any("ACCESS_DENIED" in w.value and "成都分行" in w.value for w in app.warning)
    assert not any("北京" in w.value for w in app.warning)


@pytest.mark.parametrize("user", ["zhang.wei", "wang.fang", "liu.yang", "chen.jie"])
def test_every_data_role_can_ask(app: AppTest, user: str) -> None:
    login(app, user)
    ask(app, "上个月存款余额")
    assert app.metric, text_of(app)


@pytest.mark.parametrize("user", ["zhao.min", "qian.hao", "sun.li"])
def test_roles_without_data_get_no_chat(app: AppTest, user: str) -> None:
    login(app, user)
    assert not app.chat_input and "不能查询业务数据" in text_of(app)


def test_logout_returns_to_the_login_page(app: AppTest) -> None:
    login(app, "li.na")
    assert app.chat_input
    next(b for b in app.button if b.key == "logout").click().run()
    assert not app.chat_input and app.text_input(key="login_user")


def test_english_switch(app: AppTest) -> None:
    app.radio[0].set_value("en").run()
    login(app, "zhang.wei")
    ask(app, "NPL ratio by branch last quarter")
    assert "Definition" in text_of(app) and "bar" in marks(app)


def test_feedback_with_a_reason_is_stored(app: AppTest, tiny_dir: Path) -> None:
    from sqlalchemy import select

    from asker.appstate.conversations import answer_feedback
    from asker.appstate.database import engine_for

    login(app, "zhang.wei")
    ask(app, "本季度不良贷款率")
    app.text_input(key="turn-0-reason").set_value("口径和监管报表不一致").run()
    next(b for b in app.button if b.key == "turn-0-down").click().run()
    engine = engine_for(f"sqlite:///{tiny_dir / 'app.db'}")
    with engine.connect() as con:
        rows = con.execute(
            select(answer_feedback).where(answer_feedback.c.reason == "口径和监管报表不一致")
        ).all()
    engine.dispose()
    assert rows and rows[-1].rating == -1 and rows[-1].status == "pending"
