"""For each demo role: every prompt rendered while answering (rewrite, plan, SQL, repair) is
scanned for tables, columns, values and examples the role may not see, and for PII. The
retriever here ignores the role on purpose, so the prompt builder's own filter is what holds.
What each role may not see is read independently: the policy YAML as text and the warehouse."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from asker import api
from asker.config import Settings
from asker.types import DocKind, Hit
from asker.warehouse.engine import DuckDBExecutor
from tests import callers
from tests.helpers import rows
from tests.sql.fakes import ScriptedModel, scripted, sql_block

USERS = (
    "zhang.wei",
    "li.na",
    "wang.fang",
    "liu.yang",
    "chen.jie",
    "zhao.min",
    "qian.hao",
    "sun.li",
)
PII_QUESTION = "客户 13812345678（证件 11010119900307123X）开户的那家网点有几个员工"
WRONG = "SELECT COUNT(e.employee_no) AS n FROM dim_employee e"
RIGHT = "SELECT COUNT(*) AS n FROM dim_employee e"


class CarelessRetriever:
    """Returns the same documents to every role, including ones most roles may not see."""

    def search(
        self,
        question: str,
        role: str,
        k: int = 8,
        kinds: Sequence[DocKind] | None = None,
        *,
        orgs: Iterable[str] | None = None,
    ) -> list[Hit]:
        return [
            Hit("table:dim_customer", "table", "dim_customer", "客户维表", 1.0),
            Hit("column:dim_customer.id_no", "column", "dim_customer.id_no", "证件号码 id_no", 0.9),
            Hit(
                "value:dim_org.org_name=上海分行", "value", "dim_org.org_name", "分行 上海分行", 0.8
            ),
            Hit(
                "value:dim_org.org_name=成都高新支行",
                "value",
                "dim_org.org_name",
                "支行 成都高新支行",
                0.7,
            ),
            Hit(
                "example:1",
                "example",
                "1",
                "各客户证件号: SELECT id_no, mobile FROM dim_customer",
                0.6,
            ),
            Hit("metric:loan_balance", "metric", "loan_balance", "贷款余额", 0.5),
        ]


def _policy() -> dict[str, Any]:
    text = resources.files("asker.access").joinpath("policy.yaml").read_text("utf-8")
    return yaml.safe_load(text)["roles"]  # type: ignore[no-any-return]


def hidden_columns(role: str) -> set[str]:
    return {
        key.split(".")[1] for key, access in _policy()[role]["pii"].items() if access == "denied"
    }


def hidden_org_names(executor: DuckDBExecutor, org_id: str, scope: str) -> set[str]:
    """Org units outside the role's scope that are not above it (its parents are no secret)."""
    if scope == "all":
        return set()
    found = rows(
        executor,
        f"""SELECT o.org_name FROM dim_org o, dim_org me WHERE me.org_id = '{org_id}'
        AND o.org_id <> me.org_id AND o.org_id <> me.parent_org_id AND o.org_level <> '总行'
        AND NOT (me.org_level = '分行' AND o.branch_id = me.org_id)""",
    )
    return {r[0] for r in found}


def hidden_manager_names(
    executor: DuckDBExecutor, org_id: str, scope: str, column: str = "emp_name"
) -> set[str]:
    """Client managers of units outside the role's scope (issue #17: names and employee ids of
    staff outside scope never reach the prompt), less names a manager inside scope shares."""
    if scope == "all":
        return set()
    inside = f"""SELECT org_id FROM dim_org WHERE org_id = '{org_id}'
        OR (branch_id = '{org_id}' AND '{scope}' = 'org')"""
    found = rows(
        executor,
        f"""SELECT {column} FROM dim_employee WHERE position = '客户经理'
        AND org_id NOT IN ({inside}) EXCEPT SELECT {column} FROM dim_employee
        WHERE position = '客户经理' AND org_id IN ({inside})""",
    )
    return {r[0] for r in found}


def pii_values(executor: DuckDBExecutor) -> set[str]:
    found = rows(
        executor,
        """SELECT id_no, mobile, address FROM dim_customer
        UNION ALL SELECT card_no, NULL, NULL FROM dim_account""",
    )
    return {v for row in found for v in row if v}


def _run(settings: Settings, user: str, monkeypatch: pytest.MonkeyPatch) -> ScriptedModel:
    model = scripted(
        {"action": "needs_sql"},
        sql_block(WRONG),
        sql_block(RIGHT),  # first question + repair
        "那它的员工里入职最早的是哪年",  # the rewrite of the follow-up
        {"action": "needs_sql"},
        sql_block(RIGHT),
    )
    real = api.Runtime.services
    monkeypatch.setattr(
        api.Runtime,
        "services",
        lambda rt: replace(real(rt), chat_model=model, retriever=CarelessRetriever()),
    )
    conversation = uuid.uuid4().hex
    callers.ask(settings, user, PII_QUESTION, conversation=conversation)
    callers.ask(settings, user, "那入职最早的是哪年", conversation=conversation)
    return model


def _mentions(text: str, column: str) -> bool:
    """The column named as a column: a schema line, ``table.column``, or inside SQL (plain
    English words such as "mobile banking" in a metric's name are not the column)."""
    name = re.escape(column)
    patterns = (rf"- {name} \|", rf"\.{name}\b", rf"(?is)\bSELECT\b[^;]*?(?<![A-Za-z0-9_]){name}\b")
    return any(re.search(p, text) for p in patterns)


@pytest.mark.parametrize("user", USERS)
def test_prompts_hold_nothing_the_role_may_not_see(
    user: str, tiny_dir: Path, tiny_executor: DuckDBExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tiny_dir, llm_model="scripted")
    who = callers.who(settings, user)
    role = _policy()[who.role]
    model = _run(settings, user, monkeypatch)
    if not role["data_access"]:
        assert model.prompts == []  # no prompt at all for roles without data
        return
    purposes = {
        "plan": "请先尝试用指标字典",
        "sql": "指标字典无法直接表达",
        "repair": "没有通过",
        "rewrite": "最近的几个问题",
    }
    sent = model.texts
    for purpose, marker in purposes.items():
        assert any(marker in t for t in sent), f"no {purpose} prompt was rendered"
    text = "\n".join(sent)
    for column in hidden_columns(who.role):
        assert not _mentions(text, column), f"{user}: prompt names hidden column {column}"
    for org in hidden_org_names(tiny_executor, who.org_id, role["row_scope"]):
        assert org not in text, f"{user}: prompt names {org}, outside the role's scope"
    for name in hidden_manager_names(tiny_executor, who.org_id, role["row_scope"]):
        assert name not in text, f"{user}: prompt names {name}, a manager outside the scope"
    for emp_id in hidden_manager_names(tiny_executor, who.org_id, role["row_scope"], "emp_id"):
        assert not re.search(rf"(?<![0-9A-Za-z]){emp_id}(?![0-9])", text), f"{user}: {emp_id}"
    if role["row_scope"] != "all":
        assert "上海分行" not in text  # the careless retriever's value for another branch
    leaked = {v for v in pii_values(tiny_executor) if v in text}
    assert not leaked, f"{user}: PII values in a prompt: {sorted(leaked)[:3]}"
    for raw in ("13812345678", "11010119900307123X"):
        assert raw not in text


def test_the_scan_catches_what_it_looks_for(tiny_executor: DuckDBExecutor) -> None:
    # the checks above must be able to fail: each would flag this text
    assert "id_no" in hidden_columns("hq_executive") and _mentions("SELECT id_no FROM x", "id_no")
    assert _mentions("  - mobile | VARCHAR | 手机号", "mobile") and _mentions("c.mobile", "mobile")
    assert not _mentions("mobile_txn_share | mobile banking share", "mobile")
    assert "上海分行" in hidden_org_names(tiny_executor, "B05", "org")
    assert "成都高新支行" not in hidden_org_names(tiny_executor, "B05", "org")
    assert "莫颖怡" in hidden_manager_names(tiny_executor, "B05", "org")  # a 重庆 manager
    assert "曾莉宁" not in hidden_manager_names(tiny_executor, "B05", "org")  # a 成都 one
    assert "成都锦江支行" in hidden_org_names(tiny_executor, "B05S01", "org")
    assert len(pii_values(tiny_executor)) > 100


def test_documents_naming_hidden_columns_or_orgs_are_dropped() -> None:
    from asker.sql.visible import ColumnView, TableView, Visible

    view = Visible(
        tables=(TableView("dim_org", "机构", (ColumnView("org_name", "VARCHAR", "机构名称"),)),),
        metrics=(),
        dimensions=(),
        values=(),
        hidden=frozenset({"dim_customer", "id_no", "上海分行"}),
    )
    assert view.allows(Hit("v1", "value", "dim_org.org_name=成都分行", "分行 成都分行", 1))
    assert not view.allows(Hit("v2", "value", "dim_org.org_name=上海分行", "分行 上海分行", 1))
    assert not view.allows(Hit("c1", "column", "dim_customer.id_no", "证件号", 1))
    assert not view.allows(Hit("c2", "column", "dim_org.secret", "机构秘密", 1))
    assert not view.allows(Hit("t1", "table", "dim_customer", "客户", 1))
    assert not view.allows(Hit("e1", "example", "1", "SELECT id_no FROM dim_customer", 1))
    assert view.allows(Hit("e2", "example", "2", "SELECT org_name FROM dim_org", 1))
