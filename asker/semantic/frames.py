"""Frames: one metric's values per (bucket, dimension keys) over a timeline of periods.

Every frame selects ``bucket``, then ``<dim>__key`` and ``<dim>`` for each dimension, then
``value``. A timeline is a CTE of periods (bucket, period_start, period_end, prev_end,
year_start, label) written as literal dates, so the SQL needs no calendar functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlglot
from sqlglot import exp

from asker.semantic.joins import JoinStep, join_path
from asker.semantic.model import Dimension, DimensionFilter, Measure, Migration
from asker.types import Period
from asker.warehouse.catalog import Catalog

SRC = "src"
PERIOD = "p"
TIMELINE_COLUMNS = ("bucket", "period_start", "period_end", "prev_end", "year_start", "label")


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table, quoted=False)


def table(name: str, alias: str) -> exp.Table:
    """``name AS alias`` with a proper TableAlias (``Table.as_`` leaves a bare identifier)."""
    return exp.Table(
        this=exp.to_identifier(name), alias=exp.TableAlias(this=exp.to_identifier(alias))
    )


def date_literal(d: date) -> exp.Expr:
    return exp.cast(exp.Literal.string(d.isoformat()), exp.DataType.Type.DATE)


def timeline_select(periods: tuple[tuple[int, Period, date], ...]) -> exp.Query:
    """One literal row per bucket: SELECT 1 AS bucket, DATE ... AS period_start, ... UNION ALL ...
    (plain SELECTs rather than VALUES, which the gate does not allow and some engines lack)."""
    rows: list[exp.Select] = []
    for bucket, p, label in periods:
        values = (
            exp.Literal.number(bucket),
            date_literal(p.start),
            date_literal(p.end),
            date_literal(p.start - timedelta(days=1)),
            date_literal(date(p.end.year, 1, 1)),
            date_literal(label),
        )
        rows.append(exp.select(*(v.as_(c) for v, c in zip(values, TIMELINE_COLUMNS, strict=True))))
    query: exp.Query = rows[0]
    for row in rows[1:]:
        query = exp.union(query, row, distinct=False)
    return query


def qualified(sql: str) -> exp.Expr:
    """A dictionary SQL fragment with its bare columns bound to the measure's table."""
    tree = sqlglot.parse_one(sql, dialect="duckdb")
    for column in list(tree.find_all(exp.Column)):
        if not column.table and column.find_ancestor(exp.Select) is None:
            column.set("table", exp.to_identifier(SRC))
    return tree


def in_values(target: exp.Expr, values: tuple[str, ...], exclude: bool = False) -> exp.Expr:
    test = exp.In(this=target.copy(), expressions=[exp.Literal.string(v) for v in values])
    return exp.not_(test) if exclude else test


@dataclass
class Joins:
    """The dimension joins one frame needs, each path prefix joined once under a stable alias."""

    catalog: Catalog
    table: str
    select: exp.Select
    done: set[str] = field(default_factory=set)

    def alias_for(self, path: tuple[str, ...]) -> str:
        steps = join_path(self.catalog, self.table, path)
        alias = SRC
        for index, step in enumerate(steps):
            previous = alias
            alias = "j_" + "_".join(_short(s) for s in steps[: index + 1])
            if alias not in self.done:
                self._join(step, previous, alias)
        return alias

    def _join(self, step: JoinStep, previous: str, alias: str) -> None:
        on = exp.EQ(this=col(step.ref_column, alias), expression=col(step.column, previous))
        self.select.join(table(step.table, alias), on=on, copy=False)
        self.done.add(alias)


def _short(step: JoinStep) -> str:
    return step.column.removesuffix("_id") or step.column


@dataclass(frozen=True)
class FrameSpec:
    """What every frame of one query shares: its dimensions and the query's filters."""

    dimensions: tuple[Dimension, ...]
    filters: tuple[tuple[Dimension, tuple[str, ...], bool], ...]
    org_level: str  # the org rows budget targets are read at: '分行' or '支行'


def _dimension_columns(joins: Joins, spec: FrameSpec) -> list[tuple[exp.Column, str]]:
    """(expression, output name) for each dimension's key and display column."""
    columns: list[tuple[exp.Column, str]] = []
    for dim in spec.dimensions:
        alias = joins.alias_for(dim.path)
        columns += [
            (col(dim.key_column, alias), f"{dim.code}__key"),
            (col(dim.column, alias), dim.code),
        ]
    return columns


def _select_grouped(
    select: exp.Select,
    dims: list[tuple[exp.Column, str]],
    value: exp.Expr,
    extra: tuple[str, ...] = (),
) -> exp.Select:
    select.select(*(e.as_(name) for e, name in dims), value.as_("value"), copy=False)
    keys = [col("bucket", PERIOD), *(col(c, PERIOD) for c in extra), *(e.copy() for e, _ in dims)]
    return select.group_by(*keys, copy=False)


def _filters(
    joins: Joins, spec: FrameSpec, own: tuple[DimensionFilter, ...], by_code: dict[str, Dimension]
) -> list[exp.Expr]:
    conditions = []
    for f in own:
        dim = by_code[f.dimension]
        conditions.append(in_values(col(dim.key_column, joins.alias_for(dim.path)), f.values))
    for dim, values, exclude in spec.filters:
        conditions.append(
            in_values(col(dim.key_column, joins.alias_for(dim.path)), values, exclude)
        )
    return conditions


def _time_condition(measure: Measure) -> exp.Expr:
    time = qualified(measure.time)
    if measure.window == "year_to_date":
        return exp.Between(this=time, low=col("year_start", PERIOD), high=col("period_end", PERIOD))
    if measure.snapshot:
        return exp.EQ(this=time, expression=col("period_end", PERIOD))
    return exp.Between(this=time, low=col("period_start", PERIOD), high=col("period_end", PERIOD))


def measure_frame(
    catalog: Catalog,
    measure: Measure,
    timeline: str,
    spec: FrameSpec,
    by_code: dict[str, Dimension],
) -> exp.Select:
    """One measure aggregated per bucket and dimension group."""
    select = exp.select(col("bucket", PERIOD)).from_(table(timeline, PERIOD))
    select.join(table(measure.table, SRC), on=_time_condition(measure), copy=False)
    joins = Joins(catalog, measure.table, select)
    value: exp.Expr = qualified(measure.expr)
    if measure.per_day:
        days = exp.DateDiff(
            this=col("period_end", PERIOD),
            expression=col("period_start", PERIOD),
            unit=exp.var("DAY"),
        )
        value = exp.Div(
            this=value, expression=exp.paren(exp.Add(this=days, expression=exp.Literal.number(1)))
        )
    dims = _dimension_columns(joins, spec)
    conditions = [qualified(measure.where)] if measure.where else []
    conditions += _filters(joins, spec, measure.filters, by_code)
    if measure.org_rows == "query_level":
        conditions.append(
            exp.EQ(
                this=col("org_level", joins.alias_for(("org",))),
                expression=exp.Literal.string(spec.org_level),
            )
        )
    if conditions:
        select.where(*conditions, copy=False)
    extra = ("period_start", "period_end") if measure.per_day else ()
    return _select_grouped(select, dims, value, extra)


def migration_frame(
    catalog: Catalog, mig: Migration, timeline: str, spec: FrameSpec, by_code: dict[str, Dimension]
) -> exp.Select:
    """Balance at the previous period end of rows in ``from_classes`` that are in ``to_classes``
    at the period end, over all of them; rows are grouped by their previous-end attributes."""
    at_prev = exp.and_(
        exp.EQ(this=col(mig.time, SRC), expression=col("prev_end", PERIOD)),
        in_values(col(mig.class_column, SRC), mig.from_classes),
    )
    now = "cur"
    at_end = exp.and_(
        exp.EQ(this=col(mig.key, now), expression=col(mig.key, SRC)),
        exp.EQ(this=col(mig.time, now), expression=col("period_end", PERIOD)),
    )
    select = exp.select(col("bucket", PERIOD)).from_(table(timeline, PERIOD))
    select.join(table(mig.table, SRC), on=at_prev, copy=False)
    select.join(table(mig.table, now), on=at_end, join_type="left", copy=False)
    joins = Joins(catalog, mig.table, select)
    moved = exp.Case(
        ifs=[
            exp.If(
                this=in_values(col(mig.class_column, now), mig.to_classes),
                true=col(mig.amount, SRC),
            )
        ],
        default=exp.Literal.number(0),
    )
    value = exp.Div(
        this=exp.Sum(this=moved),
        expression=exp.Nullif(
            this=exp.Sum(this=col(mig.amount, SRC)), expression=exp.Literal.number(0)
        ),
    )
    dims = _dimension_columns(joins, spec)
    conditions = _filters(joins, spec, (), by_code)
    if conditions:
        select.where(*conditions, copy=False)
    return _select_grouped(select, dims, value)
