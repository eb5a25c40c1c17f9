"""The compiler's entity grain and thresholds: frames grouped by the entity's key (customer,
account, loan), the entity's attributes joined in the outermost projection (where the gate's
masks apply), and thresholds as conditions on the grouped values (a HAVING on each group or
entity) or on the entity's attributes (a WHERE on its rows).

>>> t = Threshold("deposit_balance", ">", 1e6)
>>> condition(t, lambda code, part: exp.column("value", "v0"), "e").sql()
'v0.value > 1000000'
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from asker.semantic.entities import Entity, load_entities
from asker.semantic.frames import col, table
from asker.semantic.model import Dimension
from asker.types import MetricQuery, Threshold

ENTITY_ALIAS = "e"
MetricValue = Callable[[str, str], exp.Expr]  # (metric code, part) -> its value in the final query


def entity_of(query: MetricQuery) -> Entity | None:
    return load_entities().get(query.entity) if query.entity else None


def entity_dimension(entity: Entity) -> Dimension:
    """The entity as a grouping key read straight off each fact table (``src.cust_id``)."""
    return Dimension(code=entity.code, name=entity.name, name_en=entity.name_en, column=entity.key)


def join_entity(
    select: exp.Select, entity: Entity, spine: str, attributes: tuple[str, ...]
) -> None:
    """Join the entity's own table on its key and show its columns (masked by the gate)."""
    on = exp.EQ(this=col(entity.key, ENTITY_ALIAS), expression=col(f"{entity.code}__key", spine))
    select.join(table(entity.table, ENTITY_ALIAS), on=on, copy=False)
    select.select(*(col(c, ENTITY_ALIAS).as_(c) for c in entity.columns(attributes)), copy=False)


def _number(value: float) -> exp.Expr:
    number = float(value)
    return exp.Literal.number(int(number) if number.is_integer() else repr(number))


def condition(threshold: Threshold, metric_value: MetricValue, entity_alias: str) -> exp.Expr:
    """The comparison a threshold stands for, on a metric's value or an entity attribute."""
    target = (
        col(threshold.target, entity_alias)
        if threshold.on_attribute
        else metric_value(threshold.target, threshold.part)
    )
    if threshold.op == "between":
        high = threshold.high if threshold.high is not None else threshold.value
        return exp.Between(this=target, low=_number(threshold.value), high=_number(high))
    kinds: dict[str, type[exp.Binary]] = {">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}
    return kinds[threshold.op](this=target, expression=_number(threshold.value))


def part_value(value: exp.Expr, compare: exp.Expr | None, part: str) -> exp.Expr:
    """A metric's value, or (with a comparison) its difference or growth rate."""
    if part == "value" or compare is None:
        return value
    diff = exp.Sub(this=value.copy(), expression=compare.copy())
    if part == "diff":
        return diff
    return exp.Div(
        this=exp.paren(diff),
        expression=exp.Nullif(this=compare.copy(), expression=exp.Literal.number(0)),
    )
