"""MetricQuery -> sqlglot AST -> SQL in the configured dialect. Deterministic and snapshot-tested.

Each metric becomes a frame CTE (see ``frames``); ratios and derived metrics join their parts'
frames on bucket and dimension keys (null-safe); comparisons are the same frames over a shifted
timeline. The result's columns: the bucket (named by the grain) when a grain is asked for, each
dimension's display value (named by its code), then each metric (named by its code; with a
comparison also ``<code>_compare``, ``<code>_diff`` and ``<code>_growth``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from sqlglot import exp

from asker.errors import NotAnswerable
from asker.semantic import frames, periods
from asker.semantic.entity_grain import (
    ENTITY_ALIAS,
    condition,
    entity_dimension,
    entity_of,
    join_entity,
    part_value,
)
from asker.semantic.frames import PERIOD, FrameSpec, col, table
from asker.semantic.model import Dictionary, Metric
from asker.semantic.planned_columns import planned_columns
from asker.semantic.query_checks import check_query
from asker.types import MetricQuery, Period
from asker.warehouse.catalog import Catalog

Shift = Callable[[Period], Period]


@dataclass(frozen=True)
class CompiledQuery:
    query: MetricQuery  # with the period resolved
    tree: exp.Select
    metrics: tuple[Metric, ...]
    columns: tuple[str, ...]
    buckets: tuple[Period, ...]
    compare_buckets: tuple[Period, ...] = ()

    def sql(self, dialect: str = "duckdb", pretty: bool = False) -> str:
        return self.tree.sql(dialect=dialect, pretty=pretty)


@dataclass
class _Build:
    compiler: Compiler
    query: MetricQuery
    spec: FrameSpec
    buckets: tuple[Period, ...]
    ctes: list[tuple[str, exp.Query]] = field(default_factory=list)
    names: dict[tuple[str, ...], str] = field(default_factory=dict)

    def _add(self, key: tuple[str, ...], name: str, select: exp.Query) -> str:
        self.ctes.append((name, select))
        self.names[key] = name
        return name

    def timeline(self, shifts: tuple[str, ...]) -> str:
        key = ("timeline", *shifts)
        if key in self.names:
            return self.names[key]
        rows = []
        for bucket, base in enumerate(self.buckets, start=1):
            label = periods.unit_start(base.start, self.query.grain or "day")
            shifted = base
            for shift in shifts:
                shifted = self.compiler.shift(shift, shifted, self.query)
            rows.append((bucket, shifted, label))
        name = "timeline" + "".join(f"_{s}" for s in shifts)
        return self._add(key, name, frames.timeline_select(tuple(rows)))

    def frame(self, code: str, shifts: tuple[str, ...]) -> str:
        key = ("frame", code, *shifts)
        if key in self.names:
            return self.names[key]
        metric = self.compiler.dictionary.metric(code)
        select = self._frame_select(metric, shifts)
        return self._add(key, f"m_{code}" + "".join(f"_{s}" for s in shifts), select)

    def _frame_select(self, metric: Metric, shifts: tuple[str, ...]) -> exp.Select:
        c = self.compiler
        if metric.measure is not None:
            return frames.measure_frame(
                c.catalog, metric.measure, self.timeline(shifts), self.spec, c.dims
            )
        if metric.migration is not None:
            return frames.migration_frame(
                c.catalog, metric.migration, self.timeline(shifts), self.spec, c.dims
            )
        if metric.type == "ratio":
            assert metric.numerator and metric.denominator
            den, num = self.frame(metric.denominator, shifts), self.frame(metric.numerator, shifts)
            value = exp.Div(
                this=exp.Coalesce(this=col("value", "n"), expressions=[exp.Literal.number(0)]),
                expression=exp.Nullif(this=col("value", "d"), expression=exp.Literal.number(0)),
            )
            return self.joined(("d", den), [("n", num)], value)
        inputs = [
            (
                i.alias,
                self.frame(i.code, shifts + (("ytd",) if i.offset == "prior_year_end" else ())),
            )
            for i in metric.inputs
        ]
        expression = frames.qualified(metric.expr or "")
        for column in list(expression.find_all(exp.Column)):
            column.replace(
                exp.Coalesce(this=col("value", column.name), expressions=[exp.Literal.number(0)])
            )
        return self.joined(inputs[0], inputs[1:], expression)

    def key_columns(self) -> list[str]:
        return ["bucket", *(f"{d.code}__key" for d in self.spec.dimensions)]

    def carried_columns(self) -> list[str]:
        return [c for d in self.spec.dimensions for c in (f"{d.code}__key", d.code)]

    def join_on(self, left: str, right: str) -> exp.Expr:
        on: list[exp.Expr] = [exp.EQ(this=col("bucket", right), expression=col("bucket", left))]
        on += [
            exp.NullSafeEQ(this=col(k, right), expression=col(k, left))
            for k in self.key_columns()[1:]
        ]
        return exp.and_(*on)

    def joined(
        self, driver: tuple[str, str], others: list[tuple[str, str]], value: exp.Expr
    ) -> exp.Select:
        alias, name = driver
        select = exp.select(col("bucket", alias), *(col(c, alias) for c in self.carried_columns()))
        select = select.select(value.as_("value")).from_(table(name, alias))
        for other_alias, other in others:
            select.join(
                table(other, other_alias),
                on=self.join_on(alias, other_alias),
                join_type="left",
                copy=False,
            )
        return select


class Compiler:
    """Compiles metric queries against one dictionary, catalog and data date."""

    def __init__(self, dictionary: Dictionary, catalog: Catalog, data_date: date) -> None:
        self.dictionary = dictionary
        self.catalog = catalog
        self.data_date = data_date
        self.dims = {d.code: d for d in dictionary.dimensions}

    def shift(self, name: str, period: Period, query: MetricQuery) -> Period:
        if name == "yoy":
            return periods.year_ago(period)
        if name == "mom":
            return periods.previous(period, query.grain)
        return periods.prior_year_end(period)

    def resolve_period(self, query: MetricQuery) -> Period:
        period = query.period or periods.default_period(self.data_date, query.grain)
        if (
            period.start > self.data_date
            or period.end < periods.HISTORY_START
            or period.start > period.end
        ):
            raise NotAnswerable(
                "PERIOD_OUT_OF_RANGE",
                start=period.start.isoformat(),
                end=period.end.isoformat(),
                first=periods.HISTORY_START.isoformat(),
                data_date=self.data_date.isoformat(),
            )
        return Period(max(period.start, periods.HISTORY_START), min(period.end, self.data_date))

    def compile(self, query: MetricQuery) -> CompiledQuery:
        self.check(query)
        query = replace(query, period=self.resolve_period(query))
        assert query.period is not None
        buckets = periods.buckets(query.period, query.grain) if query.grain else (query.period,)
        build = _Build(self, query, self._spec(query), buckets)
        tree = self._final(build)
        for name, select in build.ctes:
            tree = tree.with_(name, as_=select, copy=False)
        metrics = tuple(self.dictionary.metric(c) for c in query.metrics)
        compare = (
            tuple(self.shift(query.compare, b, query) for b in buckets) if query.compare else ()
        )
        columns = tuple(c.name for c in planned_columns(query))
        return CompiledQuery(query, tree, metrics, columns, buckets, compare)

    def _spec(self, query: MetricQuery) -> FrameSpec:
        filters = tuple((self.dims[f.dimension], f.values, f.exclude) for f in query.filters)
        at_subbranch = "subbranch" in query.dimensions or any(
            f.dimension == "subbranch" for f in query.filters
        )
        entity = entity_of(query)
        grain = (entity_dimension(entity),) if entity else ()
        return FrameSpec(
            (*(self.dims[d] for d in query.dimensions), *grain),
            filters,
            "支行" if at_subbranch else "分行",
        )

    def _final(self, build: _Build) -> exp.Select:
        query = build.query
        base = [(f"v{i}", build.frame(code, ())) for i, code in enumerate(query.metrics)]
        spine_alias, spine = base[0]
        if len(base) > 1:
            spine_alias, spine = "k", build._add(("spine",), "spine", self._spine(build, base))
        select = exp.select().from_(table(spine, spine_alias))
        if query.grain:
            select.join(
                table(build.timeline(()), PERIOD),
                on=exp.EQ(this=col("bucket", PERIOD), expression=col("bucket", spine_alias)),
                copy=False,
            )
            select.select(col("label", PERIOD).as_(query.grain), copy=False)
        select.select(*(col(d, spine_alias).as_(d) for d in query.dimensions), copy=False)
        if (entity := entity_of(query)) is not None:
            join_entity(select, entity, spine_alias, query.attributes)
        for (alias, name), code in zip(base, query.metrics, strict=True):
            if alias != spine_alias:
                select.join(
                    table(name, alias),
                    on=build.join_on(spine_alias, alias),
                    join_type="left",
                    copy=False,
                )
            if query.compare:
                shifted = build.frame(code, (query.compare,))
                select.join(
                    table(shifted, f"{alias}c"),
                    on=build.join_on(spine_alias, f"{alias}c"),
                    join_type="left",
                    copy=False,
                )
            select.select(*self._metric_columns(query, code, alias), copy=False)
        self._thresholds(select, query, dict(zip(query.metrics, (a for a, _ in base), strict=True)))
        return self._order(select, build, spine_alias)

    def _thresholds(self, select: exp.Select, query: MetricQuery, aliases: dict[str, str]) -> None:
        """Thresholds filter the grouped rows of the outermost query: on a metric they act as a
        HAVING on each group or entity, on an entity attribute as a WHERE on its rows."""

        def value(code: str, part: str) -> exp.Expr:
            alias = aliases[code]
            compare = col("value", f"{alias}c") if query.compare else None
            return part_value(col("value", alias), compare, part)

        conditions = [condition(t, value, ENTITY_ALIAS) for t in query.thresholds]
        if conditions:
            select.where(*conditions, copy=False)

    def _spine(self, build: _Build, base: list[tuple[str, str]]) -> exp.Select:
        columns = ["bucket", *build.carried_columns()]
        parts = [exp.select(*(col(c) for c in columns)).from_(name) for _, name in base]
        union: exp.Query = parts[0]
        for part in parts[1:]:
            union = exp.union(union, part, distinct=True)
        return exp.select("*").from_(union.subquery("u"))

    def _metric_columns(self, query: MetricQuery, code: str, alias: str) -> list[exp.Expr]:
        value = col("value", alias)
        if not query.compare:
            return [value.as_(code)]
        cmp = col("value", f"{alias}c")
        return [
            value.as_(code),
            cmp.as_(f"{code}_compare"),
            exp.Sub(this=value.copy(), expression=cmp.copy()).as_(f"{code}_diff"),
            exp.Div(
                this=exp.paren(exp.Sub(this=value.copy(), expression=cmp.copy())),
                expression=exp.Nullif(this=cmp.copy(), expression=exp.Literal.number(0)),
            ).as_(f"{code}_growth"),
        ]

    def _order(self, select: exp.Select, build: _Build, spine: str) -> exp.Select:
        query = build.query
        keys = [
            col("bucket", spine),
            *(col(f"{d.code}__key", spine) for d in build.spec.dimensions),
        ]
        if query.order:
            first = exp.column(query.metrics[0])
            ranked = exp.Ordered(this=first, desc=query.order == "desc", nulls_first=False)
            select = select.order_by(ranked, *keys, copy=False)
        else:
            select = select.order_by(*keys, copy=False)
        return select.limit(query.limit, copy=False) if query.limit else select

    def check(self, query: MetricQuery) -> None:
        check_query(query, self.dictionary, self.dims)
