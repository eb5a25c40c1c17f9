"""Join paths from a measure's table to a dimension's column, walked over the schema catalog.

A path step is ``org`` (the table's booking-org column), ``customer`` (its customer column) or a
foreign-key column. A step that names the table's own single-column primary key stays put, so
``customer`` on ``dim_customer`` needs no join.

>>> from asker.warehouse.catalog import load_catalog
>>> steps = join_path(load_catalog(), "fact_transaction", ("org", "branch_id"))
>>> [(s.column, s.table) for s in steps]
[('org_id', 'dim_org'), ('branch_id', 'dim_org')]
"""

from __future__ import annotations

from dataclasses import dataclass

from asker.warehouse.catalog import Catalog, Table


@dataclass(frozen=True)
class JoinStep:
    """Join ``table`` on ``table.ref_column = <previous>.column``."""

    column: str
    table: str
    ref_column: str


class NoJoinPath(LookupError):
    """The dimension cannot be reached from the table."""


def _step_column(table: Table, step: str) -> str:
    if step == "org":
        if table.org_column is None:
            raise NoJoinPath(f"{table.name} 没有机构列 has no org column")
        return table.org_column
    if step == "customer":
        if table.customer_column is None:
            raise NoJoinPath(f"{table.name} 没有客户列 has no customer column")
        return table.customer_column
    return step


def join_path(catalog: Catalog, table_name: str, path: tuple[str, ...]) -> tuple[JoinStep, ...]:
    """The joins that lead from ``table_name`` along ``path``; raises NoJoinPath."""
    table = catalog.table(table_name)
    steps: list[JoinStep] = []
    for step in path:
        column = _step_column(table, step)
        if table.primary_key == (column,) and not steps and step in ("org", "customer"):
            continue  # the table is itself the dimension's table (dim_customer for `customer`)
        fk = next((fk for fk in table.foreign_keys if fk.columns == (column,)), None)
        if fk is None:
            if table.primary_key == (column,):
                continue
            raise NoJoinPath(f"{table.name}.{column} 没有外键 has no foreign key to follow")
        steps.append(JoinStep(column=column, table=fk.references, ref_column=fk.ref_columns[0]))
        table = catalog.table(fk.references)
    return tuple(steps)


def end_table(catalog: Catalog, table_name: str, steps: tuple[JoinStep, ...]) -> Table:
    return catalog.table(steps[-1].table) if steps else catalog.table(table_name)
