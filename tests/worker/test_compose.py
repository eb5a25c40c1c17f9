"""Message shapes: a subject stays one header line whatever a title holds, each robot gets its
own JSON, and a robot's own error code counts as a failure."""

from __future__ import annotations

import httpx

from asker.worker.channels import _accepted, robot_payload
from asker.worker.compose import Message, notice


def test_a_subject_is_one_line_whatever_the_title_holds() -> None:
    message = notice("存款\r\nBcc: everyone@bank.example", ["x"])
    assert "\n" not in message.subject and "\r" not in message.subject


def test_each_robot_gets_its_own_json() -> None:
    message = Message("主题", "正文", "<p>正文</p>", "**主题**\n\n正文")
    assert robot_payload("wecom", message) == {
        "msgtype": "markdown",
        "markdown": {"content": "**主题**\n\n正文"},
    }
    assert robot_payload("dingtalk", message) == {
        "msgtype": "markdown",
        "markdown": {"title": "主题", "text": "**主题**\n\n正文"},
    }
    assert robot_payload("feishu", message) == {
        "msg_type": "text",
        "content": {"text": "主题\n正文"},
    }


def test_a_robots_own_error_code_is_a_failure() -> None:
    assert _accepted(httpx.Response(200, json={"errcode": 0, "errmsg": "ok"}))
    assert _accepted(httpx.Response(200, json={"code": 0, "msg": "success"}))
    assert not _accepted(httpx.Response(200, json={"errcode": 93000, "errmsg": "invalid key"}))
    assert not _accepted(httpx.Response(200, json={"code": 19001, "msg": "bad"}))
    assert not _accepted(httpx.Response(502, text="bad gateway"))
