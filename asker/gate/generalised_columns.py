"""Gate step: columns that would undo a mask are generalised inside the gate's own subqueries.

An 18-digit ID number hides its 8 birth-date digits; a role that reads ``birth_date`` beside the
masked ID would rebuild it. The catalog declares which column holds a hidden part
(``encodes``) and the policy derives which roles see it generalised; this step puts the
generalisation into the projection of the table's subquery under the column's own name
(``birth_date`` becomes the DATE of January 1 of its year), so every use downstream — output,
predicates, grouping, functions — sees only the year. Ages by year (``DATE_DIFF('year', ...)``,
``YEAR(...)``) keep their values; month and day are gone.

>>> generalise_year(exp.column("birth_date", quoted=True)).sql("duckdb")
'CAST(DATE_TRUNC(\\'YEAR\\', "birth_date") AS DATE)'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlglot import exp

from asker.gate.state import GateState, ReplacedTable
from asker.types import Labelled


def generalise_year(value: exp.Expr) -> exp.Expr:
    """A date as the DATE of January 1 of its year (NULL stays NULL)."""
    trunc = exp.DateTrunc(this=value, unit=exp.var("YEAR"))  # type: ignore[no-untyped-call]
    return exp.cast(trunc, "DATE")


GENERALISATIONS: dict[str, Callable[[exp.Expr], exp.Expr]] = {"year": generalise_year}
LABELS = {"year": ("仅显示年份", "shown as its year only")}


def generalised_columns(state: GateState) -> GateState:
    for source in state.replaced:
        apply_generalisations(source, state)
    read = set(state.columns)
    labels = tuple(
        Labelled(
            label=f"{column}{LABELS[how][0]} ({column} {LABELS[how][1]})",
            value={"column": column.split(".")[1], "source": column, "generalised": how},
        )
        for column, how in state.role.generalised
        if column in read
    )
    return replace(state, masked_columns=state.masked_columns + labels)


def apply_generalisations(source: ReplacedTable, state: GateState) -> None:
    """Replace each generalised column of the gate's subquery by its generalisation."""
    for projection in list(source.select.expressions):
        if not isinstance(projection, exp.Column):
            continue
        how = state.role.generalisation(source.table, projection.name)
        if how is not None:
            coarse = GENERALISATIONS[how](projection.copy())
            projection.replace(exp.alias_(coarse, projection.name, quoted=True))
