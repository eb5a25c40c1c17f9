"""Operations in a real browser (headless Debian Chromium via playwright), on the app started with
the README's command: li.na exports a CSV (content checked against hand-written SQL), sun.li finds
that export in the audit page's CSV, and wang.fang has no export button."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlglot

from tests.ui.test_browser import CHROMIUM, FLAGS, app_url

__all__ = ["app_url"]  # the module-scoped server fixture, shared with this module

BY_SUBBRANCH = """
SELECT o.org_name, SUM(f.balance) FROM fact_deposit_balance_daily f
JOIN dim_org o ON o.org_id = f.org_id
WHERE f.biz_date = DATE '2026-08-31' AND o.branch_id = 'B05' GROUP BY 1 ORDER BY 1
"""


def log_in(page: Any, url: str, user: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill("asker-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible(timeout=30_000)


def ask(page: Any, question: str) -> None:
    from playwright.sync_api import expect

    chat = page.get_by_placeholder("例如：上个月各分行的存款余额")
    expect(chat).to_be_visible(timeout=30_000)
    chat.fill(question)
    chat.press("Enter")
    expect(page.get_by_text("口径", exact=False).first).to_be_visible(timeout=60_000)


@contextmanager
def page_text_on_failure(page: Any) -> Iterator[None]:
    """A failed browser step shows what the page said (an error box, a stale page) in CI's log."""
    try:
        yield
    except Exception as error:
        said = page.inner_text("body")[:3000]
        raise AssertionError(f"{error}\n--- the page said:\n{said}") from error


def download(page: Any, button: Any) -> str:
    with page.expect_download(timeout=30_000) as done:
        button.click()
    return Path(done.value.path()).read_text(encoding="utf-8-sig")


def test_export_in_the_browser_and_the_auditor_finds_it(app_url: str, tiny_executor: Any) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        log_in(page, app_url, "li.na")
        ask(page, "各支行上个月末存款余额")
        page.get_by_role("button", name="导出 CSV").click()
        save = page.get_by_role("button", name="下载文件", exact=False)
        expect(save).to_be_visible(timeout=30_000)
        lines = list(csv.reader(io.StringIO(download(page, save))))
        assert "li.na" in lines[0][0]  # the watermark
        blank = lines.index([])  # the header block (# key, value) ends at the first empty line
        header = lines[blank + 1]  # the people-facing names (dictionary labels, by hand)
        got = {
            (row[header.index("支行")], Decimal(row[header.index("存款余额")]))
            for row in lines[blank + 2 :]
        }
        expected = tiny_executor.execute(
            sqlglot.parse_one(BY_SUBBRANCH), row_cap=100, timeout_s=30
        ).rows
        assert got == {(org, Decimal(total)) for org, total in expected}

        page.get_by_role("button", name="退出登录").click()
        log_in(page, app_url, "sun.li")
        with page_text_on_failure(page):
            page.get_by_role("link", name="审计日志").click()
            expect(page.get_by_role("heading", name="审计日志")).to_be_visible(timeout=60_000)
            page.get_by_label("用户", exact=True).fill("li.na")
            page.get_by_label("用户", exact=True).press("Enter")
            save_audit = page.get_by_role("button", name="下载 CSV")
            expect(save_audit).to_be_visible(timeout=60_000)
            audit = download(page, save_audit)
        rows = list(csv.DictReader(io.StringIO(audit)))
        assert any(
            (r["user_id"], r["action"], r["decision"]) == ("li.na", "export", "ok") for r in rows
        )
        browser.close()


def test_a_subbranch_manager_sees_no_export_button(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        log_in(page, app_url, "wang.fang")
        ask(page, "上个月存款余额")
        expect(page.get_by_role("button", name="收藏问题")).to_be_visible(timeout=30_000)
        assert page.get_by_role("button", name="导出 CSV").count() == 0
        browser.close()
