"""The limits of one request's query: the statement bounds the gate checks, and one deadline
shared by the gate and the execution (ARCHITECTURE §6; settings ``query_timeout_s``,
``max_statement_*``, ``max_string_chars``).

The deadline starts when the gate starts; the gate stops between its steps once it has passed,
and the executor is given only what is left (its child is killed at that point). A timeout names
the whole limit, not the remainder.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from asker.config import Settings
from asker.errors import QueryLimit
from asker.gate import StatementBounds, gate
from asker.pipeline.turn import Services, Turn
from asker.types import GatedQuery, Principal, QueryResult
from asker.warehouse.deadline import Deadline


def statement_bounds(settings: Settings) -> StatementBounds:
    return StatementBounds(
        chars=settings.max_statement_chars,
        nodes=settings.max_statement_nodes,
        joins=settings.max_statement_joins,
        depth=settings.max_statement_depth,
        string_chars=settings.max_string_chars,
        row_cap=settings.row_cap,
    )


def gate_for(
    sql: str | exp.Expr, who: Principal, services: Services, deadline: Deadline | None = None
) -> GatedQuery:
    """The one gate call of every path (compiled, typed and model-written SQL): the services'
    policy, catalog and orgs, the configured statement bounds and minimum cell size and, when
    given, the deadline."""
    return gate(
        sql,
        who,
        policy=services.policy,
        catalog=services.compiler.catalog,
        orgs=services.orgs,
        dialect=services.executor.dialect,
        bounds=statement_bounds(services.settings),
        deadline=deadline,
        min_cell_size=services.settings.min_cell_size,
    )


def started(turn: Turn, services: Services) -> Turn:
    """The turn with its request deadline running (started once, at the first gate)."""
    if turn.deadline is not None:
        return turn
    return replace(turn, deadline=Deadline.starting(services.settings.query_timeout_s))


def run_query(turn: Turn, services: Services, tree: exp.Expr, row_cap: int) -> QueryResult:
    """Execute under what is left of the turn's deadline."""
    deadline = turn.deadline or Deadline.starting(services.settings.query_timeout_s)
    deadline.check()
    try:
        return services.executor.execute(tree, row_cap=row_cap, timeout_s=deadline.remaining())
    except QueryLimit as exc:
        if exc.code == "QUERY_TIMEOUT":
            raise deadline.timeout() from exc
        raise
