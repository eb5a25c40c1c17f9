"""A real browser: headless Debian Chromium driven by playwright (no browser download), against
the app started with the README's own command (`make run`) on the tiny demo bank.

li.na logs in, asks "各支行上个月末存款余额", sees the bar chart and the 口径, follows up with
"换成日均", at desktop width and at 390 px. With CI=true a missing browser fails the test.
Set ASKER_SCREENSHOTS=docs/screenshots to refresh the README's screenshots."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.helpers import copy_data_dir

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed on this machine")
    data_dir = tmp_path_factory.mktemp("browser") / "data"
    # as built: other tests (AppTest on tiny) ask li.na's questions in tiny's app database
    copy_data_dir(tiny_dir, data_dir, as_built=True)
    port = _free_port()
    server = subprocess.Popen(  # the README's command, on tiny
        [
            "make",
            "--no-print-directory",
            "run",
            f"DATA_DIR={data_dir}",
            "SCALE=tiny",
            f"PORT={port}",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


@contextmanager
def asker_serve(data_dir: Path, port: int, env: dict[str, str]) -> Iterator[str]:
    """``asker serve`` on ``data_dir`` with ``env`` added to this environment, until the block
    ends (its process group stopped with SIGTERM); yields the app's address once healthy."""
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "asker", "serve", "--data-dir", str(data_dir), "--port", str(port)],
        cwd=data_dir.parent,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)


def _wait_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the app exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("the app did not become healthy in 120 s")


def test_branch_manager_in_a_real_browser(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    shots = Path(os.environ.get("ASKER_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(app_url)
        page.get_by_label("用户名").fill("li.na")
        page.get_by_label("密码").fill("asker-demo")
        page.get_by_role("button", name="登录").click()
        chat = page.get_by_placeholder("例如：上个月各分行的存款余额")
        expect(chat).to_be_visible(timeout=30_000)
        chat.fill("各支行上个月末存款余额")
        chat.press("Enter")
        expect(page.get_by_text("口径", exact=False).first).to_be_visible(timeout=60_000)
        expect(page.locator(".vega-embed").first).to_be_visible(timeout=30_000)
        expect(page.get_by_text("成都分行及下辖支行", exact=False).first).to_be_visible()
        page.screenshot(path=str(shots / "chat-desktop.png"), full_page=True)
        chat.fill("换成日均")
        chat.press("Enter")
        expect(page.get_by_text("存款日均", exact=False).first).to_be_visible(timeout=60_000)
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(1000)
        page.screenshot(path=str(shots / "chat-390px.png"), full_page=True)
        browser.close()
    assert (shots / "chat-desktop.png").stat().st_size > 10_000
