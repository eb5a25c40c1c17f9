"""The gate's public behaviour: its steps, what it returns, how it refuses."""

from __future__ import annotations

import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st

import asker.gate as gate_module
from asker.access.policy import Policy, load_policy, parse_policy
from asker.errors import AccessDenied, InvalidSql, UserFacingError
from asker.gate import STEPS, gate
from asker.gate.issues import GateAccessDenied, GateInvalidSql
from asker.types import GatedQuery, Principal
from asker.warehouse.catalog import load_catalog
from tests.gate.bank import FIXED_PRINCIPALS, Bank, bank_for, fixed_orgs

CATALOG = load_catalog()
POLICY = load_policy(CATALOG)
ORGS = fixed_orgs()


def run_gate(sql: str, role: str = "hq_analyst", policy: Policy = POLICY) -> GatedQuery:
    return gate(sql, FIXED_PRINCIPALS[role], policy=policy, catalog=CATALOG, orgs=ORGS)


def refused(sql: str, role: str = "hq_analyst", policy: Policy = POLICY) -> UserFacingError:
    with pytest.raises(UserFacingError) as caught:
        run_gate(sql, role, policy)
    return caught.value


def test_the_steps_run_in_the_contract_order() -> None:
    assert [s.__name__ for s in STEPS] == [
        "data_access", "parsed_query", "statement_bounds", "allowed_nodes",
        "allowed_functions", "known_names", "readable_columns", "string_growth",
        "aggregates_only", "cell_rules", "small_cells", "row_scope", "masked_columns",
        "generalised_columns", "row_cap", "regenerated_sql",
    ]  # fmt: skip


def test_a_gated_query_says_what_it_reads_filters_and_masks() -> None:
    sql = (
        "SELECT c.cust_name, a.card_no, o.org_name FROM dim_customer c "
        "JOIN dim_account a ON a.cust_id = c.cust_id JOIN dim_org o ON o.org_id = c.open_org_id"
    )
    gated = run_gate(sql, "branch_manager")
    assert gated.tables == ("dim_account", "dim_customer", "dim_org")
    assert "dim_customer.cust_name" in gated.columns and "dim_org.org_id" in gated.columns
    assert [f.label for f in gated.filters] == ["已按您的权限范围过滤：成都分行及下辖支行"]
    assert gated.filters[0].value["org_ids"] == ["B05", "B05S01", "B05S02"]
    assert [m.label for m in gated.masked_columns] == ["客户名称已脱敏", "银行卡号已脱敏"]
    assert gated.row_cap == 5000 and gated.sql.endswith("LIMIT 5001")
    assert gated.sql == gated.tree.sql(dialect="duckdb", identify=True)


def test_scope_labels_per_role() -> None:
    assert run_gate("SELECT org_id FROM dim_org").filters == ()
    label = run_gate("SELECT org_id FROM dim_org", "subbranch_manager").filters[0].label
    assert label == "已按您的权限范围过滤：成都高新支行"
    label = run_gate("SELECT cust_id FROM dim_customer", "client_manager").filters[0].label
    assert label.startswith("已按您的权限范围过滤：您管户的客户（客户经理 E0501）")
    assert run_gate("SELECT product_id FROM dim_product", "branch_manager").filters == ()


def test_an_ast_is_gated_like_text_and_is_not_modified() -> None:
    tree = sqlglot.parse_one("SELECT org_id FROM dim_org", dialect="duckdb")
    before = tree.sql()
    gated = run_gate(tree, "branch_manager")  # type: ignore[arg-type]
    assert tree.sql() == before
    assert gated.sql == run_gate(before, "branch_manager").sql


def test_comments_never_reach_the_engine() -> None:
    gated = run_gate("SELECT org_id /* */ FROM dim_org -- ; DROP TABLE dim_org")
    assert "/*" not in gated.sql and "--" not in gated.sql and "DROP" not in gated.sql


def test_every_unknown_column_is_reported_at_once_with_its_position() -> None:
    error = refused("SELECT org_nme,\n       citty FROM dim_org")
    assert isinstance(error, GateInvalidSql) and error.code == "UNKNOWN_COLUMN"
    assert [(i.line, i.col) for i in error.issues] == [(1, 14), (2, 12)]
    message = error.message("en")
    assert "org_nme" in message and "citty" in message and "Did you mean: org_name" in message
    assert "第 2 行" in error.message("zh")


def test_suggestions_name_only_what_the_role_may_see() -> None:
    assert "mobile" in refused("SELECT mobil FROM dim_customer").message("en")
    executive = refused("SELECT mobil FROM dim_customer", "hq_executive")
    assert executive.code == "UNKNOWN_COLUMN" and "mobile" not in executive.message("en")


TELLER = """
customer_scope: {table: dim_customer, key: cust_id, manager_column: manager_emp_id}
roles:
  hq_analyst:
    label: 柜员
    data_access: true
    tables: [dim_org, dim_product]
    denied_columns: {dim_org: [city]}
    row_scope: all
    detail: true
    pii: {PII}
    rights: [ask]
    row_cap: 2
"""


def teller_policy() -> Policy:
    pii = ", ".join(f"{t}.{c.name}: denied" for t, c in CATALOG.pii_columns())
    return parse_policy(TELLER.replace("{PII}", "{" + pii + "}"), CATALOG)


def test_existing_but_unreadable_names_are_denied_not_unknown() -> None:
    teller = teller_policy()
    error = refused("SELECT cust_id FROM dim_customer", policy=teller)
    assert isinstance(error, GateAccessDenied) and error.code == "ACCESS_DENIED"
    assert "dim_customer" in error.message("zh")
    assert "如需访问，请联系数据管理员申请权限" in error.message("zh")
    assert "contact the data administrator" in error.message("en")
    assert refused("SELECT city FROM dim_org", policy=teller).code == "ACCESS_DENIED"
    assert refused("SELECT * FROM dim_org", policy=teller).code == "ACCESS_DENIED"
    unknown = refused("SELECT * FROM dim_customr", policy=teller)
    assert unknown.code == "UNKNOWN_TABLE" and "dim_customer" not in unknown.message("en")
    column = refused("SELECT cty FROM dim_org", policy=teller)
    assert column.code == "UNKNOWN_COLUMN" and "city" not in column.message("en")


def test_refusals_are_access_denied_or_invalid_sql() -> None:
    assert isinstance(refused("SELECT mobile FROM dim_customer", "hq_executive"), AccessDenied)
    assert isinstance(refused("SELECT length(mobile) FROM dim_customer"), AccessDenied)
    assert isinstance(refused("SELECT cust_id FROM dim_customer", "hq_executive"), AccessDenied)
    assert isinstance(refused("SELECT getenv('HOME')"), InvalidSql)
    assert isinstance(refused("SELECT #1 FROM dim_org"), InvalidSql)


def test_roles_without_data_access_are_refused_before_anything_is_parsed() -> None:
    for role in ("auditor", "metric_admin", "metric_approver"):
        error = refused("this is not SQL at all ;;", role)
        assert error.code == "ACCESS_DENIED" and role in error.message("en")


def test_principals_the_gate_cannot_place_are_refused() -> None:
    stranger = Principal("x", "branch_manager", "B99", "E1", "x")
    with pytest.raises(AccessDenied):
        gate("SELECT org_id FROM dim_org", stranger, policy=POLICY, catalog=CATALOG, orgs=ORGS)
    no_emp = Principal("y", "client_manager", "B05S01", None, "y")
    with pytest.raises(AccessDenied):
        gate("SELECT cust_id FROM dim_customer", no_emp, policy=POLICY, catalog=CATALOG, orgs=ORGS)
    with pytest.raises(AccessDenied):
        gate("SELECT 1", Principal("z", "intern", "HQ"), policy=POLICY, catalog=CATALOG, orgs=ORGS)


def test_a_failure_inside_a_step_refuses_the_query(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(state: object) -> object:
        raise RuntimeError("bug")

    broken.__name__ = "row_scope"
    steps = tuple(broken if s.__name__ == "row_scope" else s for s in STEPS)
    monkeypatch.setattr(gate_module, "STEPS", steps)
    error = refused("SELECT org_id FROM dim_org")
    assert error.code == "UNSUPPORTED_SQL" and "row_scope" in error.message("en")


def test_limits_are_added_lowered_or_kept() -> None:
    assert run_gate("SELECT org_id FROM dim_org").sql.endswith("LIMIT 5001")
    assert run_gate("SELECT org_id FROM dim_org LIMIT 7").sql.endswith("LIMIT 7")
    assert run_gate("SELECT org_id FROM dim_org LIMIT 70000").sql.endswith("LIMIT 5001")
    capped = run_gate("SELECT org_id FROM dim_org LIMIT 70000", "client_manager")
    assert capped.sql.endswith("LIMIT 1001")


@pytest.fixture(scope="module")
def bank(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Bank:
    return bank_for(request, tmp_path_factory)


def test_results_over_the_cap_are_truncated_by_the_executor(bank: Bank) -> None:
    teller = teller_policy()
    principal = bank.principals["hq_analyst"]
    gated = gate(
        "SELECT org_id FROM dim_org", principal, policy=teller, catalog=CATALOG, orgs=bank.orgs
    )
    assert gated.sql.endswith("LIMIT 3")
    result = bank.executor.execute(gated.tree, row_cap=gated.row_cap, timeout_s=10)
    assert result.truncated and result.row_count == 2


# --- property: however a table reference is wrapped, the branch manager sees only his orgs ----

TABLES = ("dim_org", "main.dim_org", '"DIM_ORG"', "Dim_Org AS d", "main.DIM_ORG AS x")
WRAPS = (
    "SELECT org_id FROM ({q}) AS q",
    "WITH c AS ({q}) SELECT org_id FROM c",
    "WITH dim_org AS ({q}) SELECT org_id FROM dim_org",
    "({q}) UNION ALL ({q})",
    "SELECT org_id FROM ({q} EXCEPT SELECT 'none') AS e",
    "SELECT org_id FROM dim_org AS o WHERE org_id IN ({q})",
    "SELECT org_id FROM ({q}) AS a"
    " WHERE EXISTS (SELECT 1 FROM dim_org AS o WHERE o.org_id = a.org_id)",
    "SELECT (SELECT max(org_id) FROM ({q}) AS z) AS org_id",
    "SELECT l.org_id FROM dim_product AS p, LATERAL ({q}) AS l",
    "SELECT org_id FROM"
    " (SELECT org_id, row_number() OVER (ORDER BY org_id) AS n FROM ({q}) AS w) AS v",
    "SELECT j.org_id FROM ({q}) AS j JOIN dim_employee AS e ON e.org_id = j.org_id",
)


@st.composite
def wrapped_queries(draw: st.DrawFn) -> str:
    query = f"SELECT org_id FROM {draw(st.sampled_from(TABLES))}"
    for wrap in draw(st.lists(st.sampled_from(WRAPS), min_size=1, max_size=3)):
        query = wrap.format(q=query)
    return query


@settings(max_examples=60, deadline=None)
@given(sql=wrapped_queries())
def test_row_scope_holds_however_the_table_is_wrapped(bank: Bank, sql: str) -> None:
    principal = bank.principals["branch_manager"]
    gated = gate(sql, principal, policy=bank.policy, catalog=CATALOG, orgs=bank.orgs)
    rows = bank.executor.execute(gated.tree, row_cap=gated.row_cap, timeout_s=30).rows
    allowed = set(bank.orgs.descendants(principal.org_id)) | set(
        bank.orgs.ancestors(principal.org_id)
    )
    assert {r[0] for r in rows if r[0] is not None} <= allowed
