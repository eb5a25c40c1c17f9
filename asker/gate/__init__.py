"""The permission gate: fail-closed checks and rewrites every statement passes before it runs.

Like sqlglot's optimizer ``RULES``, the gate is a visible tuple of small steps, each in a module
named after what it checks. Each takes and returns a ``GateState``; the first step that finds
problems raises ``AccessDenied`` or ``InvalidSql`` carrying every issue it found.

>>> from asker.access.policy import load_policy
>>> from asker.access.scope import OrgDirectory
>>> from asker.warehouse.catalog import load_catalog
>>> orgs = OrgDirectory.from_rows([("HQ", None, "总行", None, "总行")])
>>> analyst = Principal("zhang.wei", "hq_analyst", "HQ", "E0001", "张伟")
>>> gated = gate("SELECT org_name FROM dim_org", analyst, policy=load_policy(),
...              catalog=load_catalog(), orgs=orgs)
>>> gated.sql
'SELECT "org_name" FROM (SELECT "org_id", ... FROM "main"."dim_org") AS "dim_org" LIMIT 5001'
"""

from __future__ import annotations

from sqlglot import exp

from asker.access.policy import Policy
from asker.access.scope import OrgDirectory
from asker.errors import AskerError
from asker.gate.aggregates_only import aggregates_only
from asker.gate.allowed_functions import allowed_functions
from asker.gate.allowed_nodes import allowed_nodes
from asker.gate.cell_rules import cell_rules
from asker.gate.data_access import data_access
from asker.gate.generalised_columns import generalised_columns
from asker.gate.issues import issue, refusal
from asker.gate.known_names import known_names
from asker.gate.masked_columns import masked_columns
from asker.gate.parsed_query import parsed_query
from asker.gate.readable_columns import readable_columns
from asker.gate.regenerated_sql import regenerated_sql
from asker.gate.row_cap import row_cap
from asker.gate.row_scope import row_scope
from asker.gate.small_cells import small_cells
from asker.gate.state import GateState, StatementBounds, Step
from asker.gate.statement_bounds import statement_bounds
from asker.gate.string_growth import string_growth
from asker.types import GatedQuery, Principal
from asker.warehouse.catalog import Catalog
from asker.warehouse.deadline import Deadline

__all__ = ["STEPS", "Deadline", "StatementBounds", "gate"]


def _run(step: Step, state: GateState) -> GateState:
    """One step; an unexpected failure inside it refuses the query, it never lets it through."""
    try:
        return step(state)
    except AskerError:
        raise
    except Exception as exc:
        construct = f"a query the gate cannot analyse ({step.__name__}: {type(exc).__name__})"
        raise refusal([issue("UNSUPPORTED_SQL", construct=construct)]) from exc


def _text_of(tree: exp.Expr, dialect: str) -> str:
    """A tree is gated as the text it renders to: what is checked is what can be re-parsed."""
    try:
        return tree.sql(dialect=dialect)
    except Exception as exc:
        construct = f"a tree that does not render as SQL ({type(exc).__name__})"
        raise refusal([issue("UNSUPPORTED_SQL", construct=construct)]) from exc


STEPS: tuple[Step, ...] = (
    data_access,  # a. a role without data access runs nothing
    parsed_query,  # a. exactly one statement, a query
    statement_bounds,  # a. size, joins and nesting the warehouse can plan in time
    allowed_nodes,  # b. only constructs the gate understands
    allowed_functions,  # c. only allow-listed functions
    known_names,  # d. tables and columns known (qualified copy); unreadable tables denied
    readable_columns,  # e. every column read (after * expansion) is readable
    string_growth,  # e. no string function builds a value past the bound
    aggregates_only,  # f. roles without detail: aggregates only
    cell_rules,  # f. ... and only shapes whose every cell can be k-checked
    small_cells,  # f. ... every result cell carries its entity count; cells under k nulled
    row_scope,  # g. every physical table replaced by the gate's filtered subquery
    masked_columns,  # h. masked PII only as plain output; masks applied in the subqueries
    generalised_columns,  # h. columns that would undo a mask (birth_date) generalised
    row_cap,  # i. LIMIT row_cap + 1
    regenerated_sql,  # j. the SQL that runs is generated from the checked tree
)


def gate(
    sql: str | exp.Expr,
    principal: Principal,
    *,
    policy: Policy,
    catalog: Catalog,
    orgs: OrgDirectory,
    dialect: str = "duckdb",
    bounds: StatementBounds | None = None,
    deadline: Deadline | None = None,
    min_cell_size: int = 5,
) -> GatedQuery:
    """Check and rewrite ``sql`` for ``principal``; refuse anything not proven allowed. With a
    ``deadline`` (the request's, shared with its execution) the gate stops when it passes."""
    text = sql if isinstance(sql, str) else _text_of(sql, dialect)
    state = GateState(
        principal=principal,
        role=policy.role(principal.role),
        policy=policy,
        catalog=catalog,
        orgs=orgs,
        dialect=dialect,
        text=text,
        bounds=bounds or StatementBounds(),
        min_cell_size=min_cell_size,
    )
    for step in STEPS:
        if deadline is not None:
            deadline.check()
        state = _run(step, state)
    return GatedQuery(
        tree=state.query,
        sql=state.sql,
        filters=state.filters,
        masked_columns=state.masked_columns,
        tables=state.tables,
        columns=state.columns,
        row_cap=state.row_cap,
    )
