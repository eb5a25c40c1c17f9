"""The chat in a real browser (Debian Chromium through playwright) on the tiny demo bank, started
with `make run`: no control on an answer offers a download or copy to a role without the export
right, the axis reads 万/亿 or %, and a numeric column sorts as numbers while it shows 万/亿."""

from __future__ import annotations

import re
from typing import Any

from tests.ui.test_browser import CHROMIUM, FLAGS, app_url

__all__ = ["app_url"]

ROUTE_OUT = re.compile(r"download|copy|下载|导出|复制|csv|png", re.IGNORECASE)
UNIT = re.compile(r"^-?[\d,]+(\.\d+)?(万|亿)$")


def _signed_in(p: Any, url: str, user: str) -> Any:
    from playwright.sync_api import expect

    browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(url)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill("asker-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_placeholder("例如：上个月各分行的存款余额")).to_be_visible(timeout=30_000)
    return browser, page


def _ask(page: Any, question: str) -> None:
    from playwright.sync_api import expect

    chat = page.get_by_placeholder("例如：上个月各分行的存款余额")
    chat.fill(question)
    chat.press("Enter")
    expect(page.get_by_text("口径", exact=False).first).to_be_visible(timeout=60_000)
    expect(page.locator(".vega-embed svg").first).to_be_visible(timeout=30_000)


def _offered_routes(page: Any) -> list[str]:
    """Every visible control's name that reads like a way out, after hovering chart and grid."""
    for target in ('[data-testid="stVegaLiteChart"], .vega-embed', '[data-testid="stDataFrame"]'):
        for element in page.locator(target).all():
            element.hover()
            page.wait_for_timeout(300)
    names = []
    for control in page.locator("button, a[download], [role=menuitem]").all():
        if control.is_visible():
            name = (control.get_attribute("aria-label") or "") + " " + control.inner_text()
            names.append(name.strip())
    return [n for n in names if ROUTE_OUT.search(n)]


def test_a_subbranch_manager_is_offered_no_download_or_copy(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser, page = _signed_in(p, app_url, "wang.fang")
        _ask(page, "近12个月每月的存款余额")
        assert _offered_routes(page) == []
        assert page.locator('[data-testid="stElementToolbar"]:visible').count() == 0
        expect(page.get_by_text("wang.fang 20", exact=False).first).to_be_attached()
        ticks = _svg_texts(page)
        assert any(UNIT.match(t) for t in ticks), ticks
        assert any(re.match(r"^\d{4}年\d{1,2}月$", t) for t in ticks), ticks
        page.keyboard.press("Control+A")
        page.keyboard.press("Control+C")
        browser.close()


def test_an_analyst_exports_only_through_the_audited_export(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser, page = _signed_in(p, app_url, "zhang.wei")
        _ask(page, "各分行上个月末存款余额")
        routes = _offered_routes(page)
        assert routes and all("导出" in r for r in routes), routes
        expect(page.get_by_role("button", name="导出 CSV")).to_be_visible()
        browser.close()


def test_a_ratio_axis_reads_percent(app_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser, page = _signed_in(p, app_url, "li.na")
        _ask(page, "今年每月不良贷款率")
        ticks = _svg_texts(page)
        assert any(re.match(r"^\d+(\.\d+)?%$", t) for t in ticks), ticks
        browser.close()


def test_a_numeric_column_sorts_as_numbers_while_it_shows_wan(app_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser, page = _signed_in(p, app_url, "zhang.wei")
        _ask(page, "各分行上个月末存款余额")
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        grid.locator('td[aria-colindex="2"]').first.wait_for(state="attached")
        before = _column_values(grid, 2)
        canvas = grid.locator('[data-testid="data-grid-canvas"]')
        page.wait_for_timeout(500)
        box = canvas.bounding_box()
        # The 存款余额 header: the last column, at the right end of a stretched grid.
        page.mouse.click(box["x"] + box["width"] - 40, box["y"] + 17)
        page.wait_for_timeout(800)
        after = _column_values(grid, 2)
        assert sorted(after) == sorted(before) and after != before
        assert after in (sorted(after), sorted(after, reverse=True)), after
        browser.close()


def _column_values(grid: Any, column: int) -> list[float]:
    """The grid's cells in row order: glide-data-grid mirrors its canvas in an ARIA table."""
    cells = grid.locator(f'td[aria-colindex="{column}"]').evaluate_all(
        "cs => cs.map(c => c.textContent)"
    )
    return [float(c) for c in cells]


def _svg_texts(page: Any) -> list[str]:
    texts = page.locator(".vega-embed svg text").evaluate_all("ts => ts.map(t => t.textContent)")
    return [str(t).strip() for t in texts if t]
