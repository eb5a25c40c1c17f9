"""What the gate's steps pass along: the principal's grants, the query and what was done to it.

``tree`` is the original query, rewritten in place by the rewrite steps (row scope, masks,
LIMIT); ``qualified`` is a checked copy the checks read ("validate on a copy, rewrite the
original"). Steps return a new state with ``dataclasses.replace``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlglot import exp

from asker.access.policy import Policy, RolePolicy
from asker.access.scope import OrgDirectory
from asker.types import Labelled, Principal
from asker.warehouse.catalog import Catalog


@dataclass(frozen=True)
class ReplacedTable:
    """A physical table reference the gate replaced by its own filtered subquery."""

    table: str
    select: exp.Select  # SELECT <readable columns> FROM table [WHERE scope]


@dataclass(frozen=True)
class StatementBounds:
    """How large a statement the gate lets through (settings ``max_statement_*``)."""

    chars: int = 20_000
    nodes: int = 4_000
    joins: int = 16
    depth: int = 24  # subqueries and functions nested in one another
    string_chars: int = 65_536  # the estimated longest string a string function may build
    row_cap: int | None = None  # the configured row cap, when lower than the role's


@dataclass(frozen=True)
class GateState:
    principal: Principal
    role: RolePolicy
    policy: Policy
    catalog: Catalog
    orgs: OrgDirectory
    dialect: str
    text: str
    min_cell_size: int = 5  # aggregates-only roles: fewest entities behind a result cell
    tree: exp.Expr | None = None
    qualified: exp.Expr | None = None
    replaced: tuple[ReplacedTable, ...] = ()
    owned_tables: frozenset[int] = field(default=frozenset())  # ids of Tables the gate wrote
    filters: tuple[Labelled, ...] = ()
    masked_columns: tuple[Labelled, ...] = ()
    tables: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    sql: str = ""
    bounds: StatementBounds = StatementBounds()
    row_cap: int = 0  # rows the query may return (set by the row-cap step)

    @property
    def query(self) -> exp.Expr:
        """The original query (after the parse step)."""
        assert self.tree is not None, "the parse step runs first"
        return self.tree

    @property
    def checked(self) -> exp.Expr:
        """The qualified copy (after the names step)."""
        assert self.qualified is not None, "the names step runs first"
        return self.qualified


Step = Callable[[GateState], GateState]
