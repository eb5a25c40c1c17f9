"""The prompts as rendered, snapshot-tested: a change in wording or layout is a reviewed diff
(`pytest --update-snapshots`). The context is a small hand-made one so that only the prompt
constants and their rendering decide the text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from asker.sql import prompts
from asker.sql.chain import Candidate, Chain
from asker.sql.context import everything
from asker.sql.visible import ColumnView, MetricView, TableView, Visible
from tests.snapshots import assert_snapshot
from tests.sql.fakes import scripted, sql_block

SNAPSHOTS = Path(__file__).parent / "snapshots"

VISIBLE = Visible(
    tables=(
        TableView(
            "dim_org",
            "机构维表",
            (
                ColumnView("org_id", "VARCHAR", "机构编号"),
                ColumnView("org_name", "VARCHAR", "机构名称"),
            ),
        ),
        TableView(
            "dim_customer",
            "客户维表",
            (
                ColumnView("cust_id", "VARCHAR", "客户编号"),
                ColumnView("mobile", "VARCHAR", "手机号", masked=True),
            ),
        ),
    ),
    metrics=(
        MetricView(
            "loan_balance",
            "贷款余额",
            "loan balance",
            "期末贷款余额之和。",
            ("branch",),
            ("贷款余额", "贷款"),
        ),
    ),
    dimensions=(("branch", "分行", "branch"),),
    values=(("branch", "B05", "成都分行"),),
)
QUESTION = "各分行放出去的钱还剩多少"


def chain(reply: str) -> Chain:
    model = scripted(reply)
    return Chain(model=model, method="json_mode", budget=6000, data_date=dt.date(2026, 9, 30))


def rendered(name: str) -> str:
    c = chain("成都分行的贷款余额是多少" if name == "rewrite" else sql_block("SELECT 1"))
    context = everything(QUESTION, VISIBLE)
    if name == "system":
        return c.system
    if name == "plan":
        return c.plan_prompt(QUESTION, context)
    if name == "sql":
        return c.sql_prompt(QUESTION, context)
    if name == "rewrite":
        c.rewrite(["上个月各分行的存款余额", "那贷款呢"], "成都的呢")
    else:
        bad = Candidate("sql", "SELECT nme FROM dim_org", sql="SELECT nme FROM dim_org")
        c.repair(QUESTION, bad, ["没有列 nme。您是否想用：org_name？"], context)
    model = c.model
    assert hasattr(model, "prompts")
    return str(model.prompts[0][1])


@pytest.mark.parametrize("name", ["system", "plan", "sql", "rewrite", "repair"])
def test_prompt_snapshot(name: str, request: pytest.FixtureRequest) -> None:
    assert_snapshot(request, SNAPSHOTS / f"{name}.txt", rendered(name))


def test_prompts_are_chinese_first_with_english() -> None:
    for text in (prompts.SYSTEM_PROMPT, prompts.METRIC_QUERY_PROMPT, prompts.SQL_PROMPT):
        first = text.strip().splitlines()[0]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in first)
        assert any(word in text for word in ("Use", "Reply", "write", "First"))


def test_masked_columns_are_marked_in_the_schema() -> None:
    assert "mobile | VARCHAR | 手机号（脱敏 masked）" in rendered("sql")
