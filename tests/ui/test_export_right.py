"""Every route out of the page follows the export right: a role without it gets no download, no
copy and no element toolbar; a role with it exports only through the audited export; every page
carries a watermark with the user and the bank's local time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from asker.types import Principal
from tests.helpers import copy_data_dir
from tests.ui.conftest import APP, TIMEOUT
from tests.ui.test_app import ask, login
from tests.ui.test_operations_app import audit_rows
from ui.export_right import watermark_text

TOOLBAR = '[data-testid="stElementToolbar"]'


def page_html(at: AppTest) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button] + [d.proto.label for d in at.get("download_button")]


@pytest.mark.parametrize("user", ["liu.yang", "wang.fang"])
def test_a_role_without_export_gets_no_route_out(app: AppTest, user: str) -> None:
    ask(login(app, user), "上个月末存款余额")
    assert not app.exception
    html = page_html(app)
    assert TOOLBAR in html and 'aria-label^="Download"' in html
    assert not [x for x in labels(app) if "导出" in x or "下载" in x or "CSV" in x]
    assert config.get_option("client.disableDataExport") is True
    assert f"{user} " in html and "asker-watermark" in html


def test_a_role_with_export_downloads_only_through_the_audited_export(
    tiny_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_data_dir(tiny_dir, tmp_path / "data", as_built=True)  # the export writes an audit record
    monkeypatch.setenv("ASKER_DATA_DIR", str(tmp_path / "data"))
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.run()
    ask(login(app, "zhang.wei"), "各分行上个月末存款余额")
    html = page_html(app)
    assert TOOLBAR not in html  # the toolbar stays (fullscreen, search), its routes out do not
    assert 'aria-label^="Download"' in html and 'aria-label^="Copy"' in html
    assert "导出 CSV" in labels(app)
    next(b for b in app.button if b.label == "导出 CSV").click().run()
    downloads = app.get("download_button")
    assert len(downloads) == 1 and "下载文件" in downloads[0].proto.label
    assert "zhang.wei " in page_html(app)
    exports = audit_rows(tmp_path / "data", "WHERE action = 'export'")
    assert [(r["user_id"], r["decision"]) for r in exports] == [("zhang.wei", "ok")]


def test_the_login_page_carries_no_watermark(app: AppTest) -> None:
    assert "asker-watermark" not in page_html(app)


def test_the_watermark_names_the_user_and_the_bank_local_time_to_the_second() -> None:
    who = Principal(user_id="li.na", role="branch_manager", org_id="B05")
    moment = dt.datetime(2026, 12, 7, 10, 3, 54, 123456, tzinfo=dt.UTC)
    assert watermark_text(who, moment) == "li.na 2026-12-07 18:03:54"
