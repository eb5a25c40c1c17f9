"""Gate step: replace EVERY physical table reference by the gate's own filtered subquery.

``FROM dim_customer AS c`` becomes ``FROM (SELECT <readable columns> FROM dim_customer
WHERE open_org_id IN (...)) AS c``, so the filter holds inside CTEs, subqueries, UNION branches,
joins, LATERAL and correlated subqueries alike. Works on the ORIGINAL query (the checks read a
qualified copy); a CTE that shadows a table's name is told apart by sqlglot's scopes. Afterwards
every table reference left must be one the gate wrote or a CTE reference: otherwise refused.

Org scope: the catalog's org column in the principal's unit and its descendants. Customer scope
(client managers): customers whose manager is the principal and every row of those customers;
tables with only an org column are limited to the principal's own unit; tables with no scope
column (products, dates) are not filtered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sqlglot import exp

from asker.gate.issues import issue, raise_if_any
from asker.gate.known_names import cte_references, physical_tables
from asker.gate.scope_labels import scope_labels
from asker.gate.sources import Scopes
from asker.gate.state import GateState, ReplacedTable
from asker.warehouse.catalog import Table

WAREHOUSE_SCHEMA = "main"  # where the catalog's tables live in the warehouse


def row_scope(state: GateState) -> GateState:
    tree = state.query
    owned: set[int] = set()
    replaced: list[ReplacedTable] = []
    for table in _unique(physical_tables(Scopes(tree))):
        select = scoped_select(state.catalog.table(table.name), state)
        owned |= {id(t) for t in select.find_all(exp.Table)}
        table.replace(exp.Subquery(this=select, alias=exp.TableAlias(this=_alias(table))))
        replaced.append(ReplacedTable(table.name, select))
    _verify_scoped(tree, owned)
    filtered = tuple(r.table for r in replaced if r.select.args.get("where") is not None)
    return replace(
        state,
        replaced=tuple(replaced),
        owned_tables=frozenset(owned),
        filters=scope_labels(state, filtered),
    )


def scoped_select(table: Table, state: GateState) -> exp.Select:
    """SELECT the role's readable columns of ``table`` [WHERE the role's row filter]."""
    columns = [
        exp.column(c.name, quoted=True)
        for c in table.columns
        if state.role.column_access(table.name, c.name) != "denied"
    ]
    select = exp.Select(expressions=columns, from_=exp.From(this=_table(table.name)))
    condition = row_filter(table, state)
    if condition is not None:
        select.set("where", exp.Where(this=condition))
    return select


def row_filter(table: Table, state: GateState) -> exp.Expr | None:
    """The role's filter on ``table``, or None when it sees every row of it."""
    scope = state.role.row_scope
    if scope == "all":
        return None
    if scope == "customer" and table.customer_column is not None:
        return customer_filter(table, state)
    if scope in ("org", "customer") and table.org_column is not None:
        org_ids = state.orgs.descendants(state.principal.org_id)
        if table.primary_key == (table.org_column,):
            # the org table itself: the units above one's own are names, not data, and "各分行"
            # from a 支行 needs its 分行's name (no fact row of theirs becomes visible)
            org_ids = tuple(sorted({*org_ids, *state.orgs.ancestors(state.principal.org_id)}))
        return _column(table.name, table.org_column).isin(*org_ids)
    if scope in ("org", "customer"):
        return None  # no scope column: reference data (products, dates)
    return exp.false()


def customer_filter(table: Table, state: GateState) -> exp.Expr:
    """The principal's own customers: by manager on the customer table, else by customer id."""
    emp_id = state.principal.emp_id
    if not emp_id:
        target = "客户经理编号 (employee id)"
        raise_if_any([issue("ACCESS_DENIED", role=state.role.role, target=target)])
    cs = state.policy.customer_scope
    assert table.customer_column is not None and emp_id is not None
    mine = _column(cs.table, cs.manager_column).eq(exp.Literal.string(emp_id))
    if table.name == cs.table:
        return mine
    customers = exp.Select(
        expressions=[_column(cs.table, cs.key)],
        from_=exp.From(this=_table(cs.table)),
        where=exp.Where(this=mine),
    )
    return _column(table.name, table.customer_column).isin(query=customers)


def _table(name: str) -> exp.Table:
    """The stored table, schema-qualified so that no CTE of the query can stand in for it."""
    schema = exp.to_identifier(WAREHOUSE_SCHEMA, quoted=True)
    return exp.Table(this=exp.to_identifier(name, quoted=True), db=schema)


def _column(table: str, name: str) -> exp.Column:
    return exp.column(name, table=table, quoted=True)


def _alias(table: exp.Table) -> exp.Identifier:
    """The name the query uses for ``table``: its alias, else the table's own name."""
    alias = table.args.get("alias")
    ident = alias.this if isinstance(alias, exp.TableAlias) else table.this
    return exp.to_identifier(str(ident.name), quoted=True)


def _unique(tables: Iterable[exp.Table]) -> list[exp.Table]:
    seen: dict[int, exp.Table] = {}
    for table in tables:
        seen.setdefault(id(table), table)
    return list(seen.values())


def _verify_scoped(tree: exp.Expr, owned: set[int]) -> None:
    """Every table reference left is the gate's own (resolving to the stored table) or a CTE
    reference; anything else is refused (fail closed)."""
    scopes = Scopes(tree)
    ctes = cte_references(scopes)
    stray = [t for t in tree.find_all(exp.Table) if id(t) not in owned | ctes]
    stray += [t for t in physical_tables(scopes) if id(t) not in owned]
    stray += [t for t in tree.find_all(exp.Table) if id(t) in owned and id(t) in ctes]
    raise_if_any(
        issue("UNSUPPORTED_SQL", t, construct=f"table reference {t.name} the gate cannot scope")
        for t in stray
    )
