"""A bank adds a role by editing the policy only: a 风险经理 (risk officer) who reads aggregates of
his own 分行, may read usage statistics and nothing else, gets a home panel of his own, and is
refused everything the policy does not give him — through the facade and on the chat page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from asker import api
from asker.access import accounts
from asker.access.policy import load_policy
from asker.config import Settings
from asker.errors import AccessDenied
from asker.types import Principal
from tests.helpers import copy_data_dir
from tests.helpers import rows as handmade

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
PASSWORD = "风险-2026-check"

RISK_OFFICER = """
  risk_officer:
    label: 风险经理
    data_access: true
    tables: "*"
    row_scope: org
    detail: false
    dimensions:
      fact_loan_balance_monthly: [month_end, org_id, product_id, five_class]
    pii: *all_denied
    row_cap: 1000
    rights: [ask, read_usage]
    home_panel: [不良贷款率环比]
    starters:
      - ["各支行不良贷款率", "NPL ratio by sub-branch"]
"""


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory, tiny_dir: Path) -> Settings:
    """A copy of the tiny bank whose policy gains the role, and one account holding it."""
    root = tmp_path_factory.mktemp("new-role")
    data_dir = copy_data_dir(tiny_dir, root / "data")
    shipped = Path(__file__).resolve().parents[2] / "asker" / "access" / "policy.yaml"
    policy = root / "policy.yaml"
    policy.write_text(shipped.read_text(encoding="utf-8") + RISK_OFFICER, encoding="utf-8")
    settings = Settings(data_dir=data_dir, policy_file=policy)
    rt = api.open_runtime(settings)
    officer = Principal("zhou.qi", "risk_officer", "B05", None, "周琦")
    accounts.add_account(rt.app_db, officer, PASSWORD)
    return settings


@pytest.fixture(scope="module")
def rt(bank: Settings) -> api.Runtime:
    return api.open_runtime(bank)


@pytest.fixture(scope="module")
def officer(rt: api.Runtime) -> Principal:
    return api.login(rt, "zhou.qi", PASSWORD)


def test_the_shipped_policy_does_not_know_the_role() -> None:
    assert "risk_officer" not in load_policy().role_names


def test_the_new_role_signs_in_and_asks_within_its_branch(
    rt: api.Runtime, officer: Principal, tiny_executor: Any
) -> None:
    assert officer.role == "risk_officer"
    answer = api.ask(rt, officer, "上个月末各支行不良贷款率")
    assert answer.status == "ok", answer
    # by hand from the 口径 and the k-cell rule (ARCHITECTURE §6): the ratio of a 支行 stands for
    # the fewer of its customers with 不良 loans and its customers with loans; a cell under k is
    # null, and then the smallest cells of the column go with it until the suppressed stand for
    # at least k (a 支行 without 不良 loans stands for no one: its 0 is shown)
    want = handmade(
        tiny_executor,
        """SELECT o.org_name,
                  SUM(CASE WHEN f.five_class IN ('次级','可疑','损失') THEN f.balance END)
                  / SUM(f.balance),
                  COUNT(DISTINCT CASE WHEN f.five_class IN ('次级','可疑','损失')
                                      THEN f.cust_id END),
                  COUNT(DISTINCT f.cust_id)
           FROM fact_loan_balance_monthly f JOIN dim_org o ON o.org_id = f.org_id
           WHERE f.month_end = DATE '2026-08-31' AND o.branch_id = 'B05'
           GROUP BY o.org_name""",
    )
    k = rt.settings.min_cell_size
    people = {name: min(npl, every) for name, _, npl, every in want if npl}
    hidden: set[str] = set()
    if any(n < k for n in people.values()):
        for name in sorted(people, key=people.__getitem__):
            if sum(people[h] for h in hidden) >= k and people[name] >= k:
                break
            hidden.add(name)
    expected = {name: None if name in hidden else float(ratio or 0) for name, ratio, _, _ in want}
    assert answer.columns == ("subbranch", "npl_ratio")
    got = {name: None if ratio is None else float(ratio) for name, ratio in answer.rows}
    assert got == pytest.approx(expected)
    assert len(got) >= 2  # every 支行 of 成都分行, and only those
    shown = [i for i, (name, _) in enumerate(answer.rows) if name in hidden]
    assert sorted(c.row for c in answer.suppressed) == shown
    assert any("成都分行" in f.label for f in answer.filters), answer.filters


def test_the_policy_decides_what_the_new_role_is_refused(
    rt: api.Runtime, officer: Principal
) -> None:
    detail = api.run_sql(rt, officer, "SELECT cust_id, open_date FROM dim_customer")
    assert (detail.status, detail.code) == ("refused", "DETAIL_NOT_ALLOWED"), detail
    elsewhere = api.ask(rt, officer, "北京分行贷款余额")
    assert (elsewhere.status, elsewhere.code) == ("refused", "ACCESS_DENIED")
    assert not api.can_export(rt, officer)
    assert api.export(rt, officer, question="贷款余额").answer.code == "EXPORT_NOT_ALLOWED"
    with pytest.raises(AccessDenied):
        api.search_audit(rt, officer, api.AuditFilter())
    with pytest.raises(AccessDenied):
        api.feedback_queue_items(rt, officer)
    assert dict(api.usage(rt, officer).per_role)["risk_officer"] >= 1  # the right it was given


def test_home_panel_and_starters_come_from_the_policy(rt: api.Runtime, officer: Principal) -> None:
    (panel,) = api.home_panel(rt, officer)
    assert panel.status == "ok" and panel.metrics[0].code == "npl_ratio"
    assert api.starters(rt, officer, "en") == ("NPL ratio by sub-branch",)
    assert api.rights(rt, officer) == frozenset({"ask", "read_usage"})


def test_the_chat_app_follows_the_new_role(bank: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASKER_DATA_DIR", str(bank.data_dir))
    monkeypatch.setenv("ASKER_POLICY_FILE", str(bank.policy_file))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="login_user").set_value("zhou.qi")
    at.text_input(key="login_password").set_value(PASSWORD)
    at.button[0].click().run()
    assert at.chat_input, "the right to ask gives the chat page"
    assert any("风险经理" in c.value for c in at.caption)  # the policy's label, not a code
    assert [b.label for b in at.button if b.key == "starter-0"] == ["各支行不良贷款率"]
    at.chat_input[0].set_value("上个月末各支行不良贷款率").run()
    assert not at.exception and at.get("arrow_vega_lite_chart") + at.get("vega_lite_chart")
    assert not any(b.key and "export" in b.key for b in at.button)  # no export right
