"""The README's "Call asker from your portal" embed works as written: the ``<asker-answer>`` web
component is taken from the README itself, put on a portal page served by a stand-in portal
backend (which holds li.na's API token and forwards ``/asker/*`` to a real ``asker api`` process,
as the README tells a portal to), and rendered in headless Debian Chromium. The card shows the
governed answer: the sub-branches of 成都分行 (hand-written SQL), the 口径, the scope and the
data date, and nothing undefined."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from asker.warehouse.engine import DuckDBExecutor
from tests.helpers import rows
from tests.http.conftest import Server
from tests.http.test_http_api import DEPOSITS_BY_SUBBRANCH
from tests.ui.test_browser import CHROMIUM, FLAGS, ROOT


def readme_embed() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("A minimal embed of the answer card")
    found = re.search(r"```html\n(.*?)```", readme[start:], re.S)
    assert found, "the README's embed example is an ```html block after its introduction"
    return found.group(1)


@pytest.fixture(scope="module")
def portal(server: Server) -> Iterator[str]:
    """The portal's page and its backend: ``/asker/...`` forwarded with the user's token."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed on this machine")
    page = f"<!doctype html><meta charset='utf-8'><title>门户</title>{readme_embed()}"

    class Portal(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page.encode("utf-8")
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            assert self.path.startswith("/asker/"), self.path
            sent = self.rfile.read(int(self.headers["content-length"]))
            reply = httpx.post(
                server.url + self.path.removeprefix("/asker"),
                content=sent,
                headers={
                    "content-type": "application/json",
                    "authorization": f"Bearer {server.tokens['li.na']}",
                },
                timeout=120,
            )
            self.send_response(reply.status_code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(reply.content)))
            self.end_headers()
            self.wfile.write(reply.content)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_readmes_web_component_shows_the_governed_answer(
    portal: str, tiny_executor: DuckDBExecutor
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(locale="zh-CN")
        page.goto(portal)
        card = page.locator("asker-answer")
        expect(card.get_by_text("数据日期 2", exact=False)).to_be_visible(timeout=120_000)
        text = card.evaluate(
            "e => Array.from(e.shadowRoot.children).map((c) => c.innerText).join('\\n')"
        )
        cells = card.locator("td").all_inner_texts()
        browser.close()
    assert "undefined" not in text and "[object Object]" not in text, text
    assert "口径 · 存款余额" in text, text
    assert "成都分行及下辖支行" in text, "the row scope is named on the card"
    assert "2026-09-30" in text
    want = rows(tiny_executor, DEPOSITS_BY_SUBBRANCH)
    assert want
    for name, _ in want:
        assert name in cells, (name, cells[:12])
