"""The warehouse's own names and addresses, handed to the one PII redactor (asker/pii.py) when
the Runtime builds its services: a customer's name or address typed in a question is redacted in
prompts, conversation storage and the audit log like an ID number is."""

from __future__ import annotations

from sqlglot import exp

from asker.pii import register_known_values
from asker.warehouse.catalog import Catalog
from asker.warehouse.engine import Executor

MAX_VALUES = 2_000_000  # per column; a bank's warehouse beyond this needs a dedicated index
LITERAL_TYPES = {"name": "names", "address": "addresses"}


def _distinct(executor: Executor, table: str, column: str) -> list[str]:
    query = (
        exp.select(exp.column(column, quoted=True))
        .distinct()
        .from_(exp.table_(table, quoted=True))
        .where(exp.column(column, quoted=True).is_(exp.null()).not_())
    )
    result = executor.execute(query, row_cap=MAX_VALUES, timeout_s=120)
    return [str(row[0]) for row in result.rows]


def register_warehouse_pii(catalog: Catalog, executor: Executor) -> None:
    """Every value of the catalog's name and address columns, registered with the redactor."""
    found: dict[str, list[str]] = {"names": [], "addresses": []}
    for table, column in catalog.pii_columns():
        kind = LITERAL_TYPES.get(column.pii or "")
        if kind is not None:
            found[kind] += _distinct(executor, table, column.name)
    register_known_values(found["names"], found["addresses"])
