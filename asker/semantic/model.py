"""The metric dictionary as frozen values: metrics (MetricFlow's types), measures, dimensions.

Types: ``simple`` (aggregate a measure, optional filter; ``snapshot`` makes it semi-additive: a
balance read on the period's last date, never summed over days; ``per_day`` divides by the
period's calendar days: 日均), ``ratio`` (numerator / denominator metrics on the same period and
group), ``derived`` (an expression over metrics, each with an optional time offset),
``cumulative`` (a measure over a window ending on the period end, e.g. year to date) and
``migration`` (the share of a class at the previous period end that moved to worse classes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MetricType = Literal["simple", "ratio", "derived", "cumulative", "migration"]
Offset = Literal["none", "prior_year_end"]
Window = Literal["year_to_date"]
OrgRows = Literal["all", "query_level"]
Format = Literal["amount", "count", "percent"]
Category = Literal["监管", "风险", "考核", "财务", "业务"]


@dataclass(frozen=True)
class DimensionFilter:
    dimension: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Measure:
    """An aggregate over one table: ``expr`` (e.g. ``SUM(balance)``) over rows in the period."""

    table: str
    expr: str
    time: str
    where: str | None = None
    filters: tuple[DimensionFilter, ...] = ()
    snapshot: bool = False
    per_day: bool = False
    window: Window | None = None
    org_rows: OrgRows = "all"


@dataclass(frozen=True)
class Migration:
    """Balance at the previous period end of rows in ``from_classes`` that are in ``to_classes``
    at the period end, over the balance of all of them at the previous period end."""

    table: str
    key: str
    time: str
    class_column: str
    amount: str
    from_classes: tuple[str, ...]
    to_classes: tuple[str, ...]


@dataclass(frozen=True)
class MetricInput:
    """One metric used by a derived metric, under an alias, optionally shifted in time."""

    code: str
    alias: str
    offset: Offset = "none"


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    name_en: str
    type: MetricType
    definition: str
    definition_en: str
    unit: str
    format: Format
    category: Category
    owner_department: str
    steward: str
    dimensions: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    synonyms_en: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    measure: Measure | None = None
    numerator: str | None = None
    denominator: str | None = None
    expr: str | None = None
    inputs: tuple[MetricInput, ...] = ()
    migration: Migration | None = None
    locked: bool = False
    higher_is_better: bool | None = None
    source: str = ""
    entities: tuple[str, ...] = ()  # entity grains it may be read at (customer, account, loan)

    @property
    def terms(self) -> tuple[str, ...]:
        """Every word that names this metric: names, synonyms, abbreviations, aliases."""
        return (
            self.name,
            self.name_en,
            *self.synonyms,
            *self.synonyms_en,
            *self.abbreviations,
            *self.aliases,
        )


@dataclass(frozen=True)
class Dimension:
    """A way to group or filter. ``path`` walks from a measure's table to the column's table:
    ``org`` and ``customer`` are the table's scope columns, other steps are foreign-key columns."""

    code: str
    name: str
    name_en: str
    column: str
    path: tuple[str, ...] = ()
    key: str | None = None
    synonyms: tuple[str, ...] = ()
    synonyms_en: tuple[str, ...] = ()
    values_where: str | None = None  # which rows of the column's table are this dimension's values

    @property
    def key_column(self) -> str:
        return self.key or self.column


@dataclass(frozen=True)
class Dictionary:
    metrics: tuple[Metric, ...]
    dimensions: tuple[Dimension, ...]

    def metric(self, code: str) -> Metric:
        for m in self.metrics:
            if m.code == code:
                return m
        raise KeyError(code)

    def dimension(self, code: str) -> Dimension:
        for d in self.dimensions:
            if d.code == code:
                return d
        raise KeyError(code)

    @property
    def metric_codes(self) -> tuple[str, ...]:
        return tuple(m.code for m in self.metrics)

    @property
    def dimension_codes(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.dimensions)
