"""Gate step: masked PII is used only as a plain output column, and is masked inside DuckDB.

Checks the allow-list rule on the qualified copy (``pii_lineage``), then puts each masked
column's mask into the projection of the gate's own subquery for its table (``row_scope``
wrote it), keeping the column name: every use downstream sees only masked values, so unmasked
values never leave DuckDB even through a construct the checks did not foresee.
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from asker.gate.issues import raise_if_any
from asker.gate.masking import mask_for
from asker.gate.pii_lineage import PiiLineage
from asker.gate.state import GateState, ReplacedTable
from asker.types import Labelled


def masked_columns(state: GateState) -> GateState:
    lineage = PiiLineage(state.checked, state)
    raise_if_any(lineage.misuses())
    for source in state.replaced:
        apply_masks(source, state)
    labels = tuple(
        Labelled(
            label=f"{origin.label}已脱敏",
            value={"column": name, "source": origin.name, "pii": origin.pii},
        )
        for name, origin in lineage.root_outputs()
    )
    return replace(state, masked_columns=labels)


def apply_masks(source: ReplacedTable, state: GateState) -> None:
    """Wrap each masked column of the gate's subquery in its mask, keeping its name."""
    table = state.catalog.table(source.table)
    for projection in list(source.select.expressions):
        if not isinstance(projection, exp.Column):
            continue
        column = table.column(projection.name)
        if column.pii and state.role.column_access(table.name, column.name) == "masked":
            masked = mask_for(column.pii)(projection.copy())
            projection.replace(exp.alias_(masked, column.name, quoted=True))
