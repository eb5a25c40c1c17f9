"""A real browser reaches the chat app through the bank's reverse proxy (统一数据门户): headless
Debian Chromium sends the identity headers the proxy would add to every request, signed with
hmac here (tests/access/test_trusted_header.py), and the app signs the user in without a password
as the directory mapping says: 秦雨, 分行行长 of 成都分行 (B05), who sees only his branch. The same
headers under another key leave the password form and a refusal. The app is ``asker serve``
itself, with 127.0.0.1 (the proxy on the same host) as its only trusted proxy."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.access.test_trusted_header import SECRET, signed
from tests.helpers import copy_data_dir
from tests.shared_servers import free_port
from tests.ui.test_browser import CHROMIUM, FLAGS, asker_serve


@pytest.fixture(scope="module")
def proxied_app(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed on this machine")
    data_dir = copy_data_dir(tiny_dir, tmp_path_factory.mktemp("proxy-ui") / "data")
    env = {
        "ASKER_TRUSTED_HEADER_PROXIES": json.dumps(["127.0.0.1"]),
        "ASKER_TRUSTED_HEADER_SECRET": SECRET,
    }
    with asker_serve(data_dir, free_port(), env) as url:
        yield url


def test_the_proxys_signed_identity_signs_in_without_a_password(proxied_app: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    headers = signed("qin.yu", "asker-branch-managers", "B05", "秦雨")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="zh-CN", extra_http_headers=headers
        )
        page = context.new_page()
        page.goto(proxied_app)
        chat = page.get_by_placeholder("例如：上个月各分行的存款余额")
        expect(chat).to_be_visible(timeout=60_000)
        expect(page.get_by_text("秦雨（qin.yu · 分行行长）")).to_be_visible()
        chat.fill("各支行存款余额")
        chat.press("Enter")
        expect(page.get_by_text("口径", exact=False).first).to_be_visible(timeout=60_000)
        text = page.locator("body").inner_text()
        browser.close()
    assert "成都分行及下辖支行" in text


def test_headers_under_another_key_leave_the_password_form(proxied_app: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    forged = signed("qin.yu", "asker-hq-analysts", "HQ", "秦雨", secret="guessed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(locale="zh-CN", extra_http_headers=forged)
        page = context.new_page()
        page.goto(proxied_app)
        expect(page.get_by_label("用户名")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("签名不符", exact=False)).to_be_visible(timeout=30_000)
        assert page.get_by_placeholder("例如：上个月各分行的存款余额").count() == 0
        browser.close()
