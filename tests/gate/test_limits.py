"""Statement bounds, string growth and OFFSET against the row cap (issue 17, class 6).

Each refusal names its code; each allowed statement is the everyday shape just inside a bound.
"""

from __future__ import annotations

import pytest

from asker.access.policy import load_policy
from asker.errors import QueryLimit, UserFacingError
from asker.gate import StatementBounds, gate
from asker.types import GatedQuery
from asker.warehouse.catalog import load_catalog
from asker.warehouse.deadline import Deadline
from tests.gate.bank import FIXED_PRINCIPALS, fixed_orgs

CATALOG = load_catalog()
POLICY = load_policy(CATALOG)
ORGS = fixed_orgs()


def run_gate(sql: str, role: str = "hq_analyst", **options: object) -> GatedQuery:
    return gate(sql, FIXED_PRINCIPALS[role], policy=POLICY, catalog=CATALOG, orgs=ORGS, **options)  # type: ignore[arg-type]


def code_of(sql: str, role: str = "hq_analyst", **options: object) -> str:
    with pytest.raises(UserFacingError) as caught:
        run_gate(sql, role, **options)
    return caught.value.code


def join_chain(n: int) -> str:
    joins = " ".join(
        f"JOIN dim_org t{i} ON t{i}.org_id = t{i - 1}.parent_org_id" for i in range(1, n)
    )
    return f"SELECT count(*) FROM dim_org t0 {joins}"


def nested_subqueries(n: int) -> str:
    sql = "SELECT org_id FROM dim_org"
    for _ in range(n):
        sql = f"SELECT org_id FROM ({sql}) AS s"
    return sql


def test_a_long_chain_of_joins_is_refused_before_it_is_planned() -> None:
    assert code_of(join_chain(60)) == "STATEMENT_TOO_COMPLEX"
    assert run_gate(join_chain(5)).sql


def test_the_join_bound_is_a_setting() -> None:
    assert code_of(join_chain(5), bounds=StatementBounds(joins=3)) == "STATEMENT_TOO_COMPLEX"


def test_deep_nesting_of_subqueries_is_refused() -> None:
    assert code_of(nested_subqueries(40)) == "STATEMENT_TOO_COMPLEX"
    assert run_gate(nested_subqueries(3)).sql


def test_deep_nesting_of_functions_is_refused() -> None:
    expr = "org_name"
    for _ in range(12):
        expr = f"lower({expr})"
    sql = f"SELECT {expr} FROM dim_org"
    assert run_gate(sql).sql
    assert code_of(sql, bounds=StatementBounds(depth=8)) == "STATEMENT_TOO_COMPLEX"
    # deeper than the parser itself can follow: refused all the same, never let through
    assert code_of(f"SELECT {'lower(' * 60}org_name{')' * 60} FROM dim_org") == "UNSUPPORTED_SQL"


def test_a_statement_past_the_character_bound_is_refused() -> None:
    sql = "SELECT org_id FROM dim_org WHERE org_name IN (" + ", ".join(["'x'"] * 300) + ")"
    assert code_of(sql, bounds=StatementBounds(chars=1000)) == "STATEMENT_TOO_COMPLEX"


def test_a_statement_past_the_node_bound_is_refused() -> None:
    sql = "SELECT org_id FROM dim_org WHERE org_name IN (" + ", ".join(["'x'"] * 300) + ")"
    assert code_of(sql, bounds=StatementBounds(nodes=200)) == "STATEMENT_TOO_COMPLEX"


def doubling_ctes(n: int) -> str:
    ctes = ["c0 AS (SELECT o.org_name AS v FROM dim_org o)"]
    ctes += [f"c{i} AS (SELECT v || v AS v FROM c{i - 1})" for i in range(1, n)]
    return f"WITH {', '.join(ctes)} SELECT length(v) FROM c{n - 1}"


def test_strings_doubled_through_derived_tables_are_refused() -> None:
    assert code_of(doubling_ctes(12)) == "STRING_GROWTH"
    assert run_gate(doubling_ctes(3)).sql  # 8 names end to end: ordinary


def test_nested_replace_that_multiplies_a_value_is_refused() -> None:
    grow = "o.org_name"
    for _ in range(3):
        grow = f"replace({grow}, '行', '行行行行行行行行行行')"
    assert code_of(f"SELECT {grow} FROM dim_org o") == "STRING_GROWTH"
    assert run_gate("SELECT replace(o.org_name, '分行', 'branch') FROM dim_org o").sql


def test_the_string_bound_is_a_setting() -> None:
    sql = "SELECT o.org_name || o.city AS label FROM dim_org o"
    assert run_gate(sql).sql
    assert code_of(sql, bounds=StatementBounds(string_chars=100)) == "STRING_GROWTH"


def test_growth_inside_a_scalar_subquery_counts_too() -> None:
    inner = (
        "(SELECT max(v) FROM (SELECT o.org_name || o.org_name || o.org_name AS v FROM dim_org o) s)"
    )
    sql = f"SELECT {inner} || {inner} AS w"
    assert code_of(sql, bounds=StatementBounds(string_chars=1000)) == "STRING_GROWTH"


def test_an_offset_at_or_past_the_cap_is_refused() -> None:
    assert code_of("SELECT org_id FROM dim_org LIMIT 10 OFFSET 5000") == "OFFSET_PAST_CAP"
    assert code_of("SELECT org_id FROM dim_org OFFSET 99999") == "OFFSET_PAST_CAP"
    inner = "SELECT org_id FROM (SELECT org_id FROM dim_org LIMIT 5 OFFSET 6000) AS s"
    assert code_of(inner) == "OFFSET_PAST_CAP"


def test_an_offset_inside_the_cap_lowers_what_may_be_returned() -> None:
    gated = run_gate("SELECT org_id FROM dim_org ORDER BY org_id LIMIT 100 OFFSET 4950")
    assert gated.row_cap == 50
    assert gated.sql.endswith("LIMIT 51 OFFSET 4950")


def test_an_offset_with_no_limit_gets_the_rest_of_the_cap() -> None:
    gated = run_gate("SELECT org_id FROM dim_org ORDER BY org_id OFFSET 10")
    assert gated.row_cap == 4990 and "LIMIT 4991" in gated.sql


def test_the_configured_row_cap_bounds_offsets_too() -> None:
    bounds = StatementBounds(row_cap=100)
    assert code_of("SELECT org_id FROM dim_org OFFSET 100", bounds=bounds) == "OFFSET_PAST_CAP"
    assert run_gate("SELECT org_id FROM dim_org OFFSET 40", bounds=bounds).row_cap == 60


def test_an_expired_deadline_stops_the_gate() -> None:
    with pytest.raises(QueryLimit) as caught:
        run_gate("SELECT org_id FROM dim_org", deadline=Deadline.starting(0.0))
    assert caught.value.code == "QUERY_TIMEOUT"
