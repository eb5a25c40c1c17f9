"""The permission policy file and the org directory."""

from __future__ import annotations

import pytest

from asker.access.policy import load_policy, parse_policy
from asker.access.scope import OrgDirectory, load_org_directory
from asker.errors import AccessDenied, ConfigError
from asker.warehouse.catalog import load_catalog
from tests.gate.bank import Bank, bank_for, fixed_orgs

CATALOG = load_catalog()
ROLES = (
    "hq_analyst", "branch_manager", "subbranch_manager", "client_manager", "hq_executive",
    "metric_admin", "metric_approver", "auditor",
)  # fmt: skip


def test_the_demo_policy_has_the_eight_roles_of_the_contract() -> None:
    policy = load_policy(CATALOG)
    assert set(policy.role_names) == set(ROLES)
    scope = {r: policy.role(r).row_scope for r in ROLES}
    assert scope["hq_analyst"] == scope["hq_executive"] == "all"
    assert scope["branch_manager"] == scope["subbranch_manager"] == "org"
    assert scope["client_manager"] == "customer"
    no_data = [r for r in ROLES if not policy.role(r).data_access]
    assert sorted(no_data) == ["auditor", "metric_admin", "metric_approver"]
    assert not policy.role("hq_executive").detail and policy.role("hq_analyst").detail
    assert policy.role("client_manager").row_cap == 1000
    assert not policy.role("subbranch_manager").export and policy.role("branch_manager").export


def test_pii_is_decided_per_column() -> None:
    policy = load_policy(CATALOG)
    manager = policy.role("client_manager")
    assert manager.column_access("dim_customer", "cust_name") == "visible"
    assert manager.column_access("fact_transaction", "counterparty_name") == "masked"
    assert manager.column_access("dim_customer", "segment") == "visible"
    executive = policy.role("hq_executive")
    assert all(executive.column_access(t, c.name) == "denied" for t, c in CATALOG.pii_columns())


def test_an_unknown_role_has_no_access() -> None:
    with pytest.raises(AccessDenied) as caught:
        load_policy(CATALOG).role("intern")
    assert caught.value.code == "ACCESS_DENIED"


BROKEN = """
customer_scope: {table: dim_customer, key: cust_id, manager_column: boss}
roles:
  teller:
    label: 柜员
    data_access: true
    tables: [dim_org, dim_nothing]
    denied_columns: {dim_org: [nope]}
    row_scope: none
    detail: maybe
    pii: {dim_customer.cust_name: masked, dim_org.city: masked}
    rights: [ask]
    row_cap: 0
    colour: blue
"""


def test_every_problem_of_a_policy_file_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_policy(BROKEN, CATALOG, source="broken.yaml")
    message = caught.value.message("en")
    assert "broken.yaml" in message
    assert "detail" in message and "colour" in message  # file-format problems, together


BAD_REFERENCES = BROKEN.replace("    detail: maybe\n", "    detail: false\n").replace(
    "    colour: blue\n", ""
)


def test_references_to_the_catalog_are_checked_together() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_policy(BAD_REFERENCES, CATALOG, source="refs.yaml")
    message = caught.value.message("en")
    for problem in (
        "boss",  # unknown manager column
        "dim_nothing",  # unknown table
        "dim_org.nope",  # unknown denied column
        "missing PII column dim_customer.mobile",
        "not a PII column of the catalog: dim_org.city",
        "row_cap",
        "row_scope",
    ):
        assert problem in message, problem
    assert caught.value.code == "POLICY_INVALID"


def test_org_directory_descendants_and_labels() -> None:
    orgs = fixed_orgs()
    assert orgs.descendants("B05") == ("B05", "B05S01", "B05S02")
    assert orgs.descendants("B05S01") == ("B05S01",)
    assert set(orgs.descendants("HQ")) == {o.org_id for o in orgs.orgs}
    assert orgs.scope_label("B05") == "成都分行及下辖支行"
    assert orgs.scope_label("B05S01") == "成都高新支行"
    assert orgs.scope_label("HQ") == "全行"
    with pytest.raises(AccessDenied):
        orgs.descendants("B99")


def test_a_cycle_in_the_org_data_does_not_hang() -> None:
    orgs = OrgDirectory.from_rows([("A", "B", "分行", "A", "甲"), ("B", "A", "分行", "B", "乙")])
    assert orgs.descendants("A") == ("A", "B")


@pytest.fixture(scope="module")
def bank(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return bank_for(request, tmp_path_factory)


def test_the_directory_loads_through_the_executor(bank: Bank) -> None:
    orgs = load_org_directory(bank.executor)
    branch = bank.principals["branch_manager"].org_id
    children = orgs.children(branch)
    assert len(children) >= 2 and all(orgs.get(c).org_level == "支行" for c in children)
    assert orgs.descendants(branch) == tuple(sorted((branch, *children)))
    assert orgs.get(branch).org_name == "成都分行"


AGGREGATES_ONLY = """
customer_scope: {table: dim_customer, key: cust_id, manager_column: manager_emp_id}
roles:
  risk_officer:
    label: 风险经理
    data_access: true
    tables: "*"
    row_scope: all
    detail: false
    pii: {PII}
    row_cap: 100
"""


def _role_text(detail: bool) -> str:
    pii = ", ".join(f"{t}.{c.name}: denied" for t, c in CATALOG.pii_columns())
    text = AGGREGATES_ONLY.replace("{PII}", "{" + pii + "}")
    return text if not detail else text.replace("detail: false", "detail: true")


def test_an_aggregates_only_role_must_declare_its_dimensions() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_policy(_role_text(detail=False), CATALOG, source="risk.yaml")
    assert caught.value.code == "POLICY_INVALID"
    for language in ("zh", "en"):
        message = caught.value.message(language)
        assert "risk.yaml" in message and "roles.risk_officer.dimensions" in message
    assert "must declare its dimensions" in caught.value.message("en")
    assert "必须声明 dimensions" in caught.value.message("zh")


def test_a_role_with_detail_rows_needs_no_dimensions() -> None:
    role = parse_policy(_role_text(detail=True), CATALOG).role("risk_officer")
    assert role.detail and role.dimensions == frozenset()


def test_a_role_without_data_access_needs_no_dimensions() -> None:
    text = _role_text(detail=False).replace("data_access: true", "data_access: false")
    text = text.replace("row_scope: all", "row_scope: none")
    assert not parse_policy(text, CATALOG).role("risk_officer").data_access
