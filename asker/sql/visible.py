"""What the asking role may see, as plain data: the only things a prompt may name.

The pipeline computes it from the permission policy (this package never reads the policy) and
passes it here. Retrieved documents are kept only when everything they name is visible, so a
prompt holds no table, column, org or example the role may not see, and no sample rows at all.

>>> from asker.warehouse.catalog import load_catalog
>>> view = build_visible(load_catalog(), access=lambda t, c: "denied" if t == "dim_customer"
...     else "visible", metrics=(), dimensions=(), values=())
>>> "dim_customer" in view.table_names, "dim_org" in view.table_names
(False, True)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from asker.pii import redact_pii
from asker.semantic.model import Dictionary, Metric
from asker.types import Hit
from asker.warehouse.catalog import Catalog, Table

Access = Callable[[str, str], str]  # (table, column) -> "visible" | "masked" | "denied"


@dataclass(frozen=True)
class ColumnView:
    name: str
    type: str
    comment: str
    masked: bool = False


@dataclass(frozen=True)
class TableView:
    name: str
    comment: str
    columns: tuple[ColumnView, ...]


@dataclass(frozen=True)
class MetricView:
    code: str
    name: str
    name_en: str
    definition: str
    dimensions: tuple[str, ...]
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Visible:
    """Tables and columns (masked ones marked), metrics, dimensions and dimension values
    ``(dimension, key, label)`` one role may see; ``hidden`` holds names it may not."""

    tables: tuple[TableView, ...]
    metrics: tuple[MetricView, ...]
    dimensions: tuple[tuple[str, str, str], ...]
    values: tuple[tuple[str, str, str], ...]
    hidden: frozenset[str] = frozenset()

    @property
    def table_names(self) -> frozenset[str]:
        return frozenset(t.name for t in self.tables)

    @property
    def empty(self) -> bool:
        return not self.tables and not self.metrics

    def allows(self, hit: Hit) -> bool:
        """A retrieved document may reach a prompt only if it names nothing hidden."""
        if hit.kind == "metric":
            return hit.key in {m.code for m in self.metrics}
        if hit.kind == "table":
            return hit.key in self.table_names
        if hit.kind in ("column", "value") and not self._shows_column(hit.key.split("=")[0]):
            return False
        return not self.names_hidden(hit.text)

    def names_hidden(self, text: str) -> bool:
        """Whether ``text`` names anything the role may not see (a model's words are screened)."""
        return any(_names(text, name) for name in self.hidden)

    def _shows_column(self, key: str) -> bool:
        """``table.column`` is visible (a key without a column names only its table)."""
        table, _, column = key.partition(".")
        for t in self.tables:
            if t.name == table:
                return not column or column in {c.name for c in t.columns}
        return False


def _names(text: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def metric_tables(metric: Metric, dictionary: Dictionary) -> set[str]:
    """Every table a metric reads through its measure, inputs and migration."""
    tables: set[str] = set()
    if metric.measure:
        tables.add(metric.measure.table)
    if metric.migration:
        tables.add(metric.migration.table)
    parts = [metric.numerator, metric.denominator, *(i.code for i in metric.inputs)]
    for code in filter(None, parts):
        tables |= metric_tables(dictionary.metric(code), dictionary)
    return tables


def _table_view(table: Table, access: Access) -> TableView | None:
    columns = []
    for col in table.columns:
        seen = access(table.name, col.name)
        if seen != "denied":
            columns.append(ColumnView(col.name, col.type, col.comment, seen == "masked"))
    return TableView(table.name, table.comment, tuple(columns)) if columns else None


def build_visible(
    catalog: Catalog,
    *,
    access: Access,
    metrics: Iterable[Metric],
    dimensions: Iterable[tuple[str, str, str]],
    values: Iterable[tuple[str, str, str]],
    hidden_values: Iterable[str] = (),
) -> Visible:
    """``hidden_values``: labels the role may not see named (org units outside its scope)."""
    tables = tuple(v for t in catalog.tables if (v := _table_view(t, access)) is not None)
    shown = {t.name for t in tables} | {f"{t.name}.{c.name}" for t in tables for c in t.columns}
    shown_columns = {c.name for t in tables for c in t.columns}
    hidden = {t.name for t in catalog.tables if t.name not in shown}
    hidden |= {
        c.name
        for t in catalog.tables
        for c in t.columns
        if f"{t.name}.{c.name}" not in shown and c.name not in shown_columns
    }
    return Visible(
        tables=tables,
        metrics=tuple(
            MetricView(m.code, m.name, m.name_en, m.definition, m.dimensions, m.terms)
            for m in metrics
        ),
        dimensions=tuple(dimensions),
        values=tuple((d, k, redact_pii(label)) for d, k, label in values),
        hidden=frozenset(hidden | set(hidden_values)),
    )


ORG_DIMENSIONS = ("branch", "subbranch")


def scoped_values(
    labels: Mapping[tuple[str, str], str],
    orgs: frozenset[str] | None,
    org_names: Mapping[str, str],
    owners: Mapping[tuple[str, str], frozenset[str]] | None = None,
) -> tuple[list[tuple[str, str, str]], set[str]]:
    """Dimension values a role may see named, and the names it may not: org units outside its
    scope (``orgs`` None: all in scope), cities for scoped roles, and values that belong only to
    units outside it (``owners``: a client manager's unit) are left out and their names hidden."""
    values = []
    hidden = set() if orgs is None else {n for k, n in org_names.items() if k not in orgs}
    for (dimension, key), label in sorted(labels.items()):
        if orgs is not None and dimension in ORG_DIMENSIONS and key not in orgs:
            continue
        if orgs is not None and dimension == "city":
            continue
        units = (owners or {}).get((dimension, key))
        if orgs is not None and units is not None and not units & orgs:
            hidden |= {label, key}  # a manager outside scope: neither name nor employee id
            continue
        values.append((dimension, key, label))
    return values, hidden
