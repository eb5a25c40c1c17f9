"""A sign-in that survives a reload, in a real browser (Debian Chromium through playwright) on the
tiny demo bank started with `make run`: the signed session token is a cookie, never in the URL;
a reload keeps the user signed in and the open conversation; the sidebar lists a past
conversation and reopens it; signing out removes the token, so a reload shows the login page."""

from __future__ import annotations

import re
from typing import Any

from tests.ui.test_browser import CHROMIUM, FLAGS, app_url

__all__ = ["app_url"]

QUESTION = "各支行上个月末存款余额"
PLACEHOLDER = "例如：上个月各分行的存款余额"


def _cookie_when(page: Any, context: Any, *, present: bool) -> str:
    """The session cookie's value once it is there (or once it is gone: ''), polling the browser
    while the page's script runs; whatever it is after 30 s otherwise."""
    for _ in range(150):
        value = {c["name"]: c["value"] for c in context.cookies()}.get("asker_session", "")
        if bool(value) == present:
            return str(value)
        page.wait_for_timeout(200)
    return str(value)


def test_a_reload_keeps_the_sign_in_and_the_conversation(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.goto(app_url)
        page.get_by_label("用户名").fill("li.na")
        page.get_by_label("密码").fill("asker-demo")
        page.get_by_role("button", name="登录").click()
        chat = page.get_by_placeholder(PLACEHOLDER)
        expect(chat).to_be_visible(timeout=30_000)
        chat.fill(QUESTION)
        chat.press("Enter")
        turns = page.locator('[data-testid="stChatMessage"]')
        expect(page.get_by_text("口径", exact=False).first).to_be_visible(timeout=60_000)
        token = _cookie_when(page, context, present=True)  # the page's script sets it
        assert token, context.cookies()
        assert token not in page.url and "token" not in page.url and "session" not in page.url

        page.reload()
        expect(page.get_by_placeholder(PLACEHOLDER)).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="退出登录")).to_be_visible()
        expect(turns.get_by_text(QUESTION).first).to_be_visible(timeout=60_000)
        assert token not in page.url

        page.get_by_role("button", name="新对话").click()
        expect(turns.get_by_text(QUESTION)).to_have_count(0, timeout=30_000)
        past = page.get_by_role("button", name=re.compile(rf"^{QUESTION} · "))
        expect(past).to_be_visible(timeout=30_000)
        past.click()
        expect(turns.get_by_text(QUESTION).first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("口径", exact=False).first).to_be_visible(timeout=60_000)

        page.get_by_role("button", name="退出登录").click()
        expect(page.get_by_role("button", name="登录")).to_be_visible(timeout=30_000)
        assert _cookie_when(page, context, present=False) == ""
        page.reload()
        expect(page.get_by_label("用户名")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="退出登录")).to_have_count(0)
        browser.close()
