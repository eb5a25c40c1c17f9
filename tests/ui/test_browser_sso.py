"""A real browser signs in to the chat app through the bank's single sign-on: headless Debian
Chromium (playwright) clicks 使用单位统一身份登录, signs in at the local OIDC provider
(tests/oidc_provider.py, real HTTP on loopback), comes back through Streamlit's ``st.login``
(authorization code + PKCE) and asks as the mapped user: 郑浩, 分行行长 of 成都分行 (B05) by his
directory group and org attribute, sees only his branch's sub-branches. The app is started with
``asker serve`` itself, with the OIDC settings in its environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import copy_data_dir
from tests.shared_servers import free_port
from tests.ui.test_browser import CHROMIUM, FLAGS, asker_serve


@pytest.fixture(scope="module")
def sso_app(
    tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory, oidc_provider: dict[str, Any]
) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed on this machine")
    data_dir = copy_data_dir(tiny_dir, tmp_path_factory.mktemp("sso") / "data")
    port = free_port()
    env = {
        "ASKER_OIDC_ISSUER": oidc_provider["issuer"],
        "ASKER_OIDC_CLIENT_ID": oidc_provider["client_id"],
        "ASKER_OIDC_CLIENT_SECRET": oidc_provider["client_secret"],
        "ASKER_OIDC_REDIRECT_URI": f"http://127.0.0.1:{port}/oauth2callback",
    }
    with asker_serve(data_dir, port, env) as url:
        yield url


def test_single_sign_on_in_a_real_browser(sso_app: str, oidc_provider: dict[str, Any]) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(sso_app)
        expect(page.get_by_label("用户名")).to_be_visible(timeout=30_000)  # the password form stays
        expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
        page.get_by_role("button", name="使用单位统一身份登录").click()
        page.wait_for_url(f"{oidc_provider['issuer']}/authorize**", timeout=30_000)
        page.locator("#username").fill("zheng.hao")
        page.locator("#password").fill(oidc_provider["users"]["zheng.hao"]["password"])
        page.locator("#sign-in").click()
        chat = page.get_by_placeholder("例如：上个月各分行的存款余额")
        expect(chat).to_be_visible(timeout=60_000)
        expect(page.get_by_text("郑浩（zheng.hao · 分行行长）")).to_be_visible()
        chat.fill("各支行存款余额")
        chat.press("Enter")
        expect(page.get_by_text("口径", exact=False).first).to_be_visible(timeout=60_000)
        text = page.locator("body").inner_text()
        browser.close()
    # His row scope, in words, from his org attribute (the grid and chart draw on canvas; the
    # rows themselves are compared with hand-written SQL in tests/access/test_oidc_sign_in.py).
    assert "成都分行及下辖支行" in text
